"""Answers compared across bodies, as SQL over a dataset: round-robin request groups, one group's answers and
figures, and response times per body and year. `foidata groups`, `compare` and `report timeliness` print them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

Rows = tuple[list[str], list[tuple[Any, ...]]]

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

TIMELINESS_KEYS = {
    "body": ("coalesce(b.name, r.body, '(not stated)') AS body", "body"),
    "year": ("year(coalesce(r.request_date, r.response_date)) AS year", "year"),
    "body-year": (
        "coalesce(b.name, r.body, '(not stated)') AS body, year(coalesce(r.request_date, r.response_date)) AS year",
        "body, year",
    ),
}


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> Rows:
    cursor = con.execute(sql, list(params))
    return [str(d[0]) for d in cursor.description or []], cursor.fetchall()


def request_groups(con: duckdb.DuckDBPyConnection, min_bodies: int) -> Rows:
    """Groups of the same request sent to at least `min_bodies` bodies, with how they were answered."""
    return _fetch(con, _GROUPS_SQL, [min_bodies])


def group_responses(con: duckdb.DuckDBPyConnection, group: str) -> Rows:
    """One row per response of the group: who answered, how, and under which sections it withheld."""
    return _fetch(con, _RESPONSES_SQL, [group])


def group_figures(con: duckdb.DuckDBPyConnection, group: str) -> Rows:
    """Every money figure of the group's responses, with the year it belongs to."""
    return _fetch(con, _FIGURES_SQL, [group])


def group_request(con: duckdb.DuckDBPyConnection, group: str) -> str | None:
    """The group's request as asked (or its title when no request text was found)."""
    row = con.execute(
        "SELECT coalesce(min(request_text), min(title)) FROM responses WHERE request_group_id = ?", [group]
    ).fetchone()
    return None if row is None else row[0]


def timeliness(con: duckdb.DuckDBPyConnection, by: str, show_all: bool) -> Rows:
    """Response times in working days per body, year or both (`by`, a key of TIMELINESS_KEYS)."""
    key, order = TIMELINESS_KEYS[by]
    return _fetch(con, _TIMELINESS_SQL.format(key=key, order=order), [show_all])


def body_by_year(
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
