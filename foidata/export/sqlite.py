"""The current dataset version as one SQLite database, ready for `datasette serve`.

Tables keep their names and columns. Money is NUMERIC: SQLite stores the exact decimal text as a number when
that loses nothing (below 15 significant digits, which is every amount under £10 trillion to the penny), so it
sorts and sums as a number. Dates and times are ISO 8601 text, lists JSON text, booleans 0/1.
`responses_fts` (FTS5, external content) indexes each response's title, body, keywords and full text, and
Datasette finds it by its `content="responses"`: `/DB/responses?_search=ransomware`.

The database is built beside the target and renamed over it at the end, so a Datasette serving the old file
never sees a half-written one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from foidata.export.values import batches, cell, row_count
from foidata.output import open_dataset, verify_current

FTS_TABLE = "responses_fts"
FTS_COLUMNS = ("title", "body", "keywords", "text")
Tracker = Callable[[Iterable[Any], int], Iterable[Any]]


class ExportError(Exception):
    """The database could not be written; the message names the file."""


@dataclass
class SqliteExport:
    path: Path
    run_id: str
    rows: dict[str, int] = field(default_factory=dict)
    fts_columns: tuple[str, ...] = ()


def sqlite_type(arrow: pa.DataType) -> str:
    if pa.types.is_integer(arrow) or pa.types.is_boolean(arrow):
        return "INTEGER"
    if pa.types.is_floating(arrow):
        return "REAL"
    if pa.types.is_decimal(arrow):
        return "NUMERIC"
    return "TEXT"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: str, schema: pa.Schema, responses_present: bool) -> str:
    columns = []
    for fld in schema:
        not_null = "" if fld.nullable else " NOT NULL"
        key = " PRIMARY KEY" if table == "responses" and fld.name == "response_id" else ""
        columns.append(f"{quoted(fld.name)} {sqlite_type(fld.type)}{key}{not_null}")
    if table != "responses" and responses_present and "response_id" in schema.names:
        # Declared, not enforced (SQLite's default): Datasette turns it into links to the response.
        columns.append('FOREIGN KEY ("response_id") REFERENCES "responses" ("response_id")')
    return f"CREATE TABLE {quoted(table)} (\n  " + ",\n  ".join(columns) + "\n)"


def export_sqlite(data_dir: str | Path, target: str | Path, track: Tracker | None = None) -> SqliteExport:
    """Write the dataset's current version to `target` (replaced whole)."""
    # Every file is read anyway: checked against the manifest first, so a damaged one is one line, not a
    # Parquet traceback halfway through (and never a partial export that looks whole).
    verify_current(data_dir)
    dataset = open_dataset(data_dir)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    result = SqliteExport(path=target, run_id=dataset.run_id)
    total = sum(row_count(dataset.path(t)) for t in dataset.tables)
    try:
        _build(building, dataset.tables, dataset.path, result, track, total)
        os.replace(building, target)
    except sqlite3.Error as exc:  # not an OSError: a missing folder or a full disk arrive as these
        raise ExportError(f"{target}: cannot write the database: {exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            building.unlink()
    return result


def _build(building: Path, tables: list[str], path_of: Callable[[str], Path], result: SqliteExport,
           track: Tracker | None, total: int) -> None:
    with contextlib.closing(sqlite3.connect(building)) as con:
        con.execute("PRAGMA journal_mode = OFF")  # a new private file: nothing to roll back to
        con.execute("PRAGMA synchronous = OFF")
        rows = _all_rows(tables, path_of, con, result)
        for _ in (track or (lambda items, _n: items))(rows, total):
            pass
        result.fts_columns = _full_text(con, path_of("responses")) if "responses" in tables else ()
        _indexes(con, tables, path_of)
        con.commit()


def _all_rows(tables: list[str], path_of: Callable[[str], Path], con: sqlite3.Connection,
              result: SqliteExport) -> Iterator[None]:
    """Copies every table, yielding once per row copied (for the progress bar)."""
    for table in tables:
        path = path_of(table)
        schema = pq.read_schema(path)
        con.execute(create_table_sql(table, schema, "responses" in tables))
        names = schema.names
        booleans = {f.name for f in schema if pa.types.is_boolean(f.type)}
        insert = (f"INSERT INTO {quoted(table)} ({', '.join(quoted(n) for n in names)}) "
                  f"VALUES ({', '.join('?' for _ in names)})")
        count = 0
        for rows in batches(path):
            con.executemany(insert, [
                [(int(row[n]) if row[n] is not None else None) if n in booleans else cell(row[n]) for n in names]
                for row in rows
            ])
            count += len(rows)
            for _ in rows:
                yield None
        result.rows[table] = count


def _full_text(con: sqlite3.Connection, responses: Path) -> tuple[str, ...]:
    have = set(pq.read_schema(responses).names)
    columns = tuple(c for c in FTS_COLUMNS if c in have)  # `text` is missing from datasets before schema 1.4
    listed = ", ".join(columns)
    con.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({listed}, content=\"responses\", content_rowid=\"rowid\", "
        "tokenize=\"porter unicode61\")"
    )
    con.execute(f"INSERT INTO {FTS_TABLE} (rowid, {listed}) SELECT rowid, {listed} FROM responses")
    return columns


def _indexes(con: sqlite3.Connection, tables: list[str], path_of: Callable[[str], Path]) -> None:
    wanted = {"responses": ["body", "published_date"], "money": ["period"], "exemptions": ["section"]}
    for table in tables:
        names = pq.read_schema(path_of(table)).names
        columns = [*(["response_id"] if table != "responses" and "response_id" in names else []),
                   *(c for c in wanted.get(table, []) if c in names)]
        for column in columns:
            con.execute(f"CREATE INDEX {quoted(f'idx_{table}_{column}')} ON {quoted(table)} ({quoted(column)})")
