"""Where `foidata query` writes: stdout or a file (--output), and Parquet for results that keep their types."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq


def write_parquet(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> int:
    """The query's result as one Parquet file (zstd), types kept: money stays decimal, lists stay lists."""
    relation = con.sql(sql)
    if relation is None:
        raise click.UsageError("--format parquet needs a query that returns rows (SELECT ...)")
    # DuckDB 2 renames fetch_arrow_table to to_arrow_table.
    fetch = getattr(relation, "to_arrow_table", None) or getattr(relation, "fetch_arrow_table")  # noqa: B009
    table: pa.Table = fetch()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, partial, compression="zstd")
    partial.replace(path)  # a reader never finds half a file
    return int(table.num_rows)


@contextlib.contextmanager
def output_to(path: Path | None) -> Iterator[None]:
    """stdout goes to `path` (UTF-8) inside the block; unchanged when path is None."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh, contextlib.redirect_stdout(fh):
        yield
