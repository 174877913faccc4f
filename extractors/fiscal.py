"""One financial calendar: the UK financial year (1 April to 31 March) a printed period belongs to.

`fy_start` is the calendar year the financial year starts in: 2020/21, 20/21, FY21, 2020-21, "April 2020 to
March 2021" and "year ending 31 March 2021" are all 2020. A calendar year stays a calendar year (no fy_start);
a month belongs to the financial year it falls in; a span of several years is a range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PeriodKind = Literal["financial_year", "calendar_year", "month", "range", "none"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?" \
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
YEAR = r"(?:19|20)\d{2}"
_DAY = r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"

# "year ending 31 March 2021", "financial year ended March 2021", "y/e 31/03/2021"
YEAR_ENDING = re.compile(
    rf"\b(?:(?:financial\s+)?year\s+end(?:ing|ed)|y/?e)\s+(?:{_DAY}(?P<month>{MONTH})\s+(?P<year>{YEAR})"
    rf"|(?P<d>\d{{1,2}})[/.](?P<m>\d{{1,2}})[/.](?P<y>{YEAR}))",
    re.IGNORECASE,
)
# "April 2020 to March 2021", "1 April 2020 - 31 March 2021", "Apr 2020 – Mar 2021"
MONTH_SPAN = re.compile(
    rf"\b{_DAY}(?P<m1>{MONTH})\s+(?P<y1>{YEAR})\s*(?:to|until|-|–|—)\s*{_DAY}(?P<m2>{MONTH})\s+(?P<y2>{YEAR})\b",
    re.IGNORECASE,
)
# "2020/21", "20/21", "2020-21", "2020/2021", "FY2020/21", "FY 20-21"
YEAR_PAIR = re.compile(
    r"(?<![\d/£.,])(?:FY\s?)?(?P<a>(?:19|20)?\d{2})\s?[/\-–]\s?(?P<b>(?:19|20)?\d{2})(?![\d/%])", re.IGNORECASE
)
# "FY21", "FY 2021": by the usual UK reading, the financial year that ends in that year.
FY_ENDING = re.compile(r"\bFY\s?(?P<y>(?:19|20)?\d{2})(?![\d/\-–])", re.IGNORECASE)
FY_TWO_DIGITS = re.compile(r"\bFY\s?(?P<fy>\d{2})(?![\d/\-–%])", re.IGNORECASE)
# "2018 to 2021", "2018-2021" (a pair of consecutive years is a financial year, matched above)
YEAR_RANGE = re.compile(rf"\b(?P<a>{YEAR})\s*(?:to|until|-|–|—)\s*(?P<b>{YEAR})\b", re.IGNORECASE)
MONTH_YEAR = re.compile(rf"\b(?P<month>{MONTH})\s+(?P<year>{YEAR})\b", re.IGNORECASE)
CALENDAR_YEAR = re.compile(rf"(?<![\d/£.,])(?P<year>{YEAR})(?![\d/%])")


@dataclass(frozen=True)
class Period:
    """What a printed period means in the one calendar."""

    kind: PeriodKind
    fy_start: int | None = None  # financial years and months: the year their financial year starts
    year: int | None = None  # calendar years


NONE = Period("none")


def _year(two_or_four: str, after: int | None = None) -> int:
    """A printed year in full. Two digits are read as the first such year from `after` on (the end of
    "1999/00" is 2000), else as 1970-2069."""
    value = int(two_or_four)
    if len(two_or_four) == 4:
        return value
    if after is not None:
        full = after // 100 * 100 + value
        return full if full >= after else full + 100
    return 2000 + value if value < 70 else 1900 + value


def fy_of_month(year: int, month: int) -> int:
    """The financial year a month falls in: April onwards starts one, January to March end the last one."""
    return year if month >= 4 else year - 1


def fy_label(fy_start: int) -> str:
    """The canonical printed form: 2020 -> '2020/21'.

    >>> fy_label(1999)
    '1999/00'
    """
    return f"{fy_start}/{(fy_start + 1) % 100:02d}"


def parse_period(text: str | None) -> Period:
    """The period a short printed period names.

    >>> [parse_period(p).fy_start for p in ("2020/21", "20/21", "FY21", "2020-21", "April 2020 to March 2021",
    ...                                     "year ending 31 March 2021")]
    [2020, 2020, 2020, 2020, 2020, 2020]
    >>> parse_period("2022"), parse_period("March 2021").fy_start, parse_period("2018-21").kind
    (Period(kind='calendar_year', fy_start=None, year=2022), 2020, 'range')
    """
    if not text or not text.strip():
        return NONE
    m = YEAR_ENDING.search(text)
    if m:
        month = _MONTHS[m.group("month").lower()[:3]] if m.group("month") else int(m.group("m"))
        year = int(m.group("year") or m.group("y"))
        # Twelve months ending in March are a financial year, ending in December a calendar year; any other
        # twelve months straddle two of each.
        if month == 3:
            return Period("financial_year", fy_start=year - 1)
        if month == 12:
            return Period("calendar_year", year=year)
        return Period("range")
    m = MONTH_SPAN.search(text)
    if m:
        m1, m2 = _MONTHS[m.group("m1").lower()[:3]], _MONTHS[m.group("m2").lower()[:3]]
        y1, y2 = int(m.group("y1")), int(m.group("y2"))
        if (m1, m2) == (4, 3) and y2 == y1 + 1:
            return Period("financial_year", fy_start=y1)
        if (y1, m1) == (y2, m2):
            return Period("month", fy_start=fy_of_month(y1, m1))
        return Period("range")
    m = YEAR_PAIR.search(text)
    if m:
        start = _year(m.group("a"))
        end = _year(m.group("b"), start)
        if end == start + 1:
            return Period("financial_year", fy_start=start)
        if end > start:
            return Period("range")
    m = FY_ENDING.search(text)
    if m:
        return Period("financial_year", fy_start=_year(m.group("y")) - 1)
    m = YEAR_RANGE.search(text)
    if m and int(m.group("b")) > int(m.group("a")):
        return Period("range")
    m = MONTH_YEAR.search(text)
    if m:
        year = int(m.group("year"))
        return Period("month", fy_start=fy_of_month(year, _MONTHS[m.group("month").lower()[:3]]))
    m = CALENDAR_YEAR.search(text)
    if m:
        return Period("calendar_year", year=int(m.group("year")))
    return NONE


# Phrases that name a financial year in running prose, which `foidata.extractors.periods` also finds beside
# amounts: "in the year ending 31 March 2021 we spent ...", "from April 2020 to March 2021 ...", "FY21". A
# four-digit "FY 2021" is left to the periods extractor, which has always read it as the year 2021.
FY_PHRASE = re.compile(f"{YEAR_ENDING.pattern}|{MONTH_SPAN.pattern}|{FY_TWO_DIGITS.pattern}", re.IGNORECASE)


def phrase_financial_year(phrase: str) -> str | None:
    """The canonical financial year ('2020/21') a FY_PHRASE match names, or None if it names another span."""
    period = parse_period(phrase)
    if period.kind == "financial_year" and period.fy_start is not None:
        return fy_label(period.fy_start)
    return None
