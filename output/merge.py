"""One table of a new version: the previous version's rows (less those replaced) plus the run's new rows,
sorted and written to Parquet by streaming, so memory stays flat however many rows the table has.

DuckDB reads the Parquet inputs, drops replaced sources and sorts (spilling to disk when it must); the
result comes back in record batches, each conformed to today's Arrow schema (types, column order, the
column descriptions kept as field metadata) and appended to the file.
"""

from __future__ import annotations

import itertools
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
MEMORY_LIMIT = "128MB"  # DuckDB spills its sort to disk past this: a commit's memory stays flat
PARTITION_BYTES = 16 * 1024**2  # rows (uncompressed) sorted at a time; see _source_ranges
THREADS = 1  # each DuckDB thread holds its own sort buffers; merging is a few seconds of a run of minutes


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
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "threads": THREADS, "temp_directory": tmp})
    try:
        if not where.is_local:
            # DuckDB reads s3://... through the same fsspec filesystem (its own httpfs may not be installable).
            con.register_filesystem(where.fs)
        selects = _selects(con, table, schema, old, new_rows, parts, dropped, where)
        with _create(path, where) as out, pq.ParquetWriter(out, schema, compression=COMPRESSION) as writer:
            if selects:
                union = " UNION ALL BY NAME ".join(selects)
                inputs = [*([old] if old is not None and where.fs.exists(old) else []), *parts]
                for condition in _source_ranges(con, union, _input_bytes(con, inputs, where)):
                    sql = f"SELECT * FROM ({union}) {condition} ORDER BY " + ", ".join(order_by(schema))
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


def _input_bytes(con: duckdb.DuckDBPyConnection, inputs: Sequence[str], where: Location) -> int:
    """The inputs' uncompressed size, from their Parquet footers (no data read)."""
    if not inputs:
        return 0
    files = ", ".join(_literal(where.uri(p)) for p in inputs)
    [(found,)] = con.execute(f"SELECT sum(total_uncompressed_size) FROM parquet_metadata([{files}])").fetchall()
    return int(found or 0)


def _source_ranges(con: duckdb.DuckDBPyConnection, union: str, size: int) -> list[str]:
    """WHERE clauses splitting the rows into ranges of `source` of about PARTITION_BYTES each, in order.

    DuckDB cannot spill a sort whose payload holds long strings (a response's text) far enough to stay within
    its memory limit: sorting a range at a time keeps the sort small, and since `source` leads the sort, the
    ranges written one after another are the whole table in order. Parquet statistics let each range skip
    the row groups and staged parts (a batch is a run of consecutive sources) that cannot hold it."""
    count = -(-size // PARTITION_BYTES)
    if count <= 1:
        return [""]
    [(sources,)] = con.execute(f"SELECT count(DISTINCT source) FROM ({union})").fetchall()
    step = -(-int(sources) // count)
    if step < 1:
        return [""]
    bounds = [
        row[0] for row in con.execute(
            f"SELECT source FROM (SELECT source, row_number() OVER (ORDER BY source) - 1 AS i "
            f"FROM (SELECT DISTINCT source FROM ({union}))) WHERE i > 0 AND i % {step} = 0 ORDER BY source"
        ).fetchall()
    ]
    edges: list[str | None] = [None, *bounds, None]
    return [_range(low, high) for low, high in itertools.pairwise(edges)]


def _range(low: str | None, high: str | None) -> str:
    tests = ([f"source >= {_literal(low)}"] if low is not None else []) + (
        [f"source < {_literal(high)}"] if high is not None else []
    )
    return "WHERE " + " AND ".join(tests) if tests else ""


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
