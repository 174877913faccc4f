"""pdf_tables, the pdfium table reader: its per-character reading costs few pdfium calls and reads the same
characters as asking pdfium everything about every character."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from fpdf import FPDF
from hypothesis import given, settings
from hypothesis import strategies as st

from foidata.extractors.readers import pdf_tables
from foidata.extractors.readers.pdf_page import RULE_TOLERANCE, PageScan

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


# --- each table takes the characters in its own columns; crossings are sought within each rule's span ------------

coordinate = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: round(v, 1))
char_strategy = st.tuples(coordinate, coordinate, st.sampled_from("ab1 ")).map(
    lambda c: (c[0] - 1, c[0] + 1, c[0], c[1], c[2])
)


def grid(xs: list[float], ys: list[float]) -> PageScan:
    """A ruled grid: a horizontal rule at each y across all xs, a vertical one at each x down all ys."""
    scan = PageScan(page_area=100 * 100)
    scan.horizontal = [(y, min(xs), max(xs)) for y in ys]
    scan.vertical = [(x, min(ys), max(ys)) for x in xs]
    return scan


@settings(max_examples=150, deadline=None)
@given(st.lists(coordinate, min_size=2, max_size=6, unique=True), st.lists(coordinate, min_size=2, max_size=6,
       unique=True), st.lists(char_strategy, max_size=60))
def test_a_table_reads_the_same_from_its_columns_as_from_the_whole_page(
    xs: list[float], ys: list[float], chars: list[pdf_tables.Char]
) -> None:
    by_centre = pdf_tables._ByCentre(chars)
    for group in pdf_tables._group(pdf_tables._cells(grid(xs, ys))):
        assert pdf_tables._fill(group, by_centre.within(group)) == pdf_tables._fill(group, chars)


def test_within_keeps_page_order_and_the_half_open_span() -> None:
    chars = [(0, 2, 5.0, 1.0, "a"), (0, 2, 1.0, 1.0, "b"), (0, 2, 10.0, 1.0, "c"), (0, 2, float("nan"), 1.0, "d"),
             (0, 2, 5.0, 2.0, "e"), (0, 2, 0.5, 1.0, "f")]
    within = pdf_tables._ByCentre(chars).within([(1.0, 20.0, 4.0, 0.0), (4.0, 20.0, 10.0, 0.0)])
    assert [char[4] for char in within] == ["a", "b", "e"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate, coordinate), max_size=25),
       st.lists(st.tuples(coordinate, coordinate, coordinate), max_size=25))
def test_cells_match_trying_every_pair_of_rules(
    horizontal: list[tuple[float, float, float]], vertical: list[tuple[float, float, float]]
) -> None:
    scan = PageScan(page_area=100 * 100)
    scan.horizontal = [(y, min(a, b), max(a, b)) for y, a, b in horizontal]
    scan.vertical = [(x, min(a, b), max(a, b)) for x, a, b in vertical]
    assert pdf_tables._cells(scan) == reference_cells(scan)


def reference_cells(scan: PageScan) -> list[pdf_tables.Cell]:
    """pdfplumber's cells (its intersections and smallest-cell search), written out the slow, plain way."""
    horizontal, vertical = pdf_tables._edges(scan.horizontal), pdf_tables._edges(scan.vertical)
    through_v: dict[tuple[float, float], set[int]] = {}
    through_h: dict[tuple[float, float], set[int]] = {}
    for vi, (x, y0, y1) in enumerate(vertical):
        for hi, (y, x0, x1) in enumerate(horizontal):
            if x0 - RULE_TOLERANCE <= x <= x1 + RULE_TOLERANCE and y0 - RULE_TOLERANCE <= y <= y1 + RULE_TOLERANCE:
                through_v.setdefault((x, y), set()).add(vi)
                through_h.setdefault((x, y), set()).add(hi)
    points = sorted(through_v, key=lambda p: (p[0], -p[1]))
    cells: list[pdf_tables.Cell] = []
    for x, y in points:
        below = [p for p in points if p[0] == x and p[1] < y]
        right = [p for p in points if p[1] == y and p[0] > x]
        found = None
        for low in below:
            if found or not through_v[x, y] & through_v[low]:
                continue
            for side in right:
                corner = (side[0], low[1])
                if (through_h[x, y] & through_h[side] and corner in through_v
                        and through_v[corner] & through_v[side] and through_h[corner] & through_h[low]):
                    found = (x, y, side[0], low[1])
                    break
        if found:
            cells.append(found)
    return cells
