"""header_cell_at finds a span's column header by position; it must agree with scanning every cell."""

from __future__ import annotations

from foidata.extractors.layout import header_cell_at, header_cells

TEXT = (
    "Intro line with £5 in it.\n"
    "| Year | Capital | Revenue |\n"
    "| 2021/22 | £1m |  |\n"
    "| 2022/23 |   £2,500 | £3m |\n"
    "Other costs:\n"  # text between tables: a new header row follows
    "| Name | Cost |\n"
    "| Alpha | £40 |\n"
)


def _scan(text: str, start: int, end: int) -> str | None:
    for header, cell_start, cell_end in header_cells(text):
        if cell_start <= start and end <= cell_end:
            return header
    return None


def test_agrees_with_a_scan_of_every_cell_for_every_span() -> None:
    for start in range(len(TEXT)):
        for end in range(start + 1, min(len(TEXT), start + 12) + 1):
            assert header_cell_at(TEXT, start, end) == _scan(TEXT, start, end), (start, end)


def test_names_the_column_of_an_amount() -> None:
    at = TEXT.index("£2,500")
    assert header_cell_at(TEXT, at, at + len("£2,500")) == "Capital"
    at = TEXT.index("£40")
    assert header_cell_at(TEXT, at, at + 3) == "Cost"
    assert header_cell_at(TEXT, TEXT.index("£5"), TEXT.index("£5") + 2) is None
