"""Financial years and years that money belongs to: "2020/21", "20/21", "FY22/23", "2014/2015", "2022"."""

from __future__ import annotations

import re

from foidata.extractors.fiscal import FY_PHRASE, phrase_financial_year
from foidata.extractors.spans import Span

FINANCIAL_YEAR = re.compile(
    r"(?<![\d/£.,])(?:FY[ \t]?)?(?P<a>(?:19|20)?\d{2})(?P<sep>[/.\-–])(?P<b>(?:19|20)?\d{2})(?![\d/%]|\.\d)",
    re.IGNORECASE,
)
CALENDAR_YEAR = re.compile(r"(?<![\d/£.,\-–])(?:FY[ \t]?)?(?P<y>(?:19|20)\d{2})(?![\d/%]|[-–]\d|\.\d)")
# Years that name a statute or regulations, end a date or month ("2 February 2024", "March 2024"), or bound
# a range ("since 2019"): not the period an amount belongs to.
_STATUTE_BEFORE = re.compile(
    r"(?:act|regulations?|order|rules|code|since|from|after|before|until|till|by|between"
    r"|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|\d(?:st|nd|rd|th)?|[/.-]\d{1,2})[ \t,]*$",
    re.IGNORECASE,
)


def _full_year(two_or_four: str, century_from: str | None = None) -> int:
    value = int(two_or_four)
    if len(two_or_four) == 4:
        return value
    if century_from and len(century_from) == 4:
        return int(century_from[:2]) * 100 + value
    return 2000 + value if value < 70 else 1900 + value


def financial_year(a: str, b: str) -> str | None:
    """'20', '21' -> '2020/21' when b is the year after a; otherwise None (a range such as 2018-21)."""
    start = _full_year(a)
    end = _full_year(b, a)
    if end % 100 != (start + 1) % 100:
        return None
    return f"{start}/{(start + 1) % 100:02d}"


def normalise_period(value: str | None) -> str | None:
    """Canonical form of a printed period.

    >>> [normalise_period(p) for p in ("20/21", "FY22/23", "2014/2015", "2018.19", "2022", None)]
    ['2020/21', '2022/23', '2014/15', '2018/19', '2022', None]
    """
    if value is None:
        return None
    m = FINANCIAL_YEAR.search(value)
    if m:
        fy = financial_year(m.group("a"), m.group("b"))
        if fy:
            return fy
    m2 = CALENDAR_YEAR.search(value)
    if m2:
        return m2.group("y")
    return value.strip() or None


def find_periods(text: str, start: int = 0, end: int | None = None) -> list[tuple[Span, str]]:
    """Periods in text[start:end] as (span, canonical period), in order; financial years before years."""
    end = len(text) if end is None else end
    found: list[tuple[Span, str]] = []
    taken: list[tuple[int, int]] = []
    # Financial years in words ("year ending 31 March 2021", "April 2020 to March 2021", "FY21") first: the
    # years inside them are not periods of their own.
    for m in FY_PHRASE.finditer(text, start, end):
        phrase = phrase_financial_year(m.group(0))
        if phrase:
            found.append((Span.of(m), phrase))
            taken.append((m.start(), m.end()))
    for m in FINANCIAL_YEAR.finditer(text, start, end):
        if any(a <= m.start() < b for a, b in taken):
            continue
        fy = financial_year(m.group("a"), m.group("b"))
        if fy and (m.group("sep") != "." or len(m.group("a")) == 4):
            found.append((Span.of(m), fy))
            taken.append((m.start(), m.end()))
    for m in CALENDAR_YEAR.finditer(text, start, end):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if _STATUTE_BEFORE.search(text[max(0, m.start() - 20):m.start()]):
            continue
        found.append((Span.of(m), m.group("y")))
    found.sort(key=lambda item: item[0].start)
    return found
