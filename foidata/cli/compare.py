"""`foidata groups` and `foidata compare`: round-robin requests, and one request's answers side by side."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from typing import Any

import click

from foidata.cli.console import plain, render_table
from foidata.output import connect
from foidata.output.compare import body_by_year, group_figures, group_request, group_responses, request_groups

_DATA = click.option(
    "--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory (the --out of ingest).",
)


@click.command("groups")
@_DATA
@click.option("--all", "show_all", is_flag=True, help="Also list requests seen at one body only.")
def groups(data_dir: str, show_all: bool) -> None:
    """List round-robin requests: the same request sent to several bodies, with how many answered and how.

    Each group's id is the request_group_id of its responses; `foidata compare GROUP` shows its answers.

    \b
    Example: foidata groups --data data/foi
    """
    columns, rows = request_groups(connect(data_dir), 1 if show_all else 2)
    click.echo(render_table(columns, rows))


@click.command("compare")
@click.argument("group")
@_DATA
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True,
    help="table: the body x year table and its sources; csv: one line per figure (and per response without one).",
)
def compare(group: str, data_dir: str, fmt: str) -> None:
    """Compare the answers to one round-robin request: a body x year table of the figures, each with a
    numbered source, beside every body's outcome and the sections it withheld under.

    \b
    Example: foidata compare rg-3f2a1b0c9d8e7f60 --data data/foi
    """
    con = connect(data_dir)
    columns, responses = group_responses(con, group)
    if not responses:
        raise click.ClickException(f"no responses in group {group!r}; `foidata groups --data {data_dir}` lists them")
    _, figures = group_figures(con, group)
    if fmt == "csv":
        _write_csv(columns, responses, figures)
        return
    request = group_request(con, group)
    bodies_count = len({r[2] or r[1] for r in responses})
    click.echo(f"Group {group}: {len(responses)} responses from {bodies_count} bodies")
    if request:
        click.echo(f"Request: {request[:300]}{'…' if len(request) > 300 else ''}")
    click.echo("")
    click.echo(render_table(*body_by_year(responses, figures)))
    if figures:
        click.echo("\nSources of the figures:")
        for n, (_rid, _year, _amount, text, subject, _kind, source, start, end) in enumerate(figures, 1):
            about = f" ({subject})" if subject else ""
            click.echo(f"  [{n}] {text}{about}: {source} chars {start}-{end}")


def _write_csv(columns: list[str], responses: Sequence[tuple[Any, ...]], figures: Sequence[tuple[Any, ...]]) -> None:
    by_response: dict[str, list[tuple[Any, ...]]] = {}
    for figure in figures:
        by_response.setdefault(figure[0], []).append(figure[1:])
    figure_columns = ["year", "amount", "text", "subject", "spend_type", "figure_source", "span_start", "span_end"]
    none: list[tuple[Any, ...]] = [(None,) * len(figure_columns)]  # a response without figures keeps one line
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([*columns, *figure_columns])
    for response in responses:
        for figure in by_response.get(response[0], none):
            writer.writerow([plain(v) for v in (*response, *figure)])
