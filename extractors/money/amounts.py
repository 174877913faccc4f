"""Printed amounts: the currency, the number, its unit ("m", "thousand", "000s") and an approximate flag."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from foidata.extractors.facts import Money
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


# Currency codes in capitals only: "eur03.safelinks.protection.outlook.com" is a host name, not €3.
SYMBOL_AMOUNT = re.compile(rf"(?P<cur>£|€|\$|\b(?-i:GBP|EUR|USD)){_SYMBOL_AMOUNT_REST}", re.IGNORECASE)


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


_COST_LIMIT = re.compile(
    r"appropriate\s+limit|cost\s+limit|costs\s+limit|appropriate\s+costs?|fees|per\s+hour"
    r"|hourly\s+rate|staff\s+time",
    re.I,
)


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
