"""The local folder backend: durable writes (fsync), the atomic swap of the `current` symlink, the writer's
lock, and pruning versions by the retention rule."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from foidata.output.dataset.manifest import CURRENT, VERSIONS, Manifest, read_manifest, retained_versions
from foidata.output.errors import DatasetError

_TMP_PREFIX = ".tmp-"


_LOCK = ".lock"


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
    """Delete every version the retention rule does not keep, including complete versions that never became
    current (a crash between rename and swap); nothing when the chain of versions is broken."""

    def previous(run_id: str) -> Manifest | None:
        if not (versions / run_id).is_dir():
            return None
        try:
            return read_manifest(versions / run_id)
        except DatasetError:
            return None

    keep, whole = retained_versions(manifest, previous)
    if not whole:
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
