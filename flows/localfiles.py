"""Opening input files safely: a regular file under the folder it was found in, never through a link.

A symbolic link inside an input folder could point at /etc/shadow or /proc/self/environ, whose text would
then land in responses.text and every export; a FIFO blocks a reader forever. So a file is opened with
O_NOFOLLOW (the last component is not a link) and O_NONBLOCK (opening a FIFO does not wait for a writer),
checked with fstat to be a regular file, and its resolved path checked to lie under its resolved root (no
folder on the way was a link). The fstat check is on the open descriptor, so a file swapped for a FIFO or a
link after discovery is still refused; a folder swapped for a link between the path check and the open is
not (that needs openat on every component).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from foidata.schemas.errors import FoidataError

_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class RefusedInput(FoidataError):
    """A path that is not a regular file under its root; `error_type` names why (the errors row's type)."""

    def __init__(self, error_type: str, reason: str) -> None:
        super().__init__(reason)
        self.error_type = error_type
        self.reason = reason


def printable_path(path: str) -> str:
    """A path as valid UTF-8 text: bytes that are not UTF-8 (kept by Python as surrogates) become \\xNN.

    >>> printable_path("/in/caf" + b"\\xe9".decode("utf-8", "surrogateescape") + ".txt")
    '/in/caf\\\\xe9.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_utf8_name(path: str) -> bool:
    """Whether a path can be written to Parquet as it is (a name that is not UTF-8 cannot)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def kind_of(mode: int) -> str:
    """A file type in words, for a refusal's reason."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def check_under_root(path: str, root: str | None) -> None:
    """Refuse a path whose resolved location is outside `root` (already resolved): a folder on the way is a
    link. `root` None (a file named by the user) is not checked."""
    if root is None:
        return
    real = os.path.realpath(path)
    if os.path.commonpath([real, root]) != root:
        raise RefusedInput("outside_input", f"{printable_path(path)} resolves to {printable_path(real)}, "
                           f"outside {printable_path(root)}; links are not followed")


@contextmanager
def open_regular(path: str, root: str | None = None) -> Iterator[BinaryIO]:
    """The file at `path` opened for reading, if it is a regular file reached without links (see the module
    docstring). Raises RefusedInput for a link, a FIFO, a device or a path outside `root`; OSError otherwise."""
    check_under_root(path, root)
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if os.path.islink(path):  # ELOOP from O_NOFOLLOW
            raise RefusedInput("symlink", f"{printable_path(path)} is a symbolic link; links are not followed") from exc
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise RefusedInput("not_a_file", f"{printable_path(path)} is {kind_of(mode)}, not a regular file")
        os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh


def size_of(fh: BinaryIO) -> int:
    return os.fstat(fh.fileno()).st_size
