"""The current dataset version as one SQLite database, ready for `datasette serve`.

Tables keep their names and columns. Money is NUMERIC: SQLite stores the exact decimal text as a number when
that loses nothing (below 15 significant digits, which is every amount under £10 trillion to the penny), so it
sorts and sums as a number. Dates and times are ISO 8601 text, lists JSON text, booleans 0/1.
Each table lists its own columns first and the provenance columns (where a row came from) last, so Datasette's
table view opens on the data. `bodies` has one row per named body with its count of responses, and every
response's `body` links to it. `responses_fts` (FTS5, external content) indexes each response's title, body,
keywords and full text, and Datasette finds it by its `content="responses"`: `/DB/responses?_search=ransomware`.

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

from foidata.output import open_dataset, verify_current
from foidata.output.export.values import batches, cell, row_count
from foidata.schemas.errors import FoidataError

FTS_TABLE = "responses_fts"
BODIES_TABLE = "bodies"
PROVENANCE = ("source", "content_sha256", "extractor_version", "ingested_at", "run_id")
BODY_COLUMNS = ("body_id", "body_kind", "body_nation")  # what the register says of a body, if the dataset has it
FTS_COLUMNS = ("title", "body", "keywords", "text")
Tracker = Callable[[Iterable[Any], int], Iterable[Any]]


class ExportError(FoidataError):
    """The database could not be written; the message names the file."""


@dataclass
class SqliteExport:
    path: Path
    run_id: str
    rows: dict[str, int] = field(default_factory=dict)
    fts_columns: tuple[str, ...] = ()
    bodies: int | None = None  # rows in the bodies table; None when there is none (no responses table)


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


def data_first(schema: pa.Schema) -> pa.Schema:
    """The schema with the provenance columns moved to the end, in their own order; the rest keep theirs."""
    ordered = [f for f in schema if f.name not in PROVENANCE]
    ordered += [schema.field(n) for n in PROVENANCE if n in schema.names]
    return pa.schema(ordered, metadata=schema.metadata)


def create_table_sql(table: str, schema: pa.Schema, responses_present: bool) -> str:
    columns = []
    for fld in schema:
        not_null = "" if fld.nullable else " NOT NULL"
        key = " PRIMARY KEY" if table == "responses" and fld.name == "response_id" else ""
        columns.append(f"{quoted(fld.name)} {sqlite_type(fld.type)}{key}{not_null}")
    if table != "responses" and responses_present and "response_id" in schema.names:
        # Declared, not enforced (SQLite's default): Datasette turns it into links to the response.
        columns.append('FOREIGN KEY ("response_id") REFERENCES "responses" ("response_id")')
    if table == "responses" and "body" in schema.names:
        columns.append(f'FOREIGN KEY ("body") REFERENCES {quoted(BODIES_TABLE)} ("body")')
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
        if "responses" in tables:
            result.fts_columns = _full_text(con, path_of("responses"))
            result.bodies = _bodies(con, path_of("responses"))
        _indexes(con, tables, path_of)
        con.commit()


def _all_rows(tables: list[str], path_of: Callable[[str], Path], con: sqlite3.Connection,
              result: SqliteExport) -> Iterator[None]:
    """Copies every table, yielding once per row copied (for the progress bar)."""
    for table in tables:
        path = path_of(table)
        schema = data_first(pq.read_schema(path))
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


def _bodies(con: sqlite3.Connection, responses: Path) -> int:
    """One row per named body: what the register says of it and how many responses it published."""
    have = set(pq.read_schema(responses).names)
    if "body" not in have:
        con.execute(f'CREATE TABLE {quoted(BODIES_TABLE)} ("body" TEXT PRIMARY KEY, "responses" INTEGER NOT NULL)')
        return 0
    extra = [c for c in BODY_COLUMNS if c in have]
    declared = "".join(f", {quoted(c)} TEXT" for c in extra)
    con.execute(f'CREATE TABLE {quoted(BODIES_TABLE)} ("body" TEXT PRIMARY KEY{declared}, '
                '"responses" INTEGER NOT NULL)')
    # max(): a body's register details are the same on each of its responses; max() picks one that is not null.
    picked = "".join(f", max({quoted(c)})" for c in extra)
    listed = "".join(f", {quoted(c)}" for c in extra)
    con.execute(f'INSERT INTO {quoted(BODIES_TABLE)} ("body"{listed}, "responses") '
                f'SELECT "body"{picked}, count(*) FROM "responses" WHERE "body" IS NOT NULL GROUP BY "body" '
                'ORDER BY "body"')
    return int(con.execute(f"SELECT count(*) FROM {quoted(BODIES_TABLE)}").fetchone()[0])


def _indexes(con: sqlite3.Connection, tables: list[str], path_of: Callable[[str], Path]) -> None:
    wanted = {"responses": ["body", "published_date"], "money": ["period"], "exemptions": ["section"]}
    for table in tables:
        names = pq.read_schema(path_of(table)).names
        columns = [*(["response_id"] if table != "responses" and "response_id" in names else []),
                   *(c for c in wanted.get(table, []) if c in names)]
        for column in columns:
            con.execute(f"CREATE INDEX {quoted(f'idx_{table}_{column}')} ON {quoted(table)} ({quoted(column)})")
