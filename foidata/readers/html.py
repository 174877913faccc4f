"""Saved HTML pages (disclosure-log entries): main content as line-oriented text, tables and links kept.

The text is rendered the way extractors expect: one block (paragraph, heading, list item, table row) per
line, inline whitespace collapsed, at most one blank line in a row, `<ol>` items numbered ("1. ", "a. "),
`<ul>` items dashed ("- "), and each table row on one line as `| cell | cell |`. Site chrome (scripts, menus,
cookie banners, breadcrumbs, quick-exit buttons, share links, headers and footers) is removed first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from foidata.document import MEDIA_HTML, Document, Link, Table, sha256_hex
from foidata.readers.errors import ReadError
from foidata.readers.text import bom_encoding, decode_bytes, normalise_text

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
# Deeper nesting than this is a page built to exhaust parsers: refused, because every later step walks the
# tree and 100,000 nested <div>s take seconds each. Old pages nest thousands of unclosed <font> tags and
# are read: 10,000 deep reads in under a second.
MAX_DEPTH = 10_000

_WS_RE = re.compile(r"\s+")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_:.\-]+)""", re.I)
_SPLIT_RE = re.compile(r"[^a-z0-9]+")


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


# --- cleaning -------------------------------------------------------------------------------------------


def _attr_text(tag: Tag) -> str:
    raw_classes = tag.get("class")
    classes: list[str] = [raw_classes] if isinstance(raw_classes, str) else list(raw_classes or ())
    values = [tag.get("id"), *classes, tag.get("aria-label")]
    return " ".join(v for v in values if isinstance(v, str)).lower()


def _is_chrome(tag: Tag) -> bool:
    """True when id/class/role/aria-label mark the element as site chrome (banner, menu, search, ...)."""
    role = tag.get("role")
    if isinstance(role, str) and role.strip().lower() in DROP_ROLES:
        return True
    attrs = _attr_text(tag)
    if not attrs:
        return False
    if any(fragment in attrs for fragment in CHROME_SUBSTRINGS):
        return True
    tokens = set(_SPLIT_RE.split(attrs))
    if tokens & NOT_CHROME_TOKENS:
        tokens.discard("search")
    return bool(tokens & CHROME_TOKENS)


def _is_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _holds_content(tag: Tag, headings: bool = True) -> bool:
    """True for elements that are, or wrap, the page's main content: never dropped as chrome.

    With `headings`, an element holding an <h1> counts too (a page-level <header> with the site's logo in
    an <h1> does not, so it is called with headings=False).
    """
    landmarks = ["main", "article", "h1"] if headings else ["main", "article"]
    if tag.name in ("html", "body", *landmarks) or tag.get("role") == "main":
        return True
    if tag.get("id") in ("content", "main-content", "maincontent"):
        return True
    return (
        tag.find(landmarks) is not None
        or tag.find(True, attrs={"role": "main"}) is not None
        or tag.find(id=["content", "main-content", "maincontent"]) is not None
    )


def _text_chars(tag: Tag) -> int:
    """Non-whitespace characters of text under tag."""
    return sum(len(word) for word in tag.get_text(" ").split())


def _walk_removing(root: Tag, should_drop: Callable[[Tag, bool], bool]) -> None:
    """Visit every element once (iteratively), dropping those `should_drop(tag, inside_content)` picks."""
    stack: list[tuple[Tag, bool]] = [(root, False)]
    while stack:
        tag, inside = stack.pop()
        if tag is not root and should_drop(tag, inside):
            tag.decompose()
            continue
        inside = inside or tag.name in CONTENT_ANCESTORS or tag.get("role") == "main"
        stack.extend((child, inside) for child in tag.contents if isinstance(child, Tag))


def remove_chrome(soup: BeautifulSoup) -> None:
    """Remove scripts, hidden elements and site chrome in place.

    An element marked as chrome is kept when it wraps the main content (<main>, <article>, an <h1>,
    #content) or most of the page's text: ASP.NET pages wrap everything in one <form>, and modal
    scripts set aria-hidden on the whole page while a cookie dialog is open.
    """
    _walk_removing(soup, lambda tag, inside: tag.name in DROP_TAGS)
    page_chars = _text_chars(soup)

    def wraps_content(tag: Tag, headings: bool = True) -> bool:
        return _holds_content(tag, headings) or _text_chars(tag) > MAX_CHROME_SHARE * page_chars

    def should_drop(tag: Tag, inside: bool) -> bool:
        if tag.name in SECTIONING_TAGS:
            return not inside and not wraps_content(tag, headings=False)
        chrome = tag.name in GUARDED_DROP_TAGS or _is_hidden(tag) or _is_chrome(tag)
        return chrome and not wraps_content(tag)

    _walk_removing(soup, should_drop)


def choose_main(soup: BeautifulSoup) -> Tag | None:
    """The element holding the main content; <body> (or the whole document) when nothing fits."""
    body = soup.body or soup.find("html")
    if not isinstance(body, Tag):
        return None
    page_chars = len(collapse(body.get_text(" ")))
    for selector, min_share in MAIN_SELECTORS:
        best: Tag | None = None
        best_chars = -1
        for candidate in body.select(selector):
            chars = len(collapse(candidate.get_text(" ")))
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


def _int_attr(tag: Tag, name: str) -> int | None:
    value = tag.get(name)
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


@dataclass
class _ListState:
    ordered: bool
    style: str = "1"
    next_number: int = 1
    step: int = 1


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _is_layout_table(table: Tag, rows: list[Tag]) -> bool:
    """Tables used for page layout or as a text box are rendered as blocks, not as data rows."""
    if str(table.get("role", "")).lower() in ("presentation", "none"):
        return True
    if table.find("table") is not None:
        return True
    one_column = all(len(tr.find_all(["td", "th"], recursive=False)) <= 1 for tr in rows)
    return one_column and table.find(BLOCK_CHILDREN) is not None


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

    # line assembly
    def newline(self) -> None:
        line = " ".join("".join(self.parts).split())
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
    def render(self, root: Tag) -> list[str]:
        stack: list[tuple[bool, Tag | NavigableString]] = [(True, root)]
        while stack:
            entering, node = stack.pop()
            if isinstance(node, NavigableString):
                if not isinstance(node, PreformattedString):
                    self.parts.append(_WS_RE.sub(" ", normalise_text(str(node))))
                continue
            if not entering:
                self.leave(node)
                continue
            if self.enter(node):
                stack.append((False, node))
                stack.extend((True, child) for child in reversed(node.contents)
                             if isinstance(child, (Tag, NavigableString)))
        self.newline()
        return self.lines

    def enter(self, tag: Tag) -> bool:
        """Open an element; False when it was rendered whole (table, pre) and has no children to walk."""
        name = tag.name
        if name in ("head", "title"):
            return False
        if name == "br":
            self.newline()
            return False
        if name == "pre":
            self.block_edge(name)
            self.render_pre(tag)
            self.block_edge(name)
            return False
        if name == "table":
            rows = _own_rows(tag)
            if not _is_layout_table(tag, rows):
                self.block_edge(name)
                self.render_table(tag, rows)
                self.block_edge(name)
                return False
            self.newline()
            return True
        if name in ("ol", "ul"):
            self.block_edge(name)
            self.lists.append(self.list_state(tag))
        elif name == "li":
            self.newline()
            self.li_depth += 1
            self.prefix = self.li_marker(tag)
        elif name in PARAGRAPH_BLOCKS:
            self.block_edge(name)
        elif name in LINE_BLOCKS:
            self.newline()
        return True

    def leave(self, tag: Tag) -> None:
        name = tag.name
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
    def list_state(tag: Tag) -> _ListState:
        if tag.name == "ul":
            return _ListState(ordered=False)
        style = str(tag.get("type", "1")).strip() or "1"
        if tag.has_attr("reversed"):
            count = len(tag.find_all("li", recursive=False))
            start = _int_attr(tag, "start")
            return _ListState(True, style, start if start is not None else count, -1)
        start = _int_attr(tag, "start")
        return _ListState(True, style, start if start is not None else 1, 1)

    def li_marker(self, tag: Tag) -> str:
        if not self.lists or not self.lists[-1].ordered:
            return "- "
        state = self.lists[-1]
        value = _int_attr(tag, "value")
        number = value if value is not None else state.next_number
        state.next_number = number + state.step
        return list_marker(number, state.style)

    def render_pre(self, tag: Tag) -> None:
        self.newline()
        raw = normalise_text(tag.get_text()).expandtabs(4).strip("\n")
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

    def render_table(self, table: Tag, rows: list[Tag]) -> None:
        caption = table.find("caption")
        if isinstance(caption, Tag) and caption.find_parent("table") is table:
            text = collapse(caption.get_text(" "))
            if text:
                self._append(text)
        cell_rows: list[tuple[str, ...]] = []
        for tr in rows:
            cells: list[str] = []
            for cell in tr.find_all(["td", "th"], recursive=False):
                cells.append(cell_text(cell))
                span = _int_attr(cell, "colspan") or 1
                cells.extend([""] * (min(span, MAX_COLSPAN) - 1))
            if any(cells):
                cell_rows.append(tuple(cells))
                self._append("|" + "".join(f" {c} |" if c else " |" for c in cells))
        if cell_rows and self.tables is not None:
            self.tables.append(Table(rows=tuple(cell_rows)))


def cell_text(cell: Tag) -> str:
    """A table cell's text flattened to one line."""
    return " ".join(line for line in _Renderer().render(cell) if line)


def render_lines(root: Tag, tables: list[Table] | None = None) -> str:
    """Line-oriented text of an element (see the module docstring)."""
    return "\n".join(_Renderer(tables=tables).render(root)).strip()


# --- links and title -------------------------------------------------------------------------------------


def _base_url(soup: BeautifulSoup, source: str) -> str | None:
    source_base = source if source.lower().startswith(("http://", "https://")) else None
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        href = str(base["href"]).strip()
        if href:
            try:
                return urljoin(source_base, href) if source_base else href
            except ValueError:  # a <base href> urllib cannot split: the page's own address serves
                return source_base
    return source_base


def collect_links(root: Tag, base: str | None) -> tuple[Link, ...]:
    """Every <a href> under root as Link(text, url), resolved against base; no javascript:/mailto:/#."""
    links: dict[tuple[str, str], None] = {}
    for anchor in root.find_all("a", href=True):
        href = "".join(str(anchor["href"]).split())
        if not href or href.startswith("#") or href.lower().startswith(SKIPPED_SCHEMES):
            continue
        text = collapse(anchor.get_text())
        if not text:
            image = anchor.find("img", alt=True)
            label = anchor.get("aria-label") or anchor.get("title") or (image.get("alt") if image else "")
            text = collapse(str(label or ""))
        try:
            url = urljoin(base, href) if base else href
            urlsplit(url)
        except ValueError:  # an href urllib cannot split ("https://[::1/x"): no link, and the page still read
            continue
        links.setdefault((text, url), None)
    return tuple(Link(text=text, url=url) for text, url in links)


def find_title(root: Tag, soup: BeautifulSoup) -> str | None:
    """The main <h1> text, else the <title> text, else None."""
    for heading in root.find_all("h1"):
        text = collapse(heading.get_text(" "))
        if text:
            return text
    title = soup.find("title")
    if isinstance(title, Tag):
        text = collapse(title.get_text(" "))
        if text:
            return text
    return None


def nesting_depth(root: Tag, limit: int) -> int:
    """How deep elements nest under root, counted without recursion; stops counting once past `limit`."""
    deepest = 0
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((child, depth + 1) for child in tag.contents if isinstance(child, Tag))
    return deepest


def read_html(data: bytes, source: str) -> Document:
    """Bytes of an HTML page -> `Document` (media type text/html)."""
    # NULs are dropped before parsing: the HTML parser turns each into U+FFFD, which splits the words and
    # references around it ("FOI\ufffd 1234"); normalise_text drops them from text files the same way.
    soup = BeautifulSoup(decode_html(data).replace("\x00", ""), "lxml")
    if nesting_depth(soup, MAX_DEPTH) > MAX_DEPTH:
        raise ReadError("too_deep", f"the HTML nests elements more than {MAX_DEPTH:,} deep; not read")
    base = _base_url(soup, source)
    remove_chrome(soup)
    root = choose_main(soup)
    if root is None:
        raise ReadError("empty", "the HTML page has no <body> content")
    tables: list[Table] = []
    text = render_lines(root, tables)
    if not text:
        raise ReadError("empty", "the HTML page has no visible text after removing menus and banners")
    return Document(
        source=source,
        content_sha256=sha256_hex(data),
        media_type=MEDIA_HTML,
        text=text,
        title=find_title(root, soup),
        tables=tuple(tables),
        links=collect_links(root, base),
    )
