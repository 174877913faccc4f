"""The spend comparison: a topic's money figures by body, kind and financial year.

Figures are never added up. A response that prints a programme's parts and its total, or the same budget
twice (a page and its PDF), would be counted twice; so each body/kind/year cell shows its largest figure,
which is the total where there is one, and every figure stays listed beside it with its sentence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from foidata.output.report.figures import Figure
from foidata.output.report.topics import Topic

NO_YEAR = "no year stated"
IN_REQUEST = "in the request, not the answer"
EXCLUDED = "excluded by the topic (fees, cost limits, ...)"


@dataclass(frozen=True)
class Entry:
    """A figure in the topic, with its kind and whether it is the one shown for its cell."""

    figure: Figure
    kind: str
    headline: bool = False
    others: int = 0  # for a headline: the other figures of its cell, listed but not charted

    @property
    def cell(self) -> tuple[str, str, str]:
        return self.figure.body_label, self.kind, self.figure.period or ""


@dataclass
class SpendReport:
    topic: Topic
    currency: str
    entries: list[Entry]
    left_out: Counter[str] = field(default_factory=Counter)

    @property
    def headlines(self) -> list[Entry]:
        return [e for e in self.entries if e.headline]

    @property
    def periods(self) -> list[str]:
        """The columns: every period with a headline, oldest first."""
        return self.periods_for(None)

    def periods_for(self, kind: str | None) -> list[str]:
        """The periods with a headline of `kind` (of any kind when None), oldest first."""
        years = {e.figure.period: (e.figure.year or 0, e.figure.period)
                 for e in self.headlines if e.figure.period and (kind is None or e.kind == kind)}
        return [period for period, _ in sorted(years.items(), key=lambda item: item[1])]

    @property
    def kinds(self) -> list[str]:
        present = {e.kind for e in self.headlines}
        return [kind for kind in self.topic.kind_names if kind in present]

    def bodies(self, kind: str | None = None) -> list[str]:
        named = {e.figure.body_label: e.figure.named for e in self.headlines if kind is None or e.kind == kind}
        return sorted(named, key=lambda name: (not named[name], name.casefold()))  # unnamed bodies last

    def cell(self, body: str, kind: str, period: str) -> Entry | None:
        return self._cells().get((body, kind, period))

    def _cells(self) -> dict[tuple[str, str, str], Entry]:
        return {e.cell: e for e in self.headlines}

    @property
    def responses(self) -> int:
        return len({e.figure.response_id for e in self.entries})


def spend_report(figures: Iterable[Figure], topic: Topic, currency: str = "GBP",
                 kinds: Sequence[str] = (), bodies: Sequence[str] = ()) -> SpendReport:
    """The topic's figures in `currency`, optionally only some kinds or bodies (case-insensitive parts of
    the name), each cell's largest figure marked as its headline."""
    left_out: Counter[str] = Counter()
    chosen: list[Entry] = []
    wanted_bodies = [b.casefold() for b in bodies]
    for figure in figures:
        if figure.currency != currency:
            continue
        if wanted_bodies and not any(b in figure.body_label.casefold() for b in wanted_bodies):
            continue
        if not topic.matches(_fields(figure)):
            if topic.terms is not None and topic.exclude is not None and _matched_but_excluded(topic, figure):
                left_out[EXCLUDED] += 1
            continue
        kind = figure.spend_type if figure.spend_type in topic.kind_names else topic.kind(
            figure.subject, figure.quote.text, figure.paragraph
        )
        if kinds and kind not in kinds:
            continue
        if figure.in_request:
            left_out[IN_REQUEST] += 1
            continue
        chosen.append(Entry(figure, kind))
    return SpendReport(topic, currency, _mark_headlines(chosen, left_out, topic.kind_names), left_out)


def _fields(figure: Figure) -> dict[str, str | None]:
    return {
        "subject": figure.subject,
        "sentence": figure.quote.text,
        "paragraph": figure.paragraph,
        "title": figure.title,
        "keywords": " · ".join(figure.keywords),  # a separator no term spans, so keywords stay apart
    }


def _matched_but_excluded(topic: Topic, figure: Figure) -> bool:
    fields = _fields(figure)
    return topic.terms is not None and any(topic.terms.search(fields[name] or "") for name in topic.match_in)


def _mark_headlines(entries: list[Entry], left_out: Counter[str], kind_order: Sequence[str]) -> list[Entry]:
    by_cell: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, entry in enumerate(entries):
        if entry.figure.period:
            by_cell[entry.cell].append(index)
        else:
            left_out[NO_YEAR] += 1  # listed, but a chart has no column for it
    marked = list(entries)
    for members in by_cell.values():
        # The largest; on a tie the first printed, so the same dataset always gives the same report.
        best = max(members, key=lambda i: (entries[i].figure.amount, -i))
        marked[best] = Entry(entries[best].figure, entries[best].kind, True, len(members) - 1)

    def order(entry: Entry) -> tuple[bool, str, int, int, bool, Decimal]:
        f = entry.figure
        return (not f.named, f.body_label.casefold(), kind_order.index(entry.kind),
                f.year if f.year is not None else 9999, not entry.headline, -f.amount)

    return sorted(marked, key=order)
