"""One PDF page through pypdfium2: its text, with redacted characters removed, and cheap layout signals.

pypdfium2 reads text about 40x faster than pdfplumber (see /work/shared/STACK.md), but it knows nothing about
tables and keeps characters that a black box hides. One pass over the page objects (raw pdfium calls, no
per-object Python wrappers) gives what the reader needs to decide the rest:

- ruling lines (thin paths, rectangles, line segments of larger paths): pages with a grid are the only ones
  where pdfplumber's table finder (lines strategy) can find a table, so only they go to pdfplumber;
- image area: a page without text but covered by an image is a scan, worth OCR;
- dark filled boxes painted after text, and Square/Redact annotations: redactions. Characters whose centre
  they cover are replaced by one "█" per run and counted.

All coordinates here are PDF user space (origin bottom-left, y upwards), the space of pdfium's char boxes.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from foidata.extractors.document import REDACTED

# A box counts as "dark" below this luminance (0-255) and above this opacity: black and near-black
# redaction bars, not grey table shading or translucent highlights.
MAX_DARK_LUMINANCE = 80
MIN_OPAQUE_ALPHA = 200
# A cover must span at least this share of a character's height: an underline or strike-through is not one.
MIN_COVER_HEIGHT_SHARE = 0.6
# Ruling lines: thinner than this (points) across, at least MIN_RULE_LENGTH along.
MAX_RULE_THICKNESS = 2.5
MIN_RULE_LENGTH = 5.0
# Lines this close (points) are joined, and count as crossing: pdfplumber's default snap/join/intersection
# tolerances.
RULE_TOLERANCE = 3.0
# A row of at least two cells: three vertical rules between the same two horizontal ones.
MIN_ROW_RULES = 3
# Rules looked at per direction, and rule pairs checked for crossing: a page drawing more is a drawing, and
# a grid is taken as found.
MAX_RULES = 4000
MAX_CROSSINGS = 400_000
# Path segments examined per page before giving up on a huge vector drawing (maps, charts).
MAX_SEGMENTS = 20_000
# Unicode-map errors are checked on about this many characters per page, evenly spaced.
UNICODE_SAMPLE = 200
# Paint order given to annotations: pdfium draws them over all page content.
ANNOTATION_ORDER = 1 << 62

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
# A ruling line: (position across, start along, end along), e.g. (y, x0, x1) for a horizontal one.
Rule = tuple[float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in PDF user space."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def covers_char(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """True when the box holds the character's centre and most of its height."""
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not (self.x0 <= cx <= self.x1 and self.y0 <= cy <= self.y1):
            return False
        overlap = min(self.y1, y1) - max(self.y0, y0)
        return y1 - y0 <= 0 or overlap >= MIN_COVER_HEIGHT_SHARE * (y1 - y0)


@dataclass(frozen=True)
class Cover:
    """A dark box painted on the page, with its place in the paint order (later paints over earlier)."""

    box: Box
    order: int


@dataclass
class PageScan:
    """What one pass over a page's objects and annotations found."""

    page_area: float
    image_area: float = 0.0
    # Horizontal rules as (y, x0, x1) and vertical rules as (x, y0, y1).
    horizontal: list[Rule] = field(default_factory=list)
    vertical: list[Rule] = field(default_factory=list)
    covers: list[Cover] = field(default_factory=list)
    # Address of each text object -> its paint order, to tell a box over text from a box under it.
    text_order: dict[int, int] = field(default_factory=dict)

    @property
    def ruled(self) -> bool:
        """Rules forming a row (or, on a page turned sideways, a column) of at least two cells: the only place
        pdfplumber's table finder (lines strategy) finds a table with columns."""
        if len(self.horizontal) > MAX_RULES or len(self.vertical) > MAX_RULES:
            return True
        horizontal, vertical = _join(self.horizontal), _join(self.vertical)
        return _has_row_of_cells(horizontal, vertical) or _has_row_of_cells(vertical, horizontal)

    @property
    def image_share(self) -> float:
        """Share of the page covered by images (overlaps counted twice, so capped at 1)."""
        return min(1.0, self.image_area / self.page_area) if self.page_area > 0 else 0.0


@dataclass(frozen=True)
class PageText:
    """A page's text as pdfium reads it, with redacted runs replaced, and the boxes that hid something."""

    text: str
    redacted_spans: int = 0
    hidden: tuple[Box, ...] = ()


# --- page objects -------------------------------------------------------------------------------------------


def bare(function: Any) -> Any:
    """A pdfium function called without ctypes' per-argument conversion: a third of the cost of a call
    through pypdfium2's prototype, which checks each argument's type (0.25 s -> 0.11 s for the 395,000
    characters of the NHS SEL PDF). It returns what the prototype does, so a handle it gives can be passed
    on; the caller passes handles as such (or as c_void_p), out-parameters by reference and indices as ints.
    """
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:
        raise RuntimeError("pdfium function without an address")
    return ctypes.CFUNCTYPE(function.restype)(address)


_GET_SEGMENT = bare(pdfium_c.FPDFPath_GetPathSegment)
_SEGMENT_POINT = bare(pdfium_c.FPDFPathSegment_GetPoint)
_SEGMENT_TYPE = bare(pdfium_c.FPDFPathSegment_GetType)
_SEGMENT_CLOSES = bare(pdfium_c.FPDFPathSegment_GetClose)
_PAGE_OBJECT = bare(pdfium_c.FPDFPage_GetObject)
_FORM_OBJECT = bare(pdfium_c.FPDFFormObj_GetObject)
_OBJECT_TYPE = bare(pdfium_c.FPDFPageObj_GetType)


def _multiply(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying `inner` first, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _transform_box(m: Matrix, box: Box) -> Box:
    if m == IDENTITY:
        return box
    points = [_apply(m, x, y) for x in (box.x0, box.x1) for y in (box.y0, box.y1)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def _object_matrix(obj: pdfium_c.FPDF_PAGEOBJECT) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _bounds(obj: pdfium_c.FPDF_PAGEOBJECT) -> Box | None:
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return None
    return Box(left.value, bottom.value, right.value, top.value)


def _is_dark(red: int, green: int, blue: int, alpha: int) -> bool:
    return alpha >= MIN_OPAQUE_ALPHA and 0.299 * red + 0.587 * green + 0.114 * blue <= MAX_DARK_LUMINANCE


def _dark_fill(obj: pdfium_c.FPDF_PAGEOBJECT) -> bool:
    """True for a path filled (not only stroked) with an opaque dark colour."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke) or fill_mode.value == 0:
        return False
    red, green, blue, alpha = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not pdfium_c.FPDFPageObj_GetFillColor(obj, red, green, blue, alpha):
        return False
    return _is_dark(red.value, green.value, blue.value, alpha.value)


def _join(rules: list[Rule]) -> list[Rule]:
    """Rules on the same line (within RULE_TOLERANCE across) that touch or overlap become one rule, as
    pdfplumber snaps and joins edges. Sorting keeps it O(n log n) however many dashes a line has.

    >>> _join([(10.0, 0.0, 50.0), (11.0, 52.0, 90.0), (40.0, 0.0, 90.0)])
    [(10.5, 0.0, 90.0), (40.0, 0.0, 90.0)]
    """
    snapped: list[Rule] = []
    group: list[Rule] = []
    for rule in sorted(rules):
        if group and rule[0] - group[0][0] > RULE_TOLERANCE:
            snapped.extend(_snap(group))
            group = []
        group.append(rule)
    snapped.extend(_snap(group))
    joined: list[Rule] = []
    for across, start, end in sorted(snapped):
        if joined and joined[-1][0] == across and start <= joined[-1][2] + RULE_TOLERANCE:
            joined[-1] = (across, joined[-1][1], max(end, joined[-1][2]))
        else:
            joined.append((across, start, end))
    return joined


def _snap(group: list[Rule]) -> list[Rule]:
    """Rules of one line moved onto their mean position across."""
    if not group:
        return []
    mean = round(sum(rule[0] for rule in group) / len(group), 2)
    return [(mean, start, end) for _, start, end in group]


def _crosses(rule: Rule, other: Rule) -> bool:
    """Whether two perpendicular rules meet (within RULE_TOLERANCE)."""
    across, start, end = rule
    other_across, other_start, other_end = other
    return (other_start - RULE_TOLERANCE <= across <= other_end + RULE_TOLERANCE
            and start - RULE_TOLERANCE <= other_across <= end + RULE_TOLERANCE)


def _has_row_of_cells(rows: list[Rule], columns: list[Rule]) -> bool:
    """Two neighbouring `rows` rules both crossed by at least MIN_ROW_RULES `columns` rules.

    >>> grid = [(0.0, 0.0, 90.0), (20.0, 0.0, 90.0)], [(0.0, 0.0, 20.0), (45.0, 0.0, 20.0), (90.0, 0.0, 20.0)]
    >>> _has_row_of_cells(*grid), _has_row_of_cells(grid[0], grid[1][:2])
    (True, False)
    """
    if len(rows) < 2 or len(columns) < MIN_ROW_RULES:
        return False
    if len(rows) * len(columns) > MAX_CROSSINGS:
        return True  # a dense grid or a drawing: let pdfplumber judge
    rows = sorted(rows)
    cells: Counter[tuple[int, int]] = Counter()
    for column in columns:
        crossed = [index for index, row in enumerate(rows) if _crosses(row, column)]
        cells.update(pairwise(crossed))
    return any(count >= MIN_ROW_RULES for count in cells.values())


def _address(handle: Any) -> int:
    """A pdfium handle's address: the same object reached from the text page and from the page objects."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _children(page: pdfium.PdfPage, form: pdfium_c.FPDF_PAGEOBJECT | None) -> Iterator[pdfium_c.FPDF_PAGEOBJECT]:
    if form is None:
        handle = page.raw
        for index in range(pdfium_c.FPDFPage_CountObjects(handle)):
            yield _PAGE_OBJECT(handle, index)
    else:
        for index in range(pdfium_c.FPDFFormObj_CountObjects(form)):
            yield _FORM_OBJECT(form, index)


class _Scanner:
    """Walks the page objects in paint order (into form XObjects), filling a `PageScan`."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        width, height = page.get_size()
        self.page = page
        self.scan = PageScan(page_area=width * height)
        self.order = 0
        self.segments = 0

    def walk(self, form: pdfium_c.FPDF_PAGEOBJECT | None = None, matrix: Matrix = IDENTITY, depth: int = 0) -> None:
        for obj in _children(self.page, form):
            self.order += 1
            kind = _OBJECT_TYPE(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                self.scan.text_order[_address(obj)] = self.order
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                self._path(obj, matrix)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                box = _bounds(obj)
                if box is not None:
                    box = _transform_box(matrix, box)
                    self.scan.image_area += box.width * box.height
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
                # Objects inside a form XObject are in the form's space: its matrix maps them onto the page.
                self.walk(obj, _multiply(_object_matrix(obj), matrix), depth + 1)

    def _path(self, obj: pdfium_c.FPDF_PAGEOBJECT, matrix: Matrix) -> None:
        count = pdfium_c.FPDFPath_CountSegments(obj)
        if self.segments + count > MAX_SEGMENTS:
            return  # a huge vector drawing: enough rules have been seen to judge the page
        self.segments += count
        dark = _dark_fill(obj)
        for subpath in _subpaths(obj, _multiply(_object_matrix(obj), matrix), count):
            for start, end in pairwise(subpath):
                self._rule(start, end)
            if dark:
                box = _rectangle(subpath)
                if box is not None and box.width > MAX_RULE_THICKNESS and box.height > MAX_RULE_THICKNESS:
                    self.scan.covers.append(Cover(box, self.order))

    def _rule(self, start: Point, end: Point) -> None:
        """A straight horizontal or vertical segment is a rule; a filled thin rectangle gives two."""
        (x0, y0), (x1, y1) = start, end
        if abs(y1 - y0) <= MAX_RULE_THICKNESS and abs(x1 - x0) >= MIN_RULE_LENGTH:
            self.scan.horizontal.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= MAX_RULE_THICKNESS and abs(y1 - y0) >= MIN_RULE_LENGTH:
            self.scan.vertical.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _subpaths(obj: pdfium_c.FPDF_PAGEOBJECT, matrix: Matrix, count: int) -> list[list[Point]]:
    """The path's straight-line subpaths as page points (a closed subpath ends at its start again); a curve
    breaks the line, as it is no rule."""
    subpaths: list[list[Point]] = []
    current: list[Point] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    line_to = pdfium_c.FPDF_SEGMENT_LINETO
    # Four pdfium calls a segment, on pages with tens of thousands of them: bare calls (`bare`).
    get_segment, get_point, get_type, closes = _GET_SEGMENT, _SEGMENT_POINT, _SEGMENT_TYPE, _SEGMENT_CLOSES
    for index in range(count):
        segment = get_segment(obj, index)
        if not segment or not get_point(segment, x_ref, y_ref):
            continue
        point = _apply(matrix, x.value, y.value)
        kind = get_type(segment)
        if kind == line_to and current:
            current.append(point)
        else:  # a move, or a curve: start a new straight run here
            if len(current) > 1:
                subpaths.append(current)
            current = [point]
        if closes(segment) and len(current) > 1:
            current.append(current[0])
            subpaths.append(current)
            current = [current[0]]
    if len(current) > 1:
        subpaths.append(current)
    return subpaths


def _rectangle(points: list[Point]) -> Box | None:
    """The box a subpath draws when it is an axis-aligned rectangle (what a redaction bar is), else None."""
    if not 4 <= len(points) <= 6:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    box = Box(min(xs), min(ys), max(xs), max(ys))
    tolerance = 0.5
    on_edge = all(
        (abs(px - box.x0) <= tolerance or abs(px - box.x1) <= tolerance)
        and (abs(py - box.y0) <= tolerance or abs(py - box.y1) <= tolerance)
        for px, py in points
    )
    return box if on_edge else None


# --- annotations --------------------------------------------------------------------------------------------


def _annotation_box(annot: pdfium_c.FPDF_ANNOTATION) -> Box | None:
    rect = pdfium_c.FS_RECTF()
    if not pdfium_c.FPDFAnnot_GetRect(annot, rect):
        return None
    return Box(min(rect.left, rect.right), min(rect.bottom, rect.top), max(rect.left, rect.right),
               max(rect.bottom, rect.top))


def _quad_boxes(annot: pdfium_c.FPDF_ANNOTATION) -> list[Box]:
    """The areas a Redact annotation marks (QuadPoints), if it gives them."""
    boxes: list[Box] = []
    quad = pdfium_c.FS_QUADPOINTSF()
    for index in range(pdfium_c.FPDFAnnot_CountAttachmentPoints(annot)):
        if pdfium_c.FPDFAnnot_GetAttachmentPoints(annot, index, quad):
            xs = (quad.x1, quad.x2, quad.x3, quad.x4)
            ys = (quad.y1, quad.y2, quad.y3, quad.y4)
            boxes.append(Box(min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _square_is_filled_dark(annot: pdfium_c.FPDF_ANNOTATION) -> bool:
    """A Square annotation that shows as a dark filled box: its appearance stream fills dark, or (without
    one) its interior colour is dark."""
    count = pdfium_c.FPDFAnnot_GetObjectCount(annot)
    for index in range(count):
        obj = pdfium_c.FPDFAnnot_GetObject(annot, index)
        if obj and pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_PATH and _dark_fill(obj):
            return True
    if count:
        return False
    red, green, blue, alpha = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    interior = pdfium_c.FPDFANNOT_COLORTYPE_InteriorColor
    return bool(pdfium_c.FPDFAnnot_GetColor(annot, interior, red, green, blue, alpha)) and _is_dark(
        red.value, green.value, blue.value, alpha.value
    )


def _annotation_covers(page: pdfium.PdfPage) -> list[Cover]:
    """Redact annotations (content marked for removal) and dark filled Square annotations."""
    covers: list[Cover] = []
    invisible = pdfium_c.FPDF_ANNOT_FLAG_HIDDEN | pdfium_c.FPDF_ANNOT_FLAG_NOVIEW
    for index in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_c.FPDFPage_GetAnnot(page, index)
        if not annot:
            continue
        try:
            subtype = pdfium_c.FPDFAnnot_GetSubtype(annot)
            box = _annotation_box(annot)
            if subtype == pdfium_c.FPDF_ANNOT_REDACT:
                # Marked for redaction but not applied: the text is still there and must not be read.
                covers.extend(Cover(b, ANNOTATION_ORDER) for b in (_quad_boxes(annot) or ([box] if box else [])))
            elif (subtype == pdfium_c.FPDF_ANNOT_SQUARE and box is not None
                  and not pdfium_c.FPDFAnnot_GetFlags(annot) & invisible and _square_is_filled_dark(annot)):
                covers.append(Cover(box, ANNOTATION_ORDER))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return covers


def scan_page(page: pdfium.PdfPage) -> PageScan:
    """One pass over the page's objects and annotations."""
    scanner = _Scanner(page)
    scanner.walk()
    scanner.scan.covers.extend(_annotation_covers(page))
    return scanner.scan


# --- text -----------------------------------------------------------------------------------------------------


def unicode_error_share(textpage: pdfium.PdfTextPage) -> float:
    """Share of (sampled) characters whose font has no Unicode map: such text comes out as junk codes."""
    count = textpage.count_chars()
    if count <= 0:
        return 0.0
    step = max(1, count // UNICODE_SAMPLE)
    checked = errors = 0
    for index in range(0, count, step):
        if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        checked += 1
        errors += pdfium_c.FPDFText_HasUnicodeMapError(textpage, index) == 1
    return errors / checked if checked else 0.0


def _has_text_under(textpage: pdfium.PdfTextPage, box: Box) -> bool:
    return bool(textpage.get_text_bounded(box.x0, box.y0, box.x1, box.y1).strip())


def _dark_char(textpage: pdfium.PdfTextPage, index: int) -> bool:
    red, green, blue, alpha = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    if not pdfium_c.FPDFText_GetFillColor(textpage, index, red, green, blue, alpha):
        return False
    return _is_dark(red.value, green.value, blue.value, alpha.value)


def _hidden_chars(textpage: pdfium.PdfTextPage, covers: list[Cover], text_order: dict[int, int]) -> dict[int, int]:
    """Character index -> index of the cover hiding it.

    A box hides a character painted before it, and also one painted after it in a dark colour: black text on
    a black box is what "highlighting in black" in a word processor leaves behind. White text on a dark
    table header is painted after its box and stays.
    """
    hidden: dict[int, int] = {}
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    for index in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        if not pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top):
            continue
        under = [
            number for number, cover in enumerate(covers)
            if cover.box.covers_char(left.value, bottom.value, right.value, top.value)
        ]
        if not under:
            continue
        painted = text_order.get(_address(pdfium_c.FPDFText_GetTextObject(textpage, index)), -1)
        over = [number for number in under if covers[number].order > painted]
        if over:
            hidden[index] = over[0]
        elif _dark_char(textpage, index):
            hidden[index] = under[0]
    return hidden


def _replace_runs(text: str, hidden_at: dict[int, int]) -> tuple[str, int]:
    """Each run of hidden characters becomes one REDACTED mark. Spaces between two characters of the same
    cover go with the run; other whitespace stays, so that lines and columns keep their shape.

    >>> hidden = {**dict.fromkeys(range(6, 15), 0), **dict.fromkeys(range(15, 21), 1)}
    >>> _replace_runs("Price 1,173.00 602.00 each", hidden)
    ('Price █ █ each', 2)
    """
    out: list[str] = []
    runs = 0
    index = 0
    while index < len(text):
        cover = hidden_at.get(index)
        if cover is None or text[index].isspace():
            out.append(text[index])
            index += 1
            continue
        runs += 1
        out.append(REDACTED)
        index += 1
        while index < len(text):
            ahead = index
            while ahead < len(text) and text[ahead] in " \t":
                ahead += 1
            if ahead < len(text) and hidden_at.get(ahead) == cover and not text[ahead].isspace():
                index = ahead + 1
            else:
                break
    return "".join(out), runs


def page_text(textpage: pdfium.PdfTextPage, scan: PageScan) -> PageText:
    """The page's text in pdfium's reading order; characters under a redaction box are replaced."""
    text = textpage.get_text_range()
    covers = [cover for cover in scan.covers if _has_text_under(textpage, cover.box)]
    if not covers:
        return PageText(text)
    hidden = _hidden_chars(textpage, covers, scan.text_order)
    if not hidden:
        return PageText(text)
    # Char indices and text indices differ where pdfium drops or inserts characters; map them.
    hidden_at: dict[int, int] = {}
    for char_index, cover in hidden.items():
        text_index = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, char_index)
        if 0 <= text_index < len(text):
            hidden_at[text_index] = cover
    redacted, runs = _replace_runs(text, hidden_at)
    boxes = tuple(covers[number].box for number in sorted(set(hidden.values())))
    return PageText(redacted, runs, boxes)
