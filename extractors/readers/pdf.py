"""PDFs: text from pypdfium2 on every page, tables where ruling lines make a grid (pypdfium2's characters
in the grid, `pdf_tables`; pdfplumber on the few pages it reads better), and Tesseract OCR for scanned pages.

Pages are joined with "\\n\\f\\n"; `Document.pages` records where each page's text starts and ends, how many
redacted runs it had, whether its text came from OCR, and why a page could not be read.

Why this split (figures from /work/shared/STACK.md and bench/RESULTS.md): pypdfium2 reads text about 40x
faster than pdfplumber and handles spaced-out and doubled "fake bold" characters itself; pdfplumber's table
finder only finds tables along ruling lines, so it runs only on pages whose objects form a grid
(`pdf_page.PageScan.ruled`). Characters under a black box or a redaction annotation are replaced by "█"
(`pdf_page.page_text`) and kept out of the tables too.

A page with no text but an image covering part of it is a scan, and a page whose fonts have no Unicode map
gives junk: both go to Tesseract (`ocr.py`). Without tesseract, or with FOIDATA_OCR=0, those pages are kept
empty with `Page.unread` saying why, and a document with no text at all is a ReadError (pdf_no_text).
"""

from __future__ import annotations

import io
import logging
import re
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from foidata.extractors.document import MEDIA_PDF, Document, Page, Table, sha256_hex
from foidata.extractors.readers import ocr as ocr_engine
from foidata.extractors.readers import pdf_tables
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.readers.pdf_page import Box, PageScan, page_text, scan_page, unicode_error_share
from foidata.extractors.readers.pdf_plumber import (
    MAX_CID_SHARE,
    PAGE_SEPARATOR,
    cid_share,
    dedupe_page,
    page_tables,
    short_reason,
    unique_char_ids,
)
from foidata.extractors.readers.pdf_streams import check_streams
from foidata.extractors.readers.text import normalise_text
from foidata.schemas import limits

__all__ = [
    "MAX_CID_SHARE",
    "PAGE_SEPARATOR",
    "PageContent",
    "SourcePage",
    "cid_share",
    "dedupe_page",
    "read_pdf",
    "unique_char_ids",
]

# A page without text is a scan worth OCR when images cover at least this share of it; a page with no
# text and no image is blank (or drawn only) and is not rendered for nothing.
MIN_SCAN_IMAGE_SHARE = 0.15
# A page whose (sampled) characters mostly lack a Unicode map has a text layer of junk codes.
MAX_UNICODE_ERROR_SHARE = 0.25
MAX_REASON_CHARS = 160

SCANNED = "scanned page (no text layer)"
GARBLED = "text layer unusable (its fonts have no Unicode map)"

_TRAILING_SPACE_RE = re.compile(r"[ \t]+$", re.M)
# pdfium is not thread-safe: one document at a time per process (PDFs are normally read in a child process).
_PDFIUM_LOCK = threading.Lock()

log = logging.getLogger(__name__)


class PageContent(NamedTuple):
    """What was read from one page. Only the first two fields are required, so a plain (text, tables)
    tuple is a PageContent too."""

    text: str
    tables: list[Table]
    redacted_spans: int = 0
    needs_ocr: str | None = None  # SCANNED or GARBLED: the page has something to read but no usable text
    ocr: bool = False
    ocr_confidence: float | None = None
    unread: str | None = None


class _Plumber:
    """pdfplumber over the same bytes, opened only when a page needs it (most documents never do)."""

    def __init__(self, data: bytes, page_count: int) -> None:
        self._data = data
        self._page_count = page_count
        self._pdf: Any = None
        self._failed = False

    def page(self, index: int) -> Any | None:
        if self._pdf is None and not self._failed:
            try:
                self._pdf = pdfplumber.open(io.BytesIO(self._data), password="")
                # Pages counted differently by the two parsers (a damaged file) cannot be matched up.
                self._failed = len(self._pdf.pages) != self._page_count
            except Exception as exc:
                log.debug("pdfplumber cannot open the PDF for tables: %s", short_reason(exc))
                self._failed = True
        return None if self._failed or self._pdf is None else self._pdf.pages[index]

    def close(self) -> None:
        if self._pdf is None:
            return
        try:
            self._pdf.close()
        except Exception as exc:  # closing walks the damaged file's objects again; the text is already read
            log.debug("pdfplumber failed to close the PDF: %s", short_reason(exc))


@dataclass
class SourcePage:
    """One page as `_page_content` sees it: the pdfium page, and the same page in pdfplumber on demand."""

    pdfium_page: pdfium.PdfPage
    index: int
    plumber: _Plumber
    _plumber_page: Any = field(default=None, init=False)

    def plumber_page(self) -> Any | None:
        if self._plumber_page is None:
            self._plumber_page = self.plumber.page(self.index)
        return self._plumber_page

    def close(self) -> None:
        if self._plumber_page is not None:
            self._plumber_page.close()
        self.pdfium_page.close()


def _clean(text: str) -> str:
    """pdfium text in foidata's form: \\n line ends, no trailing spaces, no page breaks inside a page."""
    text = normalise_text(text).replace("\f", "\n")
    return _TRAILING_SPACE_RE.sub("", text).strip("\n")


def _page_content(page: SourcePage, number: int) -> PageContent:
    """Text (pdfium, redactions replaced) and tables (ruled pages only: pdfium's grid, or pdfplumber where
    `pdf_tables.can_read` says it reads the page better)."""
    scan = scan_page(page.pdfium_page)
    textpage = page.pdfium_page.get_textpage()
    try:
        if unicode_error_share(textpage) > MAX_UNICODE_ERROR_SHARE:
            return PageContent("", [], needs_ocr=GARBLED)
        read = page_text(textpage, scan)
        text = _clean(read.text)
        if not text.strip():
            return PageContent("", [], needs_ocr=SCANNED if scan.image_share >= MIN_SCAN_IMAGE_SHARE else None)
        if not scan.ruled:
            return PageContent(text, [], read.redacted_spans)
        if pdf_tables.can_read(scan, page.pdfium_page.get_rotation(), read.hidden):
            return PageContent(text, _grid_tables(textpage, scan, number), read.redacted_spans)
    finally:
        textpage.close()
    return PageContent(text, _tables(page, number, read.hidden), read.redacted_spans)


def _tables(page: SourcePage, number: int, hidden: tuple[Box, ...]) -> list[Table]:
    """pdfplumber's tables for a ruled page; a page pdfminer cannot parse keeps its pypdfium2 text."""
    try:
        plumber_page = page.plumber_page()
        return page_tables(plumber_page, number, hidden) if plumber_page is not None else []
    except Exception as exc:
        log.debug("no tables from page %d: %s", number, short_reason(exc))
        return []


def _grid_tables(textpage: pdfium.PdfTextPage, scan: PageScan, number: int) -> list[Table]:
    try:
        return pdf_tables.page_tables(textpage, scan, number)
    except Exception as exc:  # a page's tables are a bonus: its text stands without them
        log.debug("no tables from page %d: %s", number, _short(exc))
        return []


# --- opening ----------------------------------------------------------------------------------------------------


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReadError("pdf_encrypted", "PDF is encrypted with a password; foidata cannot read it") from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError("pdf_encrypted", "PDF uses encryption foidata cannot read") from exc
        raise ReadError("pdf_damaged", f"cannot parse the PDF ({_short(exc)})") from exc
    except Exception as exc:
        raise ReadError("pdf_damaged", f"cannot parse the PDF ({_short(exc)})") from exc


def _short(exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__)[:MAX_REASON_CHARS]


def _page_count(pdf: pdfium.PdfDocument, max_pages: int) -> int:
    count = len(pdf)
    if count <= 0:
        raise ReadError("pdf_damaged", "the PDF has no pages")
    if count > max_pages:
        raise ReadError("too_large", f"the PDF has {count} pages; the limit is {max_pages}")
    return count


# --- reading ----------------------------------------------------------------------------------------------------


def _read_pages(pdf: pdfium.PdfDocument, plumber: _Plumber, count: int) -> list[PageContent]:
    contents: list[PageContent] = []
    errors: list[str] = []
    for index in range(count):
        number = index + 1
        page: SourcePage | None = None
        try:
            page = SourcePage(pdf[index], index, plumber)
            contents.append(PageContent(*_page_content(page, number)))
        except Exception as exc:  # one bad page must not lose the others
            errors.append(f"page {number}: {_short(exc)}")
            contents.append(PageContent("", [], unread=f"cannot parse the page ({_short(exc)})"))
        finally:
            if page is not None:
                page.close()
    if len(errors) == count:
        raise ReadError("pdf_damaged", f"no page of the PDF could be parsed ({errors[0]})")
    return contents


def _ocr(pdf: pdfium.PdfDocument, contents: list[PageContent], wanted: bool) -> list[PageContent]:
    """OCR the pages that need it, or record why they stay unread."""
    numbers = [n for n, content in enumerate(contents, start=1) if content.needs_ocr]
    if not numbers:
        return contents
    results: dict[int, ocr_engine.OcrText | str]
    if not wanted:
        results = dict.fromkeys(numbers, f"OCR is switched off ({ocr_engine.ENV_SWITCH}=0)")
    elif ocr_engine.tesseract_path() is None:
        ocr_engine.warn_missing_once()
        results = dict.fromkeys(numbers, "OCR needs the tesseract program, which is not installed")
    else:
        results = ocr_engine.ocr_pages(lambda number: _render(pdf, number), numbers)
    updated = list(contents)
    for number, result in results.items():
        content = contents[number - 1]
        if isinstance(result, str):
            updated[number - 1] = content._replace(unread=f"{content.needs_ocr}: {result}")
        else:
            updated[number - 1] = content._replace(text=result.text, ocr=True, ocr_confidence=result.confidence)
    return updated


def _render(pdf: pdfium.PdfDocument, number: int) -> bytes:
    page = pdf[number - 1]
    try:
        return ocr_engine.render_page(page)
    finally:
        page.close()


def _no_text_error(contents: list[PageContent]) -> ReadError:
    """Why a document gave no text at all, in words a person can act on."""
    unread = [c.unread for c in contents if c.unread]
    if any(c.needs_ocr == GARBLED for c in contents) and all(c.needs_ocr != SCANNED for c in contents):
        detail = unread[0].split(": ", 1)[1] if unread else "OCR found no text"
        return ReadError("pdf_no_text", f"text layer is unusable: its fonts have no Unicode map (text comes out "
                                        f"as junk codes); {detail}")
    if unread:
        return ReadError("pdf_no_text", f"no text layer (scanned?); {unread[0].split(': ', 1)[1]}")
    if any(c.ocr for c in contents):
        return ReadError("pdf_no_text", "no text layer, and OCR found no text on its scanned pages")
    return ReadError("pdf_no_text", "no text layer, and no page image to OCR (blank or drawn-only pages)")


def _document(data: bytes, source: str, contents: list[PageContent]) -> Document:
    texts = [content.text for content in contents]
    if not any(text.strip() for text in texts):
        raise _no_text_error(contents)
    if cid_share("".join(texts)) > MAX_CID_SHARE:
        raise ReadError(
            "pdf_no_text",
            "text layer is unusable: its fonts have no Unicode map (text comes out as cid codes); "
            "OCR could not be used",
        )
    pages: list[Page] = []
    offset = 0
    for number, content in enumerate(contents, start=1):
        if number > 1:
            offset += len(PAGE_SEPARATOR)
        pages.append(Page(number=number, start=offset, end=offset + len(content.text),
                          redacted_spans=content.redacted_spans, ocr=content.ocr,
                          ocr_confidence=content.ocr_confidence, unread=content.unread))
        offset += len(content.text)
    return Document(
        source=source,
        content_sha256=sha256_hex(data),
        media_type=MEDIA_PDF,
        text=PAGE_SEPARATOR.join(texts),
        pages=tuple(pages),
        tables=tuple(table for content in contents for table in content.tables),
    )


def read_pdf(data: bytes, source: str, max_pages: int | None = None, *, ocr: bool | None = None) -> Document:
    """Bytes of a PDF -> `Document` (media type application/pdf); ReadError when it cannot be read.

    `ocr`: True/False to switch OCR of scanned pages on or off; None (the default) follows FOIDATA_OCR.
    """
    wanted = ocr_engine.ocr_switched_on() if ocr is None else ocr
    max_pages = limits.READ_LIMITS.max_pdf_pages if max_pages is None else max_pages
    check_streams(data)  # a stream that would inflate to gigabytes is refused before pdfium inflates it
    with _PDFIUM_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pdf = _open(data)
        plumber: _Plumber | None = None
        try:
            count = _page_count(pdf, max_pages)
            plumber = _Plumber(data, count)
            contents = _read_pages(pdf, plumber, count)
            contents = _ocr(pdf, contents, wanted)
        finally:
            if plumber is not None:
                plumber.close()
            pdf.close()
    return _document(data, source, contents)
