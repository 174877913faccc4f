"""The one document model every reader produces and every extractor reads.

Readers (HTML, PDF, text) turn bytes into a `Document`; extractors never care where the text came from.
Offsets in spans always index `Document.text`.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import BinaryIO

MEDIA_HTML = "text/html"
MEDIA_PDF = "application/pdf"
MEDIA_TEXT = "text/plain"
# What a redacted run of text reads as: one character that no extractor takes for a digit or a word.
REDACTED = "\u2588"


@dataclass(frozen=True)
class Link:
    """A hyperlink kept from the page (attachments are links to files)."""

    text: str
    url: str


@dataclass(frozen=True)
class Table:
    """A table as rows of cell strings, with the page it sits on (PDFs) if known."""

    rows: tuple[tuple[str, ...], ...]
    page: int | None = None


@dataclass(frozen=True)
class Page:
    """Where one PDF page's text sits inside `Document.text`, and how that text was obtained.

    `redacted_spans` counts runs of characters hidden under a black box or a redaction annotation; each run
    is one "█" in the text. `ocr` is True when the text came from Tesseract, with its mean word confidence
    (0-100). `unread` says why a page that holds something to read has no text (e.g. a scan without OCR).
    """

    number: int
    start: int
    end: int
    redacted_spans: int = 0
    ocr: bool = False
    ocr_confidence: float | None = None
    unread: str | None = None


@dataclass(frozen=True)
class Document:
    """A parsed published response: its source, the hash of its bytes, its text and structure."""

    source: str
    content_sha256: str
    media_type: str
    text: str
    title: str | None = None
    pages: tuple[Page, ...] = ()
    tables: tuple[Table, ...] = ()
    links: tuple[Link, ...] = field(default_factory=tuple)
    # (start, end) of text the requester wrote, not the body: a request thread's outgoing messages. The body's
    # answer, and what it withholds, is read from the rest.
    requester_parts: tuple[tuple[int, int], ...] = ()

    @property
    def body_text(self) -> str:
        """The text with the requester's parts blanked (offsets and line breaks kept)."""
        return blank_parts(self.text, self.requester_parts)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def redacted_spans(self) -> int:
        """Redacted runs of text over all pages (each is one "█" in `text`)."""
        return sum(page.redacted_spans for page in self.pages)

    @property
    def unread_pages(self) -> tuple[int, ...]:
        """Numbers of the pages whose text could not be read; `Page.unread` gives each reason."""
        return tuple(page.number for page in self.pages if page.unread is not None)

    @property
    def ocr_pages(self) -> tuple[int, ...]:
        """Numbers of the pages whose text came from OCR."""
        return tuple(page.number for page in self.pages if page.ocr)


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of raw bytes: the content hash kept as provenance on every row."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB chunks."""
    with open(path, "rb") as fh:
        return sha256_stream(fh)


def sha256_stream(fh: BinaryIO) -> str:
    """Hex SHA-256 of an open binary file from its current position, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    while chunk := fh.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()


def text_document(text: str, source: str = "<text>") -> Document:
    """A `Document` straight from a string: handy for tests and for `.txt` inputs.

    >>> text_document("FOI 15435").text
    'FOI 15435'
    """
    return Document(
        source=source,
        content_sha256=sha256_hex(text.encode("utf-8")),
        media_type=MEDIA_TEXT,
        text=text,
    )


def blank_parts(text: str, parts: tuple[tuple[int, int], ...]) -> str:
    """text with each (start, end) part turned to spaces, its line breaks kept, so offsets still index text."""
    if not parts:
        return text
    pieces, last = [], 0
    for start, end in parts:
        pieces += [text[last:start], re.sub(r"[^\n]", " ", text[start:end])]
        last = end
    return "".join([*pieces, text[last:]])
