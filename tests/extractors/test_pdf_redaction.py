"""Redactions in PDFs: text under a black box or a redaction annotation never reaches the Document."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from tests_support import SHARED_PDFS

from foidata.extractors import extract_response
from foidata.extractors.document import REDACTED, Document
from foidata.extractors.readers import read_bytes
from foidata.extractors.readers.pdf_page import Box, scan_page

IBASE_QUOTE = SHARED_PDFS / "foi-manchester-ibase-licence-renewal-quote-redacted.pdf"

VISIBLE = ("£1,250.00", "£980.50")
HIDDEN = ("£7,038.00", "£1,806.00", "£4,444.44", "£2,345.67")


# --- fixtures drawn with fpdf2 (mm, origin top-left) ----------------------------------------------------------


def black_box_over(pdf: FPDF, x: float, baseline: float, text: str, pad: float = 0.3) -> None:
    """A filled black rectangle drawn after `text` (written at x, baseline) and covering it."""
    width = pdf.get_string_width(text)
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(x - pad, baseline - 4.5, width + 2 * pad, 6.5, style="F")


def letter_with_boxes(pdf: FPDF) -> None:
    """Prices boxed out after drawing, a price 'highlighted in black' (box first, black text on it), a white
    heading on a black band, a struck-through word and a decorative bar over nothing."""
    pdf.set_font("Helvetica", size=11)
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(20, 15, 170, 8, style="F")  # a black band first, then white text on it: a heading, not a redaction
    pdf.set_text_color(255, 255, 255)
    pdf.text(22, 20.5, "Licence renewal quote FOI 2018/0412")
    pdf.set_text_color(0, 0, 0)
    pdf.text(20, 35, f"Support renewal: {VISIBLE[0]} per year.")
    pdf.text(20, 45, f"Unit price {HIDDEN[0]} and extended amount {HIDDEN[1]}.")
    label = "Unit price "
    black_box_over(pdf, 20 + pdf.get_string_width(label), 45, HIDDEN[0])
    start = 20 + pdf.get_string_width(f"Unit price {HIDDEN[0]} and extended amount ")
    black_box_over(pdf, start, 45, HIDDEN[1])
    # "Highlighted in black": the box is painted first, the black text on top of it.
    prefix = "Discount withheld: "
    pdf.rect(20 + pdf.get_string_width(prefix) - 1, 50.5, pdf.get_string_width(HIDDEN[2]) + 2, 6.5, style="F")
    pdf.text(20, 55, f"{prefix}{HIDDEN[2]}")
    pdf.text(20, 65, f"Delivery charge {VISIBLE[1]} (struck through, still legible).")
    pdf.set_line_width(0.3)
    pdf.line(20, 63.8, 20 + pdf.get_string_width(f"Delivery charge {VISIBLE[1]}"), 63.8)
    pdf.rect(20, 75, 170, 3, style="F")  # a decorative bar with no text under it


TABLE_ROWS = (("Item", "Quantity", "Price"), ("Notebook licence", "6", "£1,173.00"), ("iBase licence", "3", HIDDEN[3]))
COLUMNS = (70.0, 40.0, 60.0)
ROW_HEIGHT = 8.0


def ruled_table_with_box(pdf: FPDF) -> None:
    """A ruled price table (every cell bordered) whose last price is boxed out inside its cell."""
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 20, "Price table")
    for row_number, row in enumerate(TABLE_ROWS):
        pdf.set_xy(20, 25 + row_number * ROW_HEIGHT)
        for width, value in zip(COLUMNS, row, strict=True):
            pdf.cell(width, ROW_HEIGHT, value, border=1)
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(20 + COLUMNS[0] + COLUMNS[1] + 0.5, 25 + 2 * ROW_HEIGHT + 0.5, COLUMNS[2] - 1, ROW_HEIGHT - 1, style="F")


def make_pdf(*pages: Callable[[FPDF], None]) -> bytes:
    pdf = FPDF()
    for draw in pages:
        pdf.add_page()
        draw(pdf)
    return bytes(pdf.output())


def rotated(data: bytes, degrees: int) -> bytes:
    """The same PDF with /Rotate set on every page (what scanners and landscape exports do)."""
    pdf = pdfium.PdfDocument(data)
    for index in range(len(pdf)):
        pdf[index].set_rotation(degrees)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


# --- fixtures written by hand: annotations fpdf2 does not make ------------------------------------------------


def _stream(content: str, head: str = "") -> bytes:
    data = zlib.compress(content.encode("latin-1"))
    return f"<< {head} /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"


def raw_pdf(content: str, annotations: list[str], forms: tuple[str, ...] = ()) -> bytes:
    """A one-page PDF (Helvetica as F1) with the given content stream and annotation dictionaries; `forms`
    are appearance streams, objects 6 + len(annotations) onwards."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        f"/Contents 5 0 R /Annots [{' '.join(f'{6 + i} 0 R' for i in range(len(annotations)))}] >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets: list[int] = []
    bodies: list[bytes] = [o.encode("latin-1") for o in objects]
    bodies.append(_stream(content))
    bodies.extend(a.encode("latin-1") for a in annotations)
    bodies.extend(_stream(form, "/Type /XObject /Subtype /Form /BBox [0 0 70 17]") for form in forms)
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


ANNOTATED_TEXT = (
    "BT /F1 12 Tf 72 700 Td (Licence fee 4,321.00 GBP) Tj ET\n"
    "BT /F1 12 Tf 72 680 Td (Support fee 8,765.00 GBP) Tj ET\n"
    "BT /F1 12 Tf 72 660 Td (Training fee 555.00 GBP) Tj ET\n"
    "BT /F1 12 Tf 72 640 Td (Hidden square 111.00 GBP) Tj ET\n"
    "BT /F1 12 Tf 72 620 Td (Pale square 222.00 GBP) Tj ET\n"
)
# Each box sits over its line's figure (x 137-184 pt at 12 pt Helvetica), not over the words around it.
REDACT = "<< /Type /Annot /Subtype /Redact /Rect [135 697 185 711] /QuadPoints [135 711 185 711 135 697 185 697] >>"
# Its appearance stream (object 11, after the five annotations) fills the box black, as the real quote's do.
SQUARE_AP = ("<< /Type /Annot /Subtype /Square /Rect [136 677 186 691] /F 4 /C [0 0 0] /IC [0 0 0] "
             "/AP << /N 11 0 R >> >>")
BLACK_FORM = "0 0 0 rg 0 0 70 17 re f"
SQUARE_IC = "<< /Type /Annot /Subtype /Square /Rect [137 657 177 671] /F 4 /IC [0 0 0] >>"
SQUARE_HIDDEN = "<< /Type /Annot /Subtype /Square /Rect [153 637 192 651] /F 2 /IC [0 0 0] >>"
SQUARE_PALE = "<< /Type /Annot /Subtype /Square /Rect [138 617 178 631] /F 4 /IC [1 1 0.6] >>"


def annotated_pdf() -> bytes:
    return raw_pdf(ANNOTATED_TEXT, [REDACT, SQUARE_AP, SQUARE_IC, SQUARE_HIDDEN, SQUARE_PALE], (BLACK_FORM,))


# --- helpers --------------------------------------------------------------------------------------------------


def amounts(doc: Document) -> set[Decimal]:
    return {m.amount for m in extract_response(doc).money}


def pounds(text: str) -> Decimal:
    return Decimal(text.lstrip("£").replace(",", ""))


def cells(doc: Document) -> str:
    return " ".join(cell for table in doc.tables for row in table.rows for cell in row)


# --- tests ----------------------------------------------------------------------------------------------------


def test_boxed_prices_are_dropped_and_counted() -> None:
    doc = read_bytes(make_pdf(letter_with_boxes), "quote.pdf")
    for hidden in HIDDEN[:3]:
        assert hidden not in doc.text
        assert hidden.lstrip("£") not in doc.text
    assert doc.redacted_spans == 3
    assert doc.pages[0].redacted_spans == 3
    assert doc.text.count(REDACTED) == 3
    assert "Unit price █ and extended amount █." in doc.text
    assert "Discount withheld: █" in doc.text


def test_money_extractor_sees_only_visible_prices() -> None:
    doc = read_bytes(make_pdf(letter_with_boxes), "quote.pdf")
    found = amounts(doc)
    assert {pounds(v) for v in VISIBLE} <= found
    assert not {pounds(v) for v in HIDDEN} & found


def test_white_heading_strike_through_and_empty_bar_are_not_redactions() -> None:
    doc = read_bytes(make_pdf(letter_with_boxes), "quote.pdf")
    assert "Licence renewal quote FOI 2018/0412" in doc.text  # white on black, painted after its band
    assert f"Delivery charge {VISIBLE[1]}" in doc.text  # a thin line through text hides nothing
    assert doc.redacted_spans == 3


def test_boxed_table_cell_does_not_leak_into_tables() -> None:
    doc = read_bytes(make_pdf(ruled_table_with_box), "table.pdf")
    assert HIDDEN[3] not in doc.text
    assert doc.tables, "the ruled table is still read"
    assert "£1,173.00" in cells(doc)
    assert HIDDEN[3] not in cells(doc) and "2,345.67" not in cells(doc)
    assert doc.redacted_spans == 1
    assert pounds(HIDDEN[3]) not in amounts(doc)


@pytest.mark.parametrize("degrees", [90, 180, 270])
def test_redaction_holds_on_rotated_pages(degrees: int) -> None:
    doc = read_bytes(rotated(make_pdf(ruled_table_with_box, letter_with_boxes), degrees), "turned.pdf")
    assert [page.redacted_spans for page in doc.pages] == [1, 3]
    table_text = cells(doc)
    for hidden in HIDDEN:
        digits = hidden.lstrip("£")
        assert hidden not in doc.text
        # pdfplumber reads text turned upside down or sideways backwards: no leak either way round.
        assert digits not in table_text and digits[::-1] not in table_text
    assert "£1,173.00" in table_text or "£1,173.00"[::-1] in table_text


def test_redact_and_dark_square_annotations_hide_text() -> None:
    doc = read_bytes(annotated_pdf(), "annotated.pdf")
    text = doc.text
    assert "4,321.00" not in text  # Redact annotation (marked, never applied)
    assert "8,765.00" not in text  # Square annotation whose appearance fills black
    assert "555.00" not in text  # Square annotation with a black interior colour, no appearance stream
    assert "Hidden square 111.00 GBP" in text  # a hidden annotation shows nothing
    assert "Pale square 222.00 GBP" in text  # a pale yellow box is a highlight, not a redaction
    assert doc.redacted_spans == 3
    assert "Licence fee █ GBP" in text


def test_page_without_covers_reads_plainly() -> None:
    data = make_pdf(lambda pdf: (pdf.set_font("Helvetica", size=12), pdf.text(20, 20, "Total £12,000")))
    doc = read_bytes(data, "plain.pdf")
    assert doc.text == "Total £12,000"
    assert doc.redacted_spans == 0 and REDACTED not in doc.text


def test_scan_finds_covers_in_user_space() -> None:
    pdf = pdfium.PdfDocument(make_pdf(letter_with_boxes))
    scan = scan_page(pdf[0])
    boxes = [cover.box for cover in scan.covers]
    assert len(boxes) == 5  # band, two boxes, highlight, bar
    assert all(isinstance(box, Box) and box.width > 0 and box.height > 0 for box in boxes)


@pytest.mark.skipif(not IBASE_QUOTE.is_file(), reason="shared PDF corpus not present")
def test_real_quote_with_boxed_prices() -> None:
    """IBM renewal quote released by Manchester City Council: 14 prices boxed out by Square annotations
    whose text layer still holds the figures."""
    doc = read_bytes(IBASE_QUOTE.read_bytes(), IBASE_QUOTE.name)
    assert [page.redacted_spans for page in doc.pages] == [6, 8, 0]
    for hidden in ("1,173.00", "7,038.00", "602.00", "1,806.00", "1,633.00", "447.00", "11,175.00", "21,652.00"):
        assert hidden not in doc.text
        assert hidden not in cells(doc)
    assert "144.38 █" in doc.text  # the visible total points stay
    assert "01-Apr-2018 31-Mar-2019 12 █ █ █" in doc.text
