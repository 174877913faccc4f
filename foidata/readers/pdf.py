"""PDFs through pdfplumber: text and tables page by page, with each page's place in the text.

Pages are joined with "\\n\\f\\n"; `Document.pages` records where each page's text starts and ends.
pdfplumber reads about 15 pages/s (see /work/shared/STACK.md); table finding costs as much again.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import warnings
from operator import itemgetter
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.exceptions import PdfminerException

from foidata.document import MEDIA_PDF, Document, Page, Table, sha256_hex
from foidata.readers.errors import ReadError
from foidata.readers.text import normalise_text

DEFAULT_MAX_PAGES = 1000
PAGE_SEPARATOR = "\n\f\n"
MAX_REASON_CHARS = 160
# Text that is mostly "(cid:12)" codes has fonts without a Unicode map: unreadable without OCR.
MAX_CID_SHARE = 0.25
_CID_RE = re.compile(r"\(cid:\d+\)")
# Characters drawn twice within this many points (same text, font and size) are one character.
DEDUPE_TOLERANCE = 1

# pdfminer logs a warning for every small defect of real-world PDFs; the outcome is what matters here.
for _logger_name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_logger_name).setLevel(logging.ERROR)


def _short(exc: BaseException) -> str:
    """One short line naming an exception, for a ReadError reason."""
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    detail = str(inner).strip().splitlines()[0] if str(inner).strip() else ""
    text = f"{type(inner).__name__}: {detail}" if detail else type(inner).__name__
    return text[:MAX_REASON_CHARS]


def _open_error(exc: Exception) -> ReadError:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect):
        return ReadError("pdf_encrypted", "PDF is encrypted with a password; foidata cannot read it")
    if isinstance(inner, PDFEncryptionError):
        return ReadError("pdf_encrypted", f"PDF uses encryption foidata cannot read ({_short(exc)})")
    return ReadError("pdf_damaged", f"cannot parse the PDF ({_short(exc)})")


def cid_share(text: str) -> float:
    """Share of glyphs in `text` that pdfminer could only give as "(cid:N)" codes.

    >>> cid_share("(cid:1)(cid:2)ab")
    0.5
    """
    codes = _CID_RE.findall(text)
    if not codes:
        return 0.0
    rest = sum(1 for ch in _CID_RE.sub("", text) if not ch.isspace())
    return len(codes) / (len(codes) + rest)


def _cell(value: Any) -> str:
    return " ".join(normalise_text(str(value)).split()) if value is not None else ""


def _char_key(char: dict[str, Any]) -> tuple[Any, ...]:
    # str(): a few PDFs give bytes font names, which do not sort with str ones.
    return (bool(char.get("upright")), str(char.get("text")), str(char.get("fontname")), char.get("size") or 0)


def unique_char_ids(chars: list[dict[str, Any]], tolerance: float = DEDUPE_TOLERANCE) -> set[int]:
    """ids of the chars `Page.dedupe_chars()` keeps: the same clusters and choice, in linear-ish time.

    pdfplumber 0.11.10 restores the order with `sorted(deduped, key=chars.index)`, quadratic in the number
    of characters: 17-22 s per page on a dense 30,000-character NHS spend table (452 s for 18 pages).
    """
    keep: set[int] = set()
    position = itemgetter("doctop", "x0")
    for _, group in itertools.groupby(sorted(chars, key=_char_key), key=_char_key):
        for row in cluster_objects(list(group), itemgetter("doctop"), tolerance):
            for cluster in cluster_objects(row, itemgetter("x0"), tolerance):
                keep.add(id(min(cluster, key=position)))
    return keep


def dedupe_page(page: Any) -> Any:
    """The page without duplicate 'fake bold' characters (what `page.dedupe_chars()` returns, faster)."""
    keep = unique_char_ids(page.chars)
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in keep)


def _page_content(page: Any, number: int) -> tuple[str, list[Table]]:
    """Text and tables of one pdfplumber page (duplicate 'fake bold' characters removed first)."""
    deduped = dedupe_page(page)
    text = normalise_text(deduped.extract_text() or "").replace("\f", "\n")
    tables: list[Table] = []
    if deduped.chars:  # table finding on a scanned page costs time and finds only empty cells
        for raw in deduped.extract_tables():
            rows = tuple(tuple(_cell(c) for c in row) for row in raw)
            rows = tuple(row for row in rows if any(row))
            if rows:
                tables.append(Table(rows=rows, page=number))
    return text, tables


def read_pdf(data: bytes, source: str, max_pages: int = DEFAULT_MAX_PAGES) -> Document:
    """Bytes of a PDF -> `Document` (media type application/pdf); ReadError when it cannot be read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pdf = pdfplumber.open(io.BytesIO(data), password="")
        except Exception as exc:
            raise _open_error(exc) from exc
        with pdf:
            try:
                pdf_pages = pdf.pages
            except Exception as exc:
                raise ReadError("pdf_damaged", f"cannot read the PDF's pages ({_short(exc)})") from exc
            if not pdf_pages:
                raise ReadError("pdf_damaged", "the PDF has no pages")
            if len(pdf_pages) > max_pages:
                raise ReadError(
                    "too_large", f"the PDF has {len(pdf_pages)} pages; the limit is {max_pages}"
                )
            texts: list[str] = []
            tables: list[Table] = []
            errors: list[str] = []
            for number, page in enumerate(pdf_pages, start=1):
                try:
                    text, page_tables = _page_content(page, number)
                except Exception as exc:  # one bad page must not lose the others
                    errors.append(f"page {number}: {_short(exc)}")
                    text, page_tables = "", []
                finally:
                    page.close()
                texts.append(text)
                tables.extend(page_tables)
    if len(errors) == len(texts):
        raise ReadError("pdf_damaged", f"no page of the PDF could be parsed ({errors[0]})")
    if not any(text.strip() for text in texts):
        raise ReadError("pdf_no_text", "no text layer (scanned?); OCR is not supported yet")
    if cid_share("".join(texts)) > MAX_CID_SHARE:
        raise ReadError(
            "pdf_no_text",
            "text layer is unusable: its fonts have no Unicode map (text comes out as cid codes); "
            "OCR is not supported yet",
        )
    pages: list[Page] = []
    offset = 0
    for number, text in enumerate(texts, start=1):
        if number > 1:
            offset += len(PAGE_SEPARATOR)
        pages.append(Page(number=number, start=offset, end=offset + len(text)))
        offset += len(text)
    return Document(
        source=source,
        content_sha256=sha256_hex(data),
        media_type=MEDIA_PDF,
        text=PAGE_SEPARATOR.join(texts),
        pages=tuple(pages),
        tables=tuple(tables),
    )
