"""One financial calendar (fy_start and period_kind), capital or revenue, and working days under each
statute's bank holidays, tested against dates known from the published UK bank holiday lists."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import foidata.extractors.fiscal
import foidata.extractors.spend
import foidata.extractors.timeliness
from foidata.extractors.fiscal import fy_label, parse_period
from foidata.extractors.money import find_money
from foidata.extractors.periods import find_periods
from foidata.extractors.spend import spend_type
from foidata.extractors.timeliness import NATIONS, deadline, is_late, is_working_day, rule_for, working_days

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
years = st.integers(min_value=1990, max_value=2068)

# Every way of printing the financial year that starts in `y`.
FY_FORMS = [
    "{y}/{b2}", "{y2}/{b2}", "{y}-{b2}", "{y}–{b2}", "{y}/{b}", "{y}-{b}", "FY{y}/{b2}", "FY {y2}/{b2}", "FY{b2}",
    "FY {b2}", "FY{b}", "April {y} to March {b}", "1 April {y} - 31 March {b}", "Apr {y} – Mar {b}",
    "year ending 31 March {b}", "year ended 31st March {b}", "financial year ending March {b}",
    "y/e 31/03/{b}",
]


def printed(form: str, start: int) -> str:
    end = start + 1
    return form.format(y=start, b=end, y2=f"{start % 100:02d}", b2=f"{end % 100:02d}")


def test_doctests() -> None:
    for module in (foidata.extractors.fiscal, foidata.extractors.spend, foidata.extractors.timeliness):
        assert doctest.testmod(module).failed == 0, module.__name__


@pytest.mark.parametrize("text", ["2020/21", "20/21", "FY21", "2020-21", "April 2020 to March 2021",
                                  "year ending 31 March 2021", "2020/2021", "FY 2020/21", "2020–21"])
def test_every_form_of_2020_21_starts_in_2020(text: str) -> None:
    assert parse_period(text).fy_start == 2020
    assert parse_period(text).kind == "financial_year"


@given(years, st.sampled_from(FY_FORMS))
def test_every_form_of_a_financial_year_gives_its_start(start: int, form: str) -> None:
    period = parse_period(printed(form, start))
    assert (period.kind, period.fy_start) == ("financial_year", start)


@given(years)
def test_fy_label_round_trips(start: int) -> None:
    assert parse_period(fy_label(start)).fy_start == start


# The periods extractor has always read a four-digit "FY 2021" beside an amount as the year 2021; the rest
# it finds in prose as the one financial year.
PROSE_FORMS = [form for form in FY_FORMS if form not in ("FY{b}",)]


@given(years, st.sampled_from(PROSE_FORMS))
def test_every_form_found_in_prose_is_one_canonical_period(start: int, form: str) -> None:
    text = f"The force spent £5,000 in {printed(form, start)} on equipment."
    assert [p for _, p in find_periods(text)] == [fy_label(start)]


@given(years)
def test_calendar_years_stay_calendar_years(year: int) -> None:
    for text in (str(year), f"calendar year {year}", f"year ending 31 December {year}"):
        period = parse_period(text)
        assert (period.kind, period.fy_start, period.year) == ("calendar_year", None, year)


@given(years, st.integers(min_value=1, max_value=12))
def test_a_month_belongs_to_the_financial_year_it_falls_in(year: int, month: int) -> None:
    period = parse_period(f"{MONTHS[month - 1]} {year}")
    assert period.kind == "month"
    assert period.fy_start == (year if month >= 4 else year - 1)


@pytest.mark.parametrize("text", ["2018-21", "2018 to 2021", "January 2020 to June 2021", "2019/22",
                                  "year ending 30 June 2021"])
def test_spans_other_than_one_year_are_ranges(text: str) -> None:
    period = parse_period(text)
    assert (period.kind, period.fy_start) == ("range", None)


@given(st.one_of(st.none(), st.text(max_size=60)))
def test_parse_period_never_raises(text: str | None) -> None:
    period = parse_period(text)
    assert period.kind in {"financial_year", "calendar_year", "month", "range", "none"}
    assert (period.fy_start is not None) == (period.kind in {"financial_year", "month"})


def test_money_in_prose_financial_years() -> None:
    text = ("In the year ending 31 March 2021 the force spent £120,000. From April 2021 to March 2022 it spent "
            "£130,500. In FY23 it spent £133,000.")
    assert [m.period for m in find_money(text)] == ["2020/21", "2021/22", "2022/23"]


@pytest.mark.parametrize(
    ("text", "subject", "expected"),
    [
        ("The capital programme for 2021/22 is £2.0m.", "capital programme", "capital"),
        ("Our revenue budget for ICT is £11.9m this year.", None, "revenue"),
        ("We spent £5,000 on licences.", None, None),
        ("The capital and revenue budgets together were £3m.", None, None),
    ],
)
def test_spend_type(text: str, subject: str | None, expected: str | None) -> None:
    start = text.index("£")
    end = start + len(text[start:].split()[0].rstrip(".|"))
    assert spend_type(text, start, end, subject) == expected


def test_spend_type_from_table_columns() -> None:
    text = "| Year | Capital | Revenue |\n| 2021/22 | £1m | £2m |"
    assert spend_type(text, text.index("£1m"), text.index("£1m") + 3) == "capital"
    assert spend_type(text, text.index("£2m"), text.index("£2m") + 3) == "revenue"


# ---- working days ------------------------------------------------------------------------------------------
# FOIA s.10(6) (bodies in England, Wales, Northern Ireland and UK-wide ones) excludes a bank holiday in any part
# of the UK; FOISA s.73 (Scottish public authorities) only Scotland's. Dates from the published UK lists.


@pytest.mark.parametrize(
    ("received", "responded", "nation", "days"),
    [
        # Christmas 2023: Christmas Day, Boxing Day, New Year's Day; Scotland's 2 January is off under FOIA too.
        ("2023-12-22", "2024-01-02", "england", 3),
        ("2023-12-22", "2024-01-02", "wales", 3),
        ("2023-12-22", "2024-01-02", "scotland", 3),
        ("2023-12-22", "2024-01-03", "england", 4),
        # Christmas 2022 fell on a Sunday: the holiday moved to Tuesday 27th; 1 January 2023 a Sunday too,
        # so 2 January was off everywhere and Scotland's 2 January holiday moved to the 3rd.
        ("2022-12-23", "2023-01-03", "england", 3),
        ("2022-12-23", "2023-01-03", "scotland", 3),
        ("2022-12-23", "2023-01-04", "northern_ireland", 4),
        # Easter 2024: Good Friday 29 March everywhere; Easter Monday 1 April is not a Scottish bank holiday,
        # so a Scottish body counts it and every other body does not.
        ("2024-03-28", "2024-04-02", "england", 1),
        ("2024-03-28", "2024-04-02", "northern_ireland", 1),
        ("2024-03-28", "2024-04-02", "scotland", 2),
        # Scotland's summer bank holiday, the first Monday of August (5 August 2024), stops the clock for FOIA
        # bodies too; England's, the last Monday (26 August), does not for a Scottish body.
        ("2024-08-02", "2024-08-06", "scotland", 1),
        ("2024-08-02", "2024-08-06", "england", 1),
        ("2024-08-23", "2024-08-27", "england", 1),
        ("2024-08-23", "2024-08-27", "scotland", 2),
        # St Andrew's Day 2024 was a Saturday: Scotland took Monday 2 December, a holiday in part of the UK.
        ("2024-11-29", "2024-12-03", "scotland", 1),
        ("2024-11-29", "2024-12-03", "england", 1),
        ("2024-11-29", "2024-12-03", "northern_ireland", 1),
        # St Patrick's Day 2023 (a Friday) is Northern Ireland's: off for every FOIA body, not for a Scottish one.
        ("2023-03-16", "2023-03-20", "northern_ireland", 1),
        ("2023-03-16", "2023-03-20", "england", 1),
        ("2023-03-16", "2023-03-20", "uk", 1),
        ("2023-03-16", "2023-03-20", "scotland", 2),
        # The Battle of the Boyne, 12 July 2024 (a Friday), Northern Ireland's too.
        ("2024-07-11", "2024-07-15", "wales", 1),
        ("2024-07-11", "2024-07-15", "scotland", 2),
        # UK-wide bodies answer under FOIA: Easter Monday is off.
        ("2024-03-28", "2024-04-02", "uk", 1),
        # A weekend alone, the same day, and a reply dated before the request.
        ("2024-01-05", "2024-01-08", "england", 1),
        ("2024-01-05", "2024-01-05", "england", 0),
        ("2024-01-08", "2024-01-05", "england", None),
    ],
)
def test_working_days_against_known_holidays(received: str, responded: str, nation: str, days: int | None) -> None:
    assert working_days(dt.date.fromisoformat(received), dt.date.fromisoformat(responded), nation) == days


def test_twenty_working_days_is_on_time_and_twenty_one_is_late() -> None:
    received = dt.date(2024, 1, 4)
    last = deadline(received, "england")
    assert last == dt.date(2024, 2, 1)
    assert working_days(received, last, "england") == 20 and is_late(20) is False
    assert working_days(received, dt.date(2024, 2, 2), "england") == 21 and is_late(21) is True
    assert is_late(None) is None


def test_the_christmas_deadline_moves_past_the_holidays() -> None:
    # Received on 1 December 2023: 20 working days skip 25, 26 December, 1 January and, under FOIA as under
    # FOISA, Scotland's 2 January: day 20 is 4 January for an English body as for a Scottish one.
    assert deadline(dt.date(2023, 12, 1), "england") == dt.date(2024, 1, 4)
    assert deadline(dt.date(2023, 12, 1), "scotland") == dt.date(2024, 1, 4)


def test_a_foia_deadline_skips_holidays_of_the_other_nations() -> None:
    # Received Friday 1 March 2024 by an English body: St Patrick's Day (Monday 18 March, Northern Ireland),
    # Good Friday and Easter Monday are not working days, so day 20 is 3 April. A Scottish body counts St
    # Patrick's Day and Easter Monday: its day 20 is 1 April (Easter Monday itself).
    assert deadline(dt.date(2024, 3, 1), "england") == dt.date(2024, 4, 3)
    assert deadline(dt.date(2024, 3, 1), "northern_ireland") == dt.date(2024, 4, 3)
    assert deadline(dt.date(2024, 3, 1), "scotland") == dt.date(2024, 4, 1)
    # A reply on 2 April is on time in England (day 19), where counting England's calendar alone made it day 20
    # and counting nothing but weekdays day 22.
    assert working_days(dt.date(2024, 3, 1), dt.date(2024, 4, 2), "england") == 19


def test_the_rule_follows_the_statute() -> None:
    assert {nation: rule_for(nation).statute for nation in NATIONS} == {
        "england": "FOIA s.10(6)", "wales": "FOIA s.10(6)", "northern_ireland": "FOIA s.10(6)",
        "uk": "FOIA s.10(6)", "scotland": "FOISA s.73"}
    # One-off holidays by royal proclamation count: the Queen's state funeral, 19 September 2022.
    assert not is_working_day(dt.date(2022, 9, 19), "england")
    assert not is_working_day(dt.date(2022, 9, 19), "scotland")


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
       st.integers(min_value=0, max_value=60), st.sampled_from(["england", "wales", "scotland", "northern_ireland"]))
def test_working_days_count_weekdays_less_holidays(received: dt.date, span: int, nation: str) -> None:
    responded = received + dt.timedelta(days=span)
    days = working_days(received, responded, nation)
    weekdays = sum(1 for i in range(1, span + 1) if (received + dt.timedelta(days=i)).weekday() < 5)
    assert days is not None and 0 <= days <= weekdays
    assert days == sum(is_working_day(received + dt.timedelta(days=i), nation) for i in range(1, span + 1))


def test_unknown_nation_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown nation"):
        working_days(dt.date(2024, 1, 1), dt.date(2024, 1, 2), "france")
