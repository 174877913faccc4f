"""The pointer, the manifest, leftovers, and the version's files and schemas."""

from __future__ import annotations

import hashlib
import json
import posixpath
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from foidata.output.check.rows import _cross_checks, _duckdb, _table_checks, _views
from foidata.output.check.scan import _TMP, CHUNK, _first_line, _Scan
from foidata.output.datapackage import DATAPACKAGE
from foidata.output.dataset import (
    CURRENT,
    MANIFEST,
    VERSIONS,
    FileEntry,
    Manifest,
    current_version,
    retained_versions,
)
from foidata.output.errors import DatasetError, DatasetNotFound
from foidata.output.staging import STAGING
from foidata.output.storage import Location
from foidata.schemas import SCHEMA_VERSION, TABLES, arrow_schema


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
    """The versions the retention rule keeps (output/dataset/manifest.py): any other is a leftover."""
    if version is None:
        return set()

    def read(folder: str) -> Manifest | None:
        try:
            return Manifest.model_validate_json(scan.where.fs.cat_file(posixpath.join(folder, MANIFEST)))
        except (OSError, ValueError):
            return None

    manifest = read(version)
    if manifest is None:
        return {posixpath.basename(version)}
    keep, _whole = retained_versions(manifest, lambda run_id: read(scan.where.join(VERSIONS, run_id)))
    return keep


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
