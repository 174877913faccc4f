"""Which reader a file needs, judged from its bytes; the file name is only a tie-breaker."""

from __future__ import annotations

import re

from foidata.extractors.document import MEDIA_HTML, MEDIA_PDF, MEDIA_TEXT
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.readers.office import (
    EMPTY_ZIP_MAGIC,
    OLE2_MAGIC,
    ZIP_MAGIC,
    file_name,
    legacy_office_error,
    package_type,
)
from foidata.extractors.readers.tabular import MEDIA_CSV, MEDIA_TSV
from foidata.extractors.readers.text import (
    BINARY_CONTROL_RATIO,
    bom_encoding,
    control_ratio,
    looks_like_utf16,
    looks_like_wide,
)

# How much of the start of a file is looked at.
HEAD_BYTES = 8192
PDF_MAGIC_WINDOW = 1024
BINARY_REPLACEMENT_RATIO = 0.30

# Formats recognised by their magic bytes that foidata does not read (yet): (magic, reason).
UNSUPPORTED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (EMPTY_ZIP_MAGIC, "the file is an empty zip archive"),
    (b"{\\rtf", "RTF documents are not supported yet"),
    (b"\x89PNG\r\n\x1a\n", "image files (PNG) are not supported; OCR is not supported yet"),
    (b"\xff\xd8\xff", "image files (JPEG) are not supported; OCR is not supported yet"),
    (b"GIF8", "image files (GIF) are not supported; OCR is not supported yet"),
    (b"II*\x00", "image files (TIFF) are not supported; OCR is not supported yet"),
    (b"MM\x00*", "image files (TIFF) are not supported; OCR is not supported yet"),
)

# The document starts like an HTML page (after BOM, whitespace, an XML declaration and comments).
_HTML_START_RE = re.compile(r"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta[\s>]|title[\s>])", re.I)
_PREAMBLE_RE = re.compile(r"^(\s+|<\?xml[^>]*\?>|<!--.*?-->)+", re.S)
# Common tags; a file starting with "<" and using several of them is an HTML fragment.
_COMMON_TAG_RE = re.compile(
    r"<(div|p|span|table|tr|td|a|br|h[1-6]|ul|ol|li|strong|em|b|i|section)[\s>/]", re.I
)
HTML_FRAGMENT_MIN_TAGS = 2
HTML_NAME_RE = re.compile(r"\.(x?html?|aspx?|php|jsp)$", re.I)
# Text is read as CSV only when the name or the server's content type says so: sniffing would turn
# letters with commas into tables.
CSV_CONTENT_TYPES = frozenset({"text/csv", "application/csv", "text/comma-separated-values", "text/x-csv"})
TSV_CONTENT_TYPES = frozenset({"text/tab-separated-values", "text/tsv"})


def _head_text(data: bytes) -> str:
    """The start of the file as text, good enough to look for markup (not the final decoding)."""
    head = data[:HEAD_BYTES]
    bom = bom_encoding(head)
    if bom is not None:
        encoding, skip = bom
        return head[skip:].decode(encoding, errors="replace")
    wide = looks_like_wide(head[: len(head) - len(head) % 4]) or looks_like_utf16(head)
    if wide is not None:
        return head.decode(wide, errors="replace")
    return head.decode("utf-8", errors="replace")


def _is_binary(head: str) -> bool:
    if not head:
        return False
    if control_ratio(head) > BINARY_CONTROL_RATIO:  # NULs and other controls: not text
        return True
    return head.count("\ufffd") / len(head) > BINARY_REPLACEMENT_RATIO


def _looks_like_html(head: str, name: str) -> bool:
    start = _PREAMBLE_RE.sub("", head, count=1)
    if _HTML_START_RE.match(start):
        return True
    tags = {m.group(1).lower() for m in _COMMON_TAG_RE.finditer(head)}
    if start.startswith("<") and len(tags) >= HTML_FRAGMENT_MIN_TAGS:
        return True
    # A file saved as .html that starts with text but clearly carries markup.
    return bool(HTML_NAME_RE.search(name)) and len(tags) >= HTML_FRAGMENT_MIN_TAGS


def _delimited_type(name: str, content_type: str | None) -> str | None:
    """MEDIA_CSV / MEDIA_TSV when the file name or the content type says the text is delimited."""
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    base = file_name(name)
    if base.endswith(".tsv") or mime in TSV_CONTENT_TYPES:
        return MEDIA_TSV
    if base.endswith(".csv") or mime in CSV_CONTENT_TYPES:
        return MEDIA_CSV
    return None


def sniff(data: bytes, name: str = "", content_type: str | None = None) -> str:
    """Media type of `data` (PDF, HTML, DOCX, XLSX, CSV/TSV or plain text); ReadError if it cannot be read.

    `content_type` is what a web server said the file is, if known; it only decides CSV versus text.

    >>> sniff(b"%PDF-1.7 ...", "letter.pdf")
    'application/pdf'
    >>> sniff(b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "page")
    'text/html'
    >>> sniff(b"Year,Spend\\n2022,450\\n", "spend.csv"), sniff(b"Year,Spend\\n2022,450\\n", "spend.txt")
    ('text/csv', 'text/plain')
    """
    if not data.strip():
        raise ReadError("empty", "the file is empty (no bytes, or only whitespace)")
    # Before the PDF check: a zip may store a PDF uncompressed near its start.
    if data.startswith(ZIP_MAGIC):
        return package_type(data, file_name(name))
    if data.startswith(OLE2_MAGIC):
        raise legacy_office_error(data, file_name(name))
    if b"%PDF-" in data[:PDF_MAGIC_WINDOW]:
        return MEDIA_PDF
    for magic, reason in UNSUPPORTED_MAGIC:
        if data.startswith(magic):
            raise ReadError("unsupported_type", reason)
    head = _head_text(data)
    if not head.strip():
        raise ReadError("empty", "the file is empty (only whitespace)")
    if _is_binary(head):
        hint = " (named .pdf but it has no %PDF header)" if name.lower().endswith(".pdf") else ""
        raise ReadError("binary", f"content is binary data, not a PDF, HTML or text document{hint}")
    if _looks_like_html(head, name):
        return MEDIA_HTML
    return _delimited_type(name, content_type) or MEDIA_TEXT
