"""Saved HTML pages (disclosure-log entries): main content as line-oriented text, tables and links kept.

The text is rendered the way extractors expect: one block (paragraph, heading, list item, table row) per
line, inline whitespace collapsed, at most one blank line in a row, `<ol>` items numbered ("1. ", "a. "),
`<ul>` items dashed ("- "), and each table row on one line as `| cell | cell |`. Site chrome (scripts, menus,
cookie banners, breadcrumbs, quick-exit buttons, share links, headers and footers) is removed first.

Pages are parsed by lxml's HTML parser (libxml2) and walked as lxml elements: the same parser BeautifulSoup's "lxml"
builder drives, without building a second tree in Python, which made reading a page 4-5x slower. (The
scrapers in `foidata.flows.sources` keep BeautifulSoup for their site selectors.)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from cssselect import HTMLTranslator
from lxml import etree

from foidata.extractors.document import MEDIA_HTML, Document, Link, Table, sha256_hex
from foidata.extractors.readers.errors import ReadError
from foidata.extractors.readers.tabular import CELLS_CAP_NOTE
from foidata.extractors.readers.text import bom_encoding, decode_bytes, normalise_text
from foidata.schemas import limits

# An lxml element; lxml ships no type information.
Element = Any

# Elements never rendered, wherever they are.
DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "button",
    "select", "textarea", "input", "nav", "aside",
)
# Dropped unless they wrap the content (ASP.NET pages put the whole page in one <form>).
GUARDED_DROP_TAGS = ("form",)
# Page-level header/footer are dropped; an <article>'s own <header> (title, dates) is kept.
SECTIONING_TAGS = ("header", "footer")
CONTENT_ANCESTORS = ("main", "article")
# Chrome holding more than this share of the page's text is really the page, and is kept.
MAX_CHROME_SHARE = 0.5
DROP_ROLES = frozenset({"navigation", "search", "banner", "contentinfo", "complementary", "menu", "menubar"})

# id/class/aria-label fragments that mark site chrome (matched as substrings of the lower-cased attributes).
CHROME_SUBSTRINGS = (
    "cookie", "consent", "gdpr", "onetrust", "optanon", "breadcrumb", "skiplink", "skip-link", "skip_link",
    "skip-to", "skip_to", "skipto", "skip-nav", "skipnav", "quick-exit", "quickexit", "quick_exit",
    "leave-site", "leave-this-site", "leavesite", "exit-site", "exitsite", "exit-this-site", "safety-exit",
    "megamenu", "mega-menu", "navbar", "site-search", "sitesearch", "search-form", "searchform",
    "search-box", "searchbox", "search-bar", "searchbar", "social-share", "socialshare", "share-this",
    "sharethis", "addthis", "share-buttons", "phase-banner", "beta-banner",
)
# Whole words (id/class split on non-alphanumerics) that mark site chrome.
CHROME_TOKENS = frozenset(
    {"menu", "nav", "navigation", "breadcrumbs", "skip", "search", "share", "sharing", "social"}
)
# A word that, next to "search", means search results (content), not a search box.
NOT_CHROME_TOKENS = frozenset({"result", "results"})

# Where the main content is, strongest first: (CSS selector, minimum share of the page's text).
MAIN_SELECTORS: tuple[tuple[str, float], ...] = (
    ("main", 0.10),
    ("[role=main]", 0.10),
    ("article", 0.10),
    ("#content", 0.25),
    ("#main-content", 0.25),
    ("#maincontent", 0.25),
    (".main-content", 0.25),
    (".content", 0.25),
)
MIN_MAIN_CHARS = 25
CONTENT_IDS = frozenset({"content", "main-content", "maincontent"})

# Blocks separated from their neighbours by a blank line (inside a list item: by a line break only).
PARAGRAPH_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "hr", "figure",
     "address", "fieldset", "details"}
)
# Blocks that start and end a line.
LINE_BLOCKS = frozenset(
    {"div", "section", "article", "main", "header", "footer", "li", "dt", "dd", "tr", "td", "th", "caption",
     "figcaption", "summary", "form", "body", "html", "center", "tbody", "thead", "tfoot", "legend", "option",
     "menu", "dialog", "search"}
)
# Block-level children that make a one-column table a layout box rather than data.
BLOCK_CHILDREN = ("p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "blockquote")
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:")
MAX_COLSPAN = 50
# Nesting deeper than READ_LIMITS.max_html_depth is a page built to exhaust parsers, refused: libxml2 stops
# there itself (with huge_tree), losing the rest of the page, and the same limit is checked here for builds
# that go on. Old pages that get there on thousands of unclosed <font> tags are parsed again with their inline
# formatting tags unwrapped, which changes none of their text.
INLINE_FORMATTING_TAGS = ("font", "span", "b", "i", "u", "em", "strong", "small", "big", "s", "strike", "tt")

_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_:.\-]+)""", re.I)
_SPLIT_RE = re.compile(r"[^a-z0-9]+")
_CHROME_SUBSTRING_RE = re.compile("|".join(map(re.escape, CHROME_SUBSTRINGS)))
_INLINE_TAG_RE = re.compile(rf"</?(?:{'|'.join(INLINE_FORMATTING_TAGS)})(?:\s[^>]*)?/?>", re.I)
# Alaveteli thread pages (WhatDoTheyKnow and its sister sites) print each message as a div.correspondence; the
# requester's are "outgoing".
REQUESTER_MESSAGES = etree.XPath(HTMLTranslator().css_to_xpath("div.correspondence.outgoing", prefix="descendant::"))
_MAIN_XPATHS = tuple(
    (etree.XPath(HTMLTranslator().css_to_xpath(selector, prefix="descendant::")), share)
    for selector, share in MAIN_SELECTORS
)


def collapse(text: str) -> str:
    """Normalised text on one line with single spaces.

    >>> collapse("  FOI\\n 15435\\u00a0reply ")
    'FOI 15435 reply'
    """
    return " ".join(normalise_text(text).split())


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag or XML declaration (first 4 KB), if any."""
    head = data[:4096]
    match = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", errors="ignore").lower()
    # WHATWG: a <meta> claiming UTF-16/32 in bytes that were readable as ASCII is wrong; ignore it.
    return None if label.startswith(("utf-16", "utf-32", "utf16", "utf32")) else label


def decode_html(data: bytes) -> str:
    """HTML bytes to str: BOM, then the declared charset, then the text.py fallbacks."""
    if bom_encoding(data) is not None:
        return decode_bytes(data)
    return decode_bytes(data, declared=declared_charset(data))


# --- tree helpers ------------------------------------------------------------------------------------------


def _children(el: Element) -> list[Element]:
    return [child for child in el if isinstance(child.tag, str)]


def _text(el: Element, separator: str = "") -> str:
    """All text under el (not its tail), the pieces joined by `separator`, like BeautifulSoup's get_text."""
    return separator.join(el.itertext())


def _nearest_table(el: Element) -> Element | None:
    return next(el.iterancestors("table"), None)


def _drop(el: Element) -> None:
    """Remove el and everything under it, keeping its tail (the text after it) in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _get(el: Element, name: str) -> str | None:
    value = el.get(name)
    return value if isinstance(value, str) else None


# --- cleaning -------------------------------------------------------------------------------------------


def _attr_text(el: Element) -> str:
    values = [_get(el, "id"), " ".join((_get(el, "class") or "").split()), _get(el, "aria-label")]
    return " ".join(v for v in values if v).lower()


def _is_chrome(el: Element) -> bool:
    """True when id/class/role/aria-label mark the element as site chrome (banner, menu, search, ...)."""
    role = _get(el, "role")
    if role is not None and role.strip().lower() in DROP_ROLES:
        return True
    attrs = _attr_text(el)
    if not attrs:
        return False
    if _CHROME_SUBSTRING_RE.search(attrs):
        return True
    tokens = set(_SPLIT_RE.split(attrs))
    if tokens & NOT_CHROME_TOKENS:
        tokens.discard("search")
    return bool(tokens & CHROME_TOKENS)


def _is_hidden(el: Element) -> bool:
    if "hidden" in el.attrib or (_get(el, "aria-hidden") or "").lower() == "true":
        return True
    style = (_get(el, "style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _is_main_landmark(el: Element) -> bool:
    return el.tag in ("main", "article") or el.get("role") == "main" or el.get("id") in CONTENT_IDS


@dataclass
class _ContentHolders:
    """Elements that are or wrap the page's main content (<main>, <article>, role=main, #content), and those
    that are or wrap an <h1>: found in one pass, before anything is dropped, because an element is judged
    while its own subtree is still whole."""

    main: set[Element] = field(default_factory=set)
    heading: set[Element] = field(default_factory=set)

    @classmethod
    def of(cls, root: Element) -> _ContentHolders:
        holders = cls()
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            if _is_main_landmark(el):
                holders._mark(el, holders.main)
            if el.tag == "h1":
                holders._mark(el, holders.heading)
        return holders

    @staticmethod
    def _mark(el: Element, marked: set[Element]) -> None:
        while el is not None and el not in marked:
            marked.add(el)
            el = el.getparent()

    def holds(self, el: Element, headings: bool = True) -> bool:
        """True for elements that are, or wrap, the page's main content: never dropped as chrome.

        With `headings`, an element holding an <h1> counts too (a page-level <header> with the site's logo in
        an <h1> does not, so it is asked with headings=False).
        """
        return el.tag in ("html", "body") or el in self.main or (headings and el in self.heading)


def _text_chars(el: Element) -> int:
    """Non-whitespace characters of text under el."""
    return len("".join(_text(el, " ").split()))


def _walk_removing(root: Element, should_drop: Callable[[Element, bool], bool]) -> None:
    """Visit every element once (iteratively), dropping those `should_drop(el, inside_content)` picks."""
    stack: list[tuple[Element, bool]] = [(root, False)]
    while stack:
        el, inside = stack.pop()
        if el is not root and should_drop(el, inside):
            _drop(el)
            continue
        inside = inside or el.tag in CONTENT_ANCESTORS or el.get("role") == "main"
        stack.extend((child, inside) for child in _children(el))


def remove_chrome(root: Element) -> None:
    """Remove scripts, hidden elements and site chrome in place.

    An element marked as chrome is kept when it wraps the main content (<main>, <article>, an <h1>,
    #content) or most of the page's text: ASP.NET pages wrap everything in one <form>, and modal
    scripts set aria-hidden on the whole page while a cookie dialog is open.
    """
    for el in list(root.iterdescendants(*DROP_TAGS)):
        _drop(el)
    page_chars = _text_chars(root)
    holders = _ContentHolders.of(root)

    def wraps_content(el: Element, headings: bool = True) -> bool:
        return holders.holds(el, headings) or _text_chars(el) > MAX_CHROME_SHARE * page_chars

    def should_drop(el: Element, inside: bool) -> bool:
        if el.tag in SECTIONING_TAGS:
            return not inside and not wraps_content(el, headings=False)
        chrome = el.tag in GUARDED_DROP_TAGS or _is_hidden(el) or _is_chrome(el)
        return chrome and not wraps_content(el)

    _walk_removing(root, should_drop)


def choose_main(root: Element) -> Element:
    """The element holding the main content; <body> (or the whole document) when nothing fits."""
    body = root.find("body")
    if body is None:
        body = root
    page_chars = len(collapse(_text(body, " ")))
    for xpath, min_share in _MAIN_XPATHS:
        best: Element | None = None
        best_chars = -1
        for candidate in xpath(body):
            chars = len(collapse(_text(candidate, " ")))
            if chars > best_chars:
                best, best_chars = candidate, chars
        if best is not None and best_chars >= max(MIN_MAIN_CHARS, min_share * page_chars):
            return best
    return body


# --- rendering ------------------------------------------------------------------------------------------


def _roman(number: int) -> str:
    values = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
              (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = []
    for value, numeral in values:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


def _letters(number: int) -> str:
    out = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def list_marker(number: int, style: str) -> str:
    """The marker of item `number` of an <ol type=style>: '3. ', 'c. ', 'C. ', 'iii. ', 'III. '.

    >>> list_marker(2, "a"), list_marker(4, "I")
    ('b. ', 'IV. ')
    """
    if number <= 0 or style == "1":
        return f"{number}. "
    marker = {"a": _letters, "A": _letters, "i": _roman, "I": _roman}.get(style)
    if marker is None:
        return f"{number}. "
    text = marker(number)
    return (text.upper() if style.isupper() else text) + ". "


def _int_attr(el: Element, name: str) -> int | None:
    value = _get(el, name)
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


@dataclass
class _ListState:
    ordered: bool
    style: str = "1"
    next_number: int = 1
    step: int = 1


def _own_rows(table: Element) -> list[Element]:
    return [tr for tr in table.iterdescendants("tr") if _nearest_table(tr) is table]


def _cells(tr: Element) -> list[Element]:
    return [cell for cell in tr if cell.tag in ("td", "th")]


def _is_layout_table(table: Element, rows: list[Element]) -> bool:
    """Tables used for page layout or as a text box are rendered as blocks, not as data rows."""
    if (_get(table, "role") or "").lower() in ("presentation", "none"):
        return True
    if next(table.iterdescendants("table"), None) is not None:
        return True
    one_column = all(len(_cells(tr)) <= 1 for tr in rows)
    return one_column and next(table.iterdescendants(*BLOCK_CHILDREN), None) is not None


_ENTER, _LEAVE, _TEXT = 0, 1, 2


@dataclass
class _Renderer:
    """Walks a tree (iteratively: old pages nest unclosed tags thousands deep) and collects lines."""

    tables: list[Table] | None = None
    lines: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    prefix: str | None = None
    want_blank: bool = False
    lists: list[_ListState] = field(default_factory=list)
    li_depth: int = 0
    # Looked up per page, not at import, so tests can lower the limit.
    cells_left: int = field(default_factory=lambda: limits.READ_LIMITS.max_table_cells)
    capped: bool = False

    # line assembly
    def newline(self) -> None:
        # Normalised once a line, not once a text node: the same characters, a fraction of the calls.
        line = " ".join(normalise_text("".join(self.parts)).split())
        self.parts = []
        if not line:
            return
        if self.prefix:
            line, self.prefix = self.prefix + line, None
        self._append(line)

    def _append(self, line: str) -> None:
        if self.want_blank and self.lines:
            self.lines.append("")
        self.want_blank = False
        self.lines.append(line)

    def blank(self) -> None:
        self.newline()
        self.want_blank = True

    def block_edge(self, name: str) -> None:
        if name in PARAGRAPH_BLOCKS and self.li_depth == 0:
            self.blank()
        else:
            self.newline()

    # walking
    def render(self, root: Element) -> list[str]:
        # (what, node): an element to open or close, or a text (an element's text or a child's tail).
        stack: list[tuple[int, Any]] = [(_ENTER, root)]
        while stack:
            what, node = stack.pop()
            if what == _TEXT:
                self.parts.append(node)
            elif what == _LEAVE:
                self.leave(node)
            elif self.enter(node):
                stack.append((_LEAVE, node))
                for child in reversed(node):
                    if child.tail:
                        stack.append((_TEXT, child.tail))
                    if isinstance(child.tag, str):  # comments and processing instructions: only the tail
                        stack.append((_ENTER, child))
                if node.text:
                    stack.append((_TEXT, node.text))
        self.newline()
        return self.lines

    def enter(self, el: Element) -> bool:
        """Open an element; False when it was rendered whole (table, pre) and has no children to walk."""
        name = el.tag
        if name in ("head", "title"):
            return False
        if name == "br":
            self.newline()
            return False
        if name == "pre":
            self.block_edge(name)
            self.render_pre(el)
            self.block_edge(name)
            return False
        if name == "table":
            rows = _own_rows(el)
            if not _is_layout_table(el, rows):
                self.block_edge(name)
                self.render_table(el, rows)
                self.block_edge(name)
                return False
            self.newline()
            return True
        if name in ("ol", "ul"):
            self.block_edge(name)
            self.lists.append(self.list_state(el))
        elif name == "li":
            self.newline()
            self.li_depth += 1
            self.prefix = self.li_marker(el)
        elif name in PARAGRAPH_BLOCKS:
            self.block_edge(name)
        elif name in LINE_BLOCKS:
            self.newline()
        return True

    def leave(self, el: Element) -> None:
        name = el.tag
        if name in ("ol", "ul"):
            if self.lists:
                self.lists.pop()
            self.block_edge(name)
        elif name == "li":
            self.newline()
            self.prefix = None
            self.li_depth = max(0, self.li_depth - 1)
        elif name == "table":
            self.newline()
        elif name in PARAGRAPH_BLOCKS:
            self.block_edge(name)
        elif name in LINE_BLOCKS:
            self.newline()

    @staticmethod
    def list_state(el: Element) -> _ListState:
        if el.tag == "ul":
            return _ListState(ordered=False)
        style = (_get(el, "type") or "1").strip() or "1"
        start = _int_attr(el, "start")
        if "reversed" in el.attrib:
            count = sum(1 for child in el if child.tag == "li")
            return _ListState(True, style, start if start is not None else count, -1)
        return _ListState(True, style, start if start is not None else 1, 1)

    def li_marker(self, el: Element) -> str:
        if not self.lists or not self.lists[-1].ordered:
            return "- "
        state = self.lists[-1]
        value = _int_attr(el, "value")
        number = value if value is not None else state.next_number
        state.next_number = number + state.step
        return list_marker(number, state.style)

    def render_pre(self, el: Element) -> None:
        self.newline()
        raw = normalise_text(_text(el)).expandtabs(4).strip("\n")
        blank_run = False
        for line in raw.split("\n"):
            line = line.rstrip()
            if not line:
                blank_run = True
                continue
            if blank_run:
                self.want_blank = True
                blank_run = False
            self._append(line)

    def render_table(self, table: Element, rows: list[Element]) -> None:
        if self.cells_left <= 0:  # the page's cell budget is spent: later tables are not read
            if not self.capped:
                self._append(CELLS_CAP_NOTE)
            self.capped = True
            return
        caption = next(table.iterdescendants("caption"), None)
        if caption is not None and _nearest_table(caption) is table:
            text = collapse(_text(caption, " "))
            if text:
                self._append(text)
        cell_rows: list[tuple[str, ...]] = []
        for tr in rows:
            cells: list[str] = []
            for cell in _cells(tr):
                cells.append(cell_text(cell))
                span = _int_attr(cell, "colspan") or 1
                cells.extend([""] * (min(span, MAX_COLSPAN) - 1))
            # Counted with the colspan padding: 512 KB of <td colspan=50> made 1.6 million cells.
            self.cells_left -= len(cells)
            if self.cells_left < 0:
                self._append(CELLS_CAP_NOTE)
                self.capped = True
                break
            if any(cells):
                cell_rows.append(tuple(cells))
                self._append("|" + "".join(f" {c} |" if c else " |" for c in cells))
        if cell_rows and self.tables is not None:
            self.tables.append(Table(rows=tuple(cell_rows)))


def cell_text(cell: Element) -> str:
    """A table cell's text flattened to one line."""
    return " ".join(line for line in _Renderer().render(cell) if line)


def render_lines(root: Element, tables: list[Table] | None = None) -> str:
    """Line-oriented text of an element (see the module docstring)."""
    return "\n".join(_Renderer(tables=tables).render(root)).strip()


# --- links and title -------------------------------------------------------------------------------------


def _base_url(root: Element, source: str) -> str | None:
    source_base = source if source.lower().startswith(("http://", "https://")) else None
    base = next((el for el in root.iter("base") if _get(el, "href") is not None), None)
    if base is not None:
        href = (_get(base, "href") or "").strip()
        if href:
            try:
                return urljoin(source_base, href) if source_base else href
            except ValueError:  # a <base href> urllib cannot split: the page's own address serves
                return source_base
    return source_base


def collect_links(root: Element, base: str | None) -> tuple[Link, ...]:
    """Every <a href> under root as Link(text, url), resolved against base; no javascript:/mailto:/#."""
    links: dict[tuple[str, str], None] = {}
    for anchor in root.iterdescendants("a"):
        raw = _get(anchor, "href")
        href = "".join(raw.split()) if raw is not None else ""
        if not href or href.startswith("#") or href.lower().startswith(SKIPPED_SCHEMES):
            continue
        text = collapse(_text(anchor))
        if not text:
            image = next((img for img in anchor.iterdescendants("img") if _get(img, "alt") is not None), None)
            alt = _get(image, "alt") if image is not None else None
            text = collapse(_get(anchor, "aria-label") or _get(anchor, "title") or alt or "")
        try:
            url = urljoin(base, href) if base else href
            urlsplit(url)
        except ValueError:  # an href urllib cannot split ("https://[::1/x"): no link, and the page still read
            continue
        links.setdefault((text, url), None)
    return tuple(Link(text=text, url=url) for text, url in links)


def find_title(main: Element, root: Element) -> str | None:
    """The main <h1> text, else the <title> text, else None."""
    for heading in main.iterdescendants("h1"):
        text = collapse(_text(heading, " "))
        if text:
            return text
    title = next(root.iter("title"), None)
    if title is not None:
        text = collapse(_text(title, " "))
        if text:
            return text
    return None


def nesting_depth(root: Element, limit: int) -> int:
    """How deep elements nest from root (root itself is 1), counted without recursion; stops counting once
    past `limit`."""
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


# --- parsing ---------------------------------------------------------------------------------------------


def _parse(markup: str) -> Element | None:
    """The page's <html> element; None when libxml2 stopped at its nesting limit (the rest of the page would be
    lost). Raises ReadError when there is nothing to parse."""
    # Plain lxml elements, not lxml.html's: its element classes are looked up in Python for every element.
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    root = etree.fromstring(markup.encode("utf-8", "replace"), parser)
    if root is None:
        raise ReadError("empty", "the HTML page has no <body> content")
    stopped = any(e.type_name == "ERR_RESOURCE_LIMIT" and "depth" in e.message.lower() for e in parser.error_log)
    depth = limits.READ_LIMITS.max_html_depth
    return None if stopped or nesting_depth(root, depth) > depth else root


def parse_html(markup: str) -> Element:
    """Parse a page; one nested too deep on unclosed inline tags (<font> thousands deep on old pages) is parsed
    again with those tags unwrapped. Deeper block nesting is refused (ReadError too_deep)."""
    # NULs are dropped before parsing: the HTML parser turns each into U+FFFD, which splits the words and
    # references around it ("FOI\ufffd 1234"); normalise_text drops them from text files the same way.
    markup = markup.replace("\x00", "")
    root = _parse(markup)
    if root is None:
        root = _parse(_INLINE_TAG_RE.sub("", markup))
    if root is None:
        depth = limits.READ_LIMITS.max_html_depth
        raise ReadError("too_deep", f"the HTML nests elements more than {depth:,} deep; not read")
    return root


# A start tag long enough to hold more attributes than the limit (each at least "a " or "a=1"): only those are
# counted, so ordinary pages pay one linear regex scan.
@functools.lru_cache(maxsize=4)
def _long_tag_re(most: int) -> re.Pattern[str]:
    return re.compile(r"<[A-Za-z][^<>]{" + str(2 * most) + ",}")


_ATTRIBUTE_RE = re.compile(r"""[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")


def check_attributes(markup: str) -> None:
    """Refuse a page with an element of more attributes than READ_LIMITS allows, before libxml2 sees it: its
    duplicate-attribute check is quadratic (80,000 attributes on one tag took 30+ s)."""
    most = limits.READ_LIMITS.max_attributes_per_element
    for tag in _long_tag_re(most).finditer(markup):
        count = len(_ATTRIBUTE_RE.findall(tag.group())) - 1  # the tag name matches too
        if count > most:
            raise ReadError("too_many_attributes", f"an element has {count:,} attributes; foidata reads at most "
                            f"{most:,} on one element")


def read_html(data: bytes, source: str) -> Document:
    """Bytes of an HTML page -> `Document` (media type text/html)."""
    markup = decode_html(data)
    check_attributes(markup)
    root = parse_html(markup)
    base = _base_url(root, source)
    remove_chrome(root)
    main = choose_main(root)
    tables: list[Table] = []
    text = render_lines(main, tables)
    if not text:
        raise ReadError("empty", "the HTML page has no visible text after removing menus and banners")
    return Document(
        source=source,
        content_sha256=sha256_hex(data),
        media_type=MEDIA_HTML,
        text=text,
        title=find_title(main, root),
        tables=tuple(tables),
        links=collect_links(main, base),
        requester_parts=requester_parts(main, text),
    )


def requester_parts(main: Element, text: str) -> tuple[tuple[int, int], ...]:
    """Where each of the requester's messages sits in the page's text: each is rendered again on its own and
    found in order (its first and last lines, should a table or list render differently inside the page)."""
    found: list[tuple[int, int]] = []
    cursor = 0
    for message in REQUESTER_MESSAGES(main):
        lines = render_lines(message).splitlines()
        if not lines:
            continue
        start = text.find(lines[0], cursor)
        end = text.find(lines[-1], start) if start >= 0 else -1
        if end < 0:
            continue
        cursor = end + len(lines[-1])
        found.append((start, cursor))
    return tuple(found)
