"""Capital or revenue: which budget an amount belongs to, where the text says so.

Public bodies account for capital (buildings, vehicles, equipment that lasts) apart from revenue (running
costs, salaries, licences). The text says which in the amount's subject ("capital programme"), its table
column ("| Capital | Revenue |") or its line or sentence ("revenue budget of £2m"). Where both words stand
equally near, or neither does, the answer is None: a guess would make the two budgets look comparable when
they are not.
"""

from __future__ import annotations

import re
from typing import Literal

from foidata.extractors.layout import header_cell_at, sentence_around

SpendType = Literal["capital", "revenue"]

_CAPITAL = re.compile(r"\bcapital\b|\bcapex\b", re.IGNORECASE)
_REVENUE = re.compile(r"\brevenue\b|\bopex\b|\boperating\s+(?:costs?|budget|expenditure)\b", re.IGNORECASE)


def _said(text: str | None) -> SpendType | None:
    """capital or revenue when only one of them is named in text."""
    if not text:
        return None
    capital, revenue = bool(_CAPITAL.search(text)), bool(_REVENUE.search(text))
    if capital == revenue:
        return None
    return "capital" if capital else "revenue"


def spend_type(text: str, start: int, end: int, subject: str | None = None) -> SpendType | None:
    """capital or revenue for the amount at text[start:end], from the nearest place that names one alone.

    >>> spend_type("The capital programme for 2021/22 is £2.0m.", 38, 43, "capital programme")
    'capital'
    >>> t = "| Year | Capital | Revenue |\\n| 2021/22 | £1m | £2m |"
    >>> spend_type(t, t.index("£2m"), t.index("£2m") + 3)
    'revenue'
    >>> spend_type("We spent £5,000 on licences.", 9, 15) is None
    True
    """
    found = _said(subject)
    if found:
        return found
    header = header_cell_at(text, start, end)
    if header is not None:
        return _said(header)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    found = _said(text[line_start : line_end if line_end >= 0 else len(text)])
    if found:
        return found
    sentence_start, sentence_end = sentence_around(text, start)
    return _said(text[sentence_start:sentence_end])
