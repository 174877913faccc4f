"""Money figures read back from a dataset with what a reader needs to check them: the sentence or table row
each was printed in, its response, and a link to the exact place in its source."""

from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from urllib.request import url2pathname

import duckdb

from foidata.extractors.bodies import bodies
from foidata.extractors.layout import request_span, sentence_around
from foidata.output import connect

SIDE = 200  # characters of sentence kept either side of a figure; a run-on table line can be thousands
PARAGRAPH = 1500  # characters of paragraph kept for telling capital from revenue


@dataclass(frozen=True)
class Quote:
    """The sentence (or table row) a figure was printed in; text[start:end] is the figure itself."""

    text: str
    start: int
    end: int

    @property
    def before(self) -> str:
        return self.text[: self.start]

    @property
    def figure(self) -> str:
        return self.text[self.start : self.end]

    @property
    def after(self) -> str:
        return self.text[self.end :]


@dataclass(frozen=True)
class Figure:
    """One money row with its response's fields and its context."""

    response_id: str
    source: str
    media_type: str
    body: str | None
    title: str | None
    reference: str | None
    keywords: tuple[str, ...]
    amount: Decimal
    amount_high: Decimal | None
    currency: str
    approximate: bool
    printed: str
    subject: str | None
    period: str | None
    year: int | None  # the year the period starts, for ordering columns
    spend_type: str | None
    quote: Quote
    paragraph: str
    page: int | None
    link: str
    in_request: bool  # printed in the requester's words, not the body's answer
    register_name: str | None = None  # the register's name for the response's body_id, where it resolved one
    parent_source: str | None = None  # for an attachment, the page that links to it

    @property
    def named(self) -> bool:
        """Whether the body is known by name (printed, or from the register)."""
        return bool(self.body or self.register_name)

    @property
    def body_label(self) -> str:
        """The body as named, else the register's name for it, else a label for an unnamed body."""
        return self.body or self.register_name or unnamed_label(self.source, self.parent_source, self.reference,
                                                                self.title)


UNNAMED = "Unnamed body"
TITLE_CHARS = 40  # of a title in an unnamed body's label: enough to tell requests apart on a chart axis


def unnamed_label(source: str, parent_source: str | None, reference: str | None, title: str | None) -> str:
    """A chart and table label for a response whose body is not named: its website where it came from the web
    (one site is one body), else its reference or title, else its file name. Two unnamed bodies' responses
    must not merge into one row, so the label keeps something of the response's own.

    >>> unnamed_label("https://www.sheffield.gov.uk/foi/123", None, "FOI-1", None)
    'Unnamed body (www.sheffield.gov.uk)'
    >>> unnamed_label("/corpus/s005.html", None, "FOI-2024-04156", "IT budgets")
    'Unnamed body (ref. FOI-2024-04156)'
    >>> unnamed_label("/corpus/s013.html", None, None, "Cyber security and IT infrastructure investment")
    'Unnamed body (Cyber security and IT infrastructure…)'
    """
    host = next((urlsplit(s).hostname for s in (source, parent_source) if s and urlsplit(s).hostname), None)
    if host:
        return f"{UNNAMED} ({host})"
    if reference and reference.strip():
        return f"{UNNAMED} (ref. {reference.strip()})"
    if title and title.strip():
        text = " ".join(title.split())
        short = text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"  # whole words
        return f"{UNNAMED} ({short})"
    return f"{UNNAMED} ({source.rstrip('/').rsplit('/', 1)[-1]})"


def read_figures(data_dir: str | Path, progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
                 ) -> list[Figure]:
    """Every money row of the dataset's current version, with context (needs no document but the dataset)."""
    con = connect(data_dir)
    try:
        rows = _money_rows(con)
        ids = sorted({row["response_id"] for row in rows})
        texts = _texts(con, ids)
        cells = _cells(con, ids)
        pages = _pages(con, ids)
    finally:
        con.close()
    iterate = progress or (lambda items, _total: items)
    requests = {rid: request_span(text) for rid, text in texts.items()}  # once per response, not per figure
    return [
        _figure(row, texts.get(row["response_id"]), requests.get(row["response_id"]),
                cells.get(row["response_id"], {}), pages.get(row["response_id"], []))
        for row in iterate(rows, len(rows))
    ]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    try:
        return {str(d[0]) for d in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description or []}
    except duckdb.CatalogException:
        return set()  # a dataset written before the table existed


def _optional(have: set[str], alias: str, column: str) -> str:
    # Columns added after schema 1.0 are read as NULL from older datasets.
    return f"{alias}.{column}" if column in have else f"NULL AS {column}"


def _money_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    money = _columns(con, "money")  # every other column read from responses is in schema 1.0
    responses = _columns(con, "responses")
    sql = f"""
        SELECT m.response_id, m.source, r.media_type, r.body, r.title, r.primary_reference, r.keywords,
               m.amount, m.amount_high, m.currency, m.approximate, m.text, m.subject, m.period,
               {_optional(money, "m", "fy_start")}, {_optional(money, "m", "spend_type")},
               m.span_start, m.span_end, {_optional(responses, "r", "parent_source")},
               {_optional(responses, "r", "body_id")}
        FROM money AS m JOIN responses AS r USING (response_id)
        ORDER BY m.source, m.span_start, m.span_end
    """
    cursor = con.execute(sql)
    names = [str(d[0]) for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _texts(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, str]:
    if "text" not in _columns(con, "responses") or not ids:
        return {}
    con.register("wanted", _ids(ids))
    rows = con.execute(
        "SELECT response_id, text FROM responses WHERE text IS NOT NULL AND response_id IN (SELECT id FROM wanted)"
    ).fetchall()
    return {str(rid): str(text) for rid, text in rows}


def _ids(ids: Sequence[str]) -> Any:
    import pyarrow as pa

    return pa.table({"id": pa.array(list(ids), pa.string())})


def _cells(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, dict[int, dict[tuple[int, int], str]]]:
    """response_id -> table_index -> (row, column) -> text."""
    if not {"response_id", "table_index", "row", "column", "text"} <= _columns(con, "tables") or not ids:
        return {}
    con.register("wanted_cells", _ids(ids))
    rows = con.execute(
        'SELECT response_id, table_index, "row", "column", text FROM "tables" '
        "WHERE response_id IN (SELECT id FROM wanted_cells)"
    ).fetchall()
    found: dict[str, dict[int, dict[tuple[int, int], str]]] = defaultdict(lambda: defaultdict(dict))
    for rid, table, row, column, text in rows:
        found[rid][table][row, column] = text
    return found


def _pages(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, list[tuple[int, int, int]]]:
    if not {"response_id", "page", "span_start", "span_end"} <= _columns(con, "pages") or not ids:
        return {}
    con.register("wanted_pages", _ids(ids))
    rows = con.execute(
        "SELECT response_id, page, span_start, span_end FROM pages WHERE response_id IN (SELECT id FROM wanted_pages)"
    ).fetchall()
    found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for rid, page, start, end in rows:
        found[rid].append((page, start, end))
    return found


def _figure(row: Mapping[str, Any], text: str | None, request: tuple[int, int] | None,
            tables: Mapping[int, Mapping[tuple[int, int], str]], pages: Sequence[tuple[int, int, int]]) -> Figure:
    start, end, printed = int(row["span_start"]), int(row["span_end"]), str(row["text"])
    usable = text is not None and text[start:end] == printed  # offsets from another extraction are no use
    quote = table_quote(tables, printed, row["period"]) or (
        sentence_quote(text, start, end) if text is not None and usable else Quote(printed, 0, len(printed))
    )
    paragraph = paragraph_around(text, start, end) if text is not None and usable else quote.text
    span = request if usable else None
    page = next((number for number, lo, hi in pages if lo <= start < hi), None)
    return Figure(
        response_id=str(row["response_id"]), source=str(row["source"]), media_type=str(row["media_type"]),
        body=row["body"], title=row["title"], reference=row["primary_reference"],
        keywords=tuple(row["keywords"] or ()), amount=row["amount"], amount_high=row["amount_high"],
        currency=str(row["currency"]), approximate=bool(row["approximate"]), printed=printed,
        subject=row["subject"], period=row["period"], year=period_year(row["fy_start"], row["period"]),
        spend_type=row["spend_type"], quote=quote, paragraph=paragraph, page=page,
        link=source_link(str(row["source"]), str(row["media_type"]), printed, page),
        in_request=span is not None and span[0] <= start < span[1],
        register_name=_register_name(row["body_id"]), parent_source=row["parent_source"],
    )


def _register_name(body_id: str | None) -> str | None:
    found = bodies().get(body_id) if body_id else None
    return found.name if found else None


def period_year(fy_start: int | None, period: str | None) -> int | None:
    """The year a period starts: 2020 for 2020/21 (or FY21, where the dataset worked it out) and for 2020."""
    if fy_start is not None:
        return int(fy_start)
    found = re.match(r"^\s*(\d{4})", period or "")
    return int(found.group(1)) if found else None


def sentence_quote(text: str, start: int, end: int) -> Quote:
    """The sentence holding text[start:end], whitespace collapsed, cut to SIDE characters either side."""
    lo, hi = sentence_around(text, start)
    lo, hi = min(lo, start), max(hi, end)
    if hi < len(text) and text[hi] in ".!?":
        hi += 1  # the full stop belongs to the sentence it ends
    before = " ".join(text[lo:start].split())
    after = " ".join(text[end:hi].split())
    if len(before) > SIDE:
        before = "…" + before[-SIDE:].split(" ", 1)[-1]
    if len(after) > SIDE:
        after = after[:SIDE].rsplit(" ", 1)[0] + "…"
    if before and text[start - 1].isspace():
        before += " "
    if after and text[end].isspace():
        after = " " + after
    figure = " ".join(text[start:end].split())
    return Quote(before + figure + after, len(before), len(before) + len(figure))


def table_quote(tables: Mapping[int, Mapping[tuple[int, int], str]], printed: str, period: str | None,
                ) -> Quote | None:
    """"<caption> — <row label>, <column header>: <cell>" for a figure printed alone in a table cell.

    A table row read as a sentence runs its numbers together ("Total 2,290 3,570 3,745"); the header and
    row label say which number is which. Where the same text is in several cells, the one under its period."""
    wanted = printed.strip()
    found = [(index, row, column) for index, grid in sorted(tables.items())
             for (row, column), cell in sorted(grid.items()) if row > 0 and cell.strip() == wanted]
    if not found:
        return None
    best = next((f for f in found if period and period in tables[f[0]].get((0, f[2]), "")), found[0])
    index, row, column = best
    grid = tables[index]
    caption = grid.get((0, 0), "").strip() if column > 0 else ""
    label = grid.get((row, 0), "").strip() if column > 0 else ""
    header = grid.get((0, column), "").strip()
    head = (f"{caption} — " if caption else "") + (f"{label}, " if label else "") + (f"{header}: " if header else "")
    return Quote(head + wanted, len(head), len(head) + len(wanted))


def paragraph_around(text: str, start: int, end: int) -> str:
    """The paragraph (between blank lines, or a numbered answer) holding the figure, for telling its kind."""
    breaks = [m.end() for m in re.finditer(r"\n\s*\n|\n(?=\s*\d{1,2}[.)]\s)", text[max(0, start - PARAGRAPH):start])]
    lo = max(0, start - PARAGRAPH) + (breaks[-1] if breaks else 0)
    after = re.search(r"\n\s*\n|\n(?=\s*\d{1,2}[.)]\s)", text[end : end + PARAGRAPH])
    hi = end + (after.start() if after else min(PARAGRAPH, len(text) - end))
    return " ".join(text[lo:hi].split())


@functools.lru_cache(maxsize=4096)
def source_uri(source: str) -> str:
    """A URL as it is; a path as a file: URI (resolved once per source: a large report has many figures each)."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        return source
    return Path(source).expanduser().resolve().as_uri()


def relative_link(link: str, base: Path | None) -> str:
    """A file: link as a path relative to `base` (the folder of the page or file holding it), so a report and
    the documents it cites can be moved or published together; web links, and files on another drive than
    `base` (Windows), stay as they are.

    >>> relative_link("file:///data/docs/a%20b.pdf#page=3", Path("/data/reports"))
    '../docs/a%20b.pdf#page=3'
    >>> relative_link("https://example.org/foi#x", Path("/data/reports"))
    'https://example.org/foi#x'
    """
    parts = urlsplit(link)
    if parts.scheme != "file" or base is None:
        return link
    try:
        relative = os.path.relpath(url2pathname(parts.path), Path(base).expanduser().resolve())
    except ValueError:
        return link
    path = quote(Path(relative).as_posix())
    return f"{path}#{parts.fragment}" if parts.fragment else path


def source_link(source: str, media_type: str, printed: str, page: int | None) -> str:
    """A link to the figure in its source: the PDF page, or on a web page the figure's text highlighted."""
    base = source_uri(source)
    if "#" in base:
        return base
    if page is not None:
        return f"{base}#page={page}"
    if media_type == "text/html":
        # A text fragment (#:~:text=) scrolls to and highlights the first occurrence in browsers that know it;
        # others ignore it. '-', '&' and ',' are syntax inside it, so they are escaped too.
        return f"{base}#:~:text={quote(printed, safe='').replace('-', '%2D')}"
    return base
