"""Amounts of money, with an approximate flag, what they pay for and the period they belong to.

Two passes: amounts printed with a currency ("£6.8m", "c£4.9m", "2.5 million pounds", "45p"), and bare
figures in tables whose header gives the currency and unit ("£000s" scales 450 to 450,000).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from foidata.extractors.facts import Money
from foidata.extractors.layout import trimmed_end
from foidata.extractors.periods import find_periods
from foidata.extractors.spans import Span

UNIT_SCALE = {
    "k": Decimal(1000),
    "thousand": Decimal(1000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
CURRENCY = {
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "sterling": "GBP",
    "€": "EUR",
    "eur": "EUR",
    "euros": "EUR",
    "$": "USD",
    "usd": "USD",
    "dollars": "USD",
}
APPROXIMATE = (
    r"c\.?|ca\.|circa|approx\.?|approximately|about|around|roughly|nearly|almost|an\s+estimated"
    r"|estimated|over|just\s+over|in\s+excess\s+of|more\s+than|upwards\s+of"
)
_NUMBER = r"\d{1,3}(?:,[ ]?\d{3})+(?:\.\d+)?|[1-9]\d{0,2}(?:\.\d{3}){2,}(?![\d.])|\d+(?:\.\d+)?"
_UNIT = r"(?:(?P<unit>bn|mn|m|k)(?![a-z])|[ \t]?(?P<unit_word>billion|million|thousand)\b)"
_UNIT2 = r"(?:(?P<unit2>bn|mn|m|k)(?![a-z])|[ \t]?(?P<unit2_word>billion|million|thousand)\b)"
_APPROX_WORD = rf"(?P<approx>\b(?:{APPROXIMATE}))"
# An amount printed with its currency: "£6.8m", "€1,200", "GBP 5k", "£2-3m".
_SYMBOL_AMOUNT_REST = (
    rf"[ \t]?(?P<num>{_NUMBER}){_UNIT}?(?:[ \t]?(?:-|–|to)[ \t]?(?:£|€|\$)?(?P<num2>{_NUMBER}){_UNIT2}?)?"
)
SYMBOL_AMOUNT = re.compile(rf"(?P<cur>£|€|\$|\bGBP|\bEUR|\bUSD){_SYMBOL_AMOUNT_REST}", re.IGNORECASE)
# The same for a text with no currency code in it. A pattern that starts with a set of uncased characters is
# scanned for them in C, about ten times faster than one whose first step is a word (or a lookbehind).
_SYMBOL_ONLY_AMOUNT = re.compile(rf"(?P<cur>[£€$]){_SYMBOL_AMOUNT_REST}", re.IGNORECASE)
_CURRENCY_CODES = ("gbp", "eur", "usd")
# An amount followed by its currency's name: "2.5 million pounds".
WORD_AMOUNT = re.compile(
    rf"(?<![\d,.£$€])(?P<num>{_NUMBER}){_UNIT}?[ \t]*(?P<cur>pounds?|sterling|euros|dollars)\b",
    re.IGNORECASE,
)
# The word that makes an amount approximate, right before it: "c£4.9m", "about £5", "over 2 million pounds".
# Looked for behind each amount found: one regex with an optional leading word would try that word at every
# position of the text, which made it the slowest step of the extraction.
APPROX_BEFORE_SYMBOL = re.compile(rf"{_APPROX_WORD}[ \t]*\Z", re.IGNORECASE)
APPROX_BEFORE_WORD = re.compile(rf"{_APPROX_WORD}[ \t]+\Z", re.IGNORECASE)
APPROX_REACH = 120  # characters looked back for that word and the spaces after it
PENCE = re.compile(rf"(?<![\d,.£$€])(?P<num>{_NUMBER})[ \t]?(?:p|pence)\b(?![.\d])")
_PENCE_HINT = re.compile(r"\d[ \t]?p")  # in every text PENCE can match: a fast test before the slow scan
_CURRENCY_WORDS = ("pound", "sterling", "euros", "dollars")  # WORD_AMOUNT needs one of them
# A header cell that gives the currency (and unit) for the bare figures below it.
UNIT_HEADER = re.compile(
    r"(?:^|[\s|(\[])(?P<cur>£|€|\$)[ \t]?(?P<unit>'?000s?|k|m|million)?(?![ \t]?\d)(?=$|[\s|)\]])",
    re.IGNORECASE,
)
TABLE_NUMBER = re.compile(r"(?<![\w,./£$€-])\(?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\)?(?![\w,/%]|\.\d)")
_COST_LIMIT = re.compile(
    r"appropriate\s+limit|cost\s+limit|costs\s+limit|appropriate\s+costs?|fees|per\s+hour"
    r"|hourly\s+rate|staff\s+time",
    re.I,
)
_TABLE_LINES = 80


_DOT_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def parse_number(text: str) -> Decimal | None:
    cleaned = re.sub(r"[,\s]", "", text)
    if cleaned.count(".") > 1 and _DOT_THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")  # "12.345.678": dots that group thousands
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _scale(unit: str | None) -> Decimal:
    if not unit:
        return Decimal(1)
    unit = folded(unit).strip("'")
    if unit.startswith("000"):
        return Decimal(1000)
    return UNIT_SCALE.get(unit, Decimal(1))


def parse_money(text: str) -> Decimal | None:
    """The value of one printed amount.

    >>> parse_money("£6.8m"), parse_money("c£4.9m"), parse_money("2.5 million pounds"), parse_money("£70k")
    (Decimal('6800000.00'), Decimal('4900000.00'), Decimal('2500000.00'), Decimal('70000.00'))
    """
    found = find_amounts(text)
    return found[0].amount if found else None


# The money columns are decimal(18, 2): anything from 10^16 up is no amount a response means (a run of digits,
# a misread table) and would make quantize raise once it passes the context's 28 digits.
MAX_AMOUNT = Decimal(10) ** 16


def _cents(value: Decimal) -> Decimal | None:
    """The value in pence precision, or None when it cannot be stored."""
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        return None
    return value.quantize(Decimal("0.01"))


def _approximated(
    pattern: re.Pattern[str], before: re.Pattern[str], text: str
) -> Iterator[tuple[re.Match[str], re.Match[str] | None]]:
    """Each match of `pattern`, with the approximation word printed just before it (not inside the previous
    match), if any."""
    previous_end = 0
    for m in pattern.finditer(text):
        approx = before.search(text, max(previous_end, m.start() - APPROX_REACH), m.start())
        yield m, approx
        previous_end = m.end()


_PER_UNIT = re.compile(r"[ \t]*(?:per|a|/|each)\b", re.I)


def _thousands_dot(m: re.Match[str], text: str) -> Decimal | None:
    """'£7.900' is seven thousand nine hundred: pence never run to three places. A unit price ('£1.459 per
    litre'), a scaled figure ('£1.250m') and a range keep the dot as a decimal point."""
    raw = m.group("num")
    unit = m.group("unit") or m.group("unit_word")
    if unit or m.group("num2") or not _DOT_THOUSANDS.fullmatch(raw) or _PER_UNIT.match(text, m.end()):
        return None
    return Decimal(raw.replace(".", ""))


def find_amounts(text: str) -> list[Money]:
    """Amounts printed with a currency, in order, without subject or period."""
    found: list[Money] = []
    lowered = folded(text)
    symbols = SYMBOL_AMOUNT if _has_any(lowered, _CURRENCY_CODES) else _SYMBOL_ONLY_AMOUNT
    for m, approx in _approximated(symbols, APPROX_BEFORE_SYMBOL, text):
        num = _thousands_dot(m, text) or parse_number(m.group("num"))
        if num is None or re.fullmatch(r"'?0{2,}s?", m.group("num")):
            continue  # "£000s" is a unit heading, not an amount; "£0" is a nil figure and is kept
        unit = m.group("unit") or m.group("unit_word")
        high = parse_number(m.group("num2")) if m.group("num2") else None
        unit_high = m.group("unit2") or m.group("unit2_word")
        if high is not None and unit is None and unit_high:
            unit = unit_high  # "£2-3m": the unit is printed once, after the range
        amount = num * _scale(unit)
        amount_high = high * _scale(unit_high or unit) if high is not None else None
        if amount_high is not None and amount_high <= amount:
            amount_high = None
        cents = _cents(amount)
        if cents is None:
            continue
        start = approx.start("approx") if approx and approx.end("approx") == m.start() else m.start()
        found.append(
            Money(
                amount=cents,
                currency=CURRENCY[folded(m.group("cur"))],
                approximate=approx is not None,
                span=Span(start, m.end(), text[start : m.end()]),
                amount_high=_cents(amount_high) if amount_high is not None else None,
            )
        )
    taken = [(f.span.start, f.span.end) for f in found]
    word_amounts = _approximated(WORD_AMOUNT, APPROX_BEFORE_WORD, text) if _has_any(lowered, _CURRENCY_WORDS) else ()
    for m, approx in word_amounts:
        if not any(a <= m.start("num") < b for a, b in taken):
            _add_word_amount(found, text, m, approx is not None, pence=False)
    for m in PENCE.finditer(text) if _PENCE_HINT.search(text) else ():
        if not any(a <= m.start("num") < b for a, b in taken):
            _add_word_amount(found, text, m, False, pence=True)
    found.sort(key=lambda f: f.span.start)
    return found


def folded(text: str) -> str:
    """The text lower-cased as an IGNORECASE regex sees it (where a long s is an s and a dotless i an i), so
    that a word missing from it cannot be matched in the text."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return lowered.replace("\u017f", "s").replace("\u0131", "i").replace("\u0307", "")


def _has_any(lowered: str, words: tuple[str, ...]) -> bool:
    return any(word in lowered for word in words)


def _add_word_amount(found: list[Money], text: str, m: re.Match[str], approx: bool, pence: bool) -> None:
    num = parse_number(m.group("num"))
    if num is None:
        return
    if pence:
        amount, currency = num / 100, "GBP"
    else:
        amount, currency = num * _scale(m.group("unit") or m.group("unit_word")), CURRENCY[folded(m.group("cur"))]
    cents = _cents(amount)
    if cents is not None:
        found.append(Money(cents, currency, approx, Span(m.start("num"), m.end(), text[m.start("num") : m.end()])))


# ---- context: lines, sentences, tables -------------------------------------------------------------


@dataclass
class _Line:
    start: int
    end: int
    text: str
    _prose: bool | None = field(default=None, repr=False, compare=False)
    # Memoised by _table_head: (header row above, where the table above ends) for a figure on this line.
    _head: tuple[int | None, int] | None = field(default=None, repr=False, compare=False)

    @property
    def stripped(self) -> str:
        return self.text.strip(" \t|•-–*")

    def is_blank(self) -> bool:
        return not self.stripped

    def is_prose(self) -> bool:
        # Memoised: every figure on a line asks, and a line of thousands of figures must not be read each time.
        if self._prose is None:
            words = self.stripped.split()
            self._prose = len(words) >= 8 and "|" not in self.text and not re.search(r"\S {3,}\S", self.text)
        return self._prose


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _line_index(lines: list[_Line], pos: int) -> int:
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _is_period_only(line: _Line) -> str | None:
    cell = line.stripped.strip(" :")
    periods = find_periods(cell)
    if len(periods) == 1 and len(cell) <= len(periods[0][0].text) + 12:
        return periods[0][1]
    return None


_SENTENCE_STOP = re.compile(r"[.!?](?=\s)|\n[ \t]*\n")


def _is_break(text: str, stop: re.Match[str]) -> bool:
    """A blank line ends a sentence unless it splits a hard-wrapped paragraph (a long line, no full stop)."""
    if not stop.group(0).startswith("\n"):
        return True
    end = trimmed_end(text, stop.start())
    last_line = text[text.rfind("\n", 0, end) + 1 : end]
    return len(last_line.split()) < 6 or last_line.endswith((".", "!", "?", ":", ";", "|"))


def _cells(line: _Line) -> list[tuple[int, int]]:
    """Absolute offsets of the cells of a pipe-delimited row ("a | b | c" or "| a | b |")."""
    bounds = [line.start - 1, *(line.start + i for i, ch in enumerate(line.text) if ch == "|"), line.end]
    return [(a + 1, b) for a, b in itertools.pairwise(bounds)]


def _column_period(lines: list[_Line], idx: int, pos: int) -> str | None:
    """The period a figure in a pipe table belongs to: its column's header ("Financial year | 2020-21 | ..."),
    else the one period the line introducing the table states ("charged to the 2023/24 financial year")."""
    row = _cells(lines[idx])
    column = next((k for k, (a, b) in enumerate(row) if a <= pos < b), None)
    if column is None:
        return None
    head, j = _table_head(lines, idx)
    if head is not None:
        cells = _cells(lines[head])
        if len(cells) != len(row) or column >= len(cells):
            return None
        a, b = cells[column]
        return _is_period_only(_Line(0, 0, lines[head].text[a - lines[head].start : b - lines[head].start]))
    while j >= 0 and lines[j].is_blank():
        j -= 1
    if j >= 0 and max(0, idx - j) <= 40:
        periods = {p for _, p in find_periods(lines[j].text)}
        if len(periods) == 1:
            return periods.pop()
    return None


def _table_head(lines: list[_Line], idx: int) -> tuple[int | None, int]:
    """Going up from lines[idx] over blank and pipe lines: (the first header row met, or None; the line where
    that climb stopped, -1 at the top). Each line keeps its answer, so the figures of one table share one climb
    instead of each walking back over every row above it (a 259-page table has thousands of figures)."""
    climbed: list[_Line] = []
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
        if "|" in above.text and not SYMBOL_AMOUNT.search(above.text) and _is_header_row(_cell_texts(above)):
            found = (k, k)
            break
        climbed.append(line)
        i = k
    for line in (*climbed, lines[i]):
        line._head = found
    return found


def _cell_texts(line: _Line) -> list[str]:
    return [line.text[a - line.start : b - line.start] for a, b in _cells(line)]


def _is_header_row(cells: list[str]) -> bool:
    """A row of column periods: at least half the cells after the first name a period. A data row whose one
    figure happens to look like a year ("| Mobile devices | 2050 | 1100 |") is not a header."""
    rest = [cell for cell in cells[1:] if cell.strip()] or [cell for cell in cells if cell.strip()]
    periods = sum(1 for cell in rest if _is_period_only(_Line(0, 0, cell)))
    return periods > 0 and 2 * periods >= len(rest)


SENTENCE_REACH = 400
LABEL_REACH = 120


def _continues_sentence(text: str, line: _Line) -> bool:
    """A short line that carries on a wrapped sentence from the line above (PDF text)."""
    end = line.start
    while end > 0 and text[end - 1] == "\n":
        end -= 1
    previous = _Line(0, 0, text[text.rfind("\n", 0, end) + 1 : end])  # no copy of all the text above
    return previous.is_prose() and not previous.text.rstrip().endswith((".", "!", "?", ":", ";", "|"))


def _sentence_bounds(text: str, pos: int, line: _Line) -> tuple[int, int]:
    """The unit a figure is read in: its line when the line is a short cell, else its sentence.

    Either reaches at most SENTENCE_REACH characters each side of the figure: text without a stop for
    longer is no sentence (a run of cells, a page of figures), and an unbounded one makes every figure's
    searches read the whole line: quadratic on a line of thousands of figures."""
    near = line.text[max(0, pos - line.start - SENTENCE_REACH) : pos - line.start + SENTENCE_REACH]
    if not line.is_prose() and not re.search(r"[.!?]\s", near) and not _continues_sentence(text, line):
        return max(line.start, pos - SENTENCE_REACH), min(line.end, pos + SENTENCE_REACH)
    window = max(0, pos - SENTENCE_REACH)
    stops = [m.end() for m in _SENTENCE_STOP.finditer(text, window, pos) if _is_break(text, m)]
    start = stops[-1] if stops else (max(line.start, window) if window else 0)
    end = reach = min(len(text), pos + SENTENCE_REACH)
    for m in _SENTENCE_STOP.finditer(text, pos, reach):
        if _is_break(text, m):
            end = m.start()
            break
    return start, end


_HEADER_WORDS = re.compile(r"\b(?:financial|calendar|fiscal|years?|fy|total|spend|to\s+date|ytd)\b", re.I)
_NO_COLUMN = "no column"
# Rows and runs longer than these are data dumps, not flattened tables; reading them per figure would be quadratic.
_MAX_ROW = 2000
_MAX_RUN = 60


def _period_header(line: _Line) -> tuple[str, ...] | None:
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


def _flattened_row_period(lines: list[_Line], idx: int, pos: int) -> str | None:
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
    return _NO_COLUMN


def _is_amount_only(line: _Line) -> bool:
    return SYMBOL_AMOUNT.fullmatch(line.stripped) is not None


def _stacked_column_period(lines: list[_Line], idx: int) -> str | None:
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
    text: str, money: Money, lines: list[_Line], idx: int, questions: dict[int, tuple[int, int]],
    bounds: tuple[int, int],
) -> str | None:
    """The period the amount is for, read in its sentence (`bounds`, from _sentence_bounds) and around its
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
    number = _answer_number(line.text)
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
_ANSWER_MARK = re.compile(r"^\s*(?:Q(?:uestion)?\s*|Answer\s*|Response\s*)?(?P<n>\d{1,2})[a-z]?\b[.):]?", re.I)


def _answer_number(line: str) -> int | None:
    m = _ANSWER_MARK.match(line)
    return int(m.group("n")) if m else None


def question_spans(text: str) -> dict[int, tuple[int, int]]:
    """Where each numbered question is first printed: number -> (start, end of its line)."""
    spans: dict[int, tuple[int, int]] = {}
    for m in re.finditer(
        r"^[ \t]*(?:Q(?:uestion)?[ \t]*)?(?P<n>\d{1,2})[.):][^\n]*\?[^\n]*$|"
        r"^[ \t]*Q(?:uestion)?[ \t]*(?P<n2>\d{1,2})\b[^\n]*$",
        text,
        re.M | re.I,
    ):
        n = int(m.group("n") or m.group("n2"))
        spans.setdefault(n, (m.start(), m.end()))
    return spans


# ---- subjects ----------------------------------------------------------------------------------------

_STOP = {
    "the",
    "a",
    "an",
    "our",
    "your",
    "its",
    "their",
    "this",
    "that",
    "is",
    "was",
    "were",
    "of",
    "for",
    "in",
    "to",
    "and",
    "total",
    "with",
    "at",
    "by",
}
# Words that qualify a subject without changing what it is: "the planned capital programme" is a capital programme.
_MODIFIERS = {"future", "current", "approved", "planned", "proposed", "indicative", "forecast", "estimated", "overall",
              "in", "latest", "revised", "agreed", "draft"}
_AMOUNT_WORDS = {"million", "billion", "thousand", "m", "k", "bn", "approximately", "approx", "circa", "c", "about",
                 "around", "over", "roughly", "nearly", "almost", "pounds", "gbp"}
_VERB_BEFORE = re.compile(
    r"\b(?:is|was|are|were|of|totall?ed|totals|cost|costs|came\s+to|amounted\s+to|stands\s+at"
    r"|at|be|:|-|–|=)\s*$",
    re.I,
)


def _clean_subject(words: str) -> str | None:
    words = re.sub(r"\(.*?\)", " ", words)
    for span, _ in reversed(find_periods(words)):
        words = words[: span.start] + " " + words[span.end :]
    tokens = [t for t in re.findall(r"[A-Za-z][\w&/'’.-]*", words) if t.lower() not in _AMOUNT_WORDS]
    while tokens and tokens[0].lower() in _STOP | _MODIFIERS:
        tokens.pop(0)
    while tokens and tokens[-1].lower() in _STOP | {"on", "from", "during", "fy"}:
        tokens.pop()
    subject = " ".join(tokens[-6:]).strip(" .,:;-")
    return subject or None


_SPEND_VERB = re.compile(r"\b(?:spen[dt]|spending|paid|pays|cost|invested|allocated|budgeted)\b", re.I)
_SPEND_VERB_JUST_BEFORE = re.compile(
    _SPEND_VERB.pattern + r"\W+(?:(?:a|an|the|total|of|some|additional|further|extra|around|about|approximately"
    r"|over|circa|c|just|nearly|almost|in|excess)\W+){0,4}$",
    re.I,
)
_ON_WHAT = re.compile(
    r"\b(?:on|for)\s+(?!(?:the\s+)?(?:(?:financial|calendar)\s+)?(?:year|period|fy|\d))([^,.;:\n£$€]{2,60})", re.I)


_SEPARATOR_REVERSED = re.compile(r"\s*[,\-–:]\s*")
_LABEL_REVERSED = re.compile(r"[^\n.:;]{2,80}")


def _label_before(before: str) -> str | None:
    """The label a figure follows ("Licences - £4,000", "Total cost: £1m"): up to 80 characters of one clause
    ending in a comma, dash or colon just before the figure. Read backwards from the figure, so a long
    sentence costs no more than a short one."""
    reversed_tail = before[-LABEL_REACH:][::-1]
    separator = _SEPARATOR_REVERSED.match(reversed_tail)
    if separator is None:
        return None
    label = _LABEL_REVERSED.match(reversed_tail, separator.end())
    return label.group(0)[::-1] if label else None


def _subject(text: str, money: Money, line: _Line, start: int, end: int) -> str | None:
    sentence_before = text[start : money.span.start]
    after = text[money.span.end : end]
    if _COST_LIMIT.search(text[max(start, money.span.start - 150) : min(end, money.span.end + 80)]):
        return "FOI appropriate cost limit"
    if _SPEND_VERB_JUST_BEFORE.search(sentence_before):
        # "spent £1.2m in 2022-23 and £2.4m in 2023-24 on agency staff": what follows "on" or "for"
        on = _ON_WHAT.search(after)
        if on:
            return _clean_subject(on.group(1))
    label = _label_before(sentence_before)
    if label and not _VERB_BEFORE.search(sentence_before.rstrip(",-–: ")):
        return _clean_subject(label)
    if _VERB_BEFORE.search(sentence_before):
        phrase = _VERB_BEFORE.sub("", sentence_before)
        phrase = re.split(r"[,;]|\bwhich\b|\bwhere\b", phrase)[-1]
        subject = _clean_subject(phrase)
        if subject:
            return subject
    is_the = re.match(r"\s*(?:is|was|are)\s+(?:the\s+)?([^,.;\n]{3,60})", after)
    if is_the:
        return _clean_subject(is_the.group(1))
    return _clean_subject(sentence_before) if sentence_before.strip() else None


_NOT_SUBJECTS = {"answer", "answers", "response", "responses", "reply", "total", "totals", "year", "years",
                 "period", "financial year", "amount", "£", "value"}


def _heading_subject(lines: list[_Line], idx: int) -> str | None:
    """For a figure alone in a table cell ("2019 | £466,364.52"): the nearest heading or caption above that
    is neither a period nor another figure ("Postage Spend", "The table below shows payments to ...:")."""
    for j in range(idx - 1, max(-1, idx - 15), -1):
        line = lines[j]
        cell = line.stripped.strip(" :")
        if not cell or _is_period_only(line) or (SYMBOL_AMOUNT.search(line.text) and not line.is_prose()):
            continue
        if cell.lower() in _NOT_SUBJECTS:
            continue
        if line.is_prose():
            if not line.text.rstrip().endswith(":"):
                return None
            cell = re.sub(r"^.*?\b(?:shows?|breaks?\s+down|sets?\s+out|lists?|gives?)\s+", "", cell)
        return _clean_subject(cell)
    return None


# ---- tables without a currency in their cells ---------------------------------------------------------


@dataclass
class _Row:
    label: str
    label_period: str | None
    numbers: list[re.Match[str]] = field(default_factory=list)


def _table_money(text: str, lines: list[_Line], taken: list[tuple[int, int]]) -> list[Money]:
    found: list[Money] = []
    i = 0
    while i < len(lines):
        header = UNIT_HEADER.search(lines[i].text)
        if not header or (lines[i].is_prose() and not header.group("unit")):
            i += 1
            continue
        currency = CURRENCY[header.group("cur").lower()]
        scale = _scale(header.group("unit"))
        header_periods = _header_periods(lines, i)
        rows: list[_Row] = []
        j = i + 1
        while j < len(lines) and j < i + _TABLE_LINES:
            line = lines[j]
            if line.is_prose():
                break
            if line.is_blank():
                j += 1
                continue
            if UNIT_HEADER.search(line.text) and not rows:
                j += 1
                continue
            numbers = [
                m
                for m in TABLE_NUMBER.finditer(text, line.start, line.end)
                if not any(a <= m.start() < b for a, b in taken)
            ]
            label_text = _first_text_cell(TABLE_NUMBER.sub("  ", line.text))

            def amount_like(m: re.Match[str], group: str | int, idx: int = j) -> bool:
                # "2050" under a "2020/21" column of a £000 table is an amount, not a year.
                return not find_periods(m.group(group)) or _column_period(lines, idx, m.start()) is not None

            if label_text:
                rows.append(_Row(label_text, _is_period_only(_Line(0, 0, label_text)), []))
                numbers = [m for m in numbers if amount_like(m, 0)]
            if rows:
                rows[-1].numbers.extend(n for n in numbers if amount_like(n, "num"))
            j += 1
        for row in rows:
            for k, m in enumerate(row.numbers):
                value = parse_number(m.group("num"))
                if value is None:
                    continue
                in_column = _column_period(lines, _line_index(lines, m.start()), m.start())
                period = row.label_period or in_column or (
                    header_periods[k]
                    if k < len(header_periods)
                    else header_periods[0]
                    if len(header_periods) == 1
                    else None
                )
                cents = _cents(value * scale)
                if cents is None:
                    continue
                subject = None if row.label_period else _clean_subject(row.label)
                found.append(Money(cents, currency, False, Span.of(m, "num"), subject=subject, period=period))
        i = j
    return found


def _first_text_cell(line: str) -> str:
    cells = [c.strip(" \t:-–") for c in re.split(r"\s*\|\s*|\s{2,}|\t", line)]
    return next((c for c in cells if c), "")


def _header_periods(lines: list[_Line], unit_line: int) -> list[str]:
    """Periods in the header cells: the unit line and up to four non-blank lines above it."""
    header: list[_Line] = [lines[unit_line]]
    for j in range(unit_line - 1, -1, -1):
        if len(header) > 4 or lines[j].is_prose():
            break
        if not lines[j].is_blank():
            header.insert(0, lines[j])
    return [p for line in header for _, p in find_periods(line.text)]


def find_money(text: str) -> list[Money]:
    """Every amount of money in the text, in order, with subject and period where the context gives them."""
    lines = _lines(text)
    questions = question_spans(text)
    found: list[Money] = []
    for money in find_amounts(text):
        idx = _line_index(lines, money.span.start)
        line = lines[idx]
        start, end = bounds = _sentence_bounds(text, money.span.start, line)
        subject = _subject(text, money, line, start, end)
        if subject is None and not line.is_prose():
            subject = _heading_subject(lines, idx)
        found.append(
            Money(
                amount=money.amount,
                currency=money.currency,
                approximate=money.approximate,
                span=money.span,
                amount_high=money.amount_high,
                subject=subject,
                period=_period_near(text, money, lines, idx, questions, bounds),
            )
        )
    taken = [(m.span.start, m.span.end) for m in found]
    found.extend(_table_money(text, lines, taken))
    found.sort(key=lambda m: m.span.start)
    return found
