"""Bare figures in tables whose header, caption or heading gives the currency and unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from foidata.extractors.facts import Money
from foidata.extractors.layout import Line, line_index
from foidata.extractors.money.amounts import CURRENCY, _cents, _scale, parse_number
from foidata.extractors.money.periods import _column_period, _is_period_only
from foidata.extractors.money.subjects import _clean_subject
from foidata.extractors.periods import find_periods
from foidata.extractors.spans import Span

# A header cell that gives the currency (and unit) for the bare figures below it: "£", "(£000)", "£'s".
UNIT_HEADER = re.compile(
    r"(?:^|[\s|(\[])(?P<cur>£|€|\$)(?:['’]?s(?![\w'’]))?[ \t]?(?P<unit>'?000s?|k|m|million)?(?![ \t]?\d)(?=$|[\s|)\]])",
    re.IGNORECASE,
)


TABLE_NUMBER = re.compile(r"(?<![\w,./£$€-])\(?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\)?(?![\w,/%]|\.\d)")


_TABLE_LINES = 80


@dataclass
class _Row:
    label: str
    label_period: str | None
    numbers: list[re.Match[str]] = field(default_factory=list)


def _table_money(text: str, lines: list[Line], taken: list[tuple[int, int]]) -> list[Money]:
    found: list[Money] = []
    i = 0
    while i < len(lines):
        header = UNIT_HEADER.search(lines[i].text)
        if not header or (lines[i].is_prose() and not header.group("unit")):
            i += 1
            continue
        currency = CURRENCY[header.group("cur").lower()]
        scale = _scale(header.group("unit"))
        header_periods = _header_periods(lines, i)
        rows: list[_Row] = []
        j = i + 1
        while j < len(lines) and j < i + _TABLE_LINES:
            line = lines[j]
            if line.is_prose():
                break
            if line.is_blank():
                j += 1
                continue
            if UNIT_HEADER.search(line.text) and not rows:
                j += 1
                continue
            numbers = [
                m
                for m in TABLE_NUMBER.finditer(text, line.start, line.end)
                if not any(a <= m.start() < b for a, b in taken)
            ]
            label_text = _first_text_cell(TABLE_NUMBER.sub("  ", line.text))

            def amount_like(m: re.Match[str], group: str | int, idx: int = j) -> bool:
                # "2050" under a "2020/21" column of a £000 table is an amount, not a year.
                return not find_periods(m.group(group)) or _column_period(lines, idx, m.start()) is not None

            if label_text:
                rows.append(_Row(label_text, _is_period_only(Line(0, 0, label_text)), []))
                numbers = [m for m in numbers if amount_like(m, 0)]
            if rows:
                rows[-1].numbers.extend(n for n in numbers if amount_like(n, "num"))
            j += 1
        for row in rows:
            for k, m in enumerate(row.numbers):
                value = parse_number(m.group("num"))
                if value is None:
                    continue
                in_column = _column_period(lines, line_index(lines, m.start()), m.start())
                period = row.label_period or in_column or (
                    header_periods[k]
                    if k < len(header_periods)
                    else header_periods[0]
                    if len(header_periods) == 1
                    else None
                )
                cents = _cents(value * scale)
                if cents is None:
                    continue
                subject = None if row.label_period else _clean_subject(row.label)
                found.append(Money(cents, currency, False, Span.of(m, "num"), subject=subject, period=period))
        i = j
    return found


def _first_text_cell(line: str) -> str:
    cells = [c.strip(" \t:-–") for c in re.split(r"\s*\|\s*|\s{2,}|\t", line)]
    return next((c for c in cells if c), "")


def _header_periods(lines: list[Line], unit_line: int) -> list[str]:
    """Periods in the header cells: the unit line and up to four non-blank lines above it."""
    header: list[Line] = [lines[unit_line]]
    for j in range(unit_line - 1, -1, -1):
        if len(header) > 4 or lines[j].is_prose():
            break
        if not lines[j].is_blank():
            header.insert(0, lines[j])
    return [p for line in header for _, p in find_periods(line.text)]
