"""What a figure pays for: the label beside it, the words of its sentence, or the heading above it."""

from __future__ import annotations

import re

from foidata.extractors.facts import Money
from foidata.extractors.layout import Line
from foidata.extractors.money.amounts import _COST_LIMIT, SYMBOL_AMOUNT
from foidata.extractors.money.periods import _is_period_only
from foidata.extractors.periods import find_periods

LABEL_REACH = 120


_STOP = {
    "the",
    "a",
    "an",
    "our",
    "your",
    "its",
    "their",
    "this",
    "that",
    "is",
    "was",
    "were",
    "of",
    "for",
    "in",
    "to",
    "and",
    "total",
    "with",
    "at",
    "by",
}


# Words that qualify a subject without changing what it is: "the planned capital programme" is a capital programme.
_MODIFIERS = {"future", "current", "approved", "planned", "proposed", "indicative", "forecast", "estimated", "overall",
              "in", "latest", "revised", "agreed", "draft"}


_AMOUNT_WORDS = {"million", "billion", "thousand", "m", "k", "bn", "approximately", "approx", "circa", "c", "about",
                 "around", "over", "roughly", "nearly", "almost", "pounds", "gbp"}


_VERB_BEFORE = re.compile(
    r"\b(?:is|was|are|were|of|totall?ed|totals|cost|costs|came\s+to|amounted\s+to|stands\s+at"
    r"|at|be|:|-|–|=)\s*$",
    re.I,
)


def _clean_subject(words: str) -> str | None:
    words = re.sub(r"\(.*?\)", " ", words)
    for span, _ in reversed(find_periods(words)):
        words = words[: span.start] + " " + words[span.end :]
    tokens = [t for t in re.findall(r"[A-Za-z][\w&/'’.-]*", words) if t.lower() not in _AMOUNT_WORDS]
    while tokens and tokens[0].lower() in _STOP | _MODIFIERS:
        tokens.pop(0)
    while tokens and tokens[-1].lower() in _STOP | {"on", "from", "during", "fy"}:
        tokens.pop()
    subject = " ".join(tokens[-6:]).strip(" .,:;-")
    return subject or None


_SPEND_VERB = re.compile(r"\b(?:spen[dt]|spending|paid|pays|cost|invested|allocated|budgeted)\b", re.I)


_SPEND_VERB_JUST_BEFORE = re.compile(
    _SPEND_VERB.pattern + r"\W+(?:(?:a|an|the|total|of|some|additional|further|extra|around|about|approximately"
    r"|over|circa|c|just|nearly|almost|in|excess)\W+){0,4}$",
    re.I,
)


_ON_WHAT = re.compile(
    r"\b(?:on|for)\s+(?!(?:the\s+)?(?:(?:financial|calendar)\s+)?(?:year|period|fy|\d))([^,.;:\n£$€]{2,60})", re.I)


_SEPARATOR_REVERSED = re.compile(r"\s*[,\-–:]\s*")


_LABEL_REVERSED = re.compile(r"[^\n.:;]{2,80}")


def _label_before(before: str) -> str | None:
    """The label a figure follows ("Licences - £4,000", "Total cost: £1m"): up to 80 characters of one clause
    ending in a comma, dash or colon just before the figure. Read backwards from the figure, so a long
    sentence costs no more than a short one."""
    reversed_tail = before[-LABEL_REACH:][::-1]
    separator = _SEPARATOR_REVERSED.match(reversed_tail)
    if separator is None:
        return None
    label = _LABEL_REVERSED.match(reversed_tail, separator.end())
    return label.group(0)[::-1] if label else None


def _subject(text: str, money: Money, line: Line, start: int, end: int) -> str | None:
    sentence_before = text[start : money.span.start]
    after = text[money.span.end : end]
    if _COST_LIMIT.search(text[max(start, money.span.start - 150) : min(end, money.span.end + 80)]):
        return "FOI appropriate cost limit"
    if _SPEND_VERB_JUST_BEFORE.search(sentence_before):
        # "spent £1.2m in 2022-23 and £2.4m in 2023-24 on agency staff": what follows "on" or "for"
        on = _ON_WHAT.search(after)
        if on:
            return _clean_subject(on.group(1))
    label = _label_before(sentence_before)
    if label and not _VERB_BEFORE.search(sentence_before.rstrip(",-–: ")):
        return _clean_subject(label)
    if _VERB_BEFORE.search(sentence_before):
        phrase = _VERB_BEFORE.sub("", sentence_before)
        phrase = re.split(r"[,;]|\bwhich\b|\bwhere\b", phrase)[-1]
        subject = _clean_subject(phrase)
        if subject:
            return subject
    is_the = re.match(r"\s*(?:is|was|are)\s+(?:the\s+)?([^,.;\n]{3,60})", after)
    if is_the:
        return _clean_subject(is_the.group(1))
    return _clean_subject(sentence_before) if sentence_before.strip() else None


_NOT_SUBJECTS = {"answer", "answers", "response", "responses", "reply", "total", "totals", "year", "years",
                 "period", "financial year", "amount", "£", "value"}


def _heading_subject(lines: list[Line], idx: int) -> str | None:
    """For a figure alone in a table cell ("2019 | £466,364.52"): the nearest heading or caption above that
    is neither a period nor another figure ("Postage Spend", "The table below shows payments to ...:")."""
    for j in range(idx - 1, max(-1, idx - 15), -1):
        line = lines[j]
        cell = line.stripped.strip(" :")
        if not cell or _is_period_only(line) or (SYMBOL_AMOUNT.search(line.text) and not line.is_prose()):
            continue
        if cell.lower() in _NOT_SUBJECTS:
            continue
        if cell.endswith("?"):
            return _asked_subject(lines, j)
        if line.is_prose():
            if not line.text.rstrip().endswith(":"):
                return None
            cell = re.sub(r"^.*?\b(?:shows?|breaks?\s+down|sets?\s+out|lists?|gives?)\s+", "", cell)
        return _clean_subject(cell)
    return None


# What a question above a table asks the amount of: "the amount that was recovered by external debt agencies
# broken down for each ... year?".
_ASKED_AMOUNT = re.compile(
    r"\b(?:amount|sum|cost|costs|value|spend|spending|expenditure|income)\s+(?:that\s+(?:was|were|has\s+been)\s+|of\s+|on\s+)?"
    r"(?P<what>[^?,;]{3,80}?)(?=\s+(?:broken\s+down|for\s+each|for\s+the|in\s+each|per|by\s+(?:year|month))\b|\s*[?,;]|$)",
    re.I,
)


def _asked_subject(lines: list[Line], idx: int) -> str | None:
    """The subject of the question ending on lines[idx], read over the lines it wraps from; a question
    that names no amount gives none (its last words, "referenced?", are no subject)."""
    first = idx
    while first > 0 and idx - first < 4 and lines[first - 1].stripped and lines[first - 1].stripped[-1] not in ".?:":
        first -= 1
    question = re.sub(r"\([^)]*\)", " ", " ".join(line.stripped for line in lines[first : idx + 1]))
    asked = _ASKED_AMOUNT.search(question)
    return _clean_subject(asked.group("what")) if asked else None
