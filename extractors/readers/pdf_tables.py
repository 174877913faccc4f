"""Tables of a ruled page from pypdfium2 alone: the grid pdfplumber's table finder (lines strategy) would find,
from the ruling lines `pdf_page.scan_page` already collected, filled with pdfium's characters.

pdfplumber needs pdfminer's parse of the whole page first, 15-30 pages/s; this reads the same page hundreds of
times a second, so that a text-layer PDF full of tables costs about what its text does (bench/pdf.py). The
steps are pdfplumber's: rules snapped and joined, their crossings, the smallest cell at each crossing whose
four sides are rules, cells sharing a corner grouped into a table, rows by cell top and columns by cell left;
a character belongs to the cell holding its centre; a cell's text is its characters in lines, a space where
a gap is wider than X_TOLERANCE, duplicate 'fake bold' characters dropped.

`read_pdf` keeps pdfplumber where this would be less faithful: pages turned sideways (/Rotate), pages with
redaction boxes, and drawings with more rules than MAX_RULES.
"""

from __future__ import annotations

import bisect
import ctypes
import math
from collections import defaultdict
from collections.abc import Sequence

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from foidata.extractors.document import Table
from foidata.extractors.readers.pdf_page import MAX_RULES, RULE_TOLERANCE, PageScan, Rule, _join, bare
from foidata.extractors.readers.text import normalise_text

# pdfplumber's extract_text defaults: characters this close (points) across are one line, a gap wider than
# this along is a space; characters of the same text this close are one drawn twice (dedupe_chars).
Y_TOLERANCE = 3.0
X_TOLERANCE = 3.0
DEDUPE_TOLERANCE = 1.0
# pdfplumber's edge_min_length: shorter joined rules take no part in cells.
MIN_EDGE_LENGTH = 3.0

# pdfium's code for a hyphen that ends a line (pdfminer gives it as "-").
SOFT_HYPHEN_CODE = 2
# What pdfium's generated characters can be (CPDF_TextPage adds spaces and \r\n line ends, nothing else).
GENERATED_CODES = frozenset({0x20, 0x0D, 0x0A})

Point = tuple[float, float]
Cell = tuple[float, float, float, float]  # x0, top, x1, bottom in user space (y upwards: top > bottom)
Char = tuple[float, float, float, float, str]  # x0, x1, centre x, centre y, text


def can_read(scan: PageScan, rotation: int, hidden: Sequence[object]) -> bool:
    """Whether this module reads the page's tables as pdfplumber would (else pdfplumber is asked)."""
    return (rotation % 360 == 0 and not hidden and len(scan.horizontal) <= MAX_RULES
            and len(scan.vertical) <= MAX_RULES)


def page_tables(textpage: pdfium.PdfTextPage, scan: PageScan, number: int) -> list[Table]:
    """The tables of one (unrotated) page, cells as text, empty rows left out."""
    cells = _cells(scan)
    if not cells:
        return []
    chars = _ByCentre(_chars(textpage))
    tables: list[Table] = []
    for group in _group(cells):
        rows = tuple(row for row in _fill(group, chars.within(group)) if any(row))
        if rows:
            tables.append(Table(rows=rows, page=number))
    return tables


# --- the grid -----------------------------------------------------------------------------------------------


def _edges(rules: list[Rule]) -> list[Rule]:
    return [rule for rule in _join(rules) if rule[2] - rule[1] >= MIN_EDGE_LENGTH]


def _cells(scan: PageScan) -> list[Cell]:
    horizontal, vertical = _edges(scan.horizontal), _edges(scan.vertical)
    # Crossing point -> the rules through it, as pdfplumber's edges_to_intersections.
    through_v: dict[Point, set[int]] = defaultdict(set)
    through_h: dict[Point, set[int]] = defaultdict(set)
    # Horizontal rules by height: each vertical rule looks only at those within its own span, not at all of
    # them (a full-page grid has hundreds of each).
    by_height = sorted((hi for hi, rule in enumerate(horizontal) if math.isfinite(rule[0])),
                       key=lambda hi: horizontal[hi][0])
    heights = [horizontal[hi][0] for hi in by_height]
    for vi, (x, y0, y1) in enumerate(vertical):
        start = bisect.bisect_left(heights, y0 - RULE_TOLERANCE)
        end = bisect.bisect_right(heights, y1 + RULE_TOLERANCE)
        for hi in by_height[start:end]:
            y, x0, x1 = horizontal[hi]
            if (x0 - RULE_TOLERANCE <= x <= x1 + RULE_TOLERANCE
                    and y0 - RULE_TOLERANCE <= y <= y1 + RULE_TOLERANCE):
                through_v[x, y].add(vi)
                through_h[x, y].add(hi)
    # pdfplumber sorts points by (x, top): here top-down is y downwards, so by (x, -y).
    points = sorted(through_v, key=lambda p: (p[0], -p[1]))
    by_x: dict[float, list[Point]] = defaultdict(list)
    by_y: dict[float, list[Point]] = defaultdict(list)
    for point in points:
        by_x[point[0]].append(point)
        by_y[point[1]].append(point)
    # Where each point sits in its column (top down) and its row (left to right): the points below it and
    # right of it are those after it, nearest first.
    in_column = {point: index for column in by_x.values() for index, point in enumerate(column)}
    in_row = {point: index for row in by_y.values() for index, point in enumerate(row)}
    cells: list[Cell] = []
    for point in points:
        below, right = by_x[point[0]][in_column[point] + 1:], by_y[point[1]][in_row[point] + 1:]
        cell = _smallest_cell(point, below, right, through_v, through_h)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point: Point, below: list[Point], right: list[Point],
                   through_v: dict[Point, set[int]], through_h: dict[Point, set[int]]) -> Cell | None:
    x, y = point
    for low in below:
        if not through_v[point] & through_v[low]:
            continue
        for side in right:
            if not through_h[point] & through_h[side]:
                continue
            corner = (side[0], low[1])
            if (corner in through_v and through_v[corner] & through_v[side]
                    and through_h[corner] & through_h[low]):
                return (x, y, side[0], low[1])
    return None


def _group(cells: list[Cell]) -> list[list[Cell]]:
    """Cells sharing a corner, as tables of at least two cells, top to bottom then left to right."""
    corner_owner: dict[Point, int] = {}
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for index, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            other = corner_owner.setdefault(corner, index)
            parent[find(other)] = find(index)
    groups: dict[int, list[Cell]] = defaultdict(list)
    for index, cell in enumerate(cells):
        groups[find(index)].append(cell)
    tables = [group for group in groups.values() if len(group) > 1]
    return sorted(tables, key=lambda group: min((-c[1], c[0]) for c in group))


# --- the text -----------------------------------------------------------------------------------------------


_IS_GENERATED = bare(pdfium_c.FPDFText_IsGenerated)
_UNICODE_OF = bare(pdfium_c.FPDFText_GetUnicode)
_LOOSE_BOX = bare(pdfium_c.FPDFText_GetLooseCharBox)


def _chars(textpage: pdfium.PdfTextPage) -> list[Char]:
    """The page's drawn characters with their loose boxes: font ascent to descent and origin to advance,
    as pdfminer gives them, so that a comma sits on its word's line and a gap means a space.
    pdfium's generated spaces and line ends are left out."""
    chars: list[Char] = []
    rect = pdfium_c.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    # A dense table page has 10,000 characters or more and each pdfium call costs about a microsecond of
    # ctypes: the functions are bare (`pdf_page.bare`), and only a space or line end (the only characters pdfium
    # generates) is asked whether it was generated.
    handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
    is_generated, unicode_of, loose_box = _IS_GENERATED, _UNICODE_OF, _LOOSE_BOX
    for index in range(pdfium_c.FPDFText_CountChars(textpage.raw)):
        code = unicode_of(handle, index)
        if not code or (code in GENERATED_CODES and is_generated(handle, index) == 1):
            continue
        if not loose_box(handle, index, rect_ref):
            continue
        try:
            text = "-" if code == SOFT_HYPHEN_CODE else chr(code)
        except ValueError:
            continue
        left, right = rect.left, rect.right
        x0, x1 = (left, right) if left <= right else (right, left)
        chars.append((x0, x1, (x0 + x1) / 2, (rect.top + rect.bottom) / 2, text))
    return chars


class _ByCentre:
    """A page's characters ordered by centre x, so that each table takes only those in its own columns: a
    259-page budget PDF has several tables a page, and each looked at every character of its page."""

    def __init__(self, chars: list[Char]) -> None:
        self.chars = chars
        # A character with no finite centre lands in no cell, and would spoil the order.
        self.order = sorted((i for i, char in enumerate(chars) if math.isfinite(char[2])), key=lambda i: chars[i][2])
        self.centres = [chars[i][2] for i in self.order]

    def within(self, cells: list[Cell]) -> list[Char]:
        """The characters whose centre is in the cells' span across (x0 <= x < x1), in page order: the
        order `_text` keeps for characters on the same spot."""
        start = bisect.bisect_left(self.centres, min(cell[0] for cell in cells))
        end = bisect.bisect_left(self.centres, max(cell[2] for cell in cells))
        return [self.chars[i] for i in sorted(self.order[start:end])]


def _fill(cells: list[Cell], chars: list[Char]) -> list[tuple[str, ...]]:
    """pdfplumber's Table.extract: rows by cell top, a column per distinct cell left, '' where none."""
    xs = sorted({cell[0] for cell in cells})
    tops = sorted({cell[1] for cell in cells}, reverse=True)
    inside = _assign(cells, chars)
    by_top: dict[float, dict[float, Cell]] = defaultdict(dict)
    for cell in cells:
        by_top[cell[1]][cell[0]] = cell
    rows: list[tuple[str, ...]] = []
    for top in tops:
        row = by_top[top]
        rows.append(tuple(_text(inside.get(row[x], [])) if x in row else "" for x in xs))
    return rows


def _assign(cells: list[Cell], chars: list[Char]) -> dict[Cell, list[Char]]:
    """Each character to the cell holding its centre (x0 <= x < x1, bottom < y <= top), through the grid of
    the table's distinct cell edges."""
    xs = sorted({c[0] for c in cells} | {c[2] for c in cells})
    ys = sorted({c[1] for c in cells} | {c[3] for c in cells})
    column = {x: i for i, x in enumerate(xs)}
    row = {y: j for j, y in enumerate(ys)}
    grid: dict[tuple[int, int], Cell] = {}
    for cell in cells:
        x0, top, x1, bottom = cell
        for i in range(column[x0], column[x1]):
            for j in range(row[bottom], row[top]):
                grid.setdefault((i, j), cell)
    inside: dict[Cell, list[Char]] = defaultdict(list)
    for char in chars:
        i = bisect.bisect_right(xs, char[2]) - 1
        j = bisect.bisect_left(ys, char[3]) - 1
        found = grid.get((i, j))
        if found is not None:
            inside[found].append(char)
    return inside


def _text(chars: list[Char]) -> str:
    """A cell's characters as one line of words: lines top to bottom, a space for each wide gap."""
    if not chars:
        return ""
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: -c[3]):
        if lines and abs(lines[-1][0][3] - char[3]) <= Y_TOLERANCE:
            lines[-1].append(char)
        else:
            lines.append([char])
    words: list[str] = []
    for line in lines:
        previous: Char | None = None
        for char in sorted(line, key=lambda c: c[0]):
            if previous is not None and char[4] == previous[4] and abs(char[0] - previous[0]) <= DEDUPE_TOLERANCE:
                continue  # drawn twice for a bold look
            if previous is not None and char[0] - previous[1] > X_TOLERANCE:
                words.append(" ")
            words.append(char[4])
            previous = char
        words.append(" ")
    return " ".join(normalise_text("".join(words)).split())
