"""Checks of the rows, with DuckDB: nulls, values, provenance, duplicates, and across tables (orphans, spans,
source hashes, mixed runs, errors beside responses)."""

from __future__ import annotations

import contextlib
import posixpath
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from annotated_types import Ge, Le

from foidata.output.check.scan import EXAMPLES, _first_line, _literal, _literal_values, _one, _quoted, _Scan, _short
from foidata.output.merge import MEMORY_LIMIT
from foidata.output.storage import Location
from foidata.schemas import TABLES, arrow_schema

# Keys the writers guarantee: a second row with the same key is damage, not data. money has none (two figures
# of a PDF table can be tied to one span), nor has errors (a missing path named twice gives two equal rows):
# there an exact duplicate is only a warning.
KEYS: dict[str, tuple[str, ...]] = {
    "responses": ("response_id",),
    "references": ("response_id", "kind", "value"),  # the extractor drops a value it has already seen
    "dates": ("response_id", "span_start"),  # dates never overlap: an inner match is dropped
    "exemptions": ("response_id", "law", "provision"),
    "attachments": ("response_id", "url", "name"),  # one per link URL, or per unlinked file name
    "pages": ("response_id", "page"),
    "tables": ("response_id", "table_index", "row", "column"),
}


# What the errors table's rows beside a source's rows may say: the pages that could not be read, or that the
# latest download failed and the rows of the last good copy stand.
ALLOWED_BESIDE_RESPONSE = "stage = 'fetch' OR error_type = 'pages_unread'"


@contextlib.contextmanager
def _duckdb(where: Location) -> Iterator[duckdb.DuckDBPyConnection]:
    spill = tempfile.mkdtemp(prefix="foidata-check-")
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
    try:
        if not where.is_local:
            con.register_filesystem(where.fs)  # s3://... read through foidata's own fsspec filesystem
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


@dataclass(frozen=True)
class _Table:
    name: str
    columns: frozenset[str]

    @property
    def sql(self) -> str:
        return _quoted(self.name)

    def has(self, *columns: str) -> bool:
        return all(c in self.columns for c in columns)


def _views(scan: _Scan, con: duckdb.DuckDBPyConnection, version: str,
           readable: dict[str, pa.Schema]) -> dict[str, _Table]:
    tables: dict[str, _Table] = {}
    for table, schema in readable.items():
        uri = scan.where.uri(posixpath.join(version, f"{table}.parquet"))
        con.execute(f"CREATE VIEW {_quoted(table)} AS SELECT * FROM read_parquet({_literal(uri)})")
        tables[table] = _Table(table, _usable_columns(table, schema))
    return tables


def _usable_columns(table: str, stored: pa.Schema) -> frozenset[str]:
    """The columns with the schema's type: a wrong-typed one is a schema error already, and its values cannot
    be judged by the rules of the type it should have."""
    expected = arrow_schema(TABLES[table], table)
    return frozenset(
        f.name for f in stored if f.name in expected.names and f.type.equals(expected.field(f.name).type)
    )


@dataclass(frozen=True)
class _Rule:
    """A row is bad when `bad` (SQL) is true; NULL counts as good, as nulls have their own rule."""

    check: str
    column: str
    bad: str
    says: str


def _rules(table: _Table) -> list[_Rule]:
    rules: list[_Rule] = []
    schema = arrow_schema(TABLES[table.name], table.name)
    for name, info in TABLES[table.name].model_fields.items():
        if not table.has(name):
            continue
        column = _quoted(name)
        if not schema.field(name).nullable:
            rules.append(_Rule("nulls", name, f"{column} IS NULL", f"null in {name}, which is never null"))
        allowed = _literal_values(info.annotation)
        if allowed:
            listed = ", ".join(_literal(v) for v in allowed)
            says = f"{name} not one of {', '.join(allowed)}"
            rules.append(_Rule("values", name, f"{column} NOT IN ({listed})", says))
        rules.extend(_constraint_rules(name, column, info.metadata))
    rules.extend(_provenance_rules(table))
    if table.has("span_start", "span_end"):
        rules.append(_Rule("values", "span_end", "span_end < span_start", "span_end before span_start"))
    return rules


def _constraint_rules(name: str, column: str, metadata: Sequence[Any]) -> list[_Rule]:
    rules: list[_Rule] = []
    for item in metadata:
        if isinstance(item, Ge):
            rules.append(_Rule("values", name, f"{column} < {item.ge}", f"{name} below {item.ge}"))
        elif isinstance(item, Le):
            rules.append(_Rule("values", name, f"{column} > {item.le}", f"{name} above {item.le}"))
        elif isinstance(getattr(item, "pattern", None), str):
            check = "provenance" if name == "content_sha256" else "values"
            pattern = _literal(item.pattern)
            rules.append(_Rule(check, name, f"NOT regexp_full_match({column}, {pattern})",
                               f"{name} not matching {item.pattern}"))
    return rules


def _provenance_rules(table: _Table) -> list[_Rule]:
    rules = [
        _Rule("provenance", name, f"trim({_quoted(name)}) = ''", f"empty {name}")
        for name in ("source", "run_id", "extractor_version") if table.has(name)
    ]
    if table.name == "errors" and table.has("content_sha256"):  # nullable there, so no pattern in the model
        rules.append(_Rule("provenance", "content_sha256", "NOT regexp_full_match(content_sha256, '^[0-9a-f]{64}$')",
                           "content_sha256 not a SHA-256 hex digest"))
    if table.has("response_id", "source"):
        # pipeline.response_id: the first 16 hex digits of the source's SHA-256, in every table.
        rules.append(_Rule("provenance", "response_id", "response_id <> left(sha256(source), 16)",
                           "response_id not derived from the row's source"))
    return rules


def _table_checks(scan: _Scan, con: duckdb.DuckDBPyConnection, tables: dict[str, _Table]) -> None:
    for name in list(tables):
        table = tables[name]
        try:
            _row_rules(scan, con, table)
            _duplicates(scan, con, table)
        except duckdb.Error as exc:
            scan.error("unreadable", name, f"{name}.parquet could not be read through: {_first_line(exc)}")
            del tables[name]  # the cross-table checks would only fail on it again


def _row_rules(scan: _Scan, con: duckdb.DuckDBPyConnection, table: _Table) -> None:
    rules = _rules(table)
    if not rules:
        return
    counts = _one(con, "SELECT " + ", ".join(f"count(*) FILTER (WHERE {r.bad})" for r in rules) + f" FROM {table.sql}")
    for rule, count in zip(rules, counts, strict=True):
        if count:
            examples = _examples(con, table, rule)
            scan.error(rule.check, table.name, f"{count} row(s) with {rule.says}", int(count), examples)


def _examples(con: duckdb.DuckDBPyConnection, table: _Table, rule: _Rule) -> list[str]:
    where = _row_label(table)
    found = con.execute(
        f"SELECT {where}, CAST({_quoted(rule.column)} AS VARCHAR) FROM {table.sql} WHERE {rule.bad} LIMIT {EXAMPLES}"
    ).fetchall()
    return [f"{label}: {rule.column}={_short(value)}" for label, value in found]


def _row_label(table: _Table) -> str:
    """SQL naming a row for people: its source, and where in it."""
    parts = ["coalesce(source, 'NULL')"] if table.has("source") else ["'row'"]
    if table.has("span_start", "span_end"):
        parts.append("' chars ' || span_start || '-' || span_end")
    elif table.has("page") and table.name == "pages":
        parts.append("' page ' || page")
    elif table.has("stage", "error_type"):
        parts.append("' ' || stage || '/' || error_type")
    return " || ".join(parts)


def _duplicates(scan: _Scan, con: duckdb.DuckDBPyConnection, table: _Table) -> None:
    key = KEYS.get(table.name)
    if key is not None and table.has(*key):
        _duplicate_keys(scan, con, table, key)
        return
    label = _row_label(table)
    found = con.execute(
        f"SELECT any_value({label}), count(*) FROM {table.sql} AS t GROUP BY hash(t) HAVING count(*) > 1 "
        "ORDER BY 1"
    ).fetchall()
    if found:
        extra = sum(int(n) - 1 for _, n in found)
        # A warning: the writers do not rule these out (see KEYS), though a damaged merge would make them too.
        scan.warn("duplicate_row", table.name, f"{extra} row(s) repeating another row exactly", extra,
                  [f"{label} ({n} times)" for label, n in found])


def _duplicate_keys(scan: _Scan, con: duckdb.DuckDBPyConnection, table: _Table, key: tuple[str, ...]) -> None:
    columns = ", ".join(_quoted(c) for c in key)
    shown = " || ' ' || ".join(f"coalesce(CAST({_quoted(c)} AS VARCHAR), 'NULL')" for c in key)
    found = con.execute(
        f"SELECT {shown}, any_value({_row_label(table)}), count(*), count(DISTINCT hash(t)) FROM {table.sql} AS t "
        f"GROUP BY {columns} HAVING count(*) > 1 ORDER BY 1"
    ).fetchall()
    copies = [(k, label, int(n)) for k, label, n, distinct in found if distinct < n]
    clashes = [(k, label, int(n)) for k, label, n, distinct in found if distinct > 1]
    keyname = ", ".join(key)
    if copies:
        extra = sum(n - 1 for _, _, n in copies)
        scan.error("duplicate_row", table.name, f"{extra} row(s) repeating another row exactly (key {keyname})",
                   extra, [f"{k} ({label}), {n} times" for k, label, n in copies])
    if clashes:
        scan.error("duplicate_key", table.name, f"{len(clashes)} key(s) ({keyname}) held by different rows",
                   len(clashes), [f"{k} ({label}), {n} rows" for k, label, n in clashes])


def _cross_checks(scan: _Scan, con: duckdb.DuckDBPyConnection, tables: dict[str, _Table]) -> None:
    for check in (_orphans, _spans, _source_hashes, _mixed_runs, _errors_beside_responses):
        try:
            check(scan, con, tables)
        except duckdb.Error as exc:
            scan.error("unreadable", None, f"{check.__name__.strip('_')} could not be checked: {_first_line(exc)}")


def _children(tables: dict[str, _Table], *columns: str) -> list[_Table]:
    return [t for name, t in tables.items() if name not in ("responses", "errors") and t.has(*columns)]


def _orphans(scan: _Scan, con: duckdb.DuckDBPyConnection, tables: dict[str, _Table]) -> None:
    responses = tables.get("responses")
    if responses is None or not responses.has("response_id"):
        return
    for child in _children(tables, "response_id", "source"):
        found = con.execute(
            f"SELECT response_id, any_value(source), count(*) FROM {child.sql} "
            f"ANTI JOIN responses USING (response_id) GROUP BY response_id ORDER BY 1"
        ).fetchall()
        if found:
            rows = sum(int(n) for _, _, n in found)
            scan.error("orphans", child.name, f"{rows} row(s) of {len(found)} response(s) that are not in responses",
                       rows, [f"response_id {rid} ({source}), {n} row(s)" for rid, source, n in found])
    errors = tables.get("errors")
    if errors is not None and errors.has("source", "error_type") and responses.has("source"):
        found = con.execute(
            "SELECT e.source FROM errors AS e ANTI JOIN responses AS r ON e.source = r.source "
            "WHERE e.error_type = 'pages_unread' ORDER BY 1"
        ).fetchall()
        if found:
            scan.error("orphans", "errors", f"{len(found)} unread-pages row(s) for documents with no response "
                       "(the document's rows should stand beside them)", len(found), [s for (s,) in found])


def _spans(scan: _Scan, con: duckdb.DuckDBPyConnection, tables: dict[str, _Table]) -> None:
    responses = tables.get("responses")
    if responses is None or not responses.has("response_id", "text_chars"):
        return
    for child in _children(tables, "response_id", "source", "span_end"):
        found = con.execute(
            f"SELECT c.source || ' chars ' || c.span_start || '-' || c.span_end || ' of ' || r.text_chars "
            f"FROM {child.sql} AS c JOIN responses AS r USING (response_id) WHERE c.span_end > r.text_chars "
            f"ORDER BY 1"
        ).fetchall()
        if found:
            scan.error("orphans", child.name, f"{len(found)} span(s) past the end of their response's text (rows of "
                       "another copy of the document?)", len(found), [s for (s,) in found])


def _union(tables: dict[str, _Table], columns: Sequence[str], include_errors: bool) -> str | None:
    selects = [
        f"SELECT {', '.join(columns)}, {_literal(t.name)} AS tbl FROM {t.sql}"
        + (" WHERE content_sha256 IS NOT NULL" if t.name == "errors" else "")
        for t in tables.values()
        if t.has(*columns) and (include_errors or t.name != "errors")
    ]
    return " UNION ALL ".join(selects) if len(selects) > 1 else None


def _source_hashes(scan: _Scan, con: duckdb.DuckDBPyConnection, tables: dict[str, _Table]) -> None:
    union = _union(tables, ["source", "content_sha256"], include_errors=True)
    if union is None:
        return
    found = con.execute(
        f"WITH rows AS (SELECT DISTINCT * FROM ({union})), "
        "hashes AS (SELECT source, content_sha256, string_agg(tbl, ', ' ORDER BY tbl) AS tbls FROM rows "
        "GROUP BY ALL) "
        "SELECT source, string_agg(left(content_sha256, 12) || '… in ' || tbls, '; ' ORDER BY content_sha256) "
        "FROM hashes GROUP BY source HAVING count(*) > 1 ORDER BY source"
    ).fetchall()
    if found:
        scan.error("source_hash", None, f"{len(found)} source(s) whose rows carry different content hashes: "
                   "documents half replaced by a newer copy", len(found), [f"{s}: {h}" for s, h in found])


def _mixed_runs(scan: _Scan, con: duckdb.DuckDBPyConnection, tables: dict[str, _Table]) -> None:
    # Every row of a document is written by one run; errors are left out, as a failed re-download of a page
    # is recorded by a later run beside the rows of its last good copy.
    union = _union(tables, ["source", "content_sha256", "run_id", "extractor_version"], include_errors=False)
    if union is None:
        return
    found = con.execute(
        f"SELECT source, string_agg(DISTINCT run_id, ', '), string_agg(DISTINCT extractor_version, ', ') "
        f"FROM ({union}) GROUP BY source "
        "HAVING count(DISTINCT content_sha256) = 1 "
        "AND (count(DISTINCT run_id) > 1 OR count(DISTINCT extractor_version) > 1) ORDER BY source"
    ).fetchall()
    if found:
        scan.error("mixed_runs", None, f"{len(found)} source(s) whose rows come from more than one run or "
                   "extractor version", len(found), [f"{s}: runs {r}; extractor {v}" for s, r, v in found])


def _errors_beside_responses(scan: _Scan, con: duckdb.DuckDBPyConnection, tables: dict[str, _Table]) -> None:
    errors, responses = tables.get("errors"), tables.get("responses")
    if errors is None or responses is None or not errors.has("source", "stage", "error_type"):
        return
    found = con.execute(
        "SELECT e.source, e.stage || '/' || e.error_type FROM errors AS e SEMI JOIN responses AS r "
        f"ON e.source = r.source WHERE NOT ({ALLOWED_BESIDE_RESPONSE}) ORDER BY 1"
    ).fetchall()
    if found:
        scan.error("error_and_response", "errors", f"{len(found)} document(s) both read (in responses) and failed "
                   "(in errors)", len(found), [f"{s} ({kind})" for s, kind in found])
