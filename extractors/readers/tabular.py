"""Rows of cells rendered the way the HTML reader renders tables, and CSV/TSV files read into them.

Every reader writes a table row as one line, `| cell | cell |` (an empty cell as `| |`), because the money
extractor reads pipe rows: a row's subject in its first cell, periods and units in the header row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from foidata.extractors.document import Document, Table, sha256_hex
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.readers.text import BINARY_CONTROL_RATIO, control_ratio, decode_bytes, normalise_text
from foidata.schemas import limits

MEDIA_CSV = "text/csv"
MEDIA_TSV = "text/tab-separated-values"

# Reading limits for spreadsheets and CSV files are READ_LIMITS': rows kept per sheet, non-empty cells kept in
# all, and cells looked at in all (styled empty cells and skipped rows cost time too). Over a limit, reading
# stops (what was read is kept) and a note in the text says so.
# Written into the text where reading stopped: no digits, and long enough to end a table for the extractors.
ROWS_CAP_NOTE = "(foidata stopped reading this table here: it has more rows than foidata reads from one table.)"
CELLS_CAP_NOTE = "(foidata stopped reading here: the file has more cells than foidata reads from one file.)"

SNIFF_CHARS = 8192
CSV_DELIMITERS = ",;\t|"


def clean_cell(text: str) -> str:
    """A cell's text on one line. A literal "|" becomes "¦" so it cannot split the cell in the text.

    >>> clean_cell("  Estates\\n and  facilities | misc ")
    'Estates and facilities ¦ misc'
    """
    return " ".join(normalise_text(text).split()).replace("|", "¦")


def pipe_row(cells: Sequence[str]) -> str:
    """One table row as a line, exactly as the HTML reader writes it.

    >>> pipe_row(["Estates", "", "£1,200"])
    '| Estates | | £1,200 |'
    """
    return "|" + "".join(f" {cell} |" if cell else " |" for cell in cells)


def square(rows: Iterable[Sequence[str]]) -> list[tuple[str, ...]]:
    """Non-empty rows with the columns empty in every row dropped from both edges, padded to one width.

    One width matters: the extractors match a figure to its header cell by position.

    >>> square([["", "a", "b", ""], ["", "", "", ""], ["", "c"]])
    [('a', 'b'), ('c', '')]
    """
    kept = [list(row) for row in rows if any(row)]
    if not kept:
        return []
    first = min(next(i for i, cell in enumerate(row) if cell) for row in kept)
    last = max(max(i for i, cell in enumerate(row) if cell) for row in kept)
    width = last + 1 - first
    return [tuple((row[first : last + 1] + [""] * width)[:width]) for row in kept]


@dataclass
class Budget:
    """What is left of the reading limits across one file; shared by all its sheets."""

    # Looked up when a file is read, not when this module is imported, so tests can lower the limits.
    cells: int = field(default_factory=lambda: limits.READ_LIMITS.max_table_cells)
    scanned: int = field(default_factory=lambda: limits.READ_LIMITS.max_cells_scanned)

    @property
    def exhausted(self) -> bool:
        return self.cells <= 0 or self.scanned <= 0


@dataclass
class Grid:
    """One table as it is read: rows of cell text, and whether a limit cut it short."""

    rows: list[list[str]] = field(default_factory=list)
    note: str | None = None

    def add(self, cells: Sequence[str], budget: Budget, looked_at: int) -> bool:
        """Keep a row if the limits allow; False once reading this table must stop."""
        budget.scanned -= max(1, looked_at)
        filled = sum(1 for cell in cells if cell)
        if filled > limits.READ_LIMITS.max_table_cells and budget.cells > 0 and budget.scanned >= 0:
            # One row wider than the whole limit would otherwise leave nothing read: keep its first cells.
            self.rows.append(_first_filled(cells, budget.cells))
            self.note = CELLS_CAP_NOTE
            budget.cells = 0
            return False
        if budget.scanned < 0 or budget.cells < filled:
            self.note = CELLS_CAP_NOTE
            budget.cells = 0
            return False
        if not filled:
            return True
        if len(self.rows) >= limits.READ_LIMITS.max_rows_per_sheet:
            self.note = ROWS_CAP_NOTE
            return False
        budget.cells -= filled
        self.rows.append(list(cells))
        return True

    def render(self, heading: str | None = None) -> tuple[list[str], Table | None]:
        """The table's lines (a heading line first, if given) and its `Table`, if it has any rows."""
        rows = square(self.rows)
        lines = [heading] if heading else []
        lines.extend(pipe_row(row) for row in rows)
        if self.note:
            lines.append(self.note)
        return lines, (Table(rows=tuple(rows)) if rows else None)


def _first_filled(cells: Sequence[str], keep: int) -> list[str]:
    """`cells` up to and including the `keep`-th non-empty one."""
    filled = 0
    for end, cell in enumerate(cells, 1):
        filled += bool(cell)
        if filled == keep:
            return list(cells[:end])
    return list(cells)


# --- CSV and TSV ----------------------------------------------------------------------------------------


def _fallback_delimiter(sample: str) -> str:
    """The delimiter csv.Sniffer could not settle: the commonest candidate on the first line, else a comma."""
    first_line = sample.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _records(text: str, tab: bool) -> Iterator[list[str]]:
    """The file's records, in the dialect sniffed from its start (TSV files: tabs, if the header has any)."""
    # Whole lines only, and not too many: the Sniffer's quote-guessing regex slows badly on long input.
    sample = text[:SNIFF_CHARS]
    if "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    stream = io.StringIO(text, newline="")
    if tab and "\t" in sample.split("\n", 1)[0]:
        return csv.reader(stream, "excel-tab")
    try:
        return csv.reader(stream, csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS))
    except csv.Error:  # the Sniffer gives up on one-column files and on irregular rows
        return csv.reader(stream, "excel", delimiter=_fallback_delimiter(sample))


def read_csv(data: bytes, source: str, *, media_type: str = MEDIA_CSV, charset: str | None = None) -> Document:
    """Bytes of a CSV or TSV file -> `Document`: one pipe row per line of the file, and one `Table`."""
    decoded = decode_bytes(data, declared=charset)
    if control_ratio(decoded[:20_000]) > BINARY_CONTROL_RATIO:
        raise ReadError("binary", "content is binary data, not a CSV file")
    text = normalise_text(decoded)
    if not text.strip():
        raise ReadError("empty", "the CSV file is empty (no text, only whitespace)")
    budget = Budget()
    grid = Grid()
    try:
        for record in _records(text, tab=media_type == MEDIA_TSV):
            if not grid.add([clean_cell(value) for value in record], budget, len(record)):
                break
    except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit(): a damaged file
        raise ReadError("csv_damaged", f"cannot parse the CSV file ({exc})") from exc
    lines, table = grid.render()
    if table is None:
        raise ReadError("empty", "the CSV file has no non-empty rows")
    return Document(
        source=source,
        content_sha256=sha256_hex(data),
        media_type=media_type,
        text="\n".join(lines),
        tables=(table,),
    )
