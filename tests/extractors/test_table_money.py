"""One capital programme table (row subjects, financial-year columns, a "£000" unit) in HTML, PDF and XLSX
gives the same money records, and every table's cells land in the `tables` dataset."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from fpdf import FPDF

from foidata.extractors import extract_response
from foidata.extractors.readers import read_bytes
from foidata.flows.pipeline import process_bytes

CAPTION = "ICT capital programme (£000)"
HEADER = ("Scheme", "2020/21", "2021/22", "2022/23")
ROWS = (
    ("Network refresh", 1200, 900, 450),
    ("Mobile devices", 2050, 1100, 300),
    ("Body-worn video", 640, 0, 75),
)
EXPECTED = sorted(
    (subject, period, Decimal(value) * 1000)
    for subject, *values in ROWS
    for period, value in zip(HEADER[1:], values, strict=True)
)


def _shown(value: int) -> str:
    return f"{value:,}"


def html_table() -> bytes:
    head = "".join(f"<th>{cell}</th>" for cell in HEADER)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell if isinstance(cell, str) else _shown(cell)}</td>" for cell in row) + "</tr>"
        for row in ROWS
    )
    return (
        f"<html><body><main><h1>FOI 4410 ICT budgets</h1><p>{CAPTION}</p>"
        f"<table><tr>{head}</tr>{body}</table></main></body></html>"
    ).encode()


def pdf_table() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, "Reference: FOI 4410", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, CAPTION, new_x="LMARGIN", new_y="NEXT")
    with pdf.table() as table:  # ruled cells: the layout reader finds the table
        for values in (HEADER, *ROWS):
            row = table.row()
            for cell in values:
                row.cell(cell if isinstance(cell, str) else _shown(cell))
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def xlsx_table() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Capital"
    sheet.append([CAPTION])
    sheet.append(list(HEADER))
    for row in ROWS:
        sheet.append(list(row))  # plain integers, shown without separators as Excel shows them
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make"), [("programme.html", html_table), ("programme.pdf", pdf_table), ("programme.xlsx", xlsx_table)]
)
def test_the_same_figures_from_every_format(name: str, make: object) -> None:
    data = make()  # type: ignore[operator]
    doc = read_bytes(data, name)
    money = extract_response(doc).money
    assert sorted((m.subject, m.period, m.amount) for m in money) == EXPECTED
    for m in money:  # every figure points at its cell's text in the document
        assert doc.text[m.span.start : m.span.end] == m.span.text


def test_table_cells_are_kept_to_rebuild_the_table() -> None:
    rows = process_bytes("programme.pdf", pdf_table(), "run").rows
    cells = rows["tables"]
    assert {c.table_index for c in cells} == {0}  # type: ignore[attr-defined]
    grid: dict[tuple[int, int], str] = {(c.row, c.column): c.text for c in cells}  # type: ignore[attr-defined]
    assert grid[0, 1] == "2020/21" and grid[2, 0] == "Mobile devices" and grid[3, 3] == "75"
    (page,) = rows["pages"]
    assert page.page == 1 and page.ocr is False  # type: ignore[attr-defined]
