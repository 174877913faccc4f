"""The spend comparison as one standalone HTML page: a chart per kind, the table, and every figure with the
sentence it came from and a link to it in its source. No script, no fonts or styles fetched: it works offline."""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

from foidata.output.report.chart_svg import chart_svg
from foidata.output.report.figures import relative_link
from foidata.output.report.render_text import cell_text, summary_lines
from foidata.output.report.spend import Entry, SpendReport
from foidata.schemas.versions import __version__

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; }
.meta, .note { color: #555; } table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; } tr:target { background: #fff6d5; }
mark { background: #ffe08a; padding: 0 .1em; } .chart { max-width: 100%; height: auto; }
.chart a:hover rect { opacity: .8; } td.sentence { max-width: 34rem; } .charted { color: #0072B2; }
@media print { a { color: inherit; } }
"""


def render_html(report: SpendReport, figures_read: int, dataset: str, run_id: str,
                now: dt.datetime | None = None, base: Path | None = None) -> str:
    """The page. `base` is the folder it will be written to: links to local sources are relative to it."""
    anchors = {id(e.figure): f"f{i + 1}" for i, e in enumerate(report.entries)}
    when = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    title = f"{report.topic.label}: money by body and year"
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{" ".join(escape(line) for line in summary_lines(report, figures_read))}</p>',
        '<p class="note">Each bar and cell is the largest figure a body gave for that year and kind: figures are '
        "never added up, because a response that prints a programme's parts and its total would otherwise count "
        "twice. Every figure is listed below with the sentence it was printed in and a link to it in its source. "
        "c: printed as approximate; +n: n more figures for the same cell.</p>",
    ]
    for kind in report.kinds:
        parts.append(f'<section class="kind" id="kind-{escape(kind)}"><h2>{escape(kind.capitalize())}</h2>')
        parts.append(chart_svg(report, kind, anchors))
        parts.append(_pivot(report, kind, anchors))
        parts.append("</section>")
    parts.append('<section id="figures"><h2>Every figure</h2>')
    parts.append(_figures(report, anchors, base))
    parts.append("</section>")
    parts.append(f'<p class="meta">Made by foidata {escape(__version__)} on {when} from the dataset '
                 f"{escape(dataset)} (version {escape(run_id)}), topic {escape(report.topic.name)!r}.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _pivot(report: SpendReport, kind: str, anchors: dict[int, str]) -> str:
    periods = report.periods_for(kind)
    head = "".join(f'<th class="num">{escape(p)}</th>' for p in periods)
    rows = []
    for body in report.bodies(kind):
        cells = []
        for period in periods:
            entry = report.cell(body, kind, period)
            text = escape(cell_text(entry))
            cells.append(f'<td class="num"><a href="#{anchors[id(entry.figure)]}">{text}</a></td>' if entry
                         else f'<td class="num">{text}</td>')
        rows.append(f"<tr><th>{escape(body)}</th>{''.join(cells)}</tr>")
    return (f'<table class="pivot" data-kind="{escape(kind)}"><thead><tr><th>Body</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _figures(report: SpendReport, anchors: dict[int, str], base: Path | None) -> str:
    head = ("<tr><th>Body</th><th>Year</th><th>Kind</th><th class=\"num\">Amount</th><th>Sentence</th>"
            "<th>Source</th></tr>")
    return (f'<table class="figures"><thead>{head}</thead><tbody>'
            + "".join(_figure_row(e, anchors[id(e.figure)], base) for e in report.entries) + "</tbody></table>")


def _figure_row(entry: Entry, anchor: str, base: Path | None) -> str:
    f = entry.figure
    q = f.quote
    sentence = f"{escape(q.before)}<mark>{escape(q.figure)}</mark>{escape(q.after)}"
    name = f.reference or f.title or f.source.rstrip("/").rsplit("/", 1)[-1]
    where = f" (page {f.page})" if f.page else ""
    charted = ' <span class="charted" title="shown in the chart">●</span>' if entry.headline else ""
    link = relative_link(f.link, base)
    return (
        f'<tr id="{anchor}" data-body="{escape(f.body_label)}" data-period="{escape(f.period or "")}" '
        f'data-source="{escape(f.source)}"><td>{escape(f.body_label)}</td><td>{escape(f.period or "–")}</td>'
        f'<td>{escape(entry.kind)}</td><td class="num">{escape(f.printed)}{charted}</td>'
        f'<td class="sentence">{sentence}</td>'
        f'<td><a class="source" href="{escape(link)}">{escape(name)}{escape(where)}</a></td></tr>'
    )
