"""What a dataset version is: its manifest (files, sizes, hashes, row counts, versions), where `current`
points, whether a version is sound, and the one retention rule for old versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import posixpath
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq
from pydantic import BaseModel

from foidata.extractors.document import sha256_file
from foidata.output.errors import DamagedDataset, DatasetError, DatasetNotFound
from foidata.output.storage import Location, is_remote, location
from foidata.schemas import SCHEMA_VERSION
from foidata.schemas.versions import __version__

VERSIONS = "versions"


CURRENT = "current"


MANIFEST = "manifest.json"


POINTER = "CURRENT"  # on object storage: the run id of the current version (the symlink's stand-in)


KEEP_PREVIOUS = 2  # versions kept besides the current one, so a bad run can be rolled back by hand


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


def _pointed_local(out: Path) -> str | None:
    link = out / CURRENT
    return posixpath.basename(os.readlink(link)) if link.is_symlink() else None


def _pointed(where: Location) -> str | None:
    try:
        return posixpath.basename(current_version(where))
    except DatasetNotFound:
        return None


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


def retained_versions(manifest: Manifest, previous: Callable[[str], Manifest | None]) -> tuple[set[str], bool]:
    """The one retention rule: a dataset keeps its current version and the KEEP_PREVIOUS before it, found by
    following previous_run_id (`previous` reads a version's manifest, None when it is missing or unreadable).
    Returns those run ids and whether the chain was whole. When it is broken, nothing may be deleted: the
    dataset is in a state nobody planned, and the older versions may be all that is left of some rows."""
    keep = {manifest.run_id}
    run_id = manifest.previous_run_id
    for _ in range(KEEP_PREVIOUS):
        if run_id is None:
            break
        found = previous(run_id)
        if found is None:
            return keep, False
        keep.add(run_id)
        run_id = found.previous_run_id
    return keep, True
