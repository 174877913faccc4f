"""The scrape's state files and raw cache beside the dataset."""

from __future__ import annotations

import json
import posixpath
import random

from foidata.output.check.files import _sha256
from foidata.output.check.scan import _SHA256, _TMP, RAW_DIR, _first_line, _Scan
from foidata.output.state import STATE_DIR


def _state(scan: _Scan) -> None:
    folder = scan.where.join(STATE_DIR)
    names = scan.ls(folder)
    temp = [n for n in names if n.startswith(_TMP)]
    if temp:
        scan.warn("leftovers", None, f"temporary files in {STATE_DIR}/ of a scrape that stopped", len(temp), temp)
    bad: list[str] = []
    for name in names:
        if name.startswith(_TMP) or not name.endswith(".json"):
            continue
        scan.state_files += 1
        why = _state_problem(scan.where.fs.cat_file(posixpath.join(folder, name)))
        if why:
            bad.append(f"{STATE_DIR}/{name}: {why}")
    if bad:
        scan.error("state", None, f"{len(bad)} scrape state file(s) that do not parse (the next scrape downloads "
                   "those sources in full)", len(bad), bad)


def _state_problem(data: bytes) -> str | None:
    """Why a state file is not what output/state.py writes, or None."""
    try:
        body = json.loads(data)
    except ValueError as exc:
        return f"not JSON ({_first_line(exc)})"
    urls = body.get("urls") if isinstance(body, dict) else None
    if not isinstance(urls, dict):
        return "no urls object"
    wrong = [url for url, entry in urls.items()
             if not isinstance(entry, dict) or not _SHA256.match(str(entry.get("sha256", "")))]
    return f"{len(wrong)} URL(s) without a sha256, e.g. {wrong[0]}" if wrong else None


def _raw_cache(scan: _Scan, sample: int | None) -> None:
    root = scan.where.join(RAW_DIR)
    try:
        files = sorted(str(p) for p in scan.where.fs.find(root))
    except FileNotFoundError:
        files = []
    named: list[str] = []
    odd: list[str] = []
    for path in files:
        name, folder = posixpath.basename(path), posixpath.basename(posixpath.dirname(path))
        (named if _SHA256.match(name) and folder == name[:2] else odd).append(path)
    scan.raw_total = len(named)
    if odd:
        scan.warn("leftovers", None, f"files in {RAW_DIR}/ not named by their SHA-256 (temporary files of a "
                  "stopped download?)", len(odd), [scan.relative(p) for p in odd])
    chosen = named if sample is None or sample >= len(named) else random.Random(0).sample(named, sample)
    corrupt = [scan.relative(p) for p in chosen if _sha256(scan.where, p) != posixpath.basename(p)]
    scan.raw_hashed = len(chosen)
    if corrupt:
        scan.error("raw_cache", None, f"{len(corrupt)} of {len(chosen)} raw file(s) hashed do not match their "
                   "name: damaged copies (the next scrape fetches them again)", len(corrupt), corrupt)
