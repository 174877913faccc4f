"""Where the request ends and the response begins, from the headings real pages use."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass, field

REQUEST_HEADING = re.compile(
    r"^[ \t]*(?:requests?|your\s+request|the\s+request|request\s+details|details\s+of\s+(?:the\s+)?request"
    r"|information\s+requested|you\s+asked(?:\s+for)?|request\s+\d+\s*[-–]\s*\d+)[ \t]*[:\-–]?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
RESPONSE_HEADING = re.compile(
    # A heading may be a list item ("- Decision") or a form label ("Details of the Response").
    # Possessive leading blanks: a line of blanks must not be split between the [ \t]* runs in every way.
    r"^[ \t]*+(?:[-•][ \t]*+)?(?:(?:our|in|final|the|\w+\s+\w+|details\s+of\s+the)?[ \t]*"
    r"(?:response|reply|answer)s?(?:[ \t]+\d+)?[ \t]*[:\-–]?[ \t]*$"
    r"|(?:response|answer)s?(?:[ \t]+\d+)?[ \t]*:|(?-i:RESPONSE)\b|(?:[-•][ \t]*)?decision[ \t]*:?[ \t]*$"
    r"|questions\s+and\s+(?:final\s+)?response)",
    re.IGNORECASE | re.MULTILINE,
)


# A letter's or email's sign-off: "Yours sincerely", "Kind regards".
SIGN_OFF = re.compile(r"\byours\s+(?:sincerely|faithfully|truly)\b|\b(?:kind|best|warm)\s+regards\b", re.IGNORECASE)


# A requester's letter (WhatDoTheyKnow threads): "Dear <body>, ... Yours faithfully".
LETTER_REQUEST = re.compile(
    r"^[ \t]*Dear\b[^\n]*\n(?:(?!^[ \t]*Dear\b).*\n){0,80}?[ \t]*Yours\s+faithfully", re.I | re.M
)

# What the body's own letter says, and a requester's does not: a response that also opens "Dear" and signs off
# "Yours faithfully" is not the request.
_ANSWERING = re.compile(
    r"\b(?:thank\s+you\s+for|further\s+to|in\s+(?:response|reply)\s+to|(?:received|considered|handled))\s+your\s+"
    r"(?:recent\s+|original\s+)?(?:request|e-?mail|letter|enquiry|application)\b",
    re.I,
)


# A line in the body's voice, which no requester writes: "I can confirm the information is held", "In relation
# to Question 1: ...", "We have carefully considered ...".
BODY_VOICE = re.compile(
    r"^[ \t]*(?:(?:I|We)\s+can\s+confirm|(?:I|We)\s+have\s+(?:now\s+)?(?:carefully\s+)?considered"
    r"|In\s+(?:relation|response|reply|answer)\s+to\s+(?:your\s+)?(?:questions?|q\d|parts?|points?)\b)",
    re.I | re.M,
)


def request_span(text: str) -> tuple[int, int] | None:
    """Offsets of the request part, when a request heading and a later response heading mark it, or
    a requester's letter ending "Yours faithfully" does."""
    letter = LETTER_REQUEST.search(text)
    if letter and not _ANSWERING.search(letter.group(0)) and not RESPONSE_HEADING.search(letter.group(0)):
        return letter.start(), letter.end()
    start = REQUEST_HEADING.search(text)
    if not start:
        return None
    end = RESPONSE_HEADING.search(text, start.end())
    if not end:
        return None
    # A response that answers straight after the restated request, with its heading (if any) much later.
    voice = BODY_VOICE.search(text, start.end(), end.start())
    return start.start(), (voice or end).start()


_PIPE_ROW = re.compile(r"^[ \t]*\|(?P<cells>.*\|)[ \t]*$", re.MULTILINE)


def header_cells(text: str) -> list[tuple[str, int, int]]:
    """(column header, cell start, cell end) for each cell of a pipe table whose first row is a header.

    >>> header_cells("| Ref | Date |\\n| A1 | 2 May 2020 |")
    [('Ref', 17, 19), ('Date', 22, 32)]
    """
    out: list[tuple[str, int, int]] = []
    header: list[str] | None = None
    last_end = -1
    for m in _PIPE_ROW.finditer(text):
        cells = [
            (c.start() + m.start("cells"), c.end() + m.start("cells")) for c in re.finditer(r"[^|]+", m.group("cells"))
        ]
        contiguous = last_end >= 0 and not text[last_end : m.start()].strip()
        last_end = m.end()
        values = [text[a:b].strip() for a, b in cells]
        if not contiguous or header is None:
            header = values if values and not any(ch.isdigit() for v in values for ch in v) else None
            continue
        for (a, b), label in zip(cells, header, strict=False):
            stripped = text[a:b]
            lead = len(stripped) - len(stripped.lstrip())
            out.append((label, a + lead, a + len(stripped.rstrip())))
    return out


def header_cell_at(text: str, start: int, end: int) -> str | None:
    """The column header of the pipe-table cell holding text[start:end], or None when no cell holds it.

    Asked once per amount of money, so the document's cells are found once and searched by position: a
    259-page table PDF has thousands of amounts and tens of thousands of cells.

    >>> t = "| Ref | Date |\\n| A1 | 2 May 2020 |"
    >>> header_cell_at(t, 22, 27), header_cell_at(t, 0, 3)
    ('Date', None)
    """
    starts, cells = _header_cell_index(text)
    # Cells come in text order and never overlap, so only the last one starting at or before `start` can
    # hold the span (a blank cell's range is empty and holds nothing).
    at = bisect.bisect_right(starts, start) - 1
    if at >= 0 and end <= cells[at][2]:
        return cells[at][0]
    return None


@functools.lru_cache(maxsize=2)  # one document's text at a time: its amounts are asked about together
def _header_cell_index(text: str) -> tuple[tuple[int, ...], tuple[tuple[str, int, int], ...]]:
    cells = tuple(header_cells(text))
    return tuple(cell[1] for cell in cells), cells


_STOP = re.compile(r"[.!?](?=\s)|\n")


def trimmed_end(text: str, end: int, blanks: str | None = None) -> int:
    r"""Where text[:end].rstrip(blanks) ends, found by stepping back from `end` instead of copying the text
    before it (a document asks this at every line break).

    >>> trimmed_end("Costs: \t\nnext", 9), trimmed_end("Costs: \t\nnext", 9, " \t")
    (6, 9)
    """
    while end > 0 and (text[end - 1].isspace() if blanks is None else text[end - 1] in blanks):
        end -= 1
    return end


def _ends_sentence(text: str, stop: re.Match[str]) -> bool:
    if stop.group(0) != "\n":
        return True
    following = text[stop.end() : stop.end() + 40].lstrip(" \t")
    if not following or following.startswith("\n"):
        return True
    # A wrapped line (PDF text, hard-wrapped letters) goes on in lower case or after a comma or dash.
    end = trimmed_end(text, stop.start(), " \t")
    return not (following[0].islower() or (end > 0 and text[end - 1] in ",(-–/"))


# Two texts: the extractors and the rows of one document ask about the same text; more would only keep earlier
# documents' texts (a long PDF's run to megabytes) alive in the worker.
@functools.lru_cache(maxsize=2)
def _sentence_stops(text: str) -> list[int]:
    """Offsets of the stops in the text that end a sentence, in order: found once per text, since one
    document asks for the sentences around dozens of positions."""
    return [stop.start() for stop in _STOP.finditer(text) if _ends_sentence(text, stop)]


def _stop_before(text: str, stop: int, limit: int) -> bool:
    """True when the stop is found by a search that ends at `limit` (a full stop needs the space after it)."""
    return stop < limit if text[stop] == "\n" else stop + 1 < limit


def sentence_around(text: str, pos: int, reach: int = 400) -> tuple[int, int]:
    """Offsets of the sentence holding pos. A line break ends a sentence unless the next line carries on
    a wrapped one, so list items and headings stand alone while wrapped prose stays whole.

    The sentence reaches at most `reach` characters each side of pos."""
    stops = _sentence_stops(text)
    window = max(0, pos - reach)
    start = window
    i = bisect.bisect_left(stops, pos) - 1
    while i >= 0 and stops[i] >= window:
        if _stop_before(text, stops[i], pos):
            start = stops[i] + 1
            break
        i -= 1
    end = min(len(text), pos + reach)
    i = bisect.bisect_left(stops, pos)
    if i < len(stops) and _stop_before(text, stops[i], end):
        end = stops[i]
    return start, end


# ---- lines and the sentence a figure is read in (money) ------------------------------------------------------



@dataclass
class Line:
    """One line of a text: its offsets and characters, and whether it reads as prose or as a table row."""

    start: int
    end: int
    text: str
    _prose: bool | None = field(default=None, repr=False, compare=False)
    # Memoised by _table_head: (header row above, where the table above ends) for a figure on this line.
    _head: tuple[int | None, int] | None = field(default=None, repr=False, compare=False)

    @property
    def stripped(self) -> str:
        return self.text.strip(" \t|•-–*")

    def is_blank(self) -> bool:
        return not self.stripped

    def is_prose(self) -> bool:
        # Memoised: every figure on a line asks, and a line of thousands of figures must not be read each time.
        if self._prose is None:
            words = self.stripped.split()
            self._prose = len(words) >= 8 and "|" not in self.text and not re.search(r"\S {3,}\S", self.text)
        return self._prose


def text_lines(text: str) -> list[Line]:
    """The text's lines with their offsets; joined with newlines they are the text again."""
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def line_index(lines: list[Line], pos: int) -> int:
    """The index of the line of `lines` (from text_lines) that holds offset `pos`."""
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


_SENTENCE_STOP = re.compile(r"[.!?](?=\s)|\n[ \t]*\n")


def _is_break(text: str, stop: re.Match[str]) -> bool:
    """A blank line ends a sentence unless it splits a hard-wrapped paragraph (a long line, no full stop)."""
    if not stop.group(0).startswith("\n"):
        return True
    end = trimmed_end(text, stop.start())
    last_line = text[text.rfind("\n", 0, end) + 1 : end]
    return len(last_line.split()) < 6 or last_line.endswith((".", "!", "?", ":", ";", "|"))


def pipe_cells(line: Line) -> list[tuple[int, int]]:
    """Absolute offsets of the cells of a pipe-delimited row ("a | b | c" or "| a | b |")."""
    # str.find, not a loop over every character: money asks this for each figure of a table (0.3 s on the
    # table PDFs of the corpus).
    text, start = line.text, line.start
    bounds = [start - 1]
    found = text.find("|")
    while found >= 0:
        bounds.append(start + found)
        found = text.find("|", found + 1)
    bounds.append(line.end)
    return [(a + 1, b) for a, b in itertools.pairwise(bounds)]


def cell_texts(line: Line) -> list[str]:
    """The text of each cell of a pipe-delimited row, as pipe_cells bounds them."""
    return [line.text[a - line.start : b - line.start] for a, b in pipe_cells(line)]


SENTENCE_REACH = 400


def _continues_sentence(text: str, line: Line) -> bool:
    """A short line that carries on a wrapped sentence from the line above (PDF text)."""
    end = line.start
    while end > 0 and text[end - 1] == "\n":
        end -= 1
    previous = Line(0, 0, text[text.rfind("\n", 0, end) + 1 : end])  # no copy of all the text above
    return previous.is_prose() and not previous.text.rstrip().endswith((".", "!", "?", ":", ";", "|"))


def figure_sentence(text: str, pos: int, line: Line) -> tuple[int, int]:
    """The unit a figure is read in: its line when the line is a short cell, else its sentence.

    Either reaches at most SENTENCE_REACH characters each side of the figure: text without a stop for
    longer is no sentence (a run of cells, a page of figures), and an unbounded one makes every figure's
    searches read the whole line: quadratic on a line of thousands of figures."""
    near = line.text[max(0, pos - line.start - SENTENCE_REACH) : pos - line.start + SENTENCE_REACH]
    if not line.is_prose() and not re.search(r"[.!?]\s", near) and not _continues_sentence(text, line):
        return max(line.start, pos - SENTENCE_REACH), min(line.end, pos + SENTENCE_REACH)
    window = max(0, pos - SENTENCE_REACH)
    stops = [m.end() for m in _SENTENCE_STOP.finditer(text, window, pos) if _is_break(text, m)]
    start = stops[-1] if stops else (max(line.start, window) if window else 0)
    end = reach = min(len(text), pos + SENTENCE_REACH)
    for m in _SENTENCE_STOP.finditer(text, pos, reach):
        if _is_break(text, m):
            end = m.start()
            break
    return start, end
