"""Word documents (DOCX): paragraphs and tables in document order, rendered like the HTML reader's text.

python-docx opens the package (zip, relationships, parts, with a parser that does not resolve entities);
the text is read from the XML directly, because python-docx's own walkers skip content controls
(<w:sdt>), tracked insertions, text boxes and fields, all common in council letter templates.

Layout: one block per paragraph, heading or table, blocks separated by one blank line, consecutive list
items on consecutive lines with their numbering as Word shows it ("1.", "(a)", "- " for bullets), a soft
line break as a new line, and each table row as `| cell | cell |` (a merged cell's text once, then empty
cells, as the HTML reader writes colspans). Tables used for layout (one column of paragraphs, or tables
inside tables) are read as blocks, as in HTML. Headers and footers come last, each distinct one once: they
often carry the reference ("Our ref: FOI 2023/0457") and the body's name, which extractors should see.
Not read: footnotes, endnotes, comments, deleted text, images.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.parser import parse_xml
from docx.package import Package

from foidata.extractors.document import Document, Table, sha256_hex
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.readers.html import list_marker
from foidata.extractors.readers.office import MEDIA_DOCX, guarded
from foidata.extractors.readers.tabular import Budget, Grid, clean_cell
from foidata.extractors.readers.text import normalise_text

# lxml elements (python-docx's BaseOxmlElement); lxml ships no type hints.
Element = Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


P, TBL, TR, TC, T, BODY = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("t"), _w("body")
TXBX_CONTENT = _w("txbxContent")
VAL = _w("val")
# Elements whose children are read as if they stood in their parent: content controls, custom XML,
# smart tags, tracked insertions and moves.
WRAPPERS = frozenset({_w("sdt"), _w("sdtContent"), _w("customXml"), _w("smartTag"), _w("ins"), _w("moveTo")})
# Subtrees with no visible text: properties, deleted text, field codes, the fallback copy of a drawing.
NO_TEXT = frozenset(
    {_w("pPr"), _w("rPr"), _w("tblPr"), _w("tcPr"), _w("trPr"), _w("sdtPr"), _w("sdtEndPr"), _w("del"),
     _w("moveFrom"), _w("instrText"), _w("delText"), _w("fldData"), f"{{{MC_NS}}}Fallback"}
)
CHARACTERS = {_w("tab"): "\t", _w("ptab"): "\t", _w("br"): "\n", _w("cr"): "\n", _w("noBreakHyphen"): "-"}
# Word's list number formats -> the HTML reader's <ol type> styles.
NUMBER_STYLES = {"decimal": "1", "lowerLetter": "a", "upperLetter": "A", "lowerRoman": "i", "upperRoman": "I"}
MAX_COLSPAN = 50
MAX_DEPTH = 12  # tables in tables and text boxes in text boxes; deeper content is read as plain text
MAX_STYLE_CHAIN = 10
_LEVEL_RE = re.compile(r"%([1-9])")


def _val(element: Element | None, child: str) -> str | None:
    """The w:val of `element`'s child `child` (e.g. pStyle), if both exist."""
    if element is None:
        return None
    found = element.find(_w(child))
    value = found.get(VAL) if found is not None else None
    return str(value) if value is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def children(element: Element) -> Iterator[Element]:
    """Child elements in order, with wrapper elements (content controls, insertions) opened."""
    stack = list(reversed(list(element)))
    while stack:
        child = stack.pop()
        if child.tag in WRAPPERS:
            stack.extend(reversed(list(child)))
        else:
            yield child


def run_text(paragraph: Element) -> tuple[str, list[Element]]:
    """A paragraph's visible text (tabs, breaks kept) and the text boxes anchored in it."""
    parts: list[str] = []
    boxes: list[Element] = []
    stack = list(reversed(list(paragraph)))
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag in NO_TEXT:
            continue
        if tag == T:
            parts.append(node.text or "")
        elif tag in CHARACTERS:
            parts.append(CHARACTERS[tag])
        elif tag == TXBX_CONTENT:
            boxes.append(node)  # read as blocks of their own after the paragraph
        else:
            stack.extend(reversed(list(node)))
    return "".join(parts), boxes


def text_lines(text: str) -> list[str]:
    """Non-empty lines of a paragraph's text, whitespace collapsed."""
    lines = (" ".join(line.split()) for line in normalise_text(text).split("\n"))
    return [line for line in lines if line]


# --- styles and numbering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    name: str
    based_on: str | None
    numbering: tuple[str, int | None] | None  # (numId, ilvl) a list style carries
    outline: int | None


def read_styles(root: Element | None) -> dict[str, Style]:
    """Paragraph styles by id, from styles.xml."""
    styles: dict[str, Style] = {}
    if root is None:
        return styles
    for style in root.iter(_w("style")):
        style_id = style.get(_w("styleId"))
        if style_id is None:
            continue
        ppr = style.find(_w("pPr"))
        styles[str(style_id)] = Style(
            name=_val(style, "name") or str(style_id),
            based_on=_val(style, "basedOn"),
            numbering=_num_pr(ppr),
            outline=_outline(ppr),
        )
    return styles


def _num_pr(ppr: Element | None) -> tuple[str, int | None] | None:
    numpr = ppr.find(_w("numPr")) if ppr is not None else None
    if numpr is None:
        return None
    num_id = _val(numpr, "numId")
    level = _val(numpr, "ilvl")
    return (num_id, _int(level, 0) if level is not None else None) if num_id is not None else None


def _outline(ppr: Element | None) -> int | None:
    level = _val(ppr, "outlineLvl")
    return _int(level, 9) if level is not None else None


@dataclass(frozen=True)
class Level:
    number_format: str
    text: str
    start: int


@dataclass
class Numbering:
    """Word's list numbering: what each list level looks like, and the counters as the document goes."""

    levels: dict[str, dict[int, Level]] = field(default_factory=dict)  # numId -> ilvl -> level
    starts: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> ilvl -> start override
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Element | None) -> Numbering:
        numbering = cls()
        if root is None:
            return numbering
        abstract: dict[str, dict[int, Level]] = {}
        for definition in root.iter(_w("abstractNum")):
            levels: dict[int, Level] = {}
            for lvl in definition.iter(_w("lvl")):
                ilvl = _int(lvl.get(_w("ilvl")), 0)
                text = _val(lvl, "lvlText")
                levels[ilvl] = Level(
                    number_format=_val(lvl, "numFmt") or "decimal",
                    text=text if text is not None else f"%{ilvl + 1}.",
                    start=_int(_val(lvl, "start"), 1),
                )
            abstract[str(definition.get(_w("abstractNumId")))] = levels
        for num in root.iter(_w("num")):
            num_id = str(num.get(_w("numId")))
            numbering.levels[num_id] = abstract.get(_val(num, "abstractNumId") or "", {})
            numbering.starts[num_id] = {
                _int(override.get(_w("ilvl")), 0): _int(_val(override, "startOverride"), 1)
                for override in num.iter(_w("lvlOverride"))
                if override.find(_w("startOverride")) is not None
            }
        return numbering

    def marker(self, num_id: str, ilvl: int) -> str | None:
        """The marker Word shows for the next item of list `num_id` at level `ilvl`; None if not a list."""
        if num_id == "0" or num_id not in self.levels:
            return None  # numId 0 switches numbering off
        levels = self.levels[num_id]
        level = levels.get(ilvl, Level("decimal", f"%{ilvl + 1}.", 1))
        counters = self.counters.setdefault(num_id, {})
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a new item restarts the levels below it
        start = self.starts.get(num_id, {}).get(ilvl, level.start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        if level.number_format == "bullet":
            return "- "
        if level.number_format == "none":
            return ""

        def number(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            shown = levels.get(k, level)
            style = NUMBER_STYLES.get(shown.number_format, "1")
            return list_marker(counters.get(k, shown.start), style).removesuffix(". ")

        text = _LEVEL_RE.sub(number, level.text).strip()
        return f"{text} " if text else ""


# --- walking the body ------------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # paragraph | item | table
    lines: list[str]


@dataclass
class WordReader:
    """Walks WordprocessingML (a body, a header, a cell, a text box) and collects blocks and tables."""

    styles: dict[str, Style]
    numbering: Numbering
    tables: list[Table] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    budget: Budget = field(default_factory=Budget)

    def walk(self, container: Element, depth: int = 0) -> None:
        for child in children(container):
            if child.tag == P:
                self.paragraph(child, depth)
            elif child.tag == TBL:
                self.table(child, depth)

    def _style_chain(self, style_id: str | None) -> Iterator[Style]:
        for _ in range(MAX_STYLE_CHAIN):  # basedOn chains can be cyclic in damaged files
            style = self.styles.get(style_id or "")
            if style is None:
                return
            yield style
            style_id = style.based_on

    def _list_marker(self, ppr: Element | None, style_id: str | None) -> str | None:
        """The paragraph's list marker: numbering set on the paragraph wins over its style's (List Number)."""
        own = _num_pr(ppr)
        inherited = next((s.numbering for s in self._style_chain(style_id) if s.numbering), None)
        chosen = own or inherited
        if chosen is None:
            return None
        levels = (own[1] if own else None, inherited[1] if inherited else None)
        return self.numbering.marker(chosen[0], next((lvl for lvl in levels if lvl is not None), 0))

    def _is_title(self, ppr: Element | None, style_id: str | None) -> bool:
        """A "Title" or "Heading 1" paragraph (by style or outline level): the document's title."""
        style = self.styles.get(style_id or "")
        name = "".join((style.name if style else style_id or "").lower().split())
        outline = _outline(ppr)
        if outline is None:
            outline = next((s.outline for s in self._style_chain(style_id) if s.outline is not None), None)
        return name in ("title", "heading1") or outline == 0

    def paragraph(self, element: Element, depth: int) -> None:
        text, boxes = run_text(element)
        lines = text_lines(text)
        ppr = element.find(_w("pPr"))
        style_id = _val(ppr, "pStyle")
        marker = self._list_marker(ppr, style_id)  # counted even when empty: Word numbers empty items too
        if lines:
            if marker:
                lines[0] = marker + lines[0]
            self.blocks.append(Block("item" if marker is not None else "paragraph", lines))
            if self.title is None and self._is_title(ppr, style_id):
                self.title = " ".join(lines)
        for box in boxes:
            self.nested(box, depth)

    def nested(self, container: Element, depth: int) -> None:
        """Content inside a layout table's cell or a text box: blocks of its own, to a depth limit."""
        if depth + 1 < MAX_DEPTH:
            self.walk(container, depth + 1)
            return
        lines = [line for p in container.iter(P) for line in text_lines(run_text(p)[0])]
        if lines:
            self.blocks.append(Block("paragraph", lines))

    def table(self, element: Element, depth: int) -> None:
        rows = [child for child in children(element) if child.tag == TR]
        if self._is_layout(element, rows):
            for row in rows:
                for cell in children(row):
                    if cell.tag == TC:
                        self.nested(cell, depth)
            return
        if self.budget.exhausted:  # the table that spent the budget carries the note; later ones are not read
            return
        # The cell limits of CSV and Excel files (readers/tabular.py), one budget for the whole document.
        grid = Grid()
        for row in rows:
            cells = self.row_cells(row)
            if not grid.add(cells, self.budget, len(cells)):
                break
        lines, table = grid.render()
        if lines:
            self.blocks.append(Block("table", lines))
        if table is not None:
            self.tables.append(table)

    def _is_layout(self, element: Element, rows: list[Element]) -> bool:
        """A table holding tables, or one column of several paragraphs, lays out text; it is not data."""
        if any(inner is not element for inner in element.iter(TBL)):
            return True
        one_column = all(sum(1 for c in children(row) if c.tag == TC) <= 1 for row in rows)
        if not one_column:
            return False
        for row in rows:
            for cell in children(row):
                paragraphs = [p for p in children(cell) if p.tag == P and text_lines(run_text(p)[0])]
                if len(paragraphs) > 1:
                    return True
        return False

    def row_cells(self, row: Element) -> list[str]:
        """A row's cells: a merged cell's text once, then an empty cell for each further column it spans."""
        cells = [""] * min(_int(_val(row.find(_w("trPr")), "gridBefore"), 0), MAX_COLSPAN)
        for cell in children(row):
            if cell.tag != TC:
                continue
            tcpr = cell.find(_w("tcPr"))
            span = min(max(_int(_val(tcpr, "gridSpan"), 1), 1), MAX_COLSPAN)
            merge = tcpr.find(_w("vMerge")) if tcpr is not None else None
            continued = merge is not None and merge.get(VAL) in (None, "continue")
            cells.append("" if continued else self.cell_text(cell))
            cells.extend([""] * (span - 1))
        return cells

    def cell_text(self, cell: Element) -> str:
        """A data cell's text on one line (its paragraphs joined with spaces)."""
        inner = WordReader(self.styles, self.numbering, budget=self.budget)
        inner.walk(cell, MAX_DEPTH)
        return clean_cell(" ".join(line for block in inner.blocks for line in block.lines))

    def text(self) -> str:
        """The blocks joined: one blank line between blocks, none between items of one list."""
        out: list[str] = []
        previous: Block | None = None
        for block in self.blocks:
            if previous is not None and not (previous.kind == block.kind == "item"):
                out.append("")
            out.extend(block.lines)
            previous = block
        return "\n".join(out)


# --- the package -----------------------------------------------------------------------------------------


def _part_xml(part: Any) -> Element:
    """A part's parsed XML: python-docx parses the parts it knows; others (e.g. a .docm's main part) here."""
    element = getattr(part, "element", None)
    return element if element is not None else parse_xml(part.blob)


def _related_xml(part: Any, reltype: str) -> Element | None:
    try:
        return _part_xml(part.part_related_by(reltype))
    except KeyError:
        return None


def _header_footer_parts(part: Any, body: Element) -> list[Any]:
    """Header parts then footer parts, in the order the sections name them, each once."""
    found: dict[str, Any] = {}
    for kind in ("headerReference", "footerReference"):
        for reference in body.iter(_w(kind)):
            rid = reference.get(R_ID)
            if rid is not None and rid not in found and rid in part.rels:
                found[rid] = part.related_parts[rid]
    return list(found.values())


def _read_docx(stream: io.BytesIO) -> tuple[str, str | None, list[Table]]:
    part = Package.open(stream).main_document_part
    content_type = str(part.content_type)
    if "main+xml" not in content_type or not ("wordprocessingml" in content_type or "ms-word" in content_type):
        raise ReadError("docx_damaged", f"the main part is not a Word document (content type {content_type})")
    body = _part_xml(part).find(BODY)
    if body is None:
        raise ReadError("docx_damaged", "the Word document has no body")
    reader = WordReader(read_styles(_related_xml(part, RT.STYLES)), Numbering.read(_related_xml(part, RT.NUMBERING)))
    reader.walk(body)
    seen: set[str] = set()
    for hf_part in _header_footer_parts(part, body):
        extra = WordReader(reader.styles, reader.numbering, budget=reader.budget)
        extra.walk(_part_xml(hf_part))
        rendered = extra.text()
        if rendered and rendered not in seen:  # first-page, odd and even headers often repeat each other
            seen.add(rendered)
            reader.blocks.extend(extra.blocks)
            reader.tables.extend(extra.tables)
    return reader.text(), reader.title, reader.tables


def read_docx(data: bytes, source: str) -> Document:
    """Bytes of a DOCX file -> `Document`: text in document order, tables kept (see the module docstring)."""
    text, title, tables = guarded(MEDIA_DOCX, data, _read_docx)
    if not text.strip():
        raise ReadError("empty", "the Word document has no text (it may hold only images)")
    return Document(
        source=source,
        content_sha256=sha256_hex(data),
        media_type=MEDIA_DOCX,
        text=text,
        title=title,
        tables=tuple(tables),
    )
