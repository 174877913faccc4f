"""`foidata report`: `report spend`, the spend comparison for publishing, and `report timeliness`, response
times per body and year."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from foidata.cli.config import ConfigError, default_data_dir
from foidata.cli.console import make_output, output_options, render_table, user_errors
from foidata.output import connect, open_dataset
from foidata.output.compare import TIMELINESS_KEYS
from foidata.output.compare import timeliness as timeliness_rows
from foidata.output.report.topics import TopicError, load_topics

if TYPE_CHECKING:
    from foidata.output.report.spend import SpendReport


_REQUIRED_DATA = click.option(
    "--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory (the --out of ingest).",
)


@click.group("report")
def report() -> None:
    """Reports over a dataset.

    \b
    Example: foidata report timeliness --data data/foi
    """


@report.command("timeliness")
@_REQUIRED_DATA
@click.option(
    "--by", "by", type=click.Choice(sorted(TIMELINESS_KEYS)), default="body-year", show_default=True,
    help="Rows per body, per year (of the request), or per body and year.",
)
@click.option("--all", "show_all", is_flag=True, help="Also list bodies with no response of known dates.")
def timeliness(data_dir: str, by: str, show_all: bool) -> None:
    """Response times in working days (FOISA s.73 for Scottish bodies: Scotland's bank holidays; FOIA s.10(6)
    for the rest: a bank holiday anywhere in the UK) and how many were late (over the statutory 20), per body
    and year. Only responses whose request and response dates and body are known are timed.

    \b
    Example: foidata report timeliness --data data/foi --by body
    """
    columns, rows = timeliness_rows(connect(data_dir), by, show_all)
    click.echo(render_table(columns, rows))


@report.command("spend")
@click.option("--topic", default="ict", show_default=True, help="A topic of the topics table (see --list-topics).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False),
              help="Dataset directory [default: foidata.toml's].")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write every figure as CSV here ('-' for stdout instead of the table).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Write the page with the chart here.")
@click.option("--png", "png_path", type=click.Path(dir_okay=False), help="Write the chart as a PNG here.")
@click.option("--kind", "kinds", multiple=True, help="Only this kind (capital, revenue, other); repeatable.")
@click.option("--body", "bodies", multiple=True, help="Only bodies whose name contains this; repeatable.")
@click.option("--currency", default="GBP", show_default=True, help="ISO code of the money compared.")
@click.option("--topics", "topics_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Another topics table (TOML, like output/report/topics.toml).")
@click.option("--list-topics", is_flag=True, help="List the topics and exit.")
@output_options
def spend(topic: str, data_dir: str | None, csv_path: str | None, html_path: str | None, png_path: str | None,
          kinds: tuple[str, ...], bodies: tuple[str, ...], currency: str, topics_path: Path | None,
          list_topics: bool, quiet: bool, verbose: bool) -> None:
    """Money by body and financial year for a topic (ICT by default), bodies side by side.

    Prints a table (largest figure per body, year and kind: capital, revenue, other), and writes any of
    CSV (every figure, exact, with its sentence and source), an HTML page (chart, table, every figure linked
    to its source) and a PNG of the chart. Topics are defined in an editable table (--topics).

    \b
    Example: foidata report spend --topic ict --data data/demo --html ict.html --png ict.png --csv ict.csv
    """
    from foidata.output.report.figures import read_figures
    from foidata.output.report.spend import spend_report

    out = make_output(quiet, verbose)
    with user_errors(TopicError, ConfigError):
        topics = load_topics(topics_path)
        if list_topics:
            for name, found in topics.items():
                click.echo(f"{name:<14} {found.label}")
            return
        if topic not in topics:
            raise click.BadParameter(f"no topic {topic!r}; topics: {', '.join(topics)}", param_hint="--topic")
        data = default_data_dir(data_dir)
    dataset = open_dataset(data)
    figures = read_figures(data, out.tracker("Reading money figures"))
    result = spend_report(figures, topics[topic], currency.upper(), kinds, bodies)
    if csv_path == "-":
        from foidata.output.report.render_csv import write_csv

        write_csv(result, sys.stdout, Path.cwd())
    elif not quiet:
        from foidata.output.report.render_text import print_figures, print_table, summary_lines

        print_table(result, out.console)
        for line in summary_lines(result, len(figures)):
            click.echo(line)
        if verbose:
            print_figures(result, out.console)
    _write_files(result, len(figures), data, dataset.run_id, csv_path, html_path, png_path, out.say)


def _write_files(result: SpendReport, figures_read: int, data: str, run_id: str, csv_path: str | None,
                 html_path: str | None, png_path: str | None, say: Callable[[str], None]) -> None:
    if csv_path and csv_path != "-":
        from foidata.output.report.render_csv import write_csv

        path = Path(csv_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as fh:
            write_csv(result, fh, path.parent)
        say(f"Wrote {path} ({len(result.entries)} figures)")
    if html_path:
        from foidata.output.report.render_html import render_html

        path = Path(html_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_html(result, figures_read, data, run_id, base=path.parent), encoding="utf-8")
        say(f"Wrote {path}")
    if png_path:
        from foidata.output.report.render_png import write_png

        path = Path(png_path)
        write_png(result, path)
        say(f"Wrote {path}")
