"""pdfplumber, kept for what it does best: the tables of pages with ruling lines.

pdfplumber (pdfminer.six underneath) reads 15-30 pages/s, pypdfium2 hundreds (see /work/shared/STACK.md), so
`read_pdf` takes text from pypdfium2 and asks pdfplumber only for the tables of pages whose objects form a grid.
`read_pdf_plumber` is the previous all-pdfplumber reader, kept as the reference that benchmarks and tests
compare the fast reader with.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import warnings
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.clustering import cluster_objects
from pdfplumber.utils.exceptions import PdfminerException

from foidata.extractors.document import MEDIA_PDF, Document, Page, Table, sha256_hex
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.readers.pdf_page import Box
from foidata.extractors.readers.text import normalise_text

PAGE_SEPARATOR = "\n\f\n"
MAX_REASON_CHARS = 160
# Text that is mostly "(cid:12)" codes has fonts without a Unicode map: unreadable without OCR.
MAX_CID_SHARE = 0.25
_CID_RE = re.compile(r"\(cid:\d+\)")
# Characters drawn twice within this many points (same text, font and size) are one character.
DEDUPE_TOLERANCE = 1
# A pdfplumber rect within this many points of a redaction box is that box.
REDACTION_BOX_TOLERANCE = 1.0

# pdfminer logs a warning for every small defect of real-world PDFs; the outcome is what matters here.
for _logger_name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_logger_name).setLevel(logging.ERROR)


def short_reason(exc: BaseException) -> str:
    """One short line naming an exception, for a ReadError reason."""
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    detail = str(inner).strip().splitlines()[0] if str(inner).strip() else ""
    text = f"{type(inner).__name__}: {detail}" if detail else type(inner).__name__
    return text[:MAX_REASON_CHARS]


def open_error(exc: Exception) -> ReadError:
    """The ReadError for a PDF pdfplumber cannot open."""
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, PDFPasswordIncorrect):
        return ReadError("pdf_encrypted", "PDF is encrypted with a password; foidata cannot read it")
    if isinstance(inner, PDFEncryptionError):
        return ReadError("pdf_encrypted", f"PDF uses encryption foidata cannot read ({short_reason(exc)})")
    return ReadError("pdf_damaged", f"cannot parse the PDF ({short_reason(exc)})")


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


# --- tables ---------------------------------------------------------------------------------------------------


def _device_matrix(page: Any) -> tuple[float, ...]:
    """pdfminer's page matrix (PDFPageInterpreter.process_page): user space -> its rotated device space."""
    x0, y0, x1, y1 = (float(v) for v in page.page_obj.mediabox)
    rotation = page.rotation
    if rotation == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotation == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


def plumber_box(page: Any, box: Box) -> tuple[float, float, float, float]:
    """A user-space box (pdfium's coordinates) as pdfplumber's (x0, top, x1, bottom) on `page`."""
    a, b, c, d, e, f = _device_matrix(page)
    points = [(a * x + c * y + e, b * x + d * y + f) for x in (box.x0, box.x1) for y in (box.y0, box.y1)]
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    xs = [x + mb_x0 for x, _ in points]
    tops = [float(page.height) - y + mb_top for _, y in points]  # as pdfplumber.Page.process_object does
    return min(xs), min(tops), max(xs), max(tops)


def _not_redacted(boxes: Sequence[tuple[float, float, float, float]]) -> Any:
    """A pdfplumber object filter: drops characters whose centre a box covers, and the boxes themselves
    (their edges would cut a cell in two for the table finder)."""

    def keep(obj: dict[str, Any]) -> bool:
        kind = obj.get("object_type")
        if kind == "char":
            cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)
        if kind == "rect":
            edges = (obj["x0"], obj["top"], obj["x1"], obj["bottom"])
            return not any(all(abs(a - b) <= REDACTION_BOX_TOLERANCE for a, b in zip(edges, box, strict=True))
                           for box in boxes)
        return True

    return keep


def page_tables(page: Any, number: int, hidden: Sequence[Box] = ()) -> list[Table]:
    """Tables pdfplumber finds on one page, without duplicate characters or characters under `hidden` boxes
    (redactions, in user space), so that a redacted figure cannot come back through a table cell."""
    if hidden:
        page = page.filter(_not_redacted([plumber_box(page, box) for box in hidden]))
    return _tables(dedupe_page(page), number)


def _tables(deduped: Any, number: int) -> list[Table]:
    if not deduped.chars:  # table finding on a scanned page costs time and finds only empty cells
        return []
    tables: list[Table] = []
    for raw in deduped.extract_tables():
        rows = tuple(tuple(_cell(c) for c in row) for row in raw)
        rows = tuple(row for row in rows if any(row))
        if rows:
            tables.append(Table(rows=rows, page=number))
    return tables


# --- the reference reader -------------------------------------------------------------------------------------


def plumber_page_content(page: Any, number: int) -> tuple[str, list[Table]]:
    """Text and tables of one pdfplumber page (duplicate 'fake bold' characters removed first)."""
    deduped = dedupe_page(page)
    text = normalise_text(deduped.extract_text() or "").replace("\f", "\n")
    return text, _tables(deduped, number)


def read_pdf_plumber(data: bytes, source: str, max_pages: int = 1000) -> Document:
    """The previous reader, pdfplumber on every page: the reference `read_pdf` is measured against."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pdf = pdfplumber.open(io.BytesIO(data), password="")
        except Exception as exc:
            raise open_error(exc) from exc
        with pdf:
            try:
                pdf_pages = pdf.pages
            except Exception as exc:
                raise ReadError("pdf_damaged", f"cannot read the PDF's pages ({short_reason(exc)})") from exc
            if not pdf_pages:
                raise ReadError("pdf_damaged", "the PDF has no pages")
            if len(pdf_pages) > max_pages:
                raise ReadError("too_large", f"the PDF has {len(pdf_pages)} pages; the limit is {max_pages}")
            texts: list[str] = []
            tables: list[Table] = []
            for number, page in enumerate(pdf_pages, start=1):
                try:
                    text, page_tables_ = plumber_page_content(page, number)
                except Exception:  # one bad page must not lose the others
                    text, page_tables_ = "", []
                finally:
                    page.close()
                texts.append(text)
                tables.extend(page_tables_)
    if not any(text.strip() for text in texts) or cid_share("".join(texts)) > MAX_CID_SHARE:
        raise ReadError("pdf_no_text", "no usable text layer")
    pages: list[Page] = []
    offset = 0
    for number, text in enumerate(texts, start=1):
        if number > 1:
            offset += len(PAGE_SEPARATOR)
        pages.append(Page(number=number, start=offset, end=offset + len(text)))
        offset += len(text)
    return Document(source=source, content_sha256=sha256_hex(data), media_type=MEDIA_PDF,
                    text=PAGE_SEPARATOR.join(texts), pages=tuple(pages), tables=tuple(tables))
