"""The spend chart as inline SVG: one panel per kind, a group of bars per body, a bar per financial year.

Written by hand rather than with a charting library so the HTML page needs no script and no network: it
opens offline, prints, and its every bar is an element a test (or a reader) can find by body and year.
"""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

from foidata.output.report.money import compact
from foidata.output.report.spend import Entry, SpendReport

# Okabe & Ito's palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
BAR = 16
BAR_GAP = 2
GROUP_GAP = 14
PLOT_WIDTH = 520
VALUE_ROOM = 80  # right of the longest bar, for its label
CHAR_WIDTH = 6.6  # of 12px sans-serif, to size the body-name column without measuring text
TOP = 44  # legend and axis labels
TICKS = 5


def period_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def nice_ticks(largest: Decimal, count: int = TICKS) -> list[Decimal]:
    """Round tick values from 0 covering `largest`: steps of 1, 2 or 5 times a power of ten."""
    if largest <= 0:
        return [Decimal(0), Decimal(1)]
    raw = float(largest) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    top = math.ceil(float(largest) / step)
    return [Decimal(str(step)) * i for i in range(top + 1)]


def chart_svg(report: SpendReport, kind: str, anchors: dict[int, str]) -> str:
    """The panel for one kind. `anchors` maps id(figure) to the id of its row in the page's figure table."""
    bodies, periods, present = report.bodies(kind), report.periods, report.periods_for(kind)
    cells = {(b, p): report.cell(b, kind, p) for b in bodies for p in present}
    largest = max((e.figure.amount_high or e.figure.amount for e in cells.values() if e), default=Decimal(1))
    ticks = nice_ticks(largest)
    scale = PLOT_WIDTH / float(ticks[-1])
    label_width = math.ceil(min(300, max((len(b) for b in bodies), default=10) * CHAR_WIDTH)) + 16
    group = len(present) * (BAR + BAR_GAP) - BAR_GAP
    height = TOP + len(bodies) * (group + GROUP_GAP) + 10
    width = label_width + PLOT_WIDTH + VALUE_ROOM
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" data-kind="{escape(kind)}" font-family="system-ui, sans-serif" '
        f'font-size="12"><title>{escape(report.topic.label)}: {escape(kind)}, by body and year</title>'
    ]
    out.extend(_legend(present, periods, label_width))
    out.extend(_axis(ticks, scale, label_width, height))
    y = TOP
    for body in bodies:
        middle = y + group / 2
        out.append(f'<g class="body" data-body="{escape(body)}">')
        out.append(f'<text class="body-label" x="{label_width - 8}" y="{middle + 4:.1f}" '
                   f'text-anchor="end">{escape(_clip(body, label_width))}</text>')
        for period, entry, offset in packed_bars(report, body, kind):
            top = middle + offset * (BAR + BAR_GAP) - BAR / 2
            out.append(_bar(entry, period, periods.index(period), label_width, top, scale, anchors))
        out.append("</g>")
        y += group + GROUP_GAP
    out.append("</svg>")
    return "".join(out)


def packed_bars(report: SpendReport, body: str, kind: str) -> list[tuple[str, Entry, float]]:
    """The body's bars in year order, each with its offset from the middle of the body's row, in bar pitches.

    Only the years the body has get a bar and the bars are centred on the row: a fixed slot per year left a
    body with one late year's bar at the far edge of its row, nearer the next body's label than its own.
    Both renderers place bars by this, so the SVG and the PNG agree.
    """
    own = [(p, e) for p in report.periods_for(kind) if (e := report.cell(body, kind, p)) is not None]
    middle = (len(own) - 1) / 2
    return [(period, entry, slot - middle) for slot, (period, entry) in enumerate(own)]


def _legend(present: list[str], periods: list[str], left: int) -> list[str]:
    out = ['<g class="legend">']
    x = left
    for period in present:
        colour = period_colour(periods.index(period))
        out.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
                   f'<text class="legend-period" x="{x + 16}" y="16">{escape(period)}</text>')
        x += 16 + int(len(period) * CHAR_WIDTH) + 18
    out.append("</g>")
    return out


def _axis(ticks: list[Decimal], scale: float, left: int, height: int) -> list[str]:
    out = ['<g class="axis" fill="#555">']
    for tick in ticks:
        x = left + float(tick) * scale
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{height - 6}" stroke="#ddd"/>'
                   f'<text x="{x:.1f}" y="{TOP - 12}" text-anchor="middle" font-size="10">{compact(tick)}</text>')
    out.append("</g>")
    return out


def _bar(entry: Entry, period: str, colour_index: int, left: int, top: float, scale: float,
         anchors: dict[int, str]) -> str:
    f = entry.figure
    length = max(1.0, float(f.amount) * scale)
    value = compact(f.amount, f.currency, f.approximate, f.amount_high)
    tip = f"{f.body_label}, {period}: {value} ({f.subject or entry.kind}). {f.quote.text}"
    anchor = anchors.get(id(f), "")
    return (
        f'<a href="#{anchor}"><rect class="bar" data-body="{escape(f.body_label)}" data-period="{escape(period)}" '
        f'data-amount="{f.amount:f}" x="{left}" y="{top:g}" width="{length:.1f}" height="{BAR}" '
        f'fill="{period_colour(colour_index)}"><title>{escape(tip)}</title></rect>'
        f'<text class="value" x="{left + length + 4:.1f}" y="{top + BAR - 4:g}">{escape(value)}</text></a>'
    )


def _clip(text: str, width: int) -> str:
    room = round((width - 16) / CHAR_WIDTH)
    return text if len(text) <= room else text[: room - 1] + "…"
