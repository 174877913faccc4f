"""Writing a dataset version: every table to Parquet, a manifest, then one atomic swap of `current`.

Readers never see a half-written version: a version is built in `versions/.tmp-<run_id>-<random>`, every file
is fsynced, the directory is renamed to `versions/<run_id>`, and only then does `current` (a relative symlink)
move to it with `os.replace`. A crash at any earlier moment leaves the old `current` untouched; the leftovers
are removed at the start of the next commit.

On object storage (s3://, gs://, az://) there are no renames or symlinks: the version's files are written
under `versions/<run_id>/`, then `manifest.json`, and last a small `CURRENT` object holding the run id, which
readers follow. One PUT is atomic, so readers still see the old version or the new one, never a mix. There is
no lock there either: one writer at a time per dataset (a scheduler's job, see the README's Scale section).

The pieces: manifest.py (what a version is, how it is found and verified, and the retention rule),
tables.py (the Parquet files of a version), local.py (a folder: fsync, rename, symlink swap, lock, prune) and
remote.py (object storage: files, manifest, then the CURRENT object)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping, Sequence, Set
from pathlib import Path

from pydantic import BaseModel

from foidata.output.datapackage import DATAPACKAGE, datapackage_json
from foidata.output.dataset.local import (
    _TMP_PREFIX,
    _exclusive_lock,
    _fsync_dir,
    _prune,
    _remove_partial_versions,
    _swap_current,
    _write_synced,
)
from foidata.output.dataset.manifest import (
    _RUN_ID,
    CURRENT,
    MANIFEST,
    POINTER,
    VERSIONS,
    FileEntry,
    Manifest,
    _check_compatible,
    _damaged,
    _entry,
    _manifest,
    _pointed,
    _pointed_local,
    _sound_manifest,
    current_version,
    current_version_dir,
    sound_versions,
)
from foidata.output.dataset.remote import _commit_remote
from foidata.output.dataset.tables import _fault_point, _write_tables
from foidata.output.errors import DatasetError, DatasetNotFound
from foidata.output.staging import Staging, remove_stale_staging
from foidata.output.storage import is_remote, location
from foidata.schemas import TABLES


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
