"""`foidata groups`, `foidata compare` and `foidata report timeliness`: answers compared across bodies.

Registered on the `foidata` command in foidata/cli.py. The tables are rendered by foidata.cli's renderer,
imported inside each command because foidata.cli imports this module.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from typing import Any

import click
import duckdb

from foidata.output import connect

_DATA = click.option(
    "--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory (the --out of ingest).",
)

_GROUPS_SQL = """
SELECT r.request_group_id AS "group", count(DISTINCT coalesce(r.body_id, r.body, r.response_id)) AS bodies,
       count(*) AS responses,
       count(*) FILTER (WHERE r.outcome IN ('full_disclosure', 'part_disclosure')) AS disclosed,
       count(*) FILTER (WHERE r.outcome IN ('refused', 'ncnd', 'not_held')) AS "refused/not held",
       min(r.title) AS title
FROM responses AS r WHERE r.request_group_id IS NOT NULL
GROUP BY ALL HAVING count(DISTINCT coalesce(r.body_id, r.body, r.response_id)) >= ?
ORDER BY bodies DESC, responses DESC, "group"
"""

# One row per response of the group: who answered, how, and under which sections it withheld.
_RESPONSES_SQL = """
SELECT r.response_id, coalesce(b.name, r.body, '(not stated)') AS body, r.body_id, r.outcome,
       (SELECT string_agg(DISTINCT CASE WHEN e.law = 'FOIA' THEN 's.' ELSE e.law || ' ' END || e.provision, ', '
                          ORDER BY CASE WHEN e.law = 'FOIA' THEN 's.' ELSE e.law || ' ' END || e.provision)
        FROM exemptions AS e WHERE e.response_id = r.response_id) AS sections,
       r.primary_reference AS reference, r.response_date, r.working_days, r.late, r.source
FROM responses AS r LEFT JOIN bodies AS b ON b.id = r.body_id
WHERE r.request_group_id = ?
ORDER BY body, r.source
"""

# Every figure of the group, with the year it belongs to in the one calendar.
_FIGURES_SQL = """
SELECT m.response_id,
       CASE WHEN m.period_kind = 'financial_year' AND m.fy_start IS NOT NULL
            THEN m.fy_start::VARCHAR || '/' || lpad(((m.fy_start + 1) % 100)::VARCHAR, 2, '0')
            ELSE coalesce(m.period, '(no year)') END AS year,
       m.amount, m.text, m.subject, m.spend_type, m.source, m.span_start, m.span_end
FROM money AS m JOIN responses AS r USING (response_id)
WHERE r.request_group_id = ?
ORDER BY m.source, m.span_start
"""

_TIMELINESS_SQL = """
SELECT {key}, count(*) AS responses, count(r.working_days) AS timed,
       median(r.working_days) AS median_days, max(r.working_days) AS max_days,
       count(*) FILTER (WHERE r.late) AS late,
       round(100.0 * count(*) FILTER (WHERE r.late) / nullif(count(r.working_days), 0), 1) AS pct_late
FROM responses AS r LEFT JOIN bodies AS b ON b.id = r.body_id
GROUP BY ALL HAVING count(r.working_days) > 0 OR ?
ORDER BY {order}
"""
_TIMELINESS_KEYS = {
    "body": ("coalesce(b.name, r.body, '(not stated)') AS body", "body"),
    "year": ("year(coalesce(r.request_date, r.response_date)) AS year", "year"),
    "body-year": (
        "coalesce(b.name, r.body, '(not stated)') AS body, year(coalesce(r.request_date, r.response_date)) AS year",
        "body, year",
    ),
}


def _connect(data_dir: str) -> duckdb.DuckDBPyConnection:
    return connect(data_dir)  # its views include `bodies`, the register, for the bodies' names


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> tuple[list[str], list[tuple[Any, ...]]]:
    cursor = con.execute(sql, list(params))
    return [str(d[0]) for d in cursor.description or []], cursor.fetchall()


def _render(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    from foidata.cli import _render_table

    return _render_table(columns, rows)


@click.command("groups")
@_DATA
@click.option("--all", "show_all", is_flag=True, help="Also list requests seen at one body only.")
def groups(data_dir: str, show_all: bool) -> None:
    """List round-robin requests: the same request sent to several bodies, with how many answered and how.

    Each group's id is the request_group_id of its responses; `foidata compare GROUP` shows its answers.

    \b
    Example: foidata groups --data data/foi
    """
    columns, rows = _fetch(_connect(data_dir), _GROUPS_SQL, [1 if show_all else 2])
    click.echo(_render(columns, rows))


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
    con = _connect(data_dir)
    columns, responses = _fetch(con, _RESPONSES_SQL, [group])
    if not responses:
        raise click.ClickException(f"no responses in group {group!r}; `foidata groups --data {data_dir}` lists them")
    _, figures = _fetch(con, _FIGURES_SQL, [group])
    if fmt == "csv":
        _write_csv(columns, responses, figures)
        return
    (request,) = con.execute(
        "SELECT coalesce(min(request_text), min(title)) FROM responses WHERE request_group_id = ?", [group]
    ).fetchone() or (None,)
    bodies_count = len({r[2] or r[1] for r in responses})
    click.echo(f"Group {group}: {len(responses)} responses from {bodies_count} bodies")
    if request:
        click.echo(f"Request: {request[:300]}{'…' if len(request) > 300 else ''}")
    click.echo("")
    click.echo(_render(*_body_by_year(responses, figures)))
    if figures:
        click.echo("\nSources of the figures:")
        for n, (_rid, _year, _amount, text, subject, _kind, source, start, end) in enumerate(figures, 1):
            about = f" ({subject})" if subject else ""
            click.echo(f"  [{n}] {text}{about}: {source} chars {start}-{end}")


def _body_by_year(
    responses: Sequence[tuple[Any, ...]], figures: Sequence[tuple[Any, ...]]
) -> tuple[list[str], list[list[Any]]]:
    """One row per response: body, outcome, sections, then a column per year holding its figures as printed
    (capital or revenue where the text says), each with its number in the list of sources."""
    years = sorted({f[1] for f in figures}, key=lambda y: (y == "(no year)", y))
    cells: dict[tuple[str, str], list[str]] = {}
    for n, (rid, year, _amount, text, _subject, kind, *_rest) in enumerate(figures, 1):
        cells.setdefault((rid, year), []).append(f"{text}{f' {kind}' if kind else ''} [{n}]")
    rows: list[list[Any]] = []
    for rid, body, _body_id, outcome, sections, _ref, _date, days, late, _source in responses:
        when = "" if days is None else f"{days}{' late' if late else ''}"
        row = [body, outcome or "(unstated)", sections or "", when]
        row += ["; ".join(cells.get((rid, year), [])) for year in years]
        rows.append(row)
    return ["body", "outcome", "sections", "working days", *years], rows


def _write_csv(columns: list[str], responses: Sequence[tuple[Any, ...]], figures: Sequence[tuple[Any, ...]]) -> None:
    from foidata.cli import _plain

    by_response: dict[str, list[tuple[Any, ...]]] = {}
    for figure in figures:
        by_response.setdefault(figure[0], []).append(figure[1:])
    figure_columns = ["year", "amount", "text", "subject", "spend_type", "figure_source", "span_start", "span_end"]
    none: list[tuple[Any, ...]] = [(None,) * len(figure_columns)]  # a response without figures keeps one line
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([*columns, *figure_columns])
    for response in responses:
        for figure in by_response.get(response[0], none):
            writer.writerow([_plain(v) for v in (*response, *figure)])


@click.group("report")
def report() -> None:
    """Reports over a dataset.

    \b
    Example: foidata report timeliness --data data/foi
    """


@report.command("timeliness")
@_DATA
@click.option(
    "--by", "by", type=click.Choice(sorted(_TIMELINESS_KEYS)), default="body-year", show_default=True,
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
    key, order = _TIMELINESS_KEYS[by]
    columns, rows = _fetch(_connect(data_dir), _TIMELINESS_SQL.format(key=key, order=order), [show_all])
    click.echo(_render(columns, rows))
