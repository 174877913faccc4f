"""Response times in working days, under the working-day rule of the statute the body answers under.

FOIA s.10 (and FOISA s.10 in Scotland) give a body 20 working days "following the date of receipt": the day
the request arrives is not counted, the first working day after it is day 1, and a reply on day 20 is on
time. What a working day is differs by statute:

- FOIA s.10(6): any day but a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday under the
  Banking and Financial Dealings Act 1971 "in any part of the United Kingdom". So an English, Welsh, Northern
  Irish or UK-wide body does not count Scotland's 2 January, first Monday of August or St Andrew's Day, nor
  Northern Ireland's St Patrick's Day or Battle of the Boyne. The EIR 2004 (reg. 2(1)) take FOIA's meaning.
- FOISA s.73: any day but a Saturday, a Sunday, Christmas Day or a bank holiday "in Scotland" under that Act.
  A Scottish public authority (and the EISR 2004, which take FOISA's meaning) counts Easter Monday and the
  last Monday of August, which are not Scottish bank holidays.

Which statute applies follows the body: the register's Scottish bodies are Scottish public authorities
(FOISA); every other body, UK-wide ones included, answers under FOIA. The bank holidays themselves, with
substitute days and one-off royal proclamations, come from the `holidays` package.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import holidays

DEADLINE_WORKING_DAYS = 20


@dataclass(frozen=True)
class WorkingDayRule:
    """A statute's definition of a working day: the UK nations whose bank holidays are not working days."""

    statute: str
    subdivisions: tuple[str, ...]  # the holidays package's codes for the UK's nations


FOIA = WorkingDayRule("FOIA s.10(6)", ("ENG", "WLS", "SCT", "NIR"))
FOISA = WorkingDayRule("FOISA s.73", ("SCT",))

# The register's nations and the rule each body answers under.
RULES: dict[str, WorkingDayRule] = {
    "england": FOIA, "wales": FOIA, "northern_ireland": FOIA, "uk": FOIA, "scotland": FOISA,
}
NATIONS: tuple[str, ...] = tuple(RULES)


def rule_for(nation: str) -> WorkingDayRule:
    """The working-day rule of a body in `nation`.

    >>> rule_for("scotland").statute, rule_for("wales").statute
    ('FOISA s.73', 'FOIA s.10(6)')
    """
    try:
        return RULES[nation]
    except KeyError:
        raise ValueError(f"unknown nation {nation!r}; known: {', '.join(NATIONS)}") from None


@functools.cache
def _holidays(rule: WorkingDayRule, year: int) -> frozenset[dt.date]:
    # Both statutes name Christmas Day (and FOIA Good Friday) beside the bank holidays because in England and
    # Wales they are common-law holidays, not 1971 Act ones; the holidays package lists them in every nation.
    return frozenset(
        day for code in rule.subdivisions for day in holidays.country_holidays("GB", subdiv=code, years=year)
    )


def is_working_day(day: dt.date, nation: str) -> bool:
    """Monday to Friday, and not a holiday under the rule of a body in `nation` (england, wales, scotland,
    northern_ireland, uk).

    >>> is_working_day(dt.date(2024, 4, 1), "england"), is_working_day(dt.date(2024, 4, 1), "scotland")
    (False, True)
    >>> is_working_day(dt.date(2024, 1, 2), "england")  # Scotland's 2 January: a bank holiday in part of the UK
    False
    """
    return day.weekday() < 5 and day not in _holidays(rule_for(nation), day.year)


def working_days(received: dt.date, responded: dt.date, nation: str) -> int | None:
    """Working days after `received` up to and including `responded`; None if it answers before it arrived.

    >>> working_days(dt.date(2023, 12, 22), dt.date(2024, 1, 2), "england")  # Christmas, New Year, 2 January
    3
    """
    rule_for(nation)  # an unknown nation is an error even when the dates need no calendar
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
