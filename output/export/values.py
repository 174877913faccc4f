"""Arrow values as plain cells for CSV and SQLite: ISO dates, JSON lists, exact decimal text."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 10_000


def cell(value: Any) -> Any:
    """None stays None; dates and times ISO 8601 (UTC as Z); lists JSON; decimals exact text; bools true/false
    is left to the caller (SQLite wants 0/1, CSV true/false)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value.isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return json.dumps([cell(v) for v in value], ensure_ascii=False)
    return str(value)


def batches(path: Path, columns: list[str] | None = None) -> Iterator[list[dict[str, Any]]]:
    """The rows of a Parquet file as dicts, BATCH_ROWS at a time: memory stays flat on large tables."""
    parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns):
        yield pa.Table.from_batches([batch]).to_pylist()


def row_count(path: Path) -> int:
    return int(pq.ParquetFile(path).metadata.num_rows)
