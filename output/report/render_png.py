"""The spend chart as a PNG for articles (matplotlib, Agg: no display needed), drawn like the HTML one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from foidata.output.report.chart_svg import packed_bars, period_colour
from foidata.output.report.money import compact
from foidata.output.report.spend import Entry, SpendReport

BAR = 0.8  # of a body's row, shared by its years' bars


def write_png(report: SpendReport, path: Path, dpi: int = 150) -> None:
    import matplotlib

    matplotlib.use("Agg")  # before pyplot: a server or CI job has no display
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import FuncFormatter

    kinds = report.kinds or ["(no figures)"]
    heights = [max(1.5, 0.3 * len(report.bodies(k)) * max(1, len(report.periods_for(k))) ** 0.5 + 1)
               for k in kinds]
    fig, axes = plt.subplots(len(kinds), 1, figsize=(11, sum(heights) + 1), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    for ax, kind in zip(axes[:, 0], kinds, strict=True):
        _panel(ax, report, kind)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: compact(_decimal(x), report.currency)))
    handles = [Rectangle((0, 0), 1, 1, color=period_colour(i)) for i in range(len(report.periods))]
    fig.legend(handles, report.periods, loc="upper right", ncols=min(6, len(report.periods)) or 1,
               frameon=False)
    fig.suptitle(f"{report.topic.label}: money by body and year", x=0.01, ha="left", fontsize=13)
    fig.text(0.01, 0.005, "Largest figure per body, year and kind; never summed. c = approximate. Source: FOI "
             "responses, via foidata.", fontsize=8, color="#555")
    fig.tight_layout(rect=(0, 0.02, 1, 0.95))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def bar_width(report: SpendReport, kind: str) -> float:
    """One bar's share of a row: the same for every body, so a year's bar is as thick in every row."""
    return BAR / max(1, len(report.periods_for(kind)))


def bar_layout(report: SpendReport, kind: str) -> list[tuple[int, str, Entry, float]]:
    """(row, period, entry, y) for each bar of the panel; a body's row (and its tick label) is at y = row."""
    width = bar_width(report, kind)
    return [(row, period, entry, row + offset * width)
            for row, body in enumerate(report.bodies(kind))
            for period, entry, offset in packed_bars(report, body, kind)]


def _panel(ax: Any, report: SpendReport, kind: str) -> None:
    bodies, periods, width = report.bodies(kind), report.periods, bar_width(report, kind)
    for _row, period, entry, y in bar_layout(report, kind):
        f = entry.figure
        ax.barh(y, float(f.amount), height=width * 0.92, color=period_colour(periods.index(period)))
        ax.text(float(f.amount), y, " " + compact(f.amount, f.currency, f.approximate), va="center",
                fontsize=7)
    ax.set_yticks(range(len(bodies)), labels=bodies, fontsize=8)
    ax.invert_yaxis()
    ax.set_title(kind.capitalize(), loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#ddd")
    ax.set_axisbelow(True)
    ax.margins(x=0.12)


def _decimal(value: float) -> Any:
    from decimal import Decimal

    return Decimal(str(round(value, 2)))
