"""Readers: bytes -> `Document`. The type is detected from the content, not only the name.

>>> read_bytes(b"FOI 15435: the cost was \\xa3450.", "reply.txt").text
'FOI 15435: the cost was £450.'
"""

from __future__ import annotations

from pathlib import Path

from foidata.document import MEDIA_HTML, MEDIA_PDF, Document
from foidata.readers.detect import sniff
from foidata.readers.errors import ReadError
from foidata.readers.html import read_html
from foidata.readers.pdf import DEFAULT_MAX_PAGES, read_pdf
from foidata.readers.text import read_text

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_PAGES", "ReadError", "read_bytes", "read_path"]


def _too_large(size: int, max_bytes: int) -> ReadError:
    return ReadError("too_large", f"the file is {size:,} bytes; the limit is {max_bytes:,}")


def read_bytes(
    data: bytes, source: str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pages: int = DEFAULT_MAX_PAGES
) -> Document:
    """Read a PDF, HTML page or text file from its bytes; `source` names it (a path or URL).

    Raises ReadError (never anything else for bad input) when the bytes cannot be read.
    """
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    media_type = sniff(data, source)
    if media_type == MEDIA_PDF:
        return read_pdf(data, source, max_pages=max_pages)
    if media_type == MEDIA_HTML:
        return read_html(data, source)
    return read_text(data, source)


def read_path(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_pages: int = DEFAULT_MAX_PAGES
) -> Document:
    """Read a file; its source is the path as given. The size limit is checked before reading."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError("unreadable_file", f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_bytes(data, str(path), max_bytes=max_bytes, max_pages=max_pages)
