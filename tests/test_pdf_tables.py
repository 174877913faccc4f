"""pdf_tables, the pdfium table reader: its per-character reading costs few pdfium calls and reads the same
characters as asking pdfium everything about every character."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from fpdf import FPDF

from foidata.readers import pdf_tables

ROWS = (("Year", "Spend on agency staff"), ("2021/22", "£12,030.50"), ("2022/23", "£14,364.52 (est.)"))


def table_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 7, "Spend on postage and agency staff, by year\nSee the table below.")
    with pdf.table() as grid:
        for row in ROWS:
            cells = grid.row()
            for value in row:
                cells.cell(value)
    return bytes(pdf.output())


def every_call_chars(textpage: pdfium.PdfTextPage) -> list[pdf_tables.Char]:
    """The characters as a reading that asks pdfium every question about every character would give them."""
    chars: list[pdf_tables.Char] = []
    rect = pdfium_c.FS_RECTF()
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(textpage, index)
        if not code or not pdfium_c.FPDFText_GetLooseCharBox(textpage, index, rect):
            continue
        text = "-" if code == pdf_tables.SOFT_HYPHEN_CODE else chr(code)
        x0, x1 = min(rect.left, rect.right), max(rect.left, rect.right)
        chars.append((x0, x1, (x0 + x1) / 2, (rect.top + rect.bottom) / 2, text))
    return chars


@pytest.fixture
def textpage() -> Any:
    pdf = pdfium.PdfDocument(table_pdf())
    page = pdf[0]
    text = page.get_textpage()
    yield text
    text.close()
    page.close()
    pdf.close()


def test_chars_are_those_of_asking_everything(textpage: pdfium.PdfTextPage) -> None:
    chars = pdf_tables._chars(textpage)
    assert chars == every_call_chars(textpage)
    assert "".join(char[4] for char in chars).count(" ") >= 5  # drawn spaces are kept, generated ones not


def test_only_spaces_and_line_ends_are_asked_whether_generated(
    textpage: pdfium.PdfTextPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: Counter[str] = Counter()
    real = pdfium_c.FPDFText_IsGenerated

    def counting(handle: Any, index: int) -> int:
        asked[chr(pdfium_c.FPDFText_GetUnicode(handle, index))] += 1
        return int(real(handle, index))

    monkeypatch.setattr(pdfium_c, "FPDFText_IsGenerated", counting)
    chars = pdf_tables._chars(textpage)
    assert len(chars) > 50
    assert set(asked) <= {" ", "\r", "\n"}


def test_generated_characters_are_spaces_and_line_ends(textpage: pdfium.PdfTextPage) -> None:
    """What the reader relies on to skip the question for other characters."""
    generated = {
        chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
        for index in range(textpage.count_chars())
        if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1
    }
    assert generated and {chr(code) for code in pdf_tables.GENERATED_CODES} >= generated
