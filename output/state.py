"""Scrape state beside the dataset: what each live source fetched last time, so a re-run asks only
"has this changed?" (conditional GET) and never downloads an unchanged page again.

    DIR/state/<source name>.json    {"urls": {url: {etag, last_modified, sha256}}, "last_run": ...}

Written atomically after the dataset commit. If a crash falls between the two, the next run asks for
those pages in full, finds the same bytes (by hash) and writes nothing: the state can lag, never lie.
On object storage the file is one object, written with one PUT.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from foidata.output.storage import is_remote, location

STATE_DIR = "state"
STATE_FORMAT = 1



@dataclass(frozen=True)
class Validators:
    """What the last fetch of a URL returned, for a conditional GET and to find its bytes in the raw cache."""

    etag: str | None
    last_modified: str | None
    sha256: str

def state_path(out_dir: str | os.PathLike[str], name: str) -> Path:
    return Path(out_dir) / STATE_DIR / _file_name(name)


def _file_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name) + ".json"


def load_state(out_dir: str | os.PathLike[str], name: str) -> dict[str, Validators]:
    """URL -> validators of the last fetch; empty when the source was never scraped into this dataset."""
    try:
        if is_remote(out_dir):
            where = location(out_dir)
            text = where.fs.cat_file(where.join(STATE_DIR, _file_name(name))).decode("utf-8")
        else:
            text = state_path(out_dir, name).read_text(encoding="utf-8")
        raw = json.loads(text)
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
) -> str:
    """Write the state; returns where (a local path, or the object's URL)."""
    body = {
        "format": STATE_FORMAT,
        "source": name,
        "last_run": (when or dt.datetime.now(dt.UTC)).isoformat(),
        "urls": {
            url: {"etag": v.etag, "last_modified": v.last_modified, "sha256": v.sha256}
            for url, v in sorted(urls.items())
        },
    }
    if is_remote(out_dir):
        where = location(out_dir)
        key = where.join(STATE_DIR, _file_name(name))
        where.fs.pipe_file(key, json.dumps(body, indent=1).encode("utf-8"))  # one PUT: whole or absent
        return posixpath.join(where.url, STATE_DIR, _file_name(name))
    path = state_path(out_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
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
    return str(path)
