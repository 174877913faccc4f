"""Response times in working days, under the bank holidays of the body's nation.

FOIA s.10 (and FOISA s.10 in Scotland) give a body 20 working days "following the date of receipt": the day
the request arrives is not counted, the first working day after it is day 1, and a reply on day 20 is on
time. Working days are Monday to Friday less the bank holidays of the body's nation, which differ: Scotland
has 2 January, the first Monday of August and St Andrew's Day but not Easter Monday; Northern Ireland has
St Patrick's Day and the Battle of the Boyne.
"""

from __future__ import annotations

import datetime as dt
import functools

import holidays

DEADLINE_WORKING_DAYS = 20

# The holidays package's subdivisions of the UK. UK-wide bodies (British Transport Police, the Civil Nuclear
# Constabulary, the MoD Police) are headquartered in England and keep England's calendar.
SUBDIVISIONS = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR", "uk": "ENG"}


@functools.cache
def _holidays(subdivision: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year))


def is_working_day(day: dt.date, nation: str) -> bool:
    """Monday to Friday, and not a bank holiday in `nation` (england, wales, scotland, northern_ireland, uk).

    >>> is_working_day(dt.date(2024, 4, 1), "england"), is_working_day(dt.date(2024, 4, 1), "scotland")
    (False, True)
    """
    return day.weekday() < 5 and day not in _holidays(SUBDIVISIONS[nation], day.year)


def working_days(received: dt.date, responded: dt.date, nation: str) -> int | None:
    """Working days after `received` up to and including `responded`; None if it answers before it arrived.

    >>> working_days(dt.date(2023, 12, 22), dt.date(2024, 1, 2), "england")  # Christmas, Boxing Day, New Year
    4
    """
    if nation not in SUBDIVISIONS:
        raise ValueError(f"unknown nation {nation!r}; known: {', '.join(SUBDIVISIONS)}")
    if responded < received:
        return None
    count = 0
    day = received
    while day < responded:
        day += dt.timedelta(days=1)
        count += is_working_day(day, nation)
    return count


def is_late(days: int | None) -> bool | None:
    """More than 20 working days; None when the days are unknown."""
    return None if days is None else days > DEADLINE_WORKING_DAYS


def deadline(received: dt.date, nation: str, days: int = DEADLINE_WORKING_DAYS) -> dt.date:
    """The last day a reply is on time: the `days`-th working day after receipt."""
    day, count = received, 0
    while count < days:
        day += dt.timedelta(days=1)
        count += is_working_day(day, nation)
    return day
