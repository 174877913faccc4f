"""Rows of a run spilled to Parquet as each batch finishes, so memory stays flat however large the run.

    DIR/.staging/<run_id>/<table>/<part>.parquet

Batches (in worker processes too) write their parts here; `commit` streams them into the new version and
deletes the run's staging. Parts of a run that crashed are never read: a new run has a new run id, and stale
staging directories are removed by the next commit.

On object storage the parts are objects under the same prefix, each written with one PUT (whole or absent),
so every Dask worker can write its batches there and the committing process can read them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import posixpath
import re
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from foidata.output.storage import Location, location
from foidata.schemas import TABLES, arrow_schema

STAGING = ".staging"
_PART = re.compile(r"^[A-Za-z0-9._-]+$")


class Staging:
    """One run's staged rows. Safe to share between processes: each part is written under a unique name and
    renamed into place only when complete."""

    def __init__(self, out_dir: str | os.PathLike[str], run_id: str) -> None:
        self.where = location(out_dir)
        self.root = self.where.join(STAGING, run_id)  # a path in `where.fs`: local, or "bucket/prefix/..."
        self.run_id = run_id

    def write(self, rows: Mapping[str, Sequence[BaseModel]], part: str) -> dict[str, int]:
        """Write each table's rows as one part named `part`; returns the row counts written."""
        if not _PART.match(part):
            raise ValueError(f"part names are letters, digits, '.', '_' or '-': {part!r}")
        counts: dict[str, int] = {}
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            schema = arrow_schema(TABLES[table], table)
            data = pa.Table.from_pylist([row.model_dump() for row in table_rows], schema=schema)
            self.replace_part(posixpath.join(self.root, table, f"{part}.parquet"), data)
            counts[table] = data.num_rows
        return counts

    def parts(self, table: str) -> list[str]:
        """The table's complete parts, as paths in `where.fs`."""
        folder = posixpath.join(self.root, table)
        if self.where.is_local:
            return sorted(p.as_posix() for p in Path(folder).glob("*.parquet")) if os.path.isdir(folder) else []
        self.where.fs.invalidate_cache(folder)  # workers wrote them: this process's listing may be stale
        try:
            found = self.where.fs.ls(folder, detail=False)
        except FileNotFoundError:
            return []
        return sorted(str(p) for p in found if str(p).endswith(".parquet"))

    def read_part(self, path: str, columns: Sequence[str] | None = None) -> pa.Table:
        fs = None if self.where.is_local else self.where.fs
        return pq.read_table(path, columns=list(columns) if columns is not None else None, filesystem=fs)

    def replace_part(self, path: str, data: pa.Table) -> None:
        """Write (or overwrite) a part so that readers only ever see it whole."""
        if not self.where.is_local:
            buffer = pa.BufferOutputStream()
            pq.write_table(data, buffer, compression="zstd")
            self.where.fs.pipe_file(path, buffer.getvalue().to_pybytes())  # one PUT: whole or absent
            return
        folder = Path(path).parent
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".tmp-{Path(path).stem}-{uuid.uuid4().hex[:8]}"  # not *.parquet: parts() never lists it
        pq.write_table(data, tmp, compression="zstd")
        os.replace(tmp, path)

    def remove(self) -> None:
        _remove_tree(self.where, self.root)


STALE_SECONDS = 24 * 3600  # a run still going after a day is not waiting on its staging any more


def remove_stale_staging(out_dir: str | os.PathLike[str], now: float | None = None) -> None:
    """Staging left by runs that crashed before their commit. Only old ones: another process may be running
    an ingest into the same dataset right now, and its parts must survive until its own commit."""
    where = location(out_dir)
    if not where.is_local:
        _remove_stale_remote(where, time.time() if now is None else now)
        return
    root = Path(out_dir) / STAGING
    if not root.is_dir():
        return
    now = time.time() if now is None else now
    for child in root.iterdir():
        try:
            stale = now - child.stat().st_mtime > STALE_SECONDS
        except OSError:
            continue
        if stale:
            shutil.rmtree(child, ignore_errors=True)


def _remove_stale_remote(where: Location, now: float) -> None:
    # Object stores have no folder times: a run's staging is as old as its newest part.
    root = where.join(STAGING)
    try:
        found = where.fs.find(root, detail=True)
    except FileNotFoundError:
        return
    newest: dict[str, float] = {}
    for path, info in found.items():
        run = posixpath.relpath(path, root).split("/", 1)[0]
        modified = _modified(info)
        if modified is None:
            continue  # no time to judge by: kept, like a live run
        newest[run] = max(newest.get(run, 0.0), modified)
    for run, modified in newest.items():
        if now - modified > STALE_SECONDS:
            _remove_tree(where, posixpath.join(root, run))


def _modified(info: Mapping[str, object]) -> float | None:
    # s3fs says LastModified, gcsfs updated, adlfs last_modified: datetimes, or ISO text.
    for key in ("LastModified", "last_modified", "updated", "mtime"):
        value = info.get(key)
        if isinstance(value, dt.datetime):
            return value.timestamp()
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    return None


def _remove_tree(where: Location, path: str) -> None:
    if where.is_local:
        shutil.rmtree(path, ignore_errors=True)
        return
    with contextlib.suppress(FileNotFoundError):
        where.fs.rm(path, recursive=True)
