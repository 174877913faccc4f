"""Writing a dataset version: every table to Parquet, a manifest, then one atomic swap of `current`.

Readers never see a half-written version: a version is built in `versions/.tmp-<run_id>-<random>`, every file
is fsynced, the directory is renamed to `versions/<run_id>`, and only then does `current` (a relative symlink)
move to it with `os.replace`. A crash at any earlier moment leaves the old `current` untouched; the leftovers
are removed at the start of the next commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence, Set
from pathlib import Path

import pyarrow.parquet as pq
from pydantic import BaseModel

from foidata import __version__
from foidata.document import sha256_file
from foidata.output.errors import DatasetError, DatasetNotFound
from foidata.output.merge import write_merged
from foidata.output.staging import Staging, remove_stale_staging
from foidata.schemas import SCHEMA_VERSION, TABLES, arrow_schema

VERSIONS = "versions"
CURRENT = "current"
MANIFEST = "manifest.json"
KEEP_PREVIOUS = 2  # versions kept besides the current one, so a bad run can be rolled back by hand

_TMP_PREFIX = ".tmp-"
_LOCK = ".lock"
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class FileEntry(BaseModel):
    table: str
    path: str
    rows: int
    bytes: int
    sha256: str


class Manifest(BaseModel):
    """What one version holds; written last, as `manifest.json`, beside the Parquet files."""

    schema_version: str
    foidata_version: str
    run_id: str
    previous_run_id: str | None
    created_at: dt.datetime
    tables: dict[str, int]
    files: list[FileEntry]


def read_manifest(version_dir: Path) -> Manifest:
    path = version_dir / MANIFEST
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise DatasetError(f"{path} is missing: not a foidata dataset version") from None
    except ValueError as exc:
        raise DatasetError(f"{path} is not a valid manifest: {exc}") from None


def current_version_dir(out_dir: str | os.PathLike[str]) -> Path:
    """The real directory `DIR/current` points to, resolved once so a reader sees one consistent version."""
    current = Path(out_dir) / CURRENT
    if not current.exists():
        raise DatasetNotFound(f"no dataset in {out_dir}: {current} does not exist (run foidata ingest first)")
    return current.resolve(strict=True)


def commit(
    out_dir: str | os.PathLike[str],
    new_rows: Mapping[str, Sequence[BaseModel]],
    replaced_sources: Set[str],
    run_id: str,
    *,
    now: dt.datetime | None = None,
    replaced_errors: Set[str] = frozenset(),
    staged: Staging | None = None,
) -> Manifest:
    """Write a new version and make it current: each table's current rows whose `source` is not in
    `replaced_sources`, plus `new_rows[table]`. Tables without rows are written too (with their schema).

    `replaced_errors` drops only the `errors` rows of those sources: a page that failed to download this
    time keeps the rows of its last good copy, and its new error replaces its old one."""
    if not _RUN_ID.match(run_id):
        raise ValueError(f"run_id must be letters, digits, '.', '_' or '-': {run_id!r}")
    unknown = set(new_rows) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; known: {list(TABLES)}")
    for table, rows in new_rows.items():
        wrong = next((r for r in rows if not isinstance(r, TABLES[table])), None)
        if wrong is not None:
            raise TypeError(f"{table} rows must be {TABLES[table].__name__}, got {type(wrong).__name__}")

    out = Path(out_dir)
    versions = out / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    link = out / CURRENT
    if link.exists() and not link.is_symlink():
        raise DatasetError(f"{link} is not a symlink; foidata only writes datasets it manages")

    with _exclusive_lock(out):
        _remove_partial_versions(out)
        final = versions / run_id
        if final.exists():
            raise DatasetError(f"version {run_id} already exists in {versions}")
        previous = current_version_dir(out) if link.exists() else None
        previous_manifest = read_manifest(previous) if previous is not None else None
        if previous_manifest is not None:
            _check_compatible(previous_manifest, out)

        building = versions / f"{_TMP_PREFIX}{run_id}-{uuid.uuid4().hex[:8]}"
        building.mkdir()
        files: list[FileEntry] = []
        for table, model in TABLES.items():
            schema = arrow_schema(model, table)
            dropped = replaced_sources | replaced_errors if table == "errors" else replaced_sources
            parts = staged.parts(table) if staged is not None else []
            path = building / f"{table}.parquet"
            write_merged(path, table, schema, previous, new_rows.get(table, ()), parts, dropped)
            files.append(_entry(path, table))
        manifest = Manifest(
            schema_version=SCHEMA_VERSION,
            foidata_version=__version__,
            run_id=run_id,
            previous_run_id=previous_manifest.run_id if previous_manifest else None,
            created_at=now or dt.datetime.now(dt.UTC),
            tables={f.table: f.rows for f in files},
            files=files,
        )
        _write_synced(building / MANIFEST, manifest.model_dump_json(indent=2).encode() + b"\n")
        _fsync_dir(building)
        os.rename(building, final)
        _fsync_dir(versions)
        _swap_current(out, final)
        _prune(versions, manifest)
        if staged is not None:
            staged.remove()
        remove_stale_staging(out)
    return manifest


def _check_compatible(previous: Manifest, out: Path) -> None:
    if previous.schema_version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise DatasetError(
            f"dataset in {out} has schema {previous.schema_version}, this foidata writes {SCHEMA_VERSION}; "
            "ingest into a new --out directory"
        )


def _entry(path: Path, name: str) -> FileEntry:
    rows = pq.ParquetFile(path).metadata.num_rows
    return FileEntry(table=name, path=path.name, rows=rows, bytes=path.stat().st_size, sha256=sha256_file(path))


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    # Makes renames and new entries durable; not every platform or filesystem allows it, hence the suppress.
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap_current(out: Path, version_dir: Path) -> None:
    # Relative target, so the whole dataset directory can be moved, copied or mounted elsewhere.
    tmp_link = out / f"{_TMP_PREFIX}{CURRENT}-{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.join(VERSIONS, version_dir.name), tmp_link)
    os.replace(tmp_link, out / CURRENT)
    _fsync_dir(out)


def _remove_partial_versions(out: Path) -> None:
    """Leftovers of a commit that crashed: half-built version directories and unswapped temp links."""
    for leftover in [*(out / VERSIONS).glob(f"{_TMP_PREFIX}*"), *out.glob(f"{_TMP_PREFIX}{CURRENT}-*")]:
        _remove(leftover)


def _prune(versions: Path, manifest: Manifest) -> None:
    """Keep the current version and the KEEP_PREVIOUS before it (following previous_run_id); delete the rest,
    including complete versions that never became current (a crash between rename and swap)."""
    keep = {manifest.run_id}
    run_id = manifest.previous_run_id
    for _ in range(KEEP_PREVIOUS):
        if run_id is None or not (versions / run_id).is_dir():
            break
        keep.add(run_id)
        try:
            run_id = read_manifest(versions / run_id).previous_run_id
        except DatasetError:
            break
    for child in versions.iterdir():
        if child.name not in keep:
            _remove(child)


def _remove(path: Path) -> None:
    # Failing to delete an old version must not fail a commit that has already succeeded.
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


@contextlib.contextmanager
def _exclusive_lock(out: Path) -> Iterator[None]:
    """One writer per dataset directory at a time (POSIX advisory lock; a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(out / _LOCK, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatasetError(f"another foidata process is writing {out}; retry when it is done") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
