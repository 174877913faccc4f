"""OCR of scanned PDF pages with Tesseract, and what happens without it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from tests_support import SHARED_PDFS, set_read_limits

from foidata.extractors import extract_response
from foidata.extractors.readers import ReadError, read_bytes
from foidata.extractors.readers import ocr as ocr_engine
from foidata.extractors.readers.pdf import read_pdf

HAS_TESSERACT = ocr_engine.tesseract_path() is not None
needs_tesseract = pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract is not installed")

LETTER = (
    "Greater Manchester Police",
    "Information Compliance Unit",
    "",
    "Our reference: FOI 2023/0457",
    "Date: 14 March 2023",
    "",
    "Dear Requester,",
    "Thank you for your request for information about body-worn cameras.",
    "The force spent £12,500 on camera licences in 2022/23.",
    "The capital budget for the whole programme is £3.2m.",
    "",
    "Yours sincerely,",
    "Disclosure Officer",
)


# --- fixtures ---------------------------------------------------------------------------------------------------


def text_page(lines: tuple[str, ...]) -> Callable[[FPDF], None]:
    def draw(pdf: FPDF) -> None:
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, "\n".join(lines))

    return draw


def text_pdf(*pages: Callable[[FPDF], None]) -> bytes:
    pdf = FPDF()
    for draw in pages:
        pdf.add_page()
        draw(pdf)
    return bytes(pdf.output())


def scanned_pdf(source: bytes, dpi: int = 200, with_text_pages: tuple[int, ...] = ()) -> bytes:
    """Each page of `source` rendered to a greyscale image and placed alone on a new page: an image-only
    PDF like a scanner makes. Pages listed in `with_text_pages` (0-based) are copied as text instead."""
    original = pdfium.PdfDocument(source)
    out = FPDF()
    for index in range(len(original)):
        out.add_page()
        if index in with_text_pages:
            text = original[index].get_textpage().get_text_range().replace("\r\n", "\n")
            out.set_font("Helvetica", size=12)
            out.multi_cell(0, 8, text)
            continue
        image = original[index].render(scale=dpi / 72, grayscale=True).to_pil()
        out.image(image, x=0, y=0, w=out.w, h=out.h)
    return bytes(out.output())


@pytest.fixture(scope="module")
def scanned_letter() -> bytes:
    return scanned_pdf(text_pdf(text_page(LETTER)))


@pytest.fixture(scope="module")
def mixed_letter() -> bytes:
    """Page 1 has a text layer, page 2 is the scanned letter."""
    cover = ("Cover sheet", "Response to request FOI 2023/0457 attached.")
    return scanned_pdf(text_pdf(text_page(cover), text_page(LETTER)), with_text_pages=(0,))


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_engine, "tesseract_path", lambda: None)
    monkeypatch.setattr(ocr_engine, "_warned_missing", False)


# --- with tesseract ----------------------------------------------------------------------------------------------


def test_scanned_fixture_has_no_text_layer(scanned_letter: bytes) -> None:
    page = pdfium.PdfDocument(scanned_letter)[0]
    assert page.get_textpage().get_text_range().strip() == ""


@needs_tesseract
def test_scanned_letter_is_read_by_ocr(scanned_letter: bytes) -> None:
    doc = read_bytes(scanned_letter, "scan.pdf")
    page = doc.pages[0]
    assert page.ocr and doc.ocr_pages == (1,)
    assert page.ocr_confidence is not None and 60 <= page.ocr_confidence <= 100
    assert doc.unread_pages == ()
    facts = extract_response(doc)
    assert "2023/0457" in {r.value for r in facts.references}
    assert dt.date(2023, 3, 14) in {d.value for d in facts.dates}
    amounts = {m.amount for m in facts.money}
    assert {Decimal("12500"), Decimal("3200000")} <= amounts


@needs_tesseract
def test_mixed_document_ocrs_only_the_scanned_page(mixed_letter: bytes) -> None:
    doc = read_bytes(mixed_letter, "mixed.pdf")
    first, second = doc.pages
    assert not first.ocr and first.ocr_confidence is None
    assert second.ocr and second.ocr_confidence is not None
    assert "Cover sheet" in doc.text[first.start : first.end]
    assert "14 March 2023" in doc.text[second.start : second.end]


@needs_tesseract
def test_ocr_time_budget_leaves_pages_unread(scanned_letter: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    set_read_limits(monkeypatch, ocr_budget_seconds=0.0)
    with pytest.raises(ReadError) as caught:
        read_bytes(scanned_letter, "scan.pdf")
    assert caught.value.error_type == "pdf_no_text"
    assert "budget" in caught.value.reason


# --- without tesseract, or when it fails ----------------------------------------------------------------------


@pytest.mark.usefixtures("no_tesseract")
def test_scan_without_tesseract_is_pdf_no_text(scanned_letter: bytes) -> None:
    with pytest.raises(ReadError) as caught:
        read_bytes(scanned_letter, "scan.pdf")
    assert caught.value.error_type == "pdf_no_text"
    assert "tesseract" in caught.value.reason and "OCR" in caught.value.reason


@pytest.mark.usefixtures("no_tesseract")
def test_mixed_document_without_tesseract_keeps_text_pages(mixed_letter: bytes) -> None:
    doc = read_bytes(mixed_letter, "mixed.pdf")
    assert doc.unread_pages == (2,)
    assert doc.pages[1].unread is not None and "tesseract" in doc.pages[1].unread
    assert doc.pages[1].start == doc.pages[1].end
    assert "Cover sheet" in doc.text and not doc.pages[1].ocr


@pytest.mark.usefixtures("no_tesseract")
def test_missing_tesseract_warns_once_per_process(mixed_letter: bytes, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="foidata.extractors.readers.ocr"):
        read_bytes(mixed_letter, "a.pdf")
        read_bytes(mixed_letter, "b.pdf")
    ocr_logger = "foidata.extractors.readers.ocr"
    warnings = [r for r in caplog.records if r.name == ocr_logger and "tesseract" in r.getMessage()]
    assert len(warnings) == 1


def test_ocr_switched_off_by_environment(mixed_letter: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOIDATA_OCR", "0")
    doc = read_bytes(mixed_letter, "mixed.pdf")
    assert doc.unread_pages == (2,)
    assert "FOIDATA_OCR" in (doc.pages[1].unread or "")
    assert read_pdf(mixed_letter, "mixed.pdf", ocr=False).unread_pages == (2,)


def test_failing_ocr_is_recorded_not_raised(mixed_letter: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(image: bytes, timeout: float = 1.0) -> ocr_engine.OcrText:
        raise ocr_engine.OcrFailed("tesseract failed (exit 1: cannot read image)")

    monkeypatch.setattr(ocr_engine, "tesseract_path", lambda: "/usr/bin/tesseract")
    monkeypatch.setattr(ocr_engine, "run_tesseract", broken)
    doc = read_bytes(mixed_letter, "mixed.pdf")
    assert doc.unread_pages == (2,)
    assert "cannot read image" in (doc.pages[1].unread or "")


def test_blank_page_is_not_sent_to_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> dict[int, object]:
        raise AssertionError("a page without image needs no OCR")

    monkeypatch.setattr(ocr_engine, "ocr_pages", never)
    doc = read_bytes(text_pdf(text_page(("Annex A",)), lambda pdf: None), "blank.pdf")
    assert doc.unread_pages == () and doc.pages[1].start == doc.pages[1].end


# --- Tesseract's TSV ---------------------------------------------------------------------------------------------


def test_parse_tsv_lines_and_confidence() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t",
        "4\t1\t1\t1\t1\t0\t10\t10\t500\t30\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t10\t80\t30\t95.5\tOur",
        "5\t1\t1\t1\t1\t2\t95\t10\t80\t30\t92.5\treference:",
        "5\t1\t1\t1\t2\t1\t10\t50\t80\t30\t88\tFOI",
        "5\t1\t1\t1\t2\t2\t95\t50\t80\t30\t84\t2023/0457",
        "5\t1\t1\t1\t3\t1\t10\t90\t80\t30\t-1\t ",
    ]
    read = ocr_engine.parse_tsv("\n".join([header, *rows]))
    assert read.text == "Our reference:\nFOI 2023/0457"
    assert read.words == 4 and read.confidence == 90.0
    assert ocr_engine.parse_tsv(header).confidence is None


# --- the shared corpus ---------------------------------------------------------------------------------------------


def corpus(name: str) -> bytes:
    return (SHARED_PDFS / name).read_bytes()


@needs_tesseract
@pytest.mark.skipif(not SHARED_PDFS.is_dir(), reason="shared PDF corpus not present")
def test_real_rotated_scan_is_read_upright() -> None:
    doc = read_bytes(corpus("cipfa-library-return-blaenau-gwent-p1-scanned-rotated.pdf"), "scan.pdf")
    assert doc.ocr_pages == (1,)
    assert "Blaenau Gwent" in doc.text
    assert (doc.pages[0].ocr_confidence or 0) > 80


@needs_tesseract
@pytest.mark.skipif(not SHARED_PDFS.is_dir(), reason="shared PDF corpus not present")
def test_real_text_layer_of_junk_codes_is_ocred() -> None:
    """Manchester City Council letter printed from Google Docs: fonts without a Unicode map."""
    doc = read_bytes(corpus("foi-manchester-cc-sol-aycbwb-2018-garbled-text.pdf"), "garbled.pdf")
    assert doc.ocr_pages == (1, 2, 3)
    assert "Manchester" in doc.text
    assert "SOL/AYCBWB" in doc.text.replace(" ", "")


@needs_tesseract
def test_ocr_rows_say_so_with_their_confidence(scanned_letter: bytes) -> None:
    from foidata.flows.pipeline import process_bytes

    rows = process_bytes("scan.pdf", scanned_letter, "run").rows
    (response,) = rows["responses"]
    assert response.ocr is True and response.ocr_confidence is not None  # type: ignore[attr-defined]
    assert 50 < response.ocr_confidence <= 100  # type: ignore[attr-defined]
    assert all(page.ocr for page in rows["pages"])  # type: ignore[attr-defined]
    assert rows["money"] and rows["errors"] == []


def test_pages_left_unread_are_an_error_row_beside_the_rows(
    mixed_letter: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from foidata.flows.pipeline import process_bytes

    monkeypatch.setenv("FOIDATA_OCR", "0")
    rows = process_bytes("mixed.pdf", mixed_letter, "run").rows
    assert len(rows["responses"]) == 1
    (error,) = rows["errors"]
    assert error.error_type == "pages_unread" and "pages 2" in error.reason  # type: ignore[attr-defined]
