"""One table of a new version: the previous version's rows (less those replaced) plus the run's new rows,
sorted and written to Parquet by streaming, so memory stays flat however many rows the table has.

DuckDB reads the Parquet inputs, drops replaced sources and sorts (spilling to disk when it must); the
result comes back in record batches, each conformed to today's Arrow schema (types, column order, the
column descriptions kept as field metadata) and appended to the file.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
import uuid
from collections.abc import Sequence, Set
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from foidata.output.errors import DatasetError
from foidata.output.storage import Location

COMPRESSION = "zstd"
SORT_COLUMNS = ("source", "span_start", "span_end")  # first in the sort where a table has them
BATCH_ROWS = 64 * 1024
MEMORY_LIMIT = "256MB"  # DuckDB spills its sort to disk past this: a commit's memory stays flat


def write_merged(
    path: str,
    table: str,
    schema: pa.Schema,
    previous: str | None,
    new_rows: Sequence[BaseModel],
    parts: Sequence[str],
    dropped: Set[str],
    where: Location,
) -> None:
    """Write `path` (which must not exist): previous rows whose source is not in `dropped`, staged `parts`
    and in-memory `new_rows`, in a stable order. Every path is in `where`'s filesystem (local or remote)."""
    old = posixpath.join(previous, f"{table}.parquet") if previous is not None else None
    if where.is_local:  # under versions/: cleaned like any .tmp- leftover
        tmp = str(Path(path).parent.parent / f".tmp-duckdb-{uuid.uuid4().hex[:8]}")
    else:  # DuckDB spills to local disk, whatever the dataset is on
        tmp = tempfile.mkdtemp(prefix="foidata-duckdb-")
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": tmp})
    try:
        if not where.is_local:
            # DuckDB reads s3://... through the same fsspec filesystem (its own httpfs may not be installable).
            con.register_filesystem(where.fs)
        selects = _selects(con, table, schema, old, new_rows, parts, dropped, where)
        with _create(path, where) as out, pq.ParquetWriter(out, schema, compression=COMPRESSION) as writer:
            if selects:
                sql = " UNION ALL BY NAME ".join(selects) + " ORDER BY " + ", ".join(order_by(schema))
                for batch in _batches(con.sql(sql)):
                    writer.write_table(conform(pa.Table.from_batches([batch]), schema, old or path))
            else:
                writer.write_table(schema.empty_table())
        if where.is_local:
            with open(path, "rb+") as written:
                os.fsync(written.fileno())
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _create(path: str, where: Location) -> BinaryIO:
    # Locally "x": never overwrite a file. On object storage the upload becomes visible only when complete.
    if where.is_local:
        return open(path, "xb")
    handle: BinaryIO = where.fs.open(path, "wb")
    return handle


def _batches(relation: duckdb.DuckDBPyRelation) -> pa.RecordBatchReader:
    # DuckDB 2 renamed the relation's fetch_arrow_reader to to_arrow_reader.
    read = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    reader: pa.RecordBatchReader = read(BATCH_ROWS)
    return reader


def _selects(
    con: duckdb.DuckDBPyConnection,
    table: str,
    schema: pa.Schema,
    old: str | None,
    new_rows: Sequence[BaseModel],
    parts: Sequence[str],
    dropped: Set[str],
    where: Location,
) -> list[str]:
    selects: list[str] = []
    if old is not None and where.fs.exists(old):
        _check_required(old, schema, where)
        con.register("dropped", pa.table({"source": pa.array(sorted(dropped), pa.string())}))
        selects.append(
            f"SELECT * FROM read_parquet({_literal(where.uri(old))}) WHERE source NOT IN (SELECT source FROM dropped)"
        )
    if parts:
        files = ", ".join(_literal(where.uri(p)) for p in parts)
        selects.append(f"SELECT * FROM read_parquet([{files}], union_by_name = true)")
    if new_rows:
        con.register("new_rows", pa.Table.from_pylist([row.model_dump() for row in new_rows], schema=schema))
        selects.append("SELECT * FROM new_rows")
    return selects


def order_by(schema: pa.Schema) -> list[str]:
    """The sort: source and span first, then every other scalar column, so ties never depend on chance."""
    first = [name for name in SORT_COLUMNS if name in schema.names]
    rest = [
        f.name for f in schema
        if f.name not in first and not pa.types.is_list(f.type) and not pa.types.is_large_list(f.type)
    ]
    return [_quoted(name) for name in (*first, *rest)]


def conform(table: pa.Table, schema: pa.Schema, path: str | Path) -> pa.Table:
    """Rows in today's schema: columns added since an older version (nullable) come back as nulls."""
    columns: list[pa.ChunkedArray | pa.Array] = []
    for fld in schema:
        if fld.name in table.column_names:
            column = table[fld.name]
            if not column.type.equals(fld.type):
                try:
                    column = column.cast(fld.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    raise DatasetError(f"{path}: column {fld.name} cannot become {fld.type}: {exc}") from None
            columns.append(column)
        elif fld.nullable:
            columns.append(pa.nulls(table.num_rows, fld.type))
        else:
            raise DatasetError(f"{path} lacks required column {fld.name}; ingest into a new --out directory")
    return pa.Table.from_arrays(columns, schema=schema)


def _check_required(old: str, schema: pa.Schema, where: Location) -> None:
    have = set(pq.read_schema(old, filesystem=None if where.is_local else where.fs).names)
    for fld in schema:
        if not fld.nullable and fld.name not in have:
            raise DatasetError(f"{old} lacks required column {fld.name}; ingest into a new --out directory")


def _literal(path: str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
