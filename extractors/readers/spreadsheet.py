"""Excel workbooks (XLSX) through openpyxl: each sheet a block of text and a `Table`.

A sheet's block is its name on one line, then each non-empty row as `| a | b |`. Cells are written as a
person reads them in Excel: integers as integers, money cells (a currency number format) with their
symbol ("£12,500.00"), dates as ISO dates, floats without binary noise. Formulas give their cached values
(data_only); a formula never calculated (a file written by a program, not Excel) reads as empty.
Reading is streamed (read_only) and capped; see `tabular` for the limits.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from openpyxl import load_workbook

from foidata.extractors.document import Document, Table, sha256_hex
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.readers.office import MEDIA_XLSX, guarded
from foidata.extractors.readers.tabular import Budget, Grid, clean_cell

CURRENCY_SYMBOLS = "£€$"
# Excel shows at most 15 significant digits; more is binary noise (0.1 + 0.2 = 0.30000000000000004).
SIGNIFICANT_DIGITS = 15


@dataclass(frozen=True)
class NumberFormat:
    """What matters of an Excel number format code for writing a value as Excel shows it."""

    currency: str | None = None
    decimals: int | None = None  # None: "General", as many as the value needs
    grouping: bool = False
    percent: bool = False


def _first_section(code: str) -> tuple[str, str]:
    """(format characters, literal text) of the positive-number section of a format code.

    Quoted text, backslash-escaped characters and the symbol of a "[$£-809]" block are literals;
    padding ("_x"), fills ("*x"), colours and conditions ("[Red]") are dropped.
    """
    chars: list[str] = []
    literals: list[str] = []
    i = 0
    while i < len(code):
        ch = code[i]
        if ch == ";":
            break
        if ch == '"':
            end = code.find('"', i + 1)
            end = len(code) if end < 0 else end
            literals.append(code[i + 1 : end])
            i = end + 1
            continue
        if ch == "\\":
            literals.append(code[i + 1 : i + 2])
            i += 2
            continue
        if ch in "_*":
            i += 2
            continue
        if ch == "[":
            end = code.find("]", i + 1)
            end = len(code) if end < 0 else end
            block = code[i + 1 : end]
            if block.startswith("$"):
                literals.append(block[1:].split("-", 1)[0])  # "[$£-809]": £; "[$-809]": a locale only
            i = end + 1
            continue
        chars.append(ch)
        i += 1
    return "".join(chars), "".join(literals)


@lru_cache(maxsize=512)  # a workbook uses a handful of formats over many cells
def parse_number_format(code: str | None) -> NumberFormat:
    """The currency, decimals, grouping and percent of an Excel number format code.

    >>> parse_number_format('"£"#,##0.00')
    NumberFormat(currency='£', decimals=2, grouping=True, percent=False)
    >>> parse_number_format("General")
    NumberFormat(currency=None, decimals=None, grouping=False, percent=False)
    """
    if not code or code.strip().lower() in ("general", "@"):
        return NumberFormat()
    chars, literals = _first_section(code)
    currency = next((ch for ch in literals + chars if ch in CURRENCY_SYMBOLS), None)
    digits = [i for i, ch in enumerate(chars) if ch in "0#?"]
    if not digits:
        return NumberFormat(currency=currency)
    point = chars.find(".", digits[0])
    decimals = 0
    if point >= 0:
        decimals = len(chars[point + 1 :]) - len(chars[point + 1 :].lstrip("0#?"))
    number = chars[digits[0] : digits[-1] + 1]
    return NumberFormat(currency=currency, decimals=decimals, grouping="," in number, percent="%" in chars)


def _exact(value: int | float) -> Decimal:
    """A number as a Decimal without float noise (15 significant digits, as Excel shows)."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(format(value, f".{SIGNIFICANT_DIGITS}g"))


def format_number(value: int | float, fmt: NumberFormat) -> str:
    """A number written as Excel shows it under `fmt` (scaling by thousands with a trailing comma aside).

    >>> format_number(12500, parse_number_format('[$£-809]#,##0.00'))
    '£12,500.00'
    >>> format_number(0.1 + 0.2, NumberFormat()), format_number(2000.0, NumberFormat())
    ('0.3', '2000')
    """
    try:
        number = _exact(value)
    except (InvalidOperation, ValueError):  # inf and nan cannot be stored by Excel, but a file may hold them
        return str(value)
    if not number.is_finite():
        return str(value)
    if fmt.percent:
        number *= 100
    if fmt.decimals is None:
        body = format(number.normalize(), "f") if number else "0"
    else:
        number = number.quantize(Decimal(1).scaleb(-fmt.decimals), rounding=ROUND_HALF_UP)
        body = format(abs(number), ",f" if fmt.grouping else "f")
        body = ("-" if number < 0 else "") + body
    if fmt.currency:
        sign, body = ("-", body[1:]) if body.startswith("-") else ("", body)
        body = f"{sign}{fmt.currency}{body}"
    return body + ("%" if fmt.percent else "")


def format_cell(value: Any, number_format: str | None) -> str:
    """A cell's value as the text a person reads in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return format_number(value, parse_number_format(number_format))
    return clean_cell(str(value))


def _sheet_grid(sheet: Any, budget: Budget) -> Grid:
    """The non-empty rows of one read-only sheet, within the budget."""
    # The <dimension> a file declares can claim A1:XFD1048576; without it rows are read as stored.
    sheet.reset_dimensions()
    grid = Grid()
    for row in sheet.iter_rows():
        cells = [format_cell(getattr(cell, "value", None), getattr(cell, "number_format", None)) for cell in row]
        if not grid.add(cells, budget, len(row)):
            break
    return grid


def _read_workbook(stream: io.BytesIO) -> tuple[list[str], list[Table]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about every extension it skips (validation, ...)
        workbook = load_workbook(stream, read_only=True, data_only=True)
        try:
            return _render_sheets(workbook.worksheets)
        finally:
            workbook.close()


def _render_sheets(sheets: list[Any]) -> tuple[list[str], list[Table]]:
    budget = Budget()
    blocks: list[str] = []
    tables: list[Table] = []
    for sheet in sheets:
        if budget.exhausted:
            break
        lines, table = _sheet_grid(sheet, budget).render(heading=clean_cell(str(sheet.title)))
        if table is None and len(lines) <= 1:
            continue  # an empty sheet: not even its name
        blocks.append("\n".join(lines))
        if table is not None:
            tables.append(table)
    return blocks, tables


def read_xlsx(data: bytes, source: str) -> Document:
    """Bytes of an XLSX workbook -> `Document`: each sheet's block, blank-line separated, and its `Table`."""
    blocks, tables = guarded(MEDIA_XLSX, data, _read_workbook)
    text = "\n\n".join(blocks)
    if not text.strip():
        raise ReadError("empty", "the workbook has no non-empty cells")
    return Document(
        source=source,
        content_sha256=sha256_hex(data),
        media_type=MEDIA_XLSX,
        text=text,
        tables=tuple(tables),
    )
