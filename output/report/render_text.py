"""The spend comparison as a terminal table (rich): bodies down, financial years across, a block per kind."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from foidata.output.report.money import compact
from foidata.output.report.spend import Entry, SpendReport


def cell_text(entry: Entry | None) -> str:
    if entry is None:
        return "–"
    f = entry.figure
    text = compact(f.amount, f.currency, f.approximate, f.amount_high)
    return text + (f" +{entry.others}" if entry.others else "")


def print_table(report: SpendReport, console: Console) -> None:
    table = Table(
        title=f"{report.topic.label}: money by body and year ({report.currency})",
        caption="Each cell is the largest figure a body gave for that year and kind, never a sum; +n: n more "
        "figures in the cell (--csv lists every figure with its sentence). c: printed as approximate.",
        caption_justify="left",
    )
    table.add_column("Body")
    table.add_column("Kind")
    for period in report.periods:
        table.add_column(period, justify="right")
    for kind in report.kinds:
        for body in report.bodies(kind):
            table.add_row(body, kind, *(cell_text(report.cell(body, kind, p)) for p in report.periods))
        table.add_section()
    console.print(table)


def summary_lines(report: SpendReport, figures_read: int) -> list[str]:
    bodies = len({e.figure.body_label for e in report.entries})
    lines = [
        f"Figures: {figures_read} money figures in the dataset, {len(report.entries)} in topic "
        f"{report.topic.name!r} from {report.responses} responses of {bodies} bodies, "
        f"{len(report.headlines)} charted."
    ]
    if report.left_out:
        reasons = ", ".join(f"{n} {reason}" for reason, n in report.left_out.most_common())
        lines.append(f"Not charted: {reasons}.")
    return lines


def print_figures(report: SpendReport, console: Console) -> None:
    """Every figure with its sentence and source (--verbose)."""
    table = Table(title="Every figure", show_lines=False)
    for name in ("Body", "Year", "Kind", "Amount", "Sentence", "Source"):
        table.add_column(name, overflow="fold")
    for entry in report.entries:
        f = entry.figure
        table.add_row(f.body_label, f.period or "", entry.kind, ("● " if entry.headline else "") + f.printed,
                      f.quote.text, f.link)
    console.print(table)
