"""Writing a dataset version: every table to Parquet, a manifest, then one atomic swap of `current`.

Readers never see a half-written version: a version is built in `versions/.tmp-<run_id>-<random>`, every file
is fsynced, the directory is renamed to `versions/<run_id>`, and only then does `current` (a relative symlink)
move to it with `os.replace`. A crash at any earlier moment leaves the old `current` untouched; the leftovers
are removed at the start of the next commit.

On object storage (s3://, gs://, az://) there are no renames or symlinks: the version's files are written
under `versions/<run_id>/`, then `manifest.json`, and last a small `CURRENT` object holding the run id, which
readers follow. One PUT is atomic, so readers still see the old version or the new one, never a mix. There is
no lock there either: one writer at a time per dataset (a scheduler's job, see the README's Scale section).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import posixpath
import re
import shutil
import signal
import uuid
from collections.abc import Iterator, Mapping, Sequence, Set
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq
from pydantic import BaseModel

from foidata import __version__
from foidata.document import sha256_file
from foidata.output.datapackage import DATAPACKAGE, datapackage_json
from foidata.output.errors import DamagedDataset, DatasetError, DatasetNotFound
from foidata.output.merge import write_merged
from foidata.output.staging import Staging, remove_stale_staging
from foidata.output.storage import Location, is_remote, location
from foidata.schemas import SCHEMA_VERSION, TABLES, arrow_schema

VERSIONS = "versions"
CURRENT = "current"
MANIFEST = "manifest.json"
POINTER = "CURRENT"  # on object storage: the run id of the current version (the symlink's stand-in)
KEEP_PREVIOUS = 2  # versions kept besides the current one, so a bad run can be rolled back by hand

_TMP_PREFIX = ".tmp-"
_LOCK = ".lock"
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Crash tests (tests/faultkit/kills.py) set this to a step of a local commit ("tables", "renamed", "swapped")
# and the process SIGKILLs itself there, as a power cut or the OOM killer would; unset, nothing happens.
FAULT_KILL_AT = "FOIDATA_FAULT_KILL_AT"


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


def read_manifest(version_dir: Path | str, where: Location | None = None) -> Manifest:
    """The manifest of a version: a local folder, or a path in `where`'s (remote) filesystem."""
    if where is None or where.is_local:
        path: Path | str = Path(version_dir) / MANIFEST
        read = Path(path).read_bytes
    else:
        key = posixpath.join(version_dir, MANIFEST)
        path = where.uri(key)
        read = partial(where.fs.cat_file, key)
    try:
        return Manifest.model_validate_json(read())
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


def current_version(where: Location) -> str:
    """The current version's folder as a path in `where`'s filesystem, local (the symlink, resolved) or remote
    (the CURRENT pointer, read). Raises DatasetNotFound when there is none."""
    if where.is_local:
        return current_version_dir(where.url).as_posix()
    pointer = where.join(POINTER)
    try:
        run_id = where.fs.cat_file(pointer).decode("utf-8", "replace").strip()
    except FileNotFoundError:
        raise DatasetNotFound(
            f"no dataset in {where.url}: {where.uri(pointer)} does not exist (run foidata ingest first)"
        ) from None
    if not _RUN_ID.match(run_id):
        raise DatasetError(f"{where.uri(pointer)} does not name a version: {run_id[:80]!r}")
    return where.join(VERSIONS, run_id)


def has_dataset(out_dir: str | os.PathLike[str]) -> bool:
    """Whether `out_dir` has a current version (a dangling local link is none)."""
    if not is_remote(out_dir):
        return os.path.exists(os.path.join(out_dir, CURRENT))
    where = location(out_dir)
    return bool(where.fs.exists(where.join(POINTER)))


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
    if is_remote(out_dir):
        return _commit_remote(location(out_dir), new_rows, replaced_sources, run_id, now, replaced_errors, staged)

    out = Path(out_dir)
    versions = out / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    link = out / CURRENT
    if link.exists() and not link.is_symlink():
        raise DatasetError(f"{link} is not a symlink; foidata only writes datasets it manages")
    if link.is_symlink() and not link.exists():
        # Building on nothing here would start a fresh dataset and then prune every older version.
        raise _damaged(out, f"{link} points at {os.readlink(link)}, which is missing")

    with _exclusive_lock(out):
        _remove_partial_versions(out)
        final = versions / run_id
        if final.exists():
            raise DatasetError(f"version {run_id} already exists in {versions}")
        previous = current_version_dir(out) if link.exists() else None
        where = location(out)
        previous_manifest = _sound_manifest(out, where, previous)
        if previous_manifest is not None:
            _check_compatible(previous_manifest, out)

        building = versions / f"{_TMP_PREFIX}{run_id}-{uuid.uuid4().hex[:8]}"
        building.mkdir()
        files: list[FileEntry] = []
        for table, path in _write_tables(
            where, building.as_posix(), previous.as_posix() if previous else None, new_rows, replaced_sources,
            replaced_errors, staged,
        ):
            files.append(_entry(Path(path), table))
        _fault_point("tables")
        manifest = _manifest(run_id, previous_manifest, now, files)
        _write_synced(building / DATAPACKAGE, datapackage_json(manifest))
        _write_synced(building / MANIFEST, manifest.model_dump_json(indent=2).encode() + b"\n")
        _fsync_dir(building)
        os.rename(building, final)
        _fsync_dir(versions)
        _fault_point("renamed")
        _swap_current(out, final)
        _fault_point("swapped")
        _prune(versions, manifest)
        if staged is not None:
            staged.remove()
        remove_stale_staging(out)
    return manifest


def _commit_remote(
    where: Location,
    new_rows: Mapping[str, Sequence[BaseModel]],
    replaced_sources: Set[str],
    run_id: str,
    now: dt.datetime | None,
    replaced_errors: Set[str],
    staged: Staging | None,
) -> Manifest:
    """`commit` on object storage: files under versions/<run_id>/, the manifest, then the CURRENT pointer."""
    final = where.join(VERSIONS, run_id)
    if where.fs.exists(posixpath.join(final, MANIFEST)):
        raise DatasetError(f"version {run_id} already exists in {where.uri(where.join(VERSIONS))}")
    try:
        previous: str | None = current_version(where)
    except DatasetNotFound:
        previous = None
    previous_manifest = _sound_manifest(where.url, where, previous)
    if previous_manifest is not None:
        _check_compatible(previous_manifest, where.url)
    files = [
        _remote_entry(where, path, table)
        for table, path in _write_tables(
            where, final, previous, new_rows, replaced_sources, replaced_errors, staged
        )
    ]
    manifest = _manifest(run_id, previous_manifest, now, files)
    where.fs.pipe_file(posixpath.join(final, DATAPACKAGE), datapackage_json(manifest))
    where.fs.pipe_file(posixpath.join(final, MANIFEST), manifest.model_dump_json(indent=2).encode() + b"\n")
    # No lock here: at least never hide a version another writer made current meanwhile (its rows would be
    # lost). The check and the write are two requests, so this narrows the race; it does not close it.
    now_current = _pointed(where)
    if now_current != manifest.previous_run_id:
        raise DatasetError(
            f"another foidata run made {now_current} current in {where.url} while this one was writing; "
            "run again (unchanged documents are skipped)"
        )
    # The commit point: readers follow this one small object, written whole or not at all.
    where.fs.pipe_file(where.join(POINTER), run_id.encode())
    _prune_remote(where, manifest)
    if staged is not None:
        staged.remove()
    remove_stale_staging(where.url)
    return manifest


def repair_hint(out: str | os.PathLike[str]) -> str:
    """What to run about a damaged dataset: the same words in every refusal."""
    return (f"run `foidata check --data {out}` to see what is wrong, and `foidata check --data {out} --repair` "
            "to make the newest sound version current")


def _damaged(out: str | os.PathLike[str], problem: str) -> DamagedDataset:
    return DamagedDataset(f"{problem}; nothing was written and no version was removed: {repair_hint(out)}")


def _sound_manifest(
    out: str | os.PathLike[str], where: Location, version: str | os.PathLike[str] | None
) -> Manifest | None:
    """The manifest of the version a commit builds on, once its files are checked against it; None if there
    is no current version. A missing manifest, or a file missing, resized or changed, refuses the commit."""
    if version is None:
        return None
    folder = Path(version).as_posix()
    try:
        manifest = read_manifest(folder, where)
    except DatasetError as exc:
        raise _damaged(out, str(exc)) from None
    problem = version_problem(where, folder, manifest)
    if problem is not None:
        raise _damaged(out, problem)
    return manifest


def version_problem(where: Location, version: str, manifest: Manifest) -> str | None:
    """The first way a version's files differ from its manifest (missing, another size, another SHA-256),
    or None when every file is as listed. Every file is hashed: a flipped byte keeps the size."""
    for entry in manifest.files:
        path = posixpath.join(version, entry.path)
        try:
            size, digest = _size_and_hash(where, path)
        except FileNotFoundError:
            return f"{where.uri(path)} is missing from version {manifest.run_id}"
        if size != entry.bytes:
            return f"{where.uri(path)} is {size:,} bytes; its manifest says {entry.bytes:,}"
        if digest != entry.sha256:
            return f"{where.uri(path)} does not have the SHA-256 its manifest says (the file changed or is damaged)"
    return None


def _size_and_hash(where: Location, path: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with where.fs.open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def verify_current(out_dir: str | os.PathLike[str]) -> Manifest | None:
    """The current version's manifest once every file is checked against it; None when there is no dataset.
    Raises DamagedDataset (one line naming `foidata check`) when `current` points at a missing version or a
    file is missing or changed: what an ingest or scrape checks before it builds on the dataset."""
    if is_remote(out_dir):
        where = location(out_dir)
        try:
            version: str | None = current_version(where)
        except DatasetNotFound:
            version = None
        return _sound_manifest(where.url, where, version)
    link = Path(out_dir) / CURRENT
    if link.is_symlink() and not link.exists():
        raise _damaged(out_dir, f"{link} points at {os.readlink(link)}, which is missing")
    if not link.exists():
        return None
    return _sound_manifest(out_dir, location(out_dir), current_version_dir(out_dir))


def sound_versions(where: Location) -> list[tuple[str, Manifest]]:
    """(run id, manifest) of every complete version whose files match its manifest, newest first (by the
    manifest's creation time: two run ids of the same second sort by their random part). Half-built `.tmp-`
    folders are never candidates."""
    folder = where.join(VERSIONS)
    if not where.fs.exists(folder):
        return []
    sound: list[tuple[str, Manifest]] = []
    for child in where.fs.ls(folder, detail=False):
        name = posixpath.basename(str(child).rstrip("/"))
        if not _RUN_ID.match(name):
            continue
        version = where.join(VERSIONS, name)
        try:
            manifest = read_manifest(version, where)
        except DatasetError:
            continue
        if version_problem(where, version, manifest) is None:
            sound.append((name, manifest))
    return sorted(sound, key=lambda found: (found[1].created_at, found[0]), reverse=True)


def roll_back(out_dir: str | os.PathLike[str]) -> tuple[str | None, str]:
    """Make the newest sound version current (see sound_versions) and return (the run id current named
    before, the run id it names now). Deletes nothing: the damaged versions stay for inspection. Raises
    DatasetError when no version is sound."""
    where = location(out_dir)
    before = _pointed_local(Path(out_dir)) if where.is_local else _pointed(where)
    found = next(iter(sound_versions(where)), None)
    if found is None:
        raise DatasetError(f"no version in {where.uri(where.join(VERSIONS))} matches its manifest: nothing to roll "
                           "back to")
    run_id = found[0]
    if run_id != before:
        if where.is_local:
            with _exclusive_lock(Path(out_dir)):
                _swap_current(Path(out_dir), Path(out_dir) / VERSIONS / run_id)
        else:
            where.fs.pipe_file(where.join(POINTER), run_id.encode())
    return before, run_id


def _pointed_local(out: Path) -> str | None:
    link = out / CURRENT
    return posixpath.basename(os.readlink(link)) if link.is_symlink() else None


def _pointed(where: Location) -> str | None:
    try:
        return posixpath.basename(current_version(where))
    except DatasetNotFound:
        return None


def _write_tables(
    where: Location,
    version: str,
    previous: str | None,
    new_rows: Mapping[str, Sequence[BaseModel]],
    replaced_sources: Set[str],
    replaced_errors: Set[str],
    staged: Staging | None,
) -> Iterator[tuple[str, str]]:
    """Each table merged into `version`; yields (table, path written)."""
    for table, model in TABLES.items():
        schema = arrow_schema(model, table)
        dropped = replaced_sources | replaced_errors if table == "errors" else replaced_sources
        parts = staged.parts(table) if staged is not None else []
        path = posixpath.join(version, f"{table}.parquet")
        write_merged(path, table, schema, previous, new_rows.get(table, ()), parts, dropped, where)
        yield table, path


def _manifest(
    run_id: str, previous: Manifest | None, now: dt.datetime | None, files: list[FileEntry]
) -> Manifest:
    return Manifest(
        schema_version=SCHEMA_VERSION,
        foidata_version=__version__,
        run_id=run_id,
        previous_run_id=previous.run_id if previous else None,
        created_at=now or dt.datetime.now(dt.UTC),
        tables={f.table: f.rows for f in files},
        files=files,
    )


def _check_compatible(previous: Manifest, out: Path | str) -> None:
    if previous.schema_version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise DatasetError(
            f"dataset in {out} has schema {previous.schema_version}, this foidata writes {SCHEMA_VERSION}; "
            "ingest into a new --out directory"
        )


def _entry(path: Path, name: str) -> FileEntry:
    rows = pq.ParquetFile(path).metadata.num_rows
    return FileEntry(table=name, path=path.name, rows=rows, bytes=path.stat().st_size, sha256=sha256_file(path))


def _remote_entry(where: Location, path: str, name: str) -> FileEntry:
    # Hashed as read back from the store: the manifest vouches for what readers will get, not what was sent.
    digest = hashlib.sha256()
    size = 0
    with where.fs.open(path, "rb") as fh:
        rows = pq.ParquetFile(fh).metadata.num_rows
        fh.seek(0)
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return FileEntry(table=name, path=posixpath.basename(path), rows=rows, bytes=size, sha256=digest.hexdigest())


def _prune_remote(where: Location, manifest: Manifest) -> None:
    """`_prune` on object storage: keep the current version and the KEEP_PREVIOUS before it; nothing is
    deleted when that chain is broken."""
    keep = {manifest.run_id}
    run_id = manifest.previous_run_id
    for _ in range(KEEP_PREVIOUS):
        if run_id is None:
            break
        try:
            previous = read_manifest(where.join(VERSIONS, run_id), where)
        except DatasetError:
            return  # a broken chain: delete nothing (see _prune)
        keep.add(run_id)
        run_id = previous.previous_run_id
    for child in where.fs.ls(where.join(VERSIONS), detail=False):
        if posixpath.basename(str(child).rstrip("/")) not in keep:
            # As locally: failing to delete an old version must not fail a commit that has succeeded.
            with contextlib.suppress(OSError):
                where.fs.rm(child, recursive=True)


def _fault_point(step: str) -> None:
    if os.environ.get(FAULT_KILL_AT) == step:
        os.kill(os.getpid(), signal.SIGKILL)


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
    including complete versions that never became current (a crash between rename and swap). When that chain
    is broken (a version it names is missing or has no readable manifest) nothing is deleted: the dataset is
    in a state nobody planned, and the older versions may be all that is left of some rows."""
    keep = {manifest.run_id}
    run_id = manifest.previous_run_id
    for _ in range(KEEP_PREVIOUS):
        if run_id is None:
            break
        if not (versions / run_id).is_dir():
            return
        keep.add(run_id)
        try:
            run_id = read_manifest(versions / run_id).previous_run_id
        except DatasetError:
            return
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
