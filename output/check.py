"""Checking a dataset: is the version `current` points at complete, unchanged since it was written, in the
schema, and consistent with itself? `foidata check --data DIR` prints what `inspect_dataset` finds.

Each Problem names its check:

    current       the pointer (`current` link, or `CURRENT` object) names a complete version
    manifest      manifest.json parses and agrees with itself and with the version's folder
    leftovers     (warnings) half-built versions, temp links, staging, versions that never became current
    missing_table a table the schema defines has no file
    file_hash     a file's size or SHA-256 is not what the manifest says
    row_count     a file's Parquet row count, the manifest's `files` and its `tables` disagree
    unreadable    a Parquet file (or a page of it) cannot be read
    schema        a table's Arrow schema is not the schema version's (or a compatible older one)
    nulls         nulls in columns that are never null
    values        values the row models forbid (enums, patterns, bounds, span_end < span_start)
    provenance    empty source / run id / extractor version; a response_id not derived from its source
    source_hash   one source with two content hashes across the tables: a half-replaced document
    mixed_runs    one source whose rows come from two runs or extractor versions
    orphans       child rows without their response; spans past the end of their response's text
    duplicate_key two different rows with one key; duplicate_row: the same row twice
    error_and_response  a source both read and failed (only unread pages and failed re-downloads may be both)
    datapackage   (warning) datapackage.json missing or disagreeing with the manifest
    state         DIR/state/*.json that do not parse
    raw_cache     DIR/raw files whose bytes do not hash to their name (every file, or `raw_sample` of them)

Tables are read by DuckDB and pyarrow a column or a row group at a time: no table is loaded whole, so a
50,000-document dataset is checked in flat memory. Works on local folders and object storage alike.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import posixpath
import random
import re
import shutil
import tempfile
import types
import typing
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from annotated_types import Ge, Le

from foidata.output.datapackage import DATAPACKAGE
from foidata.output.dataset import (
    CURRENT,
    KEEP_PREVIOUS,
    MANIFEST,
    VERSIONS,
    FileEntry,
    Manifest,
    current_version,
)
from foidata.output.errors import DatasetError, DatasetNotFound
from foidata.output.merge import MEMORY_LIMIT
from foidata.output.staging import STAGING
from foidata.output.state import STATE_DIR
from foidata.output.storage import Location, location
from foidata.schemas import SCHEMA_VERSION, TABLES, arrow_schema

Severity = Literal["error", "warning"]

RAW_DIR = "raw"  # the scrape's raw cache beside the dataset (flows/scrape.py keeps its bytes there)
EXAMPLES = 3
CHUNK = 1 << 20
_TMP = ".tmp-"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a dataset: which check found it, in which table (None: the dataset as a whole),
    what, how many rows or files, and a few examples (keys, sources, paths)."""

    severity: Severity
    check: str
    table: str | None
    message: str
    count: int = 1
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """What a check looked at, and what it found."""

    dataset: str
    run_id: str | None
    schema_version: str | None
    rows: dict[str, int]
    files_hashed: int
    raw_hashed: int
    raw_total: int
    state_files: int
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def check_dataset(out_dir: str | Path, *, raw_sample: int | None = None) -> list[Problem]:
    """Everything wrong with the dataset in `out_dir` (a folder or s3://...): errors and warnings; empty when
    all is well. Raises DatasetNotFound when there is no dataset at all (no `current`, no `CURRENT`)."""
    return list(inspect_dataset(out_dir, raw_sample=raw_sample).problems)


def inspect_dataset(out_dir: str | Path, *, raw_sample: int | None = None) -> Report:
    """`check_dataset` with what was checked. `raw_sample` hashes that many raw-cache files (chosen at random,
    reproducibly) instead of all of them."""
    scan = _Scan(location(out_dir))
    version = _current(scan)
    _leftovers(scan, version)
    if version is not None:
        manifest = _manifest(scan, version)
        if manifest is not None:
            _check_version(scan, version, manifest)
    _state(scan)
    _raw_cache(scan, raw_sample)
    manifest = scan.manifest
    return Report(
        dataset=scan.where.url,
        run_id=manifest.run_id if manifest else None,
        schema_version=manifest.schema_version if manifest else None,
        rows=dict(manifest.tables) if manifest else {},
        files_hashed=scan.files_hashed,
        raw_hashed=scan.raw_hashed,
        raw_total=scan.raw_total,
        state_files=scan.state_files,
        problems=tuple(scan.problems),
    )


@dataclass
class _Scan:
    where: Location
    problems: list[Problem] = field(default_factory=list)
    manifest: Manifest | None = None
    files_hashed: int = 0
    raw_hashed: int = 0
    raw_total: int = 0
    state_files: int = 0

    def error(self, check: str, table: str | None, message: str, count: int = 1,
              examples: Sequence[str] = ()) -> None:
        self.problems.append(Problem("error", check, table, message, count, tuple(examples[:EXAMPLES])))

    def warn(self, check: str, table: str | None, message: str, count: int = 1,
             examples: Sequence[str] = ()) -> None:
        self.problems.append(Problem("warning", check, table, message, count, tuple(examples[:EXAMPLES])))

    def ls(self, path: str) -> list[str]:
        """Names in a folder (or under a prefix), [] when there is none."""
        try:
            found = self.where.fs.ls(path, detail=False)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(posixpath.basename(str(p).rstrip("/")) for p in found)

    def relative(self, path: str) -> str:
        return posixpath.relpath(path, self.where.root)


# ---- the pointer, the manifest, leftovers --------------------------------------------------------------------


def _current(scan: _Scan) -> str | None:
    """The current version's folder (a path in `where.fs`), or None when the pointer is broken (a Problem)."""
    if not scan.where.is_local:
        try:
            return current_version(scan.where)
        except DatasetNotFound:
            raise
        except DatasetError as exc:
            scan.error("current", None, str(exc))
            return None
    root = Path(scan.where.root)
    link = root / CURRENT
    if not link.is_symlink():
        if not link.exists():
            raise DatasetNotFound(f"no dataset in {scan.where.url}: {link} does not exist")
        scan.error("current", None, f"{CURRENT} is not a symlink: foidata cannot commit to this dataset")
        return link.as_posix()
    if not link.exists():
        target = link.readlink()
        scan.error("current", None, f"{CURRENT} points at {target}, which does not exist: no version is readable")
        return None
    resolved = link.resolve()
    if resolved.parent != (root / VERSIONS).resolve():
        scan.warn("current", None, f"{CURRENT} points outside {VERSIONS}/, at {resolved}")
    return resolved.as_posix()


def _manifest(scan: _Scan, version: str) -> Manifest | None:
    path = posixpath.join(version, MANIFEST)
    try:
        data = scan.where.fs.cat_file(path)
    except FileNotFoundError:
        scan.error("current", None, f"{scan.relative(version)} has no {MANIFEST}: {CURRENT} points at an "
                   "incomplete version")
        return None
    try:
        manifest = Manifest.model_validate_json(data)
    except ValueError as exc:
        scan.error("manifest", None, f"{scan.relative(path)} is not a valid manifest: {_first_line(exc)}")
        return None
    scan.manifest = manifest
    if manifest.run_id != posixpath.basename(version):
        scan.error("manifest", None, f"the manifest's run_id {manifest.run_id} is not its folder's name "
                   f"{posixpath.basename(version)}")
    return manifest


def _leftovers(scan: _Scan, version: str | None) -> None:
    """Things an interrupted run leaves behind: harmless to readers, removed by the next commit."""
    where = scan.where
    temp_links = [n for n in scan.ls(where.root) if n.startswith(f"{_TMP}{CURRENT}")]
    if temp_links:
        scan.warn("leftovers", None, "temporary links of a commit that stopped before switching current",
                  len(temp_links), temp_links)
    versions = scan.ls(where.join(VERSIONS))
    partial = [f"{VERSIONS}/{n}" for n in versions if n.startswith(_TMP)]
    if partial:
        scan.warn("leftovers", None, "half-built versions of a commit that stopped (the next commit removes them)",
                  len(partial), partial)
    kept = _kept_versions(scan, version)
    stray = [f"{VERSIONS}/{n}" for n in versions if not n.startswith(_TMP) and n not in kept]
    if stray and version is not None:
        scan.warn("leftovers", None, "versions that are neither current nor one of the kept previous ones (a "
                  "commit stopped between writing a version and switching to it)", len(stray), stray)
    staged = [f"{STAGING}/{n}" for n in scan.ls(where.join(STAGING))]
    if staged:
        scan.warn("leftovers", None, "staged rows of runs that are still going or stopped before committing",
                  len(staged), staged)


def _kept_versions(scan: _Scan, version: str | None) -> set[str]:
    """The current version and the KEEP_PREVIOUS before it, by the manifests' previous_run_id."""
    if version is None:
        return set()
    kept = {posixpath.basename(version)}
    folder = version
    for _ in range(KEEP_PREVIOUS + 1):
        try:
            previous = Manifest.model_validate_json(scan.where.fs.cat_file(posixpath.join(folder, MANIFEST)))
        except (OSError, ValueError):
            break
        if previous.previous_run_id is None:
            break
        kept.add(previous.previous_run_id)
        folder = scan.where.join(VERSIONS, previous.previous_run_id)
    return kept


# ---- the version's files ---------------------------------------------------------------------------------------


def _check_version(scan: _Scan, version: str, manifest: Manifest) -> None:
    _manifest_counts(scan, manifest)
    compatible = _schema_version(scan, manifest)
    readable: dict[str, pa.Schema] = {}
    entries = _entries(scan, manifest)
    for table in TABLES:
        entry = entries.get(table)
        if entry is None:
            scan.error("missing_table", table, f"the manifest lists no file for {table}")
            continue
        schema = _check_file(scan, version, entry, manifest)
        if schema is not None:
            readable[table] = schema
    _unlisted_files(scan, version, manifest)
    _datapackage(scan, version, manifest)
    if not compatible:
        return
    for table, schema in readable.items():
        _check_schema(scan, table, schema, manifest.schema_version)
    with _duckdb(scan.where) as con:
        tables = _views(scan, con, version, readable)
        _table_checks(scan, con, tables)
        _cross_checks(scan, con, tables)


def _entries(scan: _Scan, manifest: Manifest) -> dict[str, FileEntry]:
    entries: dict[str, FileEntry] = {}
    for entry in manifest.files:
        if entry.table in entries:
            scan.error("manifest", entry.table, f"the manifest lists two files for {entry.table}")
        elif entry.path != f"{entry.table}.parquet":
            # Only foidata's own names: a path with '/' or '..' could point anywhere.
            scan.error("manifest", entry.table, f"the manifest names {entry.path!r} for {entry.table}, not "
                       f"{entry.table}.parquet")
        else:
            entries[entry.table] = entry
    unknown = sorted(set(entries) - set(TABLES))
    if unknown:
        scan.warn("manifest", None, "tables this foidata does not know (written by a newer one?)", len(unknown),
                  unknown)
    return entries


def _manifest_counts(scan: _Scan, manifest: Manifest) -> None:
    in_files = {entry.table: entry.rows for entry in manifest.files}
    for table in sorted(set(in_files) | set(manifest.tables)):
        listed, counted = manifest.tables.get(table), in_files.get(table)
        if listed != counted:
            scan.error("row_count", table, f"the manifest's tables say {listed} rows, its files say {counted}")


def _schema_version(scan: _Scan, manifest: Manifest) -> bool:
    """False when the dataset's schema is of another major version: its columns cannot be judged here."""
    major = manifest.schema_version.split(".")[0]
    if major != SCHEMA_VERSION.split(".")[0]:
        scan.error("schema", None, f"schema {manifest.schema_version}: this foidata knows {SCHEMA_VERSION} "
                   "(another major version); its tables' columns were not checked")
        return False
    if _version_key(manifest.schema_version) > _version_key(SCHEMA_VERSION):
        scan.warn("schema", None, f"schema {manifest.schema_version} is newer than this foidata's "
                  f"{SCHEMA_VERSION}: the columns it added are not checked")
    return True


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def _check_file(scan: _Scan, version: str, entry: FileEntry, manifest: Manifest) -> pa.Schema | None:
    """Size, hash and Parquet footer of one table's file; its Arrow schema when the footer is readable."""
    path = posixpath.join(version, entry.path)
    table = entry.table
    try:
        size = scan.where.fs.size(path)
    except FileNotFoundError:
        scan.error("missing_table", table, f"{entry.path} is missing from version {manifest.run_id}")
        return None
    digest = _sha256(scan.where, path)
    scan.files_hashed += 1
    if size != entry.bytes or digest != entry.sha256:
        scan.error("file_hash", table, f"{entry.path} is {size} bytes with SHA-256 {digest[:12]}…; the manifest "
                   f"says {entry.bytes} bytes, {entry.sha256[:12]}…: it changed after it was written")
    try:
        with scan.where.fs.open(path, "rb") as fh:
            parquet = pq.ParquetFile(fh)
            rows, schema = parquet.metadata.num_rows, parquet.schema_arrow
    except (OSError, ValueError, pa.ArrowException) as exc:  # ValueError: a damaged footer's names not UTF-8
        scan.error("unreadable", table, f"{entry.path} is not a readable Parquet file: {_first_line(exc)}")
        return None
    if rows != entry.rows:
        scan.error("row_count", table, f"{entry.path} holds {rows} rows; the manifest says {entry.rows}")
    return schema


def _sha256(where: Location, path: str) -> str:
    digest = hashlib.sha256()
    with where.fs.open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _unlisted_files(scan: _Scan, version: str, manifest: Manifest) -> None:
    expected = {MANIFEST, DATAPACKAGE, *(entry.path for entry in manifest.files)}
    extra = [name for name in scan.ls(version) if name not in expected]
    if extra:
        scan.warn("leftovers", None, f"files in version {manifest.run_id} its manifest does not list", len(extra),
                  extra)


def _datapackage(scan: _Scan, version: str, manifest: Manifest) -> None:
    try:
        package = json.loads(scan.where.fs.cat_file(posixpath.join(version, DATAPACKAGE)))
        hashes = {r["name"]: r.get("hash") for r in package["resources"]}
    except FileNotFoundError:
        scan.warn("datapackage", None, f"version {manifest.run_id} has no {DATAPACKAGE}")
        return
    except (ValueError, KeyError, TypeError) as exc:
        scan.warn("datapackage", None, f"{DATAPACKAGE} is not a valid data package: {_first_line(exc)}")
        return
    wrong = [e.table for e in manifest.files if hashes.get(e.table) != f"sha256:{e.sha256}"]
    if wrong:
        scan.warn("datapackage", None, f"{DATAPACKAGE} disagrees with the manifest about these files' hashes",
                  len(wrong), wrong)


# ---- schemas ---------------------------------------------------------------------------------------------------


def _check_schema(scan: _Scan, table: str, stored: pa.Schema, version: str) -> None:
    """The stored schema against today's: the same, or an older minor version's (fewer, nullable columns)."""
    expected = arrow_schema(TABLES[table], table)
    older = _version_key(version) < _version_key(SCHEMA_VERSION)
    newer = _version_key(version) > _version_key(SCHEMA_VERSION)
    have = {f.name: f for f in stored}
    wrong: list[str] = []
    for want in expected:
        got = have.get(want.name)
        if got is None:
            if not (older and want.nullable):
                wrong.append(f"{want.name} is missing")
        elif not got.type.equals(want.type):
            wrong.append(f"{want.name} is {got.type}, not {want.type}")
        elif got.nullable != want.nullable:
            wrong.append(f"{want.name} is {'' if got.nullable else 'not '}nullable")
    extra = [name for name in stored.names if name not in expected.names]
    if extra and not newer:
        wrong.append(f"unknown columns {', '.join(extra)}")
    stored_table = (stored.metadata or {}).get(b"foidata.table", b"").decode("utf-8", "replace")
    if stored_table not in ("", table):
        wrong.append(f"the file says it holds the {stored_table} table")
    if wrong:
        scan.error("schema", table, f"{table}.parquet does not have schema {version}: {'; '.join(wrong)}",
                   len(wrong), wrong)


# ---- row checks with DuckDB ------------------------------------------------------------------------------------


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


# ---- across tables ---------------------------------------------------------------------------------------------


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


# ---- state and raw cache ---------------------------------------------------------------------------------------


def _state(scan: _Scan) -> None:
    folder = scan.where.join(STATE_DIR)
    names = scan.ls(folder)
    temp = [n for n in names if n.startswith(_TMP)]
    if temp:
        scan.warn("leftovers", None, f"temporary files in {STATE_DIR}/ of a scrape that stopped", len(temp), temp)
    bad: list[str] = []
    for name in names:
        if name.startswith(_TMP) or not name.endswith(".json"):
            continue
        scan.state_files += 1
        why = _state_problem(scan.where.fs.cat_file(posixpath.join(folder, name)))
        if why:
            bad.append(f"{STATE_DIR}/{name}: {why}")
    if bad:
        scan.error("state", None, f"{len(bad)} scrape state file(s) that do not parse (the next scrape downloads "
                   "those sources in full)", len(bad), bad)


def _state_problem(data: bytes) -> str | None:
    """Why a state file is not what output/state.py writes, or None."""
    try:
        body = json.loads(data)
    except ValueError as exc:
        return f"not JSON ({_first_line(exc)})"
    urls = body.get("urls") if isinstance(body, dict) else None
    if not isinstance(urls, dict):
        return "no urls object"
    wrong = [url for url, entry in urls.items()
             if not isinstance(entry, dict) or not _SHA256.match(str(entry.get("sha256", "")))]
    return f"{len(wrong)} URL(s) without a sha256, e.g. {wrong[0]}" if wrong else None


def _raw_cache(scan: _Scan, sample: int | None) -> None:
    root = scan.where.join(RAW_DIR)
    try:
        files = sorted(str(p) for p in scan.where.fs.find(root))
    except FileNotFoundError:
        files = []
    named: list[str] = []
    odd: list[str] = []
    for path in files:
        name, folder = posixpath.basename(path), posixpath.basename(posixpath.dirname(path))
        (named if _SHA256.match(name) and folder == name[:2] else odd).append(path)
    scan.raw_total = len(named)
    if odd:
        scan.warn("leftovers", None, f"files in {RAW_DIR}/ not named by their SHA-256 (temporary files of a "
                  "stopped download?)", len(odd), [scan.relative(p) for p in odd])
    chosen = named if sample is None or sample >= len(named) else random.Random(0).sample(named, sample)
    corrupt = [scan.relative(p) for p in chosen if _sha256(scan.where, p) != posixpath.basename(p)]
    scan.raw_hashed = len(chosen)
    if corrupt:
        scan.error("raw_cache", None, f"{len(corrupt)} of {len(chosen)} raw file(s) hashed do not match their "
                   "name: damaged copies (the next scrape fetches them again)", len(corrupt), corrupt)


# ---- helpers ---------------------------------------------------------------------------------------------------


def _literal_values(annotation: Any) -> list[str]:
    """The values a Literal column may hold (`Outcome | None` too); [] for other columns."""
    if typing.get_origin(annotation) is Literal:
        return [str(v) for v in typing.get_args(annotation)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [v for arg in typing.get_args(annotation) for v in _literal_values(arg)]
    return []


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    row = con.execute(sql).fetchone()
    return tuple(row) if row is not None else ()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _short(value: Any, limit: int = 80) -> str:
    text = "NULL" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# ---- for people and programs ------------------------------------------------------------------------------------


def format_report(report: Report) -> str:
    """What `foidata check` prints: what was checked, then the errors and warnings grouped by check."""
    version = f"version {report.run_id} (schema {report.schema_version})" if report.run_id else "no readable version"
    lines = [f"Dataset {report.dataset}: {version}"]
    for title, problems in (("Errors", report.errors), ("Warnings", report.warnings)):
        if problems:
            lines.append(f"{title}:")
            lines.extend(_problem_lines(problems))
    lines.append(f"Checked: {len(report.rows)} tables, {sum(report.rows.values())} rows, "
                 f"{report.files_hashed} files hashed; {_scrape_files(report)}")
    lines.append(_verdict(report))
    return "\n".join(lines)


def _scrape_files(report: Report) -> str:
    if not report.raw_total and not report.state_files:
        return "no raw cache or scrape state"
    hashed = "all" if report.raw_hashed == report.raw_total else f"{report.raw_hashed} of"
    return f"raw cache: {hashed} {report.raw_total} files hashed; {report.state_files} state files"


def _problem_lines(problems: Sequence[Problem]) -> list[str]:
    lines: list[str] = []
    for problem in sorted(problems, key=lambda p: (p.check, p.table or "")):
        where = f" ({problem.table})" if problem.table else ""
        lines.append(f"  {problem.check}{where}: {problem.message}")
        lines.extend(f"      e.g. {example}" for example in problem.examples)
    return lines


def _verdict(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors and not warnings:
        return "OK: no problems found."
    counted = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    if errors:
        return f"{counted}: the dataset is damaged (see the errors above)."
    return f"{counted}: the dataset is sound; the warnings are leftovers or oddities worth a look."


def report_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (`foidata check --json`)."""
    return {
        "dataset": report.dataset,
        "run_id": report.run_id,
        "schema_version": report.schema_version,
        "ok": not report.errors,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "rows": report.rows,
        "files_hashed": report.files_hashed,
        "raw_hashed": report.raw_hashed,
        "raw_total": report.raw_total,
        "state_files": report.state_files,
        "problems": [asdict(p) for p in report.problems],
    }
