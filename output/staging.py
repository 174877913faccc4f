"""Rows of a run spilled to Parquet as each batch finishes, so memory stays flat however large the run.

    DIR/.staging/<run_id>/<table>/<part>.parquet

Batches (in worker processes too) write their parts here; `commit` streams them into the new version and
deletes the run's staging. Parts of a run that crashed are never read: a new run has a new run id, and stale
staging directories are removed by the next commit.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from foidata.schemas import TABLES, arrow_schema

STAGING = ".staging"
_PART = re.compile(r"^[A-Za-z0-9._-]+$")


class Staging:
    """One run's staged rows. Safe to share between processes: each part is written under a unique name and
    renamed into place only when complete."""

    def __init__(self, out_dir: str | os.PathLike[str], run_id: str) -> None:
        self.root = Path(out_dir) / STAGING / run_id
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
            folder = self.root / table
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".tmp-{part}-{uuid.uuid4().hex[:8]}"
            pq.write_table(data, tmp, compression="zstd")
            os.replace(tmp, folder / f"{part}.parquet")
            counts[table] = data.num_rows
        return counts

    def parts(self, table: str) -> list[Path]:
        folder = self.root / table
        return sorted(folder.glob("*.parquet")) if folder.is_dir() else []

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


STALE_SECONDS = 24 * 3600  # a run still going after a day is not waiting on its staging any more


def remove_stale_staging(out_dir: str | os.PathLike[str], now: float | None = None) -> None:
    """Staging left by runs that crashed before their commit. Only old ones: another process may be running
    an ingest into the same dataset right now, and its parts must survive until its own commit."""
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
