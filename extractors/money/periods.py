"""The period a figure belongs to: its table column, its row, the heading above it or its sentence."""

from __future__ import annotations

import functools
import re

from foidata.extractors.facts import Money
from foidata.extractors.fiscal import MONTH, MONTH_YEAR, YEAR, phrase_financial_year
from foidata.extractors.layout import Line, cell_texts, pipe_cells
from foidata.extractors.money.amounts import SYMBOL_AMOUNT
from foidata.extractors.periods import find_periods
from foidata.extractors.questions import answer_number


def _is_period_only(line: Line) -> str | None:
    cell = line.stripped.strip(" :")
    periods = find_periods(cell)
    if len(periods) == 1 and len(cell) <= len(periods[0][0].text) + 12:
        return periods[0][1]
    return None


def _column_period(lines: list[Line], idx: int, pos: int) -> str | None:
    """The period a figure in a pipe table belongs to: its column's header ("Financial year | 2020-21 | ..."),
    else the one period the line introducing the table states ("charged to the 2023/24 financial year")."""
    row = pipe_cells(lines[idx])
    column = next((k for k, (a, b) in enumerate(row) if a <= pos < b), None)
    if column is None:
        return None
    head, j = _table_head(lines, idx)
    if head is not None:
        cells = pipe_cells(lines[head])
        if len(cells) != len(row) or column >= len(cells):
            return None
        a, b = cells[column]
        return _is_period_only(Line(0, 0, lines[head].text[a - lines[head].start : b - lines[head].start]))
    while j >= 0 and lines[j].is_blank():
        j -= 1
    if j >= 0 and max(0, idx - j) <= 40:
        periods = {p for _, p in find_periods(lines[j].text)}
        if len(periods) == 1:
            return periods.pop()
    return None


def _table_head(lines: list[Line], idx: int) -> tuple[int | None, int]:
    """Going up from lines[idx] over blank and pipe lines: (the first header row met, or None; the line where
    that climb stopped, -1 at the top). Each line keeps its answer, so the figures of one table share one climb
    instead of each walking back over every row above it (a 259-page table has thousands of figures)."""
    climbed: list[Line] = []
    i = idx
    while True:
        line = lines[i]
        if line._head is not None:
            found = line._head
            break
        k = i - 1
        if k < 0:
            found = (None, -1)
            break
        above = lines[k]
        if not above.is_blank() and "|" not in above.text:
            found = (None, k)
            break
        if "|" in above.text and not SYMBOL_AMOUNT.search(above.text) and _is_header_row(cell_texts(above)):
            found = (k, k)
            break
        climbed.append(line)
        i = k
    for line in (*climbed, lines[i]):
        line._head = found
    return found


def _is_header_row(cells: list[str]) -> bool:
    """A row of column periods: at least half the cells after the first name a period. A data row whose one
    figure happens to look like a year ("| Mobile devices | 2050 | 1100 |") is not a header."""
    rest = [cell for cell in cells[1:] if cell.strip()] or [cell for cell in cells if cell.strip()]
    periods = sum(1 for cell in rest if _is_period_only(Line(0, 0, cell)))
    return periods > 0 and 2 * periods >= len(rest)


_HEADER_WORDS = re.compile(r"\b(?:financial|calendar|fiscal|years?|fy|total|spend|to\s+date|ytd)\b", re.I)
_NO_COLUMN = "no column"
# Rows and runs longer than these are data dumps, not flattened tables; reading them per figure would be quadratic.
_MAX_ROW = 2000
_MAX_RUN = 60


def _period_header(line: Line) -> tuple[str, ...] | None:
    return _period_header_text(line.text) if len(line.text) <= _MAX_ROW else None


@functools.lru_cache(maxsize=1024)
def _period_header_text(text: str) -> tuple[str, ...] | None:
    """A line that names two or more periods and little else ("2019/20 2020/21 2021/22", "Year 2020/2021 ...
    Total"): the column headings of a table flattened into text."""
    periods = find_periods(text)
    if len(periods) < 2 or SYMBOL_AMOUNT.search(text):
        return None
    rest = text
    for span, _ in reversed(periods):
        rest = rest[: span.start] + rest[span.end :]
    rest = _HEADER_WORDS.sub("", rest).strip(" \t|:-–()")
    return tuple(p for _, p in periods) if len(rest) <= 24 else None


def _flattened_row_period(lines: list[Line], idx: int, pos: int) -> str | None:
    """The k-th figure on a row under a header of periods takes the k-th period; a figure past the last period
    is the row's total. _NO_COLUMN when the row does not line up with a header."""
    row = lines[idx]
    if len(row.text) > _MAX_ROW:
        return _NO_COLUMN
    amounts = [m.start() + row.start for m in SYMBOL_AMOUNT.finditer(row.text)]
    if len(amounts) < 2 or pos not in amounts:
        return _NO_COLUMN
    for j in range(idx - 1, max(-1, idx - 12), -1):
        header = _period_header(lines[j])
        if header is not None:
            if len(amounts) not in (len(header), len(header) + 1):
                return _NO_COLUMN
            k = amounts.index(pos)
            return header[k] if k < len(header) else None
        # Rows of figures and short row-group labels ("Leased Vehicles") sit between a row and its header.
        if lines[j].is_prose():
            break
    return _NO_COLUMN if row.is_prose() else _listed_period(lines, idx, amounts.index(pos), len(amounts))


def _listed_period(lines: list[Line], idx: int, k: int, n: int) -> str | None:
    """The k-th of n figures on a row takes the k-th period when the lines above it, back to the last row of
    figures, name exactly n periods in order: the question a table answers ("for the years 2020-2021,
    2021-2022 and 2022-2023"), or column heads wrapped in two ("April 2020 – April 2021 –" over "March 2021
    March 2022"). _NO_COLUMN otherwise."""
    listed: list[str] = []
    j = idx - 1
    while j >= 0 and idx - j <= 15:
        if SYMBOL_AMOUNT.search(lines[j].text) or len(lines[j].text) > _MAX_ROW:
            break
        wrapped = _wrapped_spans(lines[j - 1].text, lines[j].text) if j > 0 else []
        listed[:0] = wrapped or [p for _, p in find_periods(lines[j].text)]
        j -= 2 if wrapped else 1
    named = list(dict.fromkeys(listed))
    return named[k] if len(named) == n else _NO_COLUMN


_SPAN_OPENS = re.compile(rf"\b(?P<month>{MONTH})\s+(?P<year>{YEAR})\s*[-–—]", re.I)


def _wrapped_spans(upper: str, lower: str) -> list[str]:
    """Financial years whose column heads wrap: n "April 2020 –" on one line, n "March 2021" on the next."""
    if not upper.rstrip().endswith(("-", "–", "—")):
        return []  # the last head dangles; a line of whole spans is read by find_periods
    opens, closes = list(_SPAN_OPENS.finditer(upper)), list(MONTH_YEAR.finditer(lower))
    if len(opens) < 2 or len(opens) != len(closes):
        return []
    years = [
        phrase_financial_year(f"{a['month']} {a['year']} to {b['month']} {b['year']}")
        for a, b in zip(opens, closes, strict=True)
    ]
    return [y for y in years if y] if all(years) else []


def _is_amount_only(line: Line) -> bool:
    return SYMBOL_AMOUNT.fullmatch(line.stripped) is not None


def _stacked_column_period(lines: list[Line], idx: int) -> str | None:
    """A column flattened one cell per line: n period lines, then n amount lines; the r-th amount takes the
    r-th period. _NO_COLUMN when the runs do not pair up."""
    if not _is_amount_only(lines[idx]):
        return _NO_COLUMN
    first = idx
    while first > 0 and idx - first < _MAX_RUN and _is_amount_only(lines[first - 1]):
        first -= 1
    last = idx
    while last + 1 < len(lines) and last - idx < _MAX_RUN and _is_amount_only(lines[last + 1]):
        last += 1
    n = last - first + 1
    if n > _MAX_RUN:
        return _NO_COLUMN
    periods = [_is_period_only(line) for line in lines[max(0, first - n) : first]]
    if n < 2 or len(periods) != n or not all(periods):
        return _NO_COLUMN
    return periods[idx - first]


def _period_near(
    text: str, money: Money, lines: list[Line], idx: int, questions: dict[int, tuple[int, int]],
    bounds: tuple[int, int],
) -> str | None:
    """The period the amount is for, read in its sentence (`bounds`, from figure_sentence) and around its
    line (`lines[idx]`)."""
    line = lines[idx]
    start, end = bounds
    # A row of figures under a header of periods is read by column first: a row without a full stop is joined
    # to the rows above it as one "sentence", whose last period would otherwise go to every figure.
    column = _flattened_row_period(lines, idx, money.span.start) if "|" not in line.text else _NO_COLUMN
    if column != _NO_COLUMN:
        return column
    following = _PERIOD_AFTER.match(text, money.span.end)
    if following:
        periods = find_periods(text, following.end(), min(end, following.end() + 12))
        if periods and periods[0][0].start == following.end():
            return periods[0][1]
    dated = _DATED_ENTRY.search(text, max(start, money.span.start - 24), money.span.start)
    if dated:
        return dated.group("year")
    before = find_periods(text, start, money.span.start)
    if len(before) >= 2 and _PERIOD_LIST.fullmatch(text[before[-2][0].end : before[-1][0].start]):
        return None  # "across 2021/22 and 2022/23": the amount spans both years
    if before:
        return before[-1][1]
    after = find_periods(text, money.span.end, end)
    if len(after) >= 2 and _PERIOD_LIST.fullmatch(text[after[0][0].end : after[1][0].start]):
        return None
    if after:
        return after[0][1]
    if "|" in line.text:
        return _column_period(lines, idx, money.span.start)
    column = _stacked_column_period(lines, idx)
    if column != _NO_COLUMN:
        return column
    # Look up to a heading such as "2014/2015" over sibling rows that carry figures of their own, and past the
    # table's header row to the sentence that introduces it ("The top five languages in 2024/2025 ... below").
    header_seen = False
    for j in range(idx - 1, max(-1, idx - 12), -1):
        prev = lines[j]
        if prev.is_blank():
            continue
        introduced = not line.is_prose() and prev.is_prose() and not SYMBOL_AMOUNT.search(prev.text)
        if header_seen and not introduced:
            break  # past the header row only the introducing sentence counts, not a row or heading above
        period = _is_period_only(prev)
        if period:
            return period
        if SYMBOL_AMOUNT.search(prev.text) and not prev.is_prose():
            continue
        if introduced:
            stated = {p for _, p in find_periods(prev.text)}
            return stated.pop() if len(stated) == 1 else None
        if not header_seen and not prev.is_prose() and len(prev.stripped.split()) <= 6:
            header_seen = True  # one short header row ("Language Total Cost")
            continue
        break
    # An answer "Q4a ..." takes the period its question states.
    number = answer_number(line.text)
    if number is not None and number in questions:
        q_start, q_end = questions[number]
        if not (q_start <= money.span.start < q_end):
            asked = {p for _, p in find_periods(text, q_start, q_end)}
            if len(asked) == 1:
                return asked.pop()
    return None


# A list entry dated by month and year, the amount straight after it ("Cromer June 2014 - £325,000"): the year
# is the one the amount belongs to. A month-year elsewhere in a sentence ends a date and is not read so.
_DATED_ENTRY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?[ \t]+(?P<year>(?:19|20)\d{2})"
    r"[ \t]*[-–:][ \t]*\Z",
    re.I,
)
_PERIOD_AFTER = re.compile(
    r"[ \t]*(?:in|for|during|of|over)[ \t]+(?:the[ \t]+)?(?:(?:financial|calendar)[ \t]+year[ \t]+|year[ \t]+)?", re.I
)
_PERIOD_LIST = re.compile(r"\s*(?:and|to|-|–|until|through)\s*", re.I)
