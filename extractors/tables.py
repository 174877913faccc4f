"""Money in tables the text does not show as tables: PDF tables found by layout.

HTML, Word and spreadsheet readers already write their tables into the text as "| a | b |" rows, where
`find_money` reads row subjects, period columns and "£000" units. A PDF's text has the same cells without
the column structure, so its tables (`Document.tables`, from pdfplumber) are written as such rows here, read
with the same rules, and each figure is tied back to where its cell's text sits on the page.
"""

from __future__ import annotations

from dataclasses import replace

from foidata.extractors.document import Document, Page, Table
from foidata.extractors.facts import Money
from foidata.extractors.money import find_money
from foidata.extractors.spans import Span

CAPTION_LINES = 2  # lines above a table read with it: "Capital programme (£000)" is often a caption


def table_money(doc: Document) -> list[Money]:
    """Money in the document's structured tables, each span pointing into `doc.text`."""
    if not doc.tables or _tables_in_text(doc):
        return []
    found: list[Money] = []
    for table in doc.tables:
        found.extend(_one_table(doc, table))
    return found


def merge_money(text_money: list[Money], from_tables: list[Money]) -> list[Money]:
    """Table figures replace the plain-text readings of the same characters (they know their column)."""
    taken = {(m.span.start, m.span.end) for m in from_tables}
    kept = [m for m in text_money if (m.span.start, m.span.end) not in taken]
    return sorted([*kept, *from_tables], key=lambda m: (m.span.start, m.span.end))


def _tables_in_text(doc: Document) -> bool:
    """True when the reader already wrote the tables into the text as pipe rows (HTML, Word, spreadsheets)."""
    return "\n| " in f"\n{doc.text}"


def _one_table(doc: Document, table: Table) -> list[Money]:
    page = _page(doc, table.page)
    lo, hi = (page.start, page.end) if page else (0, len(doc.text))
    rows = [row for row in table.rows if any(cell.strip() for cell in row)]
    if not rows:
        return []
    first_cell = next(cell for cell in rows[0] if cell.strip())
    at = doc.text.find(first_cell, lo, hi)
    caption = _caption(doc.text, at if at >= 0 else lo, lo)
    synthetic = caption + "\n\n" + "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n"
    table_start = len(caption) + 2
    cursor = at if at >= 0 else lo
    placed: list[Money] = []
    for money in find_money(synthetic):
        if money.span.start < table_start:
            continue  # a figure in the caption is the text extractor's
        where = doc.text.find(money.span.text, cursor, hi)
        if where < 0:
            where = doc.text.find(money.span.text, lo, hi)
        if where < 0:
            continue  # the cell's text is not on the page as printed (joined or split): no honest span
        cursor = where + len(money.span.text)
        placed.append(replace(money, span=Span(where, cursor, money.span.text)))
    return placed


def _caption(text: str, table_at: int, page_start: int) -> str:
    before = text[page_start:table_at].rstrip("\n").split("\n")
    lines = [line for line in before if line.strip()][-CAPTION_LINES:]
    return "\n\n".join(lines)


def _page(doc: Document, number: int | None) -> Page | None:
    return next((p for p in doc.pages if p.number == number), None) if number is not None else None
