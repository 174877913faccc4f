"""Fuzzing every extractor with FOI-like text: nothing raises, every span points into the text, and every
value can be read back from the characters its span covers.

The generated text mixes fragments real responses print (references, dates in many forms, section
citations, money, financial years, pipe-table rows, request/response headings) with arbitrary unicode, NULs,
very long lines and empty text, so the regular expressions meet both the shapes they were written for and
the shapes they were not.

Runs are deterministic in CI (a fixed seed per test, no example database). FOIDATA_FUZZ_RANDOM=1 explores
with fresh seeds and FOIDATA_FUZZ_SCALE=N multiplies the number of examples, for a longer hunt by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import inspect
import io
import itertools
import os
import pkgutil
import re
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import foidata.extractors as extractors_package
import foidata.extractors.dates as date_rules
import foidata.extractors.layout as layout
import foidata.extractors.metadata as metadata_rules
import foidata.extractors.money as money_package
import foidata.extractors.money.amounts as money_rules
import foidata.extractors.outcome as outcome_module
from foidata.extractors import extract_response
from foidata.extractors.dates import assign_roles, find_dates, parse_date
from foidata.extractors.document import (
    Document,
    Link,
    Page,
    Table,
    blank_parts,
    sha256_file,
    sha256_hex,
    sha256_stream,
    text_document,
)
from foidata.extractors.enrich import money_columns, request_text, resolve_document_body, response_columns
from foidata.extractors.exemptions import find_exemptions, laws_of, split_provisions
from foidata.extractors.facts import Exemption, FoundDate, Money, Reference, ResponseFacts
from foidata.extractors.fiscal import fy_label, fy_of_month, parse_period, phrase_financial_year
from foidata.extractors.layout import (
    cell_texts,
    figure_sentence,
    header_cell_at,
    header_cells,
    line_index,
    pipe_cells,
    request_span,
    sentence_around,
    text_lines,
    trimmed_end,
)
from foidata.extractors.metadata import FILE_TYPES, find_attachments, find_body, find_keywords, find_title
from foidata.extractors.money import find_amounts, find_money, folded, parse_money, parse_number
from foidata.extractors.outcome import classify_outcome, decide_outcome, outcome_signals, per_answer_outcome
from foidata.extractors.periods import financial_year, find_periods, normalise_period
from foidata.extractors.questions import MAX_QUESTIONS, answer_number, count_questions, question_spans
from foidata.extractors.readers import read_bytes, read_path
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.references import find_references
from foidata.extractors.spans import Span
from foidata.extractors.spend import spend_type
from foidata.extractors.statute import (
    EIR_EXCEPTIONS,
    EIRS_EXCEPTIONS,
    FOIA_EXEMPTIONS,
    FOISA_EXEMPTIONS,
    REGULATION_EXCEPTION_PREFIXES,
    REGULATION_TABLES,
    SECTION_TABLES,
    eir_name,
    exemption_name,
    exemption_sections,
    foia_name,
    is_regulation_exemption,
    regulation_name,
)
from foidata.extractors.tables import merge_money, table_money
from foidata.extractors.timeliness import NATIONS, deadline, is_late, is_working_day, rule_for, working_days
from foidata.flows.pipeline import process_bytes

_SCALE = max(1, int(os.environ.get("FOIDATA_FUZZ_SCALE", "1")))
_RANDOM = os.environ.get("FOIDATA_FUZZ_RANDOM") == "1"


def fuzz(examples: int) -> settings:
    """Settings for one property: `examples` runs (times FOIDATA_FUZZ_SCALE), no deadline (the machine is
    shared), seeded from the test's source unless FOIDATA_FUZZ_RANDOM=1."""
    return settings(
        max_examples=examples * _SCALE,
        deadline=None,
        derandomize=not _RANDOM,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# ---- strategies: fragments of FOI responses ----------------------------------------------------------------

numbers = st.integers(min_value=0, max_value=10**7)
years = st.integers(min_value=1890, max_value=2110)
two_digits = st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}")
months = st.sampled_from(
    ["January", "Feb", "March", "apr", "May", "June", "Jul", "August", "Sept", "Sep.", "October", "nov", "DEC"]
)
days = st.integers(min_value=0, max_value=39)


def _fmt(template: str, *parts: st.SearchStrategy[object]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map(lambda values: template.format(*values))


references = st.one_of(
    _fmt("FOI {}", numbers),
    _fmt("PUB {}", numbers),
    _fmt("{}/{:04d}", years, st.integers(0, 9999)),
    _fmt("Our ref: {}", st.sampled_from(["FOI 15435", "DC/FOI 782/17", "F-2013-01604", "01.FOI.24.038097"])),
    _fmt("Reference: {} – {} / WE{}", years, numbers, numbers),
    _fmt("Publication Number: {}\nFOI Number: {}", numbers, numbers),
    _fmt("FOI reference\nFOI {}/{}", numbers, two_digits),
    _fmt("Costs of Mobile Phones - {}/{}", numbers, two_digits),
    _fmt("NFRS {} {} - Fire budget", years, numbers),
    _fmt("| Reference | FOI {}/{} |", years, numbers),
    _fmt("requests FOIR{:04d}, FOIR{:04d} and FOIR{:04d}", numbers, numbers, numbers),
    _fmt("As sent to you under FOI {}.", numbers),
    _fmt("Your Ref: {}\nOur Ref:{}", numbers, numbers),
    _fmt("Case reference: {}_{}", numbers, two_digits),
)
dates = st.one_of(
    _fmt("{} {} {}", days, months, years),
    _fmt("{}th of {}, {}", days, months, years),
    _fmt("{} {} {}", months, days, years),
    _fmt("{} {}, {}", months, days, years),
    _fmt("{}/{}/{}", days, st.integers(0, 19), years),
    _fmt("{}.{}.{}", days, st.integers(0, 19), two_digits),
    _fmt("{}-{}-{}", days, st.integers(0, 19), st.integers(0, 99999)),
    _fmt("{}-{:02d}-{:02d}", years, st.integers(0, 19), days),
    _fmt("{} {}", months, years),
    _fmt("12th {}", months),
    _fmt("Date received: {} {} {}", days, months, years),
    _fmt("Date of response:\n{}/{}/{}", days, st.integers(1, 12), years),
    _fmt("Published on {} {} {}", days, months, years),
    _fmt("your request received on the {} {} {}", days, months, years),
    _fmt("March {}1. Which", years),
)
exemptions = st.one_of(
    _fmt("Section {}(1)(a)(b)", st.sampled_from([*FOIA_EXEMPTIONS, "1", "10", "17", "99"])),
    _fmt("s.{}({})", st.sampled_from(sorted(FOIA_EXEMPTIONS)), st.integers(0, 12)),
    _fmt("sections {}(2) and {}", st.sampled_from(sorted(FOIA_EXEMPTIONS)), st.sampled_from(sorted(FOIA_EXEMPTIONS))),
    _fmt("regulation {}", st.sampled_from(["12(4)(a)", "12(5)(b)(e)", "13", "12(4)", "14(1)"])),
    _fmt("Section {} Information accessible to applicant by other means ({})", st.just("21"), st.integers(0, 99)),
    _fmt("Section {}(3A)(a)(i)(ii) of the Data Protection Act", st.sampled_from(sorted(FOIA_EXEMPTIONS))),
    _fmt("section {}(1)(b) of FOISA", st.sampled_from([*FOISA_EXEMPTIONS, "17", "18", "21"])),
    _fmt("regulation {} of the EIRs (Scotland)", st.sampled_from(["10(4)(a)", "10(5)(b)", "11(2)", "6(1)(b)", "9"])),
    st.sampled_from([
        "withheld under Section 43(2) of the Act.",
        "Section 31(1)(a) and (b) applies.",
        "Section 40 ( 2 ) is set aside.",
        "We have not relied on section 12.",
        "For example, section 24 may apply.",
        "Section 12 explains the cost limit.",
        "ss. 27, 28 & 29(1)",
        "sec. 22A",
        "Section\n\"36(2)(b)(ii)",
        "Regs 12(5)(e)",
    ]),
)
amount_numbers = st.one_of(
    st.integers(0, 10**12).map(str),
    st.integers(0, 10**12).map(lambda n: f"{n:,}"),
    st.integers(1000, 10**9).map(lambda n: f"{n:,}".replace(",", ", ")),
    st.tuples(st.integers(0, 10**6), st.integers(0, 999)).map(lambda p: f"{p[0]:,}.{p[1]}"),
    st.integers(0, 10**40).map(str),
    st.sampled_from(["000", "'000", "000s", "0", "0.5", "6.8", "4.9"]),
)
money = st.one_of(
    _fmt("{}£{}{}", st.sampled_from(["", "c", "c.", "circa ", "about ", "approx. ", "over ", "in excess of "]),
         amount_numbers, st.sampled_from(["", "m", "k", "bn", "mn", " million", " billion", " thousand", "p"])),
    _fmt("{}{}{}", st.sampled_from(["€", "$", "GBP ", "EUR", "USD "]), amount_numbers,
         st.sampled_from(["", "m", "k"])),
    _fmt("£{}-{}{}", amount_numbers, amount_numbers, st.sampled_from(["", "m", "bn", " million"])),
    _fmt("£{} to £{}", amount_numbers, amount_numbers),
    _fmt("{}{} pounds", amount_numbers, st.sampled_from(["", " million", "k"])),
    _fmt("{} {}", amount_numbers, st.sampled_from(["sterling", "euros", "dollars", "pence", "p"])),
    _fmt("{}p", amount_numbers),
    st.sampled_from(["£000", "£'000s", "(£000)", "£k", "£m", "£ million", "£"]),
    _fmt("the appropriate limit of £{}", amount_numbers),
    _fmt("We spent {} on agency staff", st.sampled_from(["£1.2m in 2022-23 and £2.4m in 2023-24", "£450"])),
)
periods = st.one_of(
    _fmt("{}/{}", years, two_digits),
    _fmt("{}/{}", two_digits, two_digits),
    _fmt("{}-{}", years, years),
    _fmt("FY{}", two_digits),
    _fmt("FY {}/{}", two_digits, two_digits),
    _fmt("{}.{}", years, two_digits),
    _fmt("year ending {} {} {}", days, months, years),
    _fmt("y/e {}/{}/{}", days, st.integers(0, 13), years),
    _fmt("{} {} to {} {}", months, years, months, years),
    _fmt("in {}", years),
    _fmt("the Act {}", years),
)
cells = st.one_of(references, dates, money, periods, st.text(alphabet="abc 0123456789£,.", max_size=12))
table_rows = st.one_of(
    st.lists(cells, min_size=1, max_size=6).map(lambda row: "| " + " | ".join(row) + " |"),
    st.lists(cells, min_size=1, max_size=6).map(lambda row: " | ".join(row)),
    st.lists(cells, min_size=1, max_size=5).map(lambda row: "   ".join(row)),
    st.sampled_from([
        "| Year | Capital | Revenue |",
        "| Financial year | 2020-21 | 2021-22 |",
        "| Item | £000 |",
        "Capital programme (£000)",
        "| Mobile devices | 2050 | 1100 |",
        "| 2020/21 | 450 | (12) |",
        "| --- | --- |",
        "||||",
        "|",
    ]),
)
structure = st.sampled_from([
    "Request", "Your request:", "Response", "Our response:", "RESPONSE", "Decision:", "Answer 2:",
    "Dear Sir or Madam,", "Yours faithfully", "Q1. How many?", "Question 12", "1. What cost?", "(a) in 2020",
    "ii) and", "Requests 1-5", "- item", "• bullet", "Outcome: Part disclosure with Section 31 Exemptions",
    "This request was partially successful.", "We do not hold the information.", "neither confirm nor deny",
    "Please find attached.", "The information is as follows:", "report.pdf", "Minutes 2021.docx",
    "tag, tag2, tag3, tag4, tag5, tag6", "Essex Police", "Kent County Council", "capital programme",
    "revenue budget of", "Thames Valley Police and Crime Commissioner", "spent", "on", "in", "the", "?",
])
noise = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["\x00", "\u2588", "\f", "\r\n", "\u00a0", "\u2028", "\ufeff", "\t", "|", "£", "(", ")",
                     "\u0663\u0664", "\uff11\uff12", "𝟙𝟚", "²", "½"]),
)
separators = st.sampled_from(["", " ", "  ", "\n", "\n\n", " | ", "\t", ": ", ". ", ", ", " - ", "\n\f\n"])
fragments = st.one_of(references, dates, exemptions, money, periods, table_rows, structure, noise)


@st.composite
def foi_texts(draw: st.DrawFn, max_fragments: int = 24) -> str:
    """A document's text: fragments joined by separators, sometimes with one very long line in it."""
    parts = draw(st.lists(st.tuples(fragments, separators), max_size=max_fragments))
    text = "".join(fragment + sep for fragment, sep in parts)
    if draw(st.integers(0, 19)) == 0:
        at = draw(st.integers(0, len(text)))
        long_line = draw(st.sampled_from(["a", "1", "£1,", " ", "|", "x ", "Section 1(", "0/"])) * draw(
            st.integers(1000, 20000)
        )
        text = text[:at] + long_line + text[at:]
    return text


texts = st.one_of(foi_texts(), st.text(max_size=200))


# ---- properties shared by every span -------------------------------------------------------------------------


def assert_span(text: str, span: Span, *, empty_ok: bool = False) -> None:
    """A span's offsets lie inside the text, in order, and its text is exactly the characters they cover."""
    assert 0 <= span.start <= span.end <= len(text), (span, len(text))
    assert empty_ok or span.start < span.end, span
    assert text[span.start : span.end] == span.text, (span, text[span.start : span.end])


# ---- references ----------------------------------------------------------------------------------------------


def check_reference(text: str, ref: Reference) -> None:
    """References are kept as printed: the value is exactly the text at its span, one line, with a digit, and
    without the leading word ("FOI", "Ref") or trailing punctuation that the extractor strips."""
    assert_span(text, ref.span)
    assert ref.value == ref.span.text
    assert ref.kind in ("primary", "publication", "cited")
    assert "\n" not in ref.value
    assert any(c.isdigit() for c in ref.value)
    if ref.kind != "publication":
        assert ref.value == ref.value.strip(" \t.-–/")
        assert not re.match(r"(?:FOI|FOIA|EIR|FOIR|Ref|Reference|No|Number|Request)\.?[ \t]", ref.value, re.I)


@fuzz(400)
@given(texts)
@example("")
@example("PUB 1169\n15435\nAs sent to you last year under FOI 14548.")
def test_references(text: str) -> None:
    found = find_references(text)
    for ref in found:
        check_reference(text, ref)
    kinds = [r.kind for r in found]
    assert kinds.count("primary") <= 1 and kinds.count("publication") <= 1
    assert kinds == sorted(kinds, key=["primary", "publication", "cited"].index)
    cited = [r.span.start for r in found if r.kind == "cited"]
    assert cited == sorted(cited)


# ---- dates ---------------------------------------------------------------------------------------------------


def check_date(text: str, found: FoundDate) -> None:
    """A date's span holds the whole printed date: read on its own it gives the same date, over its whole
    length. Years are those of responses (1900-2099), however printed."""
    assert_span(text, found.span)
    alone = find_dates(found.span.text)
    assert alone, found
    assert alone[0].value == found.value, (found, alone[0])
    assert (alone[0].span.start, alone[0].span.end) == (0, len(found.span.text)), (found, alone[0])
    assert parse_date(found.span.text) == found.value
    assert 1900 <= found.value.year <= 2099, found
    assert str(found.value.year)[2:] in found.span.text
    assert found.role in (None, "request", "response", "published")
    assert (found.role is None) == (found.strength == 0)


@fuzz(400)
@given(texts)
@example("")
@example("Received 1/1/0001 and answered 31/12/9999")
def test_dates(text: str) -> None:
    found = find_dates(text)
    for item in found:
        check_date(text, item)
    starts = [(d.span.start, d.span.end) for d in found]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(starts)), "date spans overlap or are out of order"
    assigned = assign_roles(found)
    assert [(d.value, d.span) for d in assigned] == [(d.value, d.span) for d in found]
    roles = [d.role for d in assigned if d.role]
    assert len(roles) == len(set(roles)), roles


# ---- exemptions ----------------------------------------------------------------------------------------------

_PROVISION = re.compile(r"(?P<section>\d{1,3}[A-Z]?)(?P<path>(?:\([0-9A-Za-z]{1,4}\))*)")
_STATUTE_NAME_PATH = re.compile(r"\s*[A-Za-z ,]+\s*\((?P<n>\d{1,2})\)")


def check_exemption(text: str, exemption: Exemption) -> None:
    """A provision is its section plus a path of "(x)" parts; the span is the citation from its keyword
    ("Section", "s.", "reg") to the cited item. The section number stands in the span as a number of its own,
    and every part of the path is printed in the span, except a subsection printed after the section's
    statutory name ("Section 21 Information accessible to applicant by other means (1)"), which follows it."""
    assert_span(text, exemption.span)
    assert re.match(r"(?i)sections?|secs?\.?|ss?\.?|regulations?|regs?\.?", exemption.span.text), exemption
    m = _PROVISION.fullmatch(exemption.provision)
    assert m and m.group("section") == exemption.section, exemption
    assert re.search(rf"(?<!\d){re.escape(exemption.section)}(?![\dA-Z])", exemption.span.text), exemption
    compact = re.sub(r"\s", "", exemption.span.text)
    tokens = re.findall(r"\(([0-9A-Za-z]{1,4})\)", m.group("path"))
    named = _STATUTE_NAME_PATH.match(text, exemption.span.end)
    for token in tokens:
        assert f"({token})" in compact or (named and named.group("n") == token), (exemption, token)
    assert exemption.law in {laws_of(text)[0], laws_of(text)[1]}, exemption
    assert exemption.section in exemption_sections(exemption.law), exemption
    assert exemption.name == exemption_name(exemption.law, exemption.provision)
    if exemption.law == "FOIA":
        assert exemption.name == foia_name(exemption.section)
    elif exemption.law in REGULATION_EXCEPTION_PREFIXES:
        assert is_regulation_exemption(exemption.law, exemption.provision), exemption


@fuzz(400)
@given(texts)
@example("")
@example("Section 21 Information accessible to applicant by other means (1) applies")
def test_exemptions(text: str) -> None:
    found = find_exemptions(text)
    for exemption in found:
        check_exemption(text, exemption)
    keys = [(e.law, e.provision) for e in found]
    assert len(keys) == len(set(keys)), keys


@given(st.sampled_from(sorted(FOIA_EXEMPTIONS)), st.text(alphabet="()123aAbiv xX", max_size=30))
@fuzz(200)
def test_split_provisions(section: str, path: str) -> None:
    """Every provision starts with the section and carries only parts printed in the path."""
    printed = set(re.findall(r"\(\s*([0-9A-Za-z]{1,4})\s*\)", path))
    for provision in split_provisions(section, path):
        m = _PROVISION.fullmatch(provision)
        assert m and m.group("section") == section
        assert set(re.findall(r"\(([0-9A-Za-z]{1,4})\)", m.group("path"))) <= printed


# ---- money ---------------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d{1,3}(?:,[ ]?\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", re.ASCII)
_UNITS = {"k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "million": 10**6, "bn": 10**9, "billion": 10**9}
_UNIT_AFTER = re.compile(r"[ \t]?(bn|mn|m|k|billion|million|thousand)(?![a-z])", re.I)
_SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "gbp": "GBP", "eur": "EUR", "usd": "USD", "pound": "GBP",
            "sterling": "GBP", "euros": "EUR", "dollars": "USD"}
_APPROX_BEFORE = re.compile(
    r"(?i)\b(?:c\.?|ca\.|circa|approx\.?|approximately|about|around|roughly|nearly|almost|estimated|over"
    r"|in\s+excess\s+of|more\s+than|upwards\s+of)[ \t]*$"
)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _unit_scale(span_text: str, end: int) -> int:
    m = _UNIT_AFTER.match(span_text, end)
    return _UNITS[m.group(1).lower()] if m else 1


def check_money(text: str, found: Money, *, scales: tuple[int, ...] = (1, 10**3, 10**6)) -> None:
    """The amount is the first number printed in the span times its unit.

    - An amount printed with a currency (symbol, code or word) or as pence carries it in its span, and the
      currency matches it; its unit ("m", "bn", " million", ...) follows the number, or, for a range printed
      with one unit ("£2-3m"), the upper number. Pence are hundredths of a pound.
    - A bare figure (a table cell under a "£000" header) is only the number; its scale is one the headers give:
      1, 1,000 or 1,000,000.
    - A range's upper amount is the second number times its unit (or the first's), and exceeds the lower.
    - An approximate amount has its marker ("c", "circa", "about", ...) just before the currency or number.
    - Amounts fit the dataset's column: 18 digits with 2 after the point.
    """
    assert_span(text, found.span)
    span = found.span.text
    first = _NUMBER.search(span)
    assert first, found
    value = parse_number(first.group(0))
    assert value is not None
    assert found.amount >= 0
    assert found.amount == _cents(found.amount), found
    assert len(found.amount.as_tuple().digits) <= 18, found
    lowered = span.lower()
    symbol = next((s for s in _SYMBOLS if s in lowered), None)
    if re.fullmatch(r"\d[\d,. ]*", span):
        assert any(found.amount == _cents(value * scale) for scale in scales), (found, value)
        return
    if symbol is None:
        assert re.search(r"(?:p|pence)$", span), found
        assert found.currency == "GBP"
        assert found.amount == _cents(value / 100), (found, value)
        assert found.amount_high is None
        return
    assert found.currency == _SYMBOLS[symbol], found
    # A range's second number gives its unit to both ("£2-3m"), even when the range is dropped for not
    # rising ("£1-0K" is £1,000).
    second = _NUMBER.search(span, first.end())
    unit = _unit_scale(span, first.end())
    unit_high = _unit_scale(span, second.end()) if second else 1
    expected = {_cents(value * unit)} | ({_cents(value * unit_high)} if unit == 1 else set())
    if unit == 1 and re.fullmatch(r"[1-9]\d{0,2}(?:\.\d{3})+", first.group(0)):
        expected.add(_cents(Decimal(first.group(0).replace(".", ""))))  # "£7.900": a dot grouping thousands
    assert found.amount in expected, (found, expected)
    if found.amount_high is not None:
        assert second, found
        high = parse_number(second.group(0))
        assert high is not None
        assert found.amount_high > found.amount
        assert found.amount_high == _cents(high * (unit_high if unit_high != 1 else unit)), found
        assert len(found.amount_high.as_tuple().digits) <= 18, found
    if found.approximate:
        before = text[max(0, found.span.start - 30) : found.span.start] + span[: first.start()]
        before = re.sub(r"(?:£|€|\$|\bGBP|\bEUR|\bUSD)[ \t]?$", "", before, flags=re.I)
        assert _APPROX_BEFORE.search(before), found


@fuzz(400)
@given(texts)
@example("")
@example("It cost £" + "9" * 30 + "m.")
def test_money(text: str) -> None:
    found = find_money(text)
    for item in found:
        check_money(text, item)
        assert item.currency in ("GBP", "EUR", "USD")
        assert item.period is None or re.fullmatch(r"(?:19|20)\d{2}(?:/\d{2})?", item.period), item
        assert item.subject is None or (item.subject.strip() and "\n" not in item.subject), item
    assert [m.span.start for m in found] == sorted(m.span.start for m in found)
    amounts = find_amounts(text)
    for item in amounts:
        check_money(text, item)
    first = parse_money(text)
    assert first == (amounts[0].amount if amounts else None)


# ---- fast scans: each finds what the slower pattern it stands for finds -------------------------------------

# Short texts of the characters the rewritten patterns turn on: digits and their separators, month and currency
# words, and the letters an IGNORECASE match folds (long s, dotless i, dotted capital I, Kelvin sign).
_scan_prefixes = st.sampled_from(["", " ", "1", "9", "/", ".", "-", "a", "\n", "£", "x"])
_scan_seps = st.sampled_from([" ", "", "/", ".", "-", ",", ", ", "\n", "\t", " of "])
_scan_days = st.sampled_from(["0", "1", "3", "4", "9", "05", "12", "31", "45", "123", "3rd", "4th", "21st"])
_scan_months = st.sampled_from(["March", "Jan", "may", "Sept.", "12", "1", "13", "\u017fept", "x"])
_scan_years = st.sampled_from(["2019", "1999", "20", "19", "2020-21", "202", "20231", "2019-05-06"])
_scan_words = st.sampled_from([
    "£", "€", "$", "GBP", "usd", "Eur", "Europe", "p", "pence", "pounds", "Sterling", "euros", "DOLLARS", "m", "k",
    "\u017f", "\u0131", "\u0130", "\u212a", "Police", "Council", "Essex", "County", "and", "of", "the", "NHS",
    "Foundation", "Trust", "Health", "Board", "Fire", "Rescue", "Service", "University", "Kent",
])
_BODY_NAMES = ("Essex ", "Kent and ", "the ", "Essex\t", "x ", "Essex\n", "Essex", "Dear Mid ")
_BODY_KINDS = (
    "Police", "Constabulary", "County Council", "NHS Foundation Trust", "Health Board", "Fire & Rescue Service",
    "University of Kent", "Police and Crime Commissioner", "Police Service",
)
_scan_bodies = st.tuples(st.sampled_from(_BODY_NAMES), st.sampled_from(_BODY_KINDS)).map("".join)
_scan_pieces = st.one_of(
    st.tuples(_scan_prefixes, _scan_days, _scan_seps, _scan_months, _scan_seps, _scan_years).map("".join),
    st.tuples(_scan_prefixes, _scan_months, _scan_seps, _scan_days, _scan_seps, _scan_years).map("".join),
    st.tuples(_scan_words, _scan_seps, _scan_words, _scan_seps, _scan_words).map("".join),
    st.tuples(_scan_prefixes, _scan_words, _scan_days, _scan_seps, _scan_words).map("".join),
    _scan_bodies,
    _scan_bodies,
)
# Short texts of what the rewritten patterns turn on: days after digits or separators, months, years, currency
# symbols, codes and words, bodies' names, and the letters an IGNORECASE match folds (long s, dotless i,
# dotted capital I, Kelvin sign).
scan_texts = st.lists(st.tuples(_scan_pieces, _scan_seps).map("".join), max_size=6).map("".join)


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in matches]


@fuzz(200)
@given(scan_texts)
@example("5 sterl\u0130ng and 2 u\u017fd")
def test_folded_keeps_every_word_an_ignorecase_pattern_finds(text: str) -> None:
    """A word that an IGNORECASE pattern finds in the text is in folded(text): a word missing from it lets
    find_amounts skip a pattern without missing an amount."""
    lowered = folded(text)
    for word in ("gbp", "eur", "usd", "pound", "sterling", "euros", "dollars"):
        if re.search(word, text, re.IGNORECASE):
            assert word in lowered, (word, lowered)


def test_bodies_are_found_line_by_line_as_in_the_whole_text() -> None:
    """Every name and kind of body, after and before what can stop or join a match."""
    for name, kind, after in itertools.product(_BODY_NAMES, _BODY_KINDS, ("", " ", ".", "\nKent Police", "s")):
        text = f"We, {name}{kind}{after}"
        found = _spans(metadata_rules._body_matches(text))
        assert found == _spans(metadata_rules.BODY.finditer(text)), text
        assert found or name in ("x ", "Essex\n", "Essex") or after == "s", text


@fuzz(250)
@given(scan_texts)
def test_fast_patterns_match_as_the_plain_ones(text: str) -> None:
    """The date patterns that start at the day's digit find what "a day with nothing before it" finds; the
    amount pattern without currency codes finds what SYMBOL_AMOUNT finds in a text without one; bodies are
    found line by line as in the whole text; and every hint is in each text its pattern matches."""
    plain_day = r"(?<![\d/.-])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    plain_dmy = re.compile(date_rules.DAY_MONTH_YEAR.pattern.replace(date_rules._DAY_FIRST, plain_day), re.IGNORECASE)
    assert _spans(date_rules.DAY_MONTH_YEAR.finditer(text)) == _spans(plain_dmy.finditer(text))
    plain_numeric = re.compile(
        date_rules.NUMERIC.pattern.replace(r"(?P<day>\d(?<![\d/.\w-]\d)\d?)", r"(?<![\d/.\w-])(?P<day>\d{1,2})")
    )
    assert plain_numeric.pattern != date_rules.NUMERIC.pattern
    assert _spans(date_rules.NUMERIC.finditer(text)) == _spans(plain_numeric.finditer(text))
    if not any(code in folded(text) for code in ("gbp", "eur", "usd")):
        symbol_only = money_rules._SYMBOL_ONLY_AMOUNT
        assert _spans(symbol_only.finditer(text)) == _spans(money_rules.SYMBOL_AMOUNT.finditer(text))
    assert _spans(metadata_rules._body_matches(text)) == _spans(metadata_rules.BODY.finditer(text))
    hinted = [
        (date_rules.MONTH_DAY_YEAR, date_rules._DAY_THEN_YEAR),
        (date_rules.ISO, date_rules._ISO_HINT),
        (money_rules.PENCE, money_rules._PENCE_HINT),
    ]
    for pattern, hint in hinted:
        if pattern.search(text):
            assert hint.search(text), (pattern.pattern, text)


# ---- periods and the financial calendar -----------------------------------------------------------------------


def check_period(text: str, span: Span, period: str) -> None:
    """A period is a year ("2022") or a financial year ("2020/21"): a year is printed in its span; a financial
    year's span reads back to it on its own, as a phrase ("year ending 31 March 2021") or a pair ("20/21")."""
    assert_span(text, span)
    assert re.fullmatch(r"(?:19|20)\d{2}(?:/\d{2})?", period), (span, period)
    if "/" not in period:
        assert period in span.text, (span, period)
        return
    start = int(period[:4])
    assert period[2:4] in span.text or fy_label(start) == phrase_financial_year(span.text), (span, period)
    assert period in (phrase_financial_year(span.text), normalise_period(span.text)), (span, period)


@fuzz(300)
@given(texts, st.integers(-5, 300), st.integers(-5, 300))
def test_periods(text: str, a: int, b: int) -> None:
    for span, period in find_periods(text):
        check_period(text, span, period)
    lo, hi = sorted((max(0, min(a, len(text))), max(0, min(b, len(text)))))
    window = find_periods(text, lo, hi)
    for span, period in window:
        check_period(text, span, period)
        assert lo <= span.start <= span.end <= hi
    normalised = normalise_period(text)
    assert normalised is None or normalised == normalised.strip()
    parsed = parse_period(text)
    assert parsed.kind in ("financial_year", "calendar_year", "month", "range", "none")
    if parsed.fy_start is not None:
        assert parsed.kind in ("financial_year", "month")
        assert 1800 <= parsed.fy_start <= 2200
        assert re.search(rf"{parsed.fy_start % 100:02d}|{(parsed.fy_start + 1) % 100:02d}", text), parsed
    if parsed.year is not None:
        assert parsed.kind == "calendar_year" and str(parsed.year) in text
    phrase = phrase_financial_year(text)
    assert phrase is None or re.fullmatch(r"\d{4}/\d{2}", phrase)


@fuzz(200)
@given(st.text(alphabet="0123456789", min_size=1, max_size=5), st.text(alphabet="0123456789", min_size=1, max_size=5))
def test_financial_year(a: str, b: str) -> None:
    """A financial year is only ever start/start+1 of the printed numbers."""
    fy = financial_year(a, b)
    if fy is not None:
        assert re.fullmatch(r"\d{4,}/\d{2}", fy)
        assert fy.endswith(f"/{int(b) % 100:02d}")


@fuzz(200)
@given(st.integers(1, 9998), st.integers(1, 12))
def test_fiscal_calendar(year: int, month: int) -> None:
    fy = fy_of_month(year, month)
    assert fy in (year, year - 1)
    assert fy_label(year).startswith(str(year))


# ---- layout, questions, metadata, outcome, spend ---------------------------------------------------------------


@fuzz(300)
@given(texts, st.integers(-3, 400))
def test_layout(text: str, pos: int) -> None:
    """Request span, header cells and sentences are offsets into the text; a header cell is trimmed text."""
    request = request_span(text)
    if request is not None:
        assert 0 <= request[0] <= request[1] <= len(text)
    for header, start, end in header_cells(text):
        assert 0 <= start <= end <= len(text)
        cell = text[start:end]
        assert cell == cell.strip() and "|" not in cell and "\n" not in cell
        assert header == header.strip() and "|" not in header
    pos = max(0, min(pos, len(text)))
    start, end = sentence_around(text, pos)
    assert 0 <= start <= pos <= end <= len(text), (start, pos, end)
    for number, (q_start, q_end) in question_spans(text).items():
        assert 0 <= number <= 99
        assert 0 <= q_start <= q_end <= len(text)
        assert str(number) in text[q_start:q_end]


@fuzz(300)
@given(st.one_of(texts, st.text(alphabet="| ab1\n£", max_size=80)), st.integers(0, 80), st.integers(1, 12))
def test_header_cell_at_is_a_scan_of_the_header_cells(text: str, start: int, length: int) -> None:
    """The position lookup names the same header as looking through every cell in turn."""
    start = min(start, len(text))
    end = min(start + length, len(text))
    scanned = next((h for h, a, b in header_cells(text) if a <= start and end <= b), None)
    assert header_cell_at(text, start, end) == scanned


@fuzz(200)
@given(st.text(alphabet="ab .\t\n\u00a0\u2028,", max_size=30), st.integers(0, 30), st.sampled_from([None, " \t", "\n"]))
def test_trimmed_end_is_where_rstrip_ends(text: str, end: int, blanks: str | None) -> None:
    end = min(end, len(text))
    assert trimmed_end(text, end, blanks) == len(text[:end].rstrip(blanks))


def _plain_sentence_around(text: str, pos: int, reach: int = 400) -> tuple[int, int]:
    """sentence_around as a search of the window on each side of pos, stop by stop."""
    window = max(0, pos - reach)
    start = window
    for stop in layout._STOP.finditer(text, window, pos):
        if layout._ends_sentence(text, stop):
            start = stop.end()
    end = min(len(text), pos + reach)
    for stop in layout._STOP.finditer(text, pos, end):
        if layout._ends_sentence(text, stop):
            return start, stop.start()
    return start, end


@fuzz(120)
@given(st.one_of(texts, st.text(alphabet="ab .!?\n\t,(", max_size=60)), st.integers(1, 30))
def test_sentence_around_is_the_windowed_search(text: str, reach: int) -> None:
    """The sentence found from the text's stops, computed once, is the one a search of the window finds at
    every position, whatever the reach (window edges fall on and next to stops)."""
    for pos in range(len(text) + 1):
        assert sentence_around(text, pos, reach) == _plain_sentence_around(text, pos, reach), pos
        assert sentence_around(text, pos) == _plain_sentence_around(text, pos), pos


@fuzz(300)
@given(texts)
def test_questions_and_metadata(text: str) -> None:
    assert 0 <= count_questions(text) <= MAX_QUESTIONS
    for keyword in find_keywords(text):
        assert keyword and keyword in text
    body = find_body(text)
    if body is not None:
        assert " ".join(body.split()) in " ".join(text.split())
    title = find_title(text_document(text))
    if title is not None:
        assert title and title in text and "\n" not in title


@fuzz(200)
@given(texts, st.integers(-3, 400), st.integers(0, 40), st.one_of(st.none(), st.text(max_size=30)))
def test_spend_type(text: str, start: int, length: int, subject: str | None) -> None:
    start = max(0, min(start, len(text)))
    end = min(len(text), start + length)
    assert spend_type(text, start, end, subject) in (None, "capital", "revenue")


OUTCOMES = (None, "full_disclosure", "part_disclosure", "refused", "not_held", "ncnd", "advice_only")


@st.composite
def text_and_parts(draw: st.DrawFn) -> tuple[str, tuple[tuple[int, int], ...]]:
    text = draw(texts)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    return text, tuple(zip(cuts[::2], cuts[1::2], strict=False))


@fuzz(200)
@given(text_and_parts())
def test_blank_parts_keeps_offsets_and_line_breaks(case: tuple[str, tuple[tuple[int, int], ...]]) -> None:
    text, parts = case
    blanked = blank_parts(text, parts)
    assert len(blanked) == len(text)
    inside = {i for start, end in parts for i in range(start, end)}
    for i, (old, new) in enumerate(zip(text, blanked, strict=True)):
        assert new == (" " if i in inside and old != "\n" else old)


@fuzz(100)
@given(text_and_parts())
def test_outcome_with_requester_parts(case: tuple[str, tuple[tuple[int, int], ...]]) -> None:
    text, parts = case
    answer = blank_parts(text, parts)
    assert classify_outcome(text, find_exemptions(answer), find_money(text), parts) in OUTCOMES


@fuzz(200)
@given(texts)
def test_outcome(text: str) -> None:
    exemptions, money = find_exemptions(text), find_money(text)
    outcome = classify_outcome(text, exemptions, money)
    assert outcome in OUTCOMES
    signals = outcome_signals(text, exemptions, money)
    assert all(isinstance(v, bool) for v in signals.values())
    decided = decide_outcome(signals)
    assert decided in OUTCOMES
    assert per_answer_outcome(text, exemptions) in (None, "full_disclosure", "part_disclosure", "refused", "not_held")
    if outcome != decided:
        # only a printed outcome line, or numbered answers of which one was answered, override the rules
        assert outcome is not None


@fuzz(100)
@given(st.text(max_size=12), st.text(max_size=12))
def test_statute_names(section: str, provision: str) -> None:
    name = foia_name(section)
    assert name is None or name == FOIA_EXEMPTIONS[section]
    eir = eir_name(provision)
    assert eir is None or eir in EIR_EXCEPTIONS.values()
    for law in ("FOIA", "EIR", "FOISA", "EIRS", section):
        found = exemption_name(law, provision)
        assert found is None or found in {**SECTION_TABLES, **REGULATION_TABLES}[law].values()
        table = regulation_name(EIRS_EXCEPTIONS, provision)
        assert table is None or table in EIRS_EXCEPTIONS.values()


@fuzz(200)
@given(
    st.dates(dt.date(1990, 1, 1), dt.date(2069, 12, 31)),
    st.integers(-30, 400),
    st.sampled_from(sorted(NATIONS)),
)
def test_timeliness(received: dt.date, gap: int, nation: str) -> None:
    responded = received + dt.timedelta(days=gap)
    days = working_days(received, responded, nation)
    if gap < 0:
        assert days is None and is_late(days) is None
        return
    assert days is not None and 0 <= days <= gap
    assert is_late(days) == (days > 20)
    due = deadline(received, nation)
    assert is_working_day(due, nation)
    assert working_days(received, due, nation) == 20
    # A FOIA body's holidays include every Scottish one, so its deadline is never earlier than a Scottish body's.
    if rule_for(nation).statute == "FOIA s.10(6)":
        assert due >= deadline(received, "scotland")


# ---- whole documents -----------------------------------------------------------------------------------------


def check_facts(doc: Document, facts: ResponseFacts) -> None:
    text = doc.text
    for ref in facts.references:
        check_reference(text, ref)
    for date in facts.dates:
        check_date(text, date)
    for exemption in facts.exemptions:
        check_exemption(text, exemption)
    for item in facts.money:
        check_money(text, item)
    assert facts.outcome in OUTCOMES
    assert 0 <= facts.question_count <= MAX_QUESTIONS
    roles = [d.role for d in facts.dates if d.role]
    assert len(roles) == len(set(roles))
    for attachment in facts.attachments:
        assert attachment.name
        assert attachment.file_type is None or attachment.file_type in FILE_TYPES


table_cells = st.one_of(cells, st.just(""), st.text(max_size=8))
tables = st.builds(
    Table,
    rows=st.lists(st.lists(table_cells, max_size=5).map(tuple), max_size=6).map(tuple),
    page=st.one_of(st.none(), st.integers(0, 3)),
)
links = st.builds(
    Link,
    text=st.one_of(structure, st.text(max_size=20)),
    url=st.one_of(
        st.sampled_from(["https://example.org/a.pdf", "/files/b%20c.XLSX", "reply.docx?x=1", "javascript:void(0)",
                         "mailto:a@b", "https://[::1/x.pdf", "", "#top", "file.csv#frag"]),
        st.text(max_size=30),
    ),
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """A document as a PDF reader would give it: text, tables (some copied from the text), pages, links."""
    text = draw(foi_texts())
    drawn = draw(st.lists(tables, max_size=3))
    if text and draw(st.booleans()):
        # cells taken from the text, so table figures are found again on the page and tied to it
        words = text.split()
        rows = tuple(tuple(draw(st.sampled_from(words)) for _ in range(3)) for _ in range(2)) if words else ()
        drawn.append(Table(rows=rows, page=1))
    pages = ()
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        pages = (Page(1, 0, cut), Page(2, cut, len(text)))
    doc = Document(
        source="fuzz.pdf",
        content_sha256="0" * 64,
        media_type=draw(st.sampled_from(["application/pdf", "text/html", "text/plain"])),
        text=text,
        title=draw(st.one_of(st.none(), st.text(max_size=20))),
        pages=pages,
        tables=tuple(drawn),
        links=tuple(draw(st.lists(links, max_size=4))),
    )
    return doc


@fuzz(300)
@given(documents())
def test_extract_response(doc: Document) -> None:
    check_facts(doc, extract_response(doc))
    from_tables = table_money(doc)
    for item in from_tables:
        check_money(doc.text, item)
    merged = merge_money(find_money(doc.text), from_tables)
    assert [(m.span.start, m.span.end) for m in merged] == sorted((m.span.start, m.span.end) for m in merged)
    for attachment in find_attachments(doc):
        assert attachment.name


@fuzz(200)
@given(texts)
@example("")
@example("\x00" * 10)
def test_extract_response_on_text(text: str) -> None:
    doc = text_document(text)
    check_facts(doc, extract_response(doc))


# ---- the pipeline on bytes ------------------------------------------------------------------------------------

_EXPECTED_READ_ERRORS = {"empty"}
_BUG_ERRORS = {"reader_crash", "extractor_crash", "invalid_value"}
RUN_AT = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@st.composite
def html_pages(draw: st.DrawFn) -> bytes:
    """An HTML page from FOI fragments in paragraphs, lists, tables and chrome, sometimes broken."""
    blocks: list[str] = []
    for fragment in draw(st.lists(fragments, max_size=12)):
        tag = draw(st.sampled_from(["p", "h1", "li", "td", "th", "div", "pre", "span", "nav", "table"]))
        if tag in ("td", "th"):
            blocks.append(f"<table><tr><{tag}>{_escape(fragment)}</{tag}><td>£450</td></tr></table>")
        elif tag == "table":
            blocks.append(f"<table role=presentation><tr><td><p>{_escape(fragment)}</p></td></tr></table>")
        else:
            blocks.append(f"<{tag}>{_escape(fragment)}</{tag}>")
    wrapper = draw(st.sampled_from(["main", "article", "div id=content", "form", "body"]))
    page = (
        f"<!doctype html><html><head><title>{_escape(draw(structure))}</title>"
        f"<meta charset={draw(st.sampled_from(['utf-8', 'latin-1', 'utf-16', 'bogus']))}></head>"
        f"<body><{wrapper}>{''.join(blocks)}</{wrapper.split()[0]}>"
        f"<a href='{_escape(draw(st.sampled_from(['a.pdf', '/x/y.docx', 'javascript:x'])))}'>link</a></body></html>"
    )
    data = page.encode("utf-8")
    if draw(st.integers(0, 4)) == 0:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + draw(st.binary(max_size=20)) + data[cut:]
    return data


def check_processed(source: str, data: bytes) -> None:
    """Bytes in, rows out: never an exception, never a crash row, and every row's span inside the text."""
    done = process_bytes(source, data, run_id="fuzz", at=RUN_AT)
    errors = done.rows.get("errors", [])
    for error in errors:
        assert getattr(error, "error_type", None) not in _BUG_ERRORS, error
    if done.document is None:
        assert errors and all(getattr(e, "stage", None) == "read" for e in errors)
        return
    text = done.document.text
    assert done.facts is not None
    check_facts(done.document, done.facts)
    for table in ("references", "dates", "exemptions", "money"):
        for row in done.rows[table]:
            start, end = getattr(row, "span_start"), getattr(row, "span_end")  # noqa: B009
            assert 0 <= start <= end <= len(text)


@fuzz(120)
@given(html_pages())
def test_process_html_bytes(data: bytes) -> None:
    check_processed("https://example.org/foi/123.html", data)


@fuzz(120)
@given(st.one_of(foi_texts().map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=300)),
       st.sampled_from(["reply.txt", "reply.html", "reply", "reply.csv"]))
@example(b"", "reply.txt")
def test_process_text_bytes(data: bytes, source: str) -> None:
    check_processed(source, data)


@fuzz(60)
@given(st.binary(max_size=4096))
def test_the_three_hashes_agree(data: bytes) -> None:
    """The content hash on every row is one SHA-256, whether of bytes, an open file or a path."""
    expected = hashlib.sha256(data).hexdigest()
    assert sha256_hex(data) == expected
    assert sha256_stream(io.BytesIO(data)) == expected
    with tempfile.NamedTemporaryFile() as fh:
        fh.write(data)
        fh.flush()
        assert sha256_file(fh.name) == expected


@fuzz(120)
@given(st.one_of(st.binary(max_size=600), foi_texts().map(lambda t: t.encode("utf-8", "surrogatepass")),
                 html_pages()),
       st.sampled_from(["a.txt", "a.html", "a.pdf", "a.docx", "a.csv", "a"]))
def test_read_bytes_and_read_path_read_alike_or_refuse_alike(data: bytes, name: str) -> None:
    """Any bytes give a Document or a ReadError, never another exception, and a file reads as its bytes do."""
    try:
        from_bytes: Document | ReadError = read_bytes(data, name)
    except ReadError as exc:
        from_bytes = exc
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            from_path: Document | ReadError = read_path(path)
        except ReadError as exc:
            from_path = exc
    if isinstance(from_bytes, ReadError):
        assert isinstance(from_path, ReadError) and from_path.error_type == from_bytes.error_type
    else:
        assert isinstance(from_path, Document) and from_path.text == from_bytes.text


@fuzz(80)
@given(foi_texts())
def test_enrichment_stays_within_its_document(text: str) -> None:
    """Body, request text and the money rows' columns come from the document: spans and values hold."""
    doc = text_document(text)
    facts = extract_response(doc)
    match = resolve_document_body(doc, facts)
    columns = response_columns(doc, facts, match)
    assert (match is None) == (columns["body_id"] is None)
    request = request_text(text)
    if request is not None:
        assert request and request in " ".join(text.split())
    for money in facts.money:
        row = money_columns(text, money)
        assert row["fy_start"] is None or 1900 <= row["fy_start"] <= 2200


@fuzz(100)
@given(foi_texts(), st.data())
def test_lines_and_the_sentence_a_figure_is_read_in(text: str, data: st.DataObject) -> None:
    """Lines tile the text; the line found for an offset holds it; a figure's sentence and cells stay in the text."""
    lines = text_lines(text)
    assert "\n".join(line.text for line in lines) == text
    pos = data.draw(st.integers(0, max(0, len(text) - 1)))
    line = lines[line_index(lines, pos)]
    assert line.start <= pos <= line.end
    start, end = figure_sentence(text, pos, line)
    assert 0 <= start <= max(pos, start) and end <= len(text)
    cells = pipe_cells(line)
    assert all(line.start <= a <= b <= line.end for a, b in cells)
    assert len(cell_texts(line)) == len(cells)
    number = answer_number(line.text)
    assert number is None or 0 <= number <= 99


@pytest.mark.parametrize("line", ["a", "1", "£1,", " ", "|", "x ", "Section 1(", "0/", "1.1.", "£1 ", "Q1 "])
def test_long_lines_stay_linear(line: str) -> None:
    """One pathological line must not make a regex backtrack for minutes: 30,000 characters in seconds."""
    text = line * (30_000 // len(line))
    doc = text_document(text)
    check_facts(doc, extract_response(doc))


def test_every_public_extractor_is_fuzzed() -> None:
    """A new public function in extractors/ must be fuzzed here too: its name must appear in this file."""
    source = Path(__file__).read_text(encoding="utf-8")
    missing = []
    names = [f"foidata.extractors.{info.name}" for info in pkgutil.iter_modules(extractors_package.__path__)]
    names += [f"foidata.extractors.money.{info.name}" for info in pkgutil.iter_modules(money_package.__path__)]
    for module_name in names:
        module = importlib.import_module(module_name)
        info_name = module_name.removeprefix("foidata.extractors.")
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value) or value.__module__ != module.__name__:
                continue
            if not re.search(rf"\b{name}\(", source):
                missing.append(f"{info_name}.{name}")
    assert not missing, f"not fuzzed: {missing}"


@pytest.mark.parametrize("name", sorted(outcome_module._GATES))
def test_outcome_gates_never_hide_a_match(name: str) -> None:
    """Text the wording pattern matches always holds one of its gate words, so gating changes no flag."""
    pattern, gates = outcome_module._WORDING[name], outcome_module._GATES[name]

    @fuzz(150)
    @given(st.from_regex(pattern))
    def check(text: str) -> None:
        assert pattern.search(text)
        assert any(g in text.casefold() for g in gates), text

    check()
