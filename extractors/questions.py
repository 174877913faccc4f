"""How many numbered questions a request asks: distinct top-level numbers, lettered parts not counted."""

from __future__ import annotations

import re

from foidata.extractors.layout import request_span

MAX_QUESTIONS = 40
LINE_MARKER = re.compile(
    r"^[ \t]*(?:[-•*][ \t]*)?"
    r"(?:(?P<word>Q(?:uestion)?|Request|Response|Answer|Part)[ \t]*(?P<n1>\d{1,2})(?:[a-z])?(?![\d/])"
    r"|\(?(?P<n2>\d{1,2})(?:[.)](?=\s)|[ \t]*[:\-–][ \t]))",
    re.IGNORECASE | re.MULTILINE,
)
RANGE_MARKER = re.compile(r"^[ \t]*(?:Requests?|Questions?)[ \t]+(?P<a>\d{1,2})[ \t]*[-–][ \t]*(?P<b>\d{1,2})\b",
                          re.IGNORECASE | re.MULTILINE)
ROMAN_MARKER = re.compile(r"^[ \t]*\(?((?:i|ii|iii|iv|v|vi|vii|viii|ix|x))[.)][ \t]", re.MULTILINE)
LETTER_MARKER = re.compile(r"^[ \t]*\(?([a-z])[.)][ \t]", re.MULTILINE)
INLINE_Q = re.compile(r"\bQ(?P<n>\d{1,2})[a-z]?\b")


def _numbers(text: str, start: int, end: int, marked_only: bool = False) -> set[int]:
    """Question numbers at line starts; with marked_only, only those printed as "Q1", "Question 1", ..."""
    found: set[int] = set()
    for m in LINE_MARKER.finditer(text, start, end):
        if marked_only and not m.group("word"):
            continue
        found.add(int(m.group("n1") or m.group("n2")))
    for m in RANGE_MARKER.finditer(text, start, end):
        a, b = int(m.group("a")), int(m.group("b"))
        if a <= b <= MAX_QUESTIONS:
            found.update(range(a, b + 1))
    if found:
        found.update(int(m.group("n")) for m in INLINE_Q.finditer(text, start, end))
    return {n for n in found if 0 < n <= MAX_QUESTIONS}


def count_questions(text: str) -> int:
    """Distinct question numbers, read in the request part when the page marks one.

    >>> count_questions("Request\\n1. How many?\\n2. What cost?\\na) in 2020\\nResponse\\n1. Ten")
    2
    """
    request = request_span(text)
    if request:
        numbers = _numbers(text, *request)
        if numbers:
            return len(numbers)
        # Only lettered or roman items in the request: "(a) ... (b) ..." or "i) ... ii) ..." asks that many.
        lettered = max(set(LETTER_MARKER.findall(text, *request)), set(ROMAN_MARKER.findall(text, *request)), key=len)
        if len(lettered) >= 2:
            return len(lettered)
    # Outside a marked request, bare "1." items may list documents released, so only "Q1"-style markers count.
    return len(_numbers(text, 0, len(text), marked_only=request is not None))


# ---- where each question is printed, and the number an answer line carries (money, outcome) -----------


# The start of an answer in a response, "1.", "Q2", "Answer 3" (outcome reads each answer on its own). Narrower
# than LINE_MARKER: no "Request"/"Part" words and no "1 -" dashes, which in a response start other things.
ANSWER_LINE = re.compile(
    r"^[ \t]*(?:[-•*][ \t]*)?(?:(?:Q(?:uestion)?|Answer|Response)[ \t]*\d{1,2}[a-z]?\b|\(?\d{1,2}[.)](?=\s))",
    re.I | re.M,
)
ANSWER_MARK = re.compile(r"^\s*(?:Q(?:uestion)?\s*|Answer\s*|Response\s*)?(?P<n>\d{1,2})[a-z]?\b[.):]?", re.I)


def answer_number(line: str) -> int | None:
    m = ANSWER_MARK.match(line)
    return int(m.group("n")) if m else None


def question_spans(text: str) -> dict[int, tuple[int, int]]:
    """Where each numbered question is first printed: number -> (start, end of its line)."""
    spans: dict[int, tuple[int, int]] = {}
    for m in re.finditer(
        r"^[ \t]*(?:Q(?:uestion)?[ \t]*)?(?P<n>\d{1,2})[.):][^\n]*\?[^\n]*$|"
        r"^[ \t]*Q(?:uestion)?[ \t]*(?P<n2>\d{1,2})\b[^\n]*$",
        text,
        re.M | re.I,
    ):
        n = int(m.group("n") or m.group("n2"))
        spans.setdefault(n, (m.start(), m.end()))
    return spans
