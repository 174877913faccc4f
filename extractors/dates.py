"""Full calendar dates and their roles (request, response, published).

Only full dates count: "April 2021" and "2020/21" are periods, and "12th July" has no year.
Numeric dates are read day-first, as UK bodies print them.
"""

from __future__ import annotations

import datetime as dt
import re

from foidata.extractors.facts import FoundDate
from foidata.extractors.layout import SIGN_OFF, header_cells
from foidata.extractors.spans import Span

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
          "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# A year may run straight into a question marker ("March 20231. Which ...") in scraped text.
_YEAR = r"(?P<year>(?:19|20)\d{2})(?:(?!\d)|(?=\d[.)]\s))"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

# The patterns that start with a day start with its digit and look behind it from there: a pattern whose first
# step is a set of digits is scanned for them in C, several times faster than one that starts with a lookbehind.
# "(?<![\d/.-])[0-3]?\d" as such: a first digit with no digit, slash, dot or dash before it, then a second digit
# if the first was 0-3.
# A superscript ordinal comes out of a PDF's text layer on a line of its own ("4\nth March 2021"), and out of
# WhatDoTheyKnow's text of an email with a caret ("1^st January 2025").
_ORDINAL = r"(?:(?:[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*|\^)?(?:st|nd|rd|th)(?![a-z]))?"
_DAY_FIRST = rf"(?P<day>\d(?<![\d/.-]\d)(?:(?<=[0-3])\d)?){_ORDINAL}"
DAY_MONTH_YEAR = re.compile(rf"{_DAY_FIRST}(?:\s+of)?[\s]+{_MONTH}(?![a-z]),?\s+{_YEAR}", re.IGNORECASE)
MONTH_DAY_YEAR = re.compile(rf"(?<![a-z]){_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE)
# What every MONTH_DAY_YEAR match holds (its day and year), and every ISO one: fast tests before slow scans.
_DAY_THEN_YEAR = re.compile(r"\d(?:st|nd|rd|th)?,?\s+(?:19|20)\d{2}", re.IGNORECASE)
_ISO_HINT = re.compile(r"\d-\d{2}-\d")
# Four-digit years are those of responses (1900-2099), as in the other forms: "1/1/0001" is no date, and a
# year 9999 would make the working-day count of a response walk thousands of years of bank holidays.
NUMERIC = re.compile(
    r"(?P<day>\d(?<![\d/.\w-]\d)\d?)(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>(?:19|20)\d{2}|\d{2})"
    r"(?![\d/]|\.\d)"
)
ISO = re.compile(r"(?<![\d/-])(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])")

# Labels that give a date its role, nearest first. Checked on the text just before the date.
ROLE_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # The requester's own notes: "Their reply (received 29-05-2018)", "Our request (sent 30-04-2018)".
    ("response", re.compile(r"(?:reply|response)\W{0,3}received(?:\s+on)?[\s:=\-–|]*$", re.IGNORECASE)),
    ("request", re.compile(r"request\W{0,3}sent(?:\s+on)?[\s:=\-–|]*$", re.IGNORECASE)),
    ("request", re.compile(
        r"(?:date\s+(?:of\s+)?(?:request|requested|received)|requested|request\s+date|date\s+received"
        r"|received(?:\s+on)?|^[#\s]*(?:foi\s+|eir\s+)?request)[\s:=\-–|]*(?:on\s+)?"
        r"(?:the\s+)?(?:mon|tue|wed|thu|fri|sat|sun)?[a-z]*\.?,?\s*$",
        re.IGNORECASE)),
    ("response", re.compile(
        r"(?:date\s+(?:of\s+)?(?:this\s+|the\s+|our\s+)?(?:initial\s+|final\s+)?(?:response|reply|replied|responded)|date\s+responded"
        r"|responded|response\s+(?:date|sent)|date\s+replied|replied|(?:review\W*(?:\(ir\)\s*)?)?decision(?!s)"
        r"|date\s+(?:sent|closed|completed)|^\s*(?:sent|closed|response|reply)(?=\s*:)|^\s*date"
        r"|^[#\s]*(?:foi\s+|eir\s+)?(?:response|reply)(?=\s*$))[\s:=\-–|]*(?:on\s+)?(?:mon|tue|wed|thu|fri|sat|sun)?[a-z]*\.?,?\s*$",
        re.IGNORECASE)),
    ("published", re.compile(
        r"(?:date\s+(?:of\s+)?(?:publication|published|released|disclosure)|published(?:\s+on)?"
        r"|publication\s+date|disclosure\s+date|date\s+released|released|^\s*dated)[\s:=\-–|]*"
        r"(?:on\s+)?(?:mon|tue|wed|thu|fri|sat|sun)?[a-z]*\.?,?\s*$",
        re.IGNORECASE)),
)
# Sentences that make a date the request date: "your request ... received on 11 October 2013". A sentence
# about the request itself beats one about an email or letter (which may be a review request).
# Wrapped prose: a sentence may run over single line breaks, not over a blank line.
_IN_SENTENCE = r"(?:[^.\n]|\n(?![ \t]*\n))"
# "... received by the Air Accidents Investigation Branch (AAIB) on Sunday 15th November 2015", "received at this
# office on 15/09/2025"
_RECEIVED_TAIL = (
    rf"(?:(?:by|at|in|into|from)\s+{_IN_SENTENCE}{{0,60}}?\s+)?(?:on\s+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:the\s+)?$"
)
# "received", "dated" and "made" may come late in a long sentence about the request; "of" and "on" only close
# to it ("your request of 23 May"), not at the end of a title about what was asked ("Request ... on 3rd May").
_DATED_BY = rf"(?:{_IN_SENTENCE}{{0,120}}?\b(?:received|dated|made)|{_IN_SENTENCE}{{0,30}}?\b(?:of|on))\s*"
REQUEST_SENTENCE = re.compile(r"\b(?:request|enquiry|inquiry)\b" + _DATED_BY + _RECEIVED_TAIL, re.IGNORECASE)
MESSAGE_SENTENCE = re.compile(r"\b(?:email|e-mail|letter|application)\b" + _DATED_BY + _RECEIVED_TAIL, re.IGNORECASE)
_WEEKDAY_ONLY = re.compile(r"^\s*(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?)?\s*$", re.I)
# "your request for an internal review ... which we received on ...": the review's date, not the request's.
_REVIEW = re.compile(r"\binternal\s+review\b|\breview\s+of\s+(?:your|the|our)\b", re.IGNORECASE)
_ANSWERED = re.compile(r"\b(?:responded|replied|answered)\s+to\b", re.IGNORECASE)
_SENT_HEADER = re.compile(r"\s*sent\s*:", re.IGNORECASE)
LABEL, REQUEST_WORDS, MESSAGE_WORDS = 3, 2, 1  # how sure a role is: a label, a sentence about the request, ...


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """Parse one printed date, day-first.

    >>> parse_date("9th April 2021"), parse_date("22/04/2025"), parse_date("January 14, 2025")
    (datetime.date(2021, 4, 9), datetime.date(2025, 4, 22), datetime.date(2025, 1, 14))
    >>> parse_date("April 2021") is None
    True
    """
    found = find_dates(text)
    return found[0].value if found else None


def _candidates(text: str) -> list[tuple[int, int, dt.date]]:
    out: list[tuple[int, int, dt.date]] = []
    patterns = (DAY_MONTH_YEAR, MONTH_DAY_YEAR) if _DAY_THEN_YEAR.search(text) else (DAY_MONTH_YEAR,)
    for pattern in patterns:
        for m in pattern.finditer(text):
            month = MONTHS[m.group("month").lower()[:3]]
            value = _make(int(m.group("year")), month, int(m.group("day")))
            if value:
                out.append((m.start(), m.start("year") + 4, value))
    for m in NUMERIC.finditer(text):
        day, month, year = int(m.group("day")), int(m.group("month")), _year(m.group("year"))
        if m.group("sep") == "." and len(m.group("year")) == 2:
            continue  # "2018.19" style periods and section numbers, not dates
        value = _make(year, month, day) or (_make(year, day, month) if month > 12 else None)
        if value:
            out.append((m.start(), m.end(), value))
    for m in ISO.finditer(text) if _ISO_HINT.search(text) else ():
        value = _make(int(m.group("year")), int(m.group("month")), int(m.group("day")))
        if value:
            out.append((m.start(), m.end(), value))
    out.sort()
    # Drop matches inside an earlier one (e.g. a numeric date inside a longer match).
    kept: list[tuple[int, int, dt.date]] = []
    for start, end, value in out:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, value))
    return kept


def _previous_line(text: str, line_start: int) -> str:
    """The nearest non-blank line above, if it is short enough to be a label."""
    end = line_start - 1
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip():
            return line if len(line.strip()) <= 40 else ""
        end = start - 1
    return ""


def _role(text: str, start: int, headers: list[tuple[str, int, int]]) -> tuple[str | None, int]:
    for header, cell_start, cell_end in headers:
        if cell_start <= start < cell_end:
            return _role(header + " ", len(header) + 1, [])
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 80) : start]
    if _WEEKDAY_ONLY.match(before):
        # A label alone on the line above: "Date of response\n18/05/2012" or "Received:\nFriday 3 May 2024".
        before = _previous_line(text, line_start) + " " + before.strip()
    if _SENT_HEADER.match(before) and SIGN_OFF.search(text, 0, line_start):
        return None, 0  # "Sent:" of an email quoted below a signed message: an earlier message, not the reply
    sentence_start = max(text.rfind(".", 0, start - 1), text.rfind("\n\n", 0, start)) + 1
    sentence = text[max(sentence_start, start - 200) : start]
    for role, pattern in ROLE_LABELS:
        if pattern.search(before):
            if role == "request" and _REVIEW.search(sentence):
                return None, 0  # when the internal review was asked for, not the request
            return role, LABEL
    if _is_capitals(sentence):
        return None, 0  # a heading in capitals names what was asked about ("REQUEST ... ON THE CRASH ON ...")
    if _REVIEW.search(sentence) or _ANSWERED.search(sentence):
        return None, 0  # "we responded to this request on ...": when it was answered, not asked
    if REQUEST_SENTENCE.search(sentence):
        return "request", REQUEST_WORDS
    if MESSAGE_SENTENCE.search(sentence):
        return "request", MESSAGE_WORDS
    return None, 0


def _is_capitals(words: str) -> bool:
    letters = [c for c in words if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def find_dates(text: str) -> list[FoundDate]:
    """Every full date in order, with the role its label or sentence gives it (else None)."""
    found: list[FoundDate] = []
    headers = header_cells(text) if "|" in text else []
    for start, end, value in _candidates(text):
        role, strength = _role(text, start, headers)
        found.append(FoundDate(value=value, span=Span(start, end, text[start:end]), role=role, strength=strength))
    return found


def assign_roles(found: list[FoundDate]) -> list[FoundDate]:
    """Keep one date per role: the surest, then the first for request and published, the latest for the
    response (an internal review decision follows the original one)."""
    chosen: dict[str, FoundDate] = {}
    for item in found:
        if item.role is None:
            continue
        current = chosen.get(item.role)
        if (
            current is None
            or item.strength > current.strength
            or (item.strength == current.strength and item.role == "response" and item.value > current.value)
        ):
            chosen[item.role] = item
    keep = {id(v) for v in chosen.values()}
    return [item if id(item) in keep else FoundDate(item.value, item.span, None, 0) for item in found]
