"""Amounts of money, with an approximate flag, what they pay for and the period they belong to.

Two passes: amounts printed with a currency ("£6.8m", "c£4.9m", "2.5 million pounds", "45p"), and bare
figures in tables whose header gives the currency and unit ("£000s" scales 450 to 450,000).

amounts.py reads a printed amount; periods.py finds the year a figure belongs to, subjects.py what it pays
for, tables.py the bare figures of tables. The lines and the sentence a figure is read in are layout's
(foidata.extractors.layout), and the numbered questions are questions' (foidata.extractors.questions)."""

from __future__ import annotations

from foidata.extractors.facts import Money
from foidata.extractors.layout import figure_sentence, line_index, text_lines
from foidata.extractors.money.amounts import find_amounts, folded, parse_money, parse_number
from foidata.extractors.money.periods import _period_near
from foidata.extractors.money.subjects import _heading_subject, _subject
from foidata.extractors.money.tables import _table_money
from foidata.extractors.questions import question_spans


def find_money(text: str) -> list[Money]:
    """Every amount of money in the text, in order, with subject and period where the context gives them."""
    lines = text_lines(text)
    questions = question_spans(text)
    found: list[Money] = []
    for money in find_amounts(text):
        idx = line_index(lines, money.span.start)
        line = lines[idx]
        start, end = bounds = figure_sentence(text, money.span.start, line)
        subject = _subject(text, money, line, start, end)
        if subject is None and not line.is_prose():
            subject = _heading_subject(lines, idx)
        found.append(
            Money(
                amount=money.amount,
                currency=money.currency,
                approximate=money.approximate,
                span=money.span,
                amount_high=money.amount_high,
                subject=subject,
                period=_period_near(text, money, lines, idx, questions, bounds),
            )
        )
    taken = [(m.span.start, m.span.end) for m in found]
    found.extend(_table_money(text, lines, taken))
    found.sort(key=lambda m: m.span.start)
    return found


__all__ = ["find_amounts", "find_money", "folded", "parse_money", "parse_number"]
