"""Readers: bytes -> `Document`. The type is detected from the content, not only the name.

>>> read_bytes(b"FOI 15435: the cost was \\xa3450.", "reply.txt").text
'FOI 15435: the cost was £450.'
"""

from __future__ import annotations

from pathlib import Path

from foidata.extractors.document import MEDIA_HTML, MEDIA_PDF, Document
from foidata.extractors.readers.detect import sniff
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.readers.html import read_html
from foidata.extractors.readers.office import MEDIA_DOCX, MEDIA_XLSX
from foidata.extractors.readers.pdf import read_pdf
from foidata.extractors.readers.spreadsheet import read_xlsx
from foidata.extractors.readers.tabular import MEDIA_CSV, MEDIA_TSV, read_csv
from foidata.extractors.readers.text import read_text
from foidata.extractors.readers.word import read_docx
from foidata.schemas import limits

__all__ = [
    "MEDIA_CSV",
    "MEDIA_DOCX",
    "MEDIA_TSV",
    "MEDIA_XLSX",
    "ReadError",
    "read_bytes",
    "read_path",
]


def _too_large(size: int, max_bytes: int) -> ReadError:
    return ReadError("too_large", f"the file is {size:,} bytes; the limit is {max_bytes:,}")


def _charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def read_bytes(
    data: bytes,
    source: str,
    *,
    max_bytes: int | None = None,
    max_pages: int | None = None,
    content_type: str | None = None,
) -> Document:
    """Read a PDF, HTML page, Word or Excel file, CSV or text file from its bytes; `source` names it (a path
    or URL). `content_type`, a web server's Content-Type if known, only tells CSV from plain text.

    Raises ReadError (never anything else for bad input) when the bytes cannot be read. The size and page
    limits are READ_LIMITS' (foidata.schemas.limits) unless given.
    """
    max_bytes = limits.READ_LIMITS.max_bytes if max_bytes is None else max_bytes
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    media_type = sniff(data, source, content_type)
    if media_type == MEDIA_PDF:
        return read_pdf(data, source, max_pages=max_pages)
    if media_type == MEDIA_HTML:
        return read_html(data, source)
    if media_type == MEDIA_DOCX:
        return read_docx(data, source)
    if media_type == MEDIA_XLSX:
        return read_xlsx(data, source)
    if media_type in (MEDIA_CSV, MEDIA_TSV):
        return read_csv(data, source, media_type=media_type, charset=_charset(content_type))
    return read_text(data, source)


def read_path(
    path: Path, *, max_bytes: int | None = None, max_pages: int | None = None
) -> Document:
    """Read a file; its source is the path as given. The size limit is checked before reading."""
    max_bytes = limits.READ_LIMITS.max_bytes if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError("unreadable_file", f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_bytes(data, str(path), max_bytes=max_bytes, max_pages=max_pages)
