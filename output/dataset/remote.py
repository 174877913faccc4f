"""The object-storage backend (s3://, gs://, az://): a version's files, then its manifest, then the CURRENT
object, one atomic PUT that readers follow; pruning by the same retention rule."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import posixpath
from collections.abc import Mapping, Sequence, Set

import pyarrow.parquet as pq
from pydantic import BaseModel

from foidata.output.datapackage import DATAPACKAGE, datapackage_json
from foidata.output.dataset.manifest import (
    MANIFEST,
    POINTER,
    VERSIONS,
    FileEntry,
    Manifest,
    _check_compatible,
    _manifest,
    _pointed,
    _sound_manifest,
    current_version,
    read_manifest,
    retained_versions,
)
from foidata.output.dataset.tables import _write_tables
from foidata.output.errors import DatasetError, DatasetNotFound
from foidata.output.staging import Staging, remove_stale_staging
from foidata.output.storage import Location


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
    """`_prune` on object storage: the same retention rule, and nothing is deleted when the chain is broken."""

    def previous(run_id: str) -> Manifest | None:
        try:
            return read_manifest(where.join(VERSIONS, run_id), where)
        except DatasetError:
            return None

    keep, whole = retained_versions(manifest, previous)
    if not whole:
        return
    for child in where.fs.ls(where.join(VERSIONS), detail=False):
        if posixpath.basename(str(child).rstrip("/")) not in keep:
            # As locally: failing to delete an old version must not fail a commit that has succeeded.
            with contextlib.suppress(OSError):
                where.fs.rm(child, recursive=True)

