"""Title, answering body, the page's keywords and its attachments."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from foidata.extractors.document import Document
from foidata.extractors.facts import Attachment

FILE_TYPES = ("pdf", "docx", "doc", "xlsx", "xls", "csv", "odt", "ods", "pptx", "txt", "zip", "rtf")
_FILE_NAME = re.compile(rf"^[ \t]*(?P<name>[^\n]{{1,150}}?\.(?P<ext>{'|'.join(FILE_TYPES)}))[ \t]*$",
                        re.IGNORECASE | re.MULTILINE)
NOISE = re.compile(
    r"cookie|leave this site|escape key|skip to|accessibility|javascript|beta|feedback|technical problem"
    r"|emergency|general enquiries|^\s*monday|improving things|new website|^\W*$"
    r"|telephone|e-?mail|\btel\b|\bfax\b|@|disclosure\s+log\s*$|^(?:foi|freedom\s+of\s+information)\s+request\s*[(:]",
    re.IGNORECASE,
)
BODY = re.compile(
    r"\b(?P<name>(?:[A-Z][a-z]+|and|&|of|upon|on|the|-|[ \t])+?[ \t]"
    r"(?:Police(?:[ \t]and[ \t]Crime[ \t]Commissioner)?|Constabulary|Police[ \t]Service|Fire[ \t](?:&|and)[ \t]Rescue"
    r"[ \t]Service|(?:Borough|County|City|District|Metropolitan[ \t]Borough)?[ \t]?Council"
    r"|NHS[ \t](?:Foundation[ \t])?Trust|Health[ \t]Board|University(?:[ \t]of[ \t][A-Z][a-z]+)*))\b"
)
# A word every BODY match ends with. BODY never crosses a line, so only the lines holding one are searched.
_BODY_WORD = re.compile(r"Police|Constabulary|Fire|Council|Trust|Board|University")
_GENERIC_BODY = re.compile(r"^(?:the|a|an|of|and|&|to)?\s*(?:Police|Council|Constabulary)\b|^The\s+Police", re.I)


def find_keywords(text: str) -> list[str]:
    """A page's own keyword line: many short comma-separated items near the top."""
    for line in text.split("\n")[:40]:
        items = [i.strip(" .") for i in line.split(",")]
        items = [i for i in items if i]
        if len(items) >= 5 and all(len(i.split()) <= 3 for i in items):
            return list(dict.fromkeys(items))
    return []


def find_title(doc: Document) -> str | None:
    if doc.title:
        return doc.title.strip()
    for line in doc.text.split("\n")[:40]:
        line = line.strip(" \t-|")
        if not line or NOISE.search(line) or ("," in line and len(line.split(",")) >= 5):
            continue
        if re.fullmatch(r"(?:PUB\s*)?[\d/ -]+|N/?A", line, re.I) or len(line.split()) > 14:
            continue
        if line.endswith((".", ":")) and len(line.split()) > 3:
            continue
        return line
    return None


def _body_matches(text: str) -> Iterator[re.Match[str]]:
    """BODY.finditer(text), searching only the lines where a body's kind is named."""
    searched_to = -1
    for word in _BODY_WORD.finditer(text):
        if word.start() < searched_to:
            continue
        line_start = text.rfind("\n", 0, word.start()) + 1
        line_end = text.find("\n", word.end())
        searched_to = len(text) if line_end < 0 else line_end
        yield from BODY.finditer(text, line_start, searched_to)


def find_body(text: str) -> str | None:
    """The public body named most often (ties: the first named)."""
    names: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _body_matches(text):
        name = re.sub(r"\s+", " ", m.group("name")).strip(" -&")
        name = re.sub(r"^(?:(?:The|the|and|of|&|Dear)\s+)+", "", name)
        if _GENERIC_BODY.match(name) or len(name.split()) < 2:
            continue
        names[name] += 1
        first.setdefault(name, m.start())
    if not names:
        return None
    return max(names, key=lambda n: (names[n], -first[n]))


def _url_path(url: str) -> str:
    """The unquoted path of a URL; a URL urllib cannot split (an unclosed "[" of an IPv6 host) is taken
    whole, since a page's links are the page author's text and must not stop the extraction."""
    try:
        return unquote(urlparse(url).path)
    except ValueError:
        return unquote(url)


def _file_type(name: str) -> str | None:
    suffix = PurePosixPath(_url_path(name) if "://" in name else name).suffix.lower().lstrip(".")
    return suffix if suffix in FILE_TYPES else None


def find_attachments(doc: Document) -> list[Attachment]:
    """Links to files, and file names the page lists without links."""
    found: dict[str, Attachment] = {}
    for link in doc.links:
        file_type = _file_type(link.url)
        if file_type:
            name = link.text.strip() or PurePosixPath(_url_path(link.url)).name
            found.setdefault(link.url, Attachment(name=name, url=link.url, file_type=file_type))
    linked_names = {a.name for a in found.values()}
    for m in _FILE_NAME.finditer(doc.text):
        name = m.group("name").strip()
        if name not in linked_names and len(name.split()) <= 15:
            found.setdefault(name, Attachment(name=name, url=None, file_type=m.group("ext").lower()))
    return list(found.values())
