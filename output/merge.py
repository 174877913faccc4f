"""One table of a new version: the previous version's rows (less those replaced) plus the run's new rows,
sorted and written to Parquet by streaming, so memory stays flat however many rows the table has.

DuckDB reads the Parquet inputs, drops replaced sources and sorts (spilling to disk when it must); the
result comes back in record batches, each conformed to today's Arrow schema (types, column order, the
column descriptions kept as field metadata) and appended to the file.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence, Set
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from foidata.output.errors import DatasetError

COMPRESSION = "zstd"
SORT_COLUMNS = ("source", "span_start", "span_end")  # first in the sort where a table has them
BATCH_ROWS = 64 * 1024
MEMORY_LIMIT = "1GB"  # DuckDB spills its sort to disk past this


def write_merged(
    path: Path,
    table: str,
    schema: pa.Schema,
    previous: Path | None,
    new_rows: Sequence[BaseModel],
    parts: Sequence[Path],
    dropped: Set[str],
) -> None:
    """Write `path` (which must not exist): previous rows whose source is not in `dropped`, staged `parts`
    and in-memory `new_rows`, in a stable order."""
    old = previous / f"{table}.parquet" if previous is not None else None
    tmp = path.parent.parent / f".tmp-duckdb-{uuid.uuid4().hex[:8]}"  # under versions/: cleaned like any .tmp-
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(tmp)})
    try:
        selects = _selects(con, table, schema, old, new_rows, parts, dropped)
        with open(path, "xb") as out, pq.ParquetWriter(out, schema, compression=COMPRESSION) as writer:
            if selects:
                sql = " UNION ALL BY NAME ".join(selects) + " ORDER BY " + ", ".join(order_by(schema))
                for batch in _batches(con.sql(sql)):
                    writer.write_table(conform(pa.Table.from_batches([batch]), schema, old or path))
            else:
                writer.write_table(schema.empty_table())
        with open(path, "rb+") as written:
            os.fsync(written.fileno())
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _batches(relation: duckdb.DuckDBPyRelation) -> pa.RecordBatchReader:
    # DuckDB 2 renamed the relation's fetch_arrow_reader to to_arrow_reader.
    read = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    reader: pa.RecordBatchReader = read(BATCH_ROWS)
    return reader


def _selects(
    con: duckdb.DuckDBPyConnection,
    table: str,
    schema: pa.Schema,
    old: Path | None,
    new_rows: Sequence[BaseModel],
    parts: Sequence[Path],
    dropped: Set[str],
) -> list[str]:
    selects: list[str] = []
    if old is not None and old.exists():
        _check_required(old, schema)
        con.register("dropped", pa.table({"source": pa.array(sorted(dropped), pa.string())}))
        selects.append(f"SELECT * FROM read_parquet({_literal(old)}) WHERE source NOT IN (SELECT source FROM dropped)")
    if parts:
        files = ", ".join(_literal(p) for p in parts)
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


def conform(table: pa.Table, schema: pa.Schema, path: Path) -> pa.Table:
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


def _check_required(old: Path, schema: pa.Schema) -> None:
    have = set(pq.read_schema(old).names)
    for fld in schema:
        if not fld.nullable and fld.name not in have:
            raise DatasetError(f"{old} lacks required column {fld.name}; ingest into a new --out directory")


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
