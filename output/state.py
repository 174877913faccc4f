"""Scrape state beside the dataset: what each live source fetched last time, so a re-run asks only
"has this changed?" (conditional GET) and never downloads an unchanged page again.

    DIR/state/<source name>.json    {"urls": {url: {etag, last_modified, sha256}}, "last_run": ...}

Written atomically after the dataset commit. If a crash falls between the two, the next run asks for
those pages in full, finds the same bytes (by hash) and writes nothing: the state can lag, never lie.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from foidata.fetch import Validators

STATE_DIR = "state"
STATE_FORMAT = 1


def state_path(out_dir: str | os.PathLike[str], name: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    return Path(out_dir) / STATE_DIR / f"{safe}.json"


def load_state(out_dir: str | os.PathLike[str], name: str) -> dict[str, Validators]:
    """URL -> validators of the last fetch; empty when the source was never scraped into this dataset."""
    path = state_path(out_dir, name)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # a damaged state only costs full downloads; the content hashes still prevent duplicates
    urls = raw.get("urls", {}) if isinstance(raw, dict) else {}
    return {
        url: Validators(entry.get("etag"), entry.get("last_modified"), entry["sha256"])
        for url, entry in urls.items()
        if isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
    }


def save_state(
    out_dir: str | os.PathLike[str], name: str, urls: Mapping[str, Validators], when: dt.datetime | None = None
) -> Path:
    path = state_path(out_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "format": STATE_FORMAT,
        "source": name,
        "last_run": (when or dt.datetime.now(dt.UTC)).isoformat(),
        "urls": {
            url: {"etag": v.etag, "last_modified": v.last_modified, "sha256": v.sha256}
            for url, v in sorted(urls.items())
        },
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
