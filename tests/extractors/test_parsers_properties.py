"""Property tests for the parsers of money, dates, periods and citations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from foidata.extractors.dates import find_dates, parse_date
from foidata.extractors.exemptions import find_exemptions, split_provisions
from foidata.extractors.money import find_amounts, find_money, parse_money
from foidata.extractors.periods import normalise_period
from foidata.extractors.references import find_references
from foidata.extractors.statute import FOIA_EXEMPTIONS

pounds = st.integers(min_value=1, max_value=10**11)
pence = st.integers(min_value=0, max_value=99)
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2069, 12, 31))
sections = st.sampled_from(sorted(FOIA_EXEMPTIONS))


@given(pounds, pence)
def test_money_with_thousands_separators_and_pence(whole: int, cents: int) -> None:
    text = f"£{whole:,}.{cents:02d}"
    assert parse_money(text) == Decimal(f"{whole}.{cents:02d}")


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9),
       st.sampled_from([("k", 1000), ("m", 1_000_000), ("bn", 1_000_000_000), (" million", 1_000_000)]))
def test_money_units_scale(whole: int, tenth: int, unit: tuple[str, int]) -> None:
    suffix, scale = unit
    assert parse_money(f"£{whole}.{tenth}{suffix}") == (Decimal(f"{whole}.{tenth}") * scale).quantize(Decimal("0.01"))


@given(pounds, st.sampled_from(["c", "circa ", "about ", "approximately ", "over ", "in excess of "]))
def test_money_approximate_markers(whole: int, marker: str) -> None:
    (found,) = find_amounts(f"The budget is {marker}£{whole:,} this year.")
    assert found.approximate
    assert found.amount == Decimal(whole)


@given(pounds)
def test_money_without_marker_is_exact(whole: int) -> None:
    (found,) = find_amounts(f"The budget is £{whole:,} this year.")
    assert not found.approximate


@given(st.text(max_size=300))
def test_money_never_raises_and_spans_point_into_text(text: str) -> None:
    for found in find_money(text):
        assert text[found.span.start:found.span.end] == found.span.text
        assert found.amount >= 0


@given(dates, st.sampled_from(["{d} {B} {Y}", "{o} {B} {Y}", "{dd}/{mm}/{Y}", "{B} {d}, {Y}", "{d} {b} {Y}",
                               "{Y}-{mm}-{dd}"]))
def test_dates_in_printed_forms(day: dt.date, form: str) -> None:
    ordinal = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}.get(day.day, "th")
    text = form.format(d=day.day, o=f"{day.day}{ordinal}", B=day.strftime("%B"), b=day.strftime("%b"),
                       Y=day.year, dd=f"{day.day:02d}", mm=f"{day.month:02d}")
    assert parse_date(f"Sent on {text}.") == day


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1990, max_value=2069))
def test_month_and_year_alone_is_not_a_date(month: int, year: int) -> None:
    name = dt.date(2000, month, 1).strftime("%B")
    assert find_dates(f"In {name} {year} and in {year}/{(year + 1) % 100:02d}") == []


@given(st.text(max_size=300))
def test_dates_never_raise_and_spans_point_into_text(text: str) -> None:
    for found in find_dates(text):
        assert text[found.span.start:found.span.end] == found.span.text


@given(st.integers(min_value=1990, max_value=2068), st.sampled_from(["{a}/{b2}", "{a2}/{b2}", "{a}/{b}", "{a}-{b2}",
                                                                      "FY{a2}/{b2}"]))
def test_financial_years_normalise(start: int, form: str) -> None:
    text = form.format(a=start, b=start + 1, a2=f"{start % 100:02d}", b2=f"{(start + 1) % 100:02d}")
    assert normalise_period(text) == f"{start}/{(start + 1) % 100:02d}"


@given(sections, st.integers(min_value=1, max_value=9),
       st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=3, unique=True))
def test_citation_splits_into_provisions(section: str, sub: int, letters: list[str]) -> None:
    path = f"({sub})" + "".join(f"({x})" for x in letters)
    expected = [f"{section}({sub})({x})" for x in letters]
    assert split_provisions(section, path) == expected
    text = f"The information is withheld under Section {section}{path} of the Act."
    assert [e.provision for e in find_exemptions(text)] == expected


@given(st.sampled_from(["1", "10", "16", "17"]), st.integers(min_value=1, max_value=5))
def test_procedural_sections_are_never_exemptions(section: str, sub: int) -> None:
    assert find_exemptions(f"This notice is given under Section {section}({sub}) of the Act.") == []


@given(st.text(max_size=300))
def test_citations_and_references_never_raise(text: str) -> None:
    for exemption in find_exemptions(text):
        assert exemption.span.text == text[exemption.span.start:exemption.span.end]
    for reference in find_references(text):
        assert reference.span.text == text[reference.span.start:reference.span.end]
