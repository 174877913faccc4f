"""Reference numbers: the body's own reference, a publication number, and other requests cited.

References are kept as printed ("2022 – 280 / WE5500", "DC/FOI 782/17"), minus a leading word such as
"FOI" or "Ref" that stands apart from the number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from foidata.extractors.facts import Reference
from foidata.extractors.layout import header_cells
from foidata.extractors.periods import financial_year
from foidata.extractors.spans import Span

_H = r"[ \t]"  # references never run across lines
_TOKEN = r"[A-Za-z0-9]+"
# Spaced separators only join a part that has a digit, so "FOI 7315 - Absconsions" stops at 7315.
# A date after a reference ("Our Reference: 97868 19 June 2015") is not a part of it.
_NOT_A_DATE = r"(?!\d{1,2}(?:st|nd|rd|th)?[ \t]+(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))"
_SEP = (
    rf"(?:{_H}*[/–\-]{_H}*(?=[A-Za-z]{{0,4}}\d)|[/–\-](?=[A-Za-z0-9])|[._]"
    rf"|{_H}{_NOT_A_DATE}(?=[A-Za-z]{{0,4}}\d))"
)
REF_VALUE = rf"{_TOKEN}(?:{_SEP}{_TOKEN})*"
_VALUE_RE = re.compile(REF_VALUE)
# A leading word stands apart from the number by a space ("FOI 8221", "Response - 06641", "ATISN 16301");
# one joined by punctuation alone is part of it ("FOI-2024-04156").
_LEADING_WORD = re.compile(
    r"^(?:(?:FOI|FOIA|EIR|FOIR|ATISN|Ref|Reference|No|Number|Request|Response)\.?"
    r"(?:[ \t]+[-–:]?[ \t]*|[ \t]*[-–:][ \t]+))+",
    re.IGNORECASE,
)

PRIMARY_LABEL = re.compile(
    r"(?<![A-Za-z])(?<!your )(?<!your)"
    # "Your request number is CRN00166467": the body's number for the request ("Your ref" is the requester's).
    r"(?:your\s+(?:foi\s+)?request\s+(?:number|reference(?:\s+number)?)(?=[ \t]+(?:is|was)\b|[ \t]*:)"
    r"|our\s+ref(?:erence)?(?:\s+(?:no|number))?"
    # A letter head's "m/r" or "o/r" (my or our reference); "y/r" is the requester's.
    r"|(?<!/)[mo]/r(?=[ \t]+[A-Za-z0-9])"
    r"|(?:foi|foia|eir|enquiry|request|case|freedom\s+of\s+information)\s+(?:request\s+)?"
    r"(?:ref(?:erence)?(?:\s+(?:no|number))?|number|no)"
    r"|(?:freedom\s+of\s+|environmental\s+)?information\s+request"
    # "your request FOI 1234", "your Freedom of Information request (FOI 1234)": this request's own number.
    r"|your\s+(?:(?:freedom\s+of\s+information|foi|foia|eir)\s+)?request"
    r"(?=[ \t]*[(,]?[ \t]*(?:foi|eir|ref(?:erence)?|no\.|number)\b[ \t.:]*[A-Za-z]*[/_-]?\d)"
    r"|request\s+for\s+information"
    r"|request(?=[ \t]*:)"
    r"|foi\s+request"
    r"|ref(?:erence)?\.?\s*(?:no|number)"
    r"|(?:foi\s+|case\s+|request\s+)?id(?=[ \t]*(?::|\n))"
    r"|ref(?=\.?[ \t]*[:#]|\.[ \t])"
    r"|reference)\.?"
    # The value may follow on the next line, after a colon or a list bullet ("- Reference number\n- FOI1200").
    # "Reference no.20210357": an abbreviated "number" runs straight into the value.
    r"(?P<gap>[ \t]+(?:is|was)[ \t]+|[ \t]*[:=\-–(|,][ \t]*(?:\n\s*(?:[-•*][ \t]+)?)?|[ \t]+"
    r"|[ \t]*\n\s*(?:[-•*][ \t]+)?"
    r"|(?<=[Nn][Oo]\.)(?=\d))",
    re.IGNORECASE,
)
PUBLICATION_LABEL = re.compile(
    r"(?:publication|disclosure(?:\s+log)?)\s+(?:number|no\.?|id|reference|ref)\s*[:\-–]?[ \t]*"
    r"(?P<value>[A-Za-z]*[ \t]?\d[\w/.-]*)",
    re.IGNORECASE,
)
# A line holding nothing but a lettered reference ("FI16440", "- FOI0315"): the letter's own reference.
LONE_REFERENCE_LINE = re.compile(
    r"^[ \t]*(?:[-•*][ \t]*)?(?P<value>[A-Z]{2,6}[-/_]?\d{4,}[A-Za-z]?(?:[/_-]\d+)*)[ \t]*$", re.MULTILINE
)
PUB_LINE = re.compile(r"^[ \t]*(?P<value>PUB[ \t]*\d+)[ \t]*$", re.MULTILINE)
NEXT_LINE_REFERENCE = re.compile(rf"[ \t]*\n\s*(?P<value>{REF_VALUE})[ \t]*$", re.MULTILINE)
# Title lines that carry the reference: "Costs of Mobile Phones - 384/12", "NFRS 2022 104 - Budget".
TITLE_TAIL = re.compile(r"^[^\n]{3,120}?[ \t][-–][ \t](?P<value>\d{2,}[/-]\d{2,})[ \t]*$", re.MULTILINE)
# "F0013056 -FREEDOM OF INFORMATION ACT - ...": one letter only before five digits or more, so "M25 - ..." is no
# reference.
TITLE_HEAD = re.compile(
    r"^(?P<value>[A-Z]{2,6}(?:[ \t/_-]?\d{2,})+|[A-Z]\d{5,})[ \t]+[-–][ \t]*[A-Z]", re.MULTILINE
)
# A heading that opens with the request's kind and number: "FOI 0262: Locum Spend", "EIR 1668 / December 2023",
# "FOI_25-180 Student misconduct", "ATISN 16287 Information Request".
KIND_LINE = re.compile(
    r"^[ \t]*(?:[^\n]{0,40}?[ \t](?=ATISN))?"
    # The body's initials may come between the kind and the number: "FOI DOF/2023-0003".
    rf"(?P<value>(?:FOI|FOIA|EIR|FOIR|ATISN)(?:[ \t]*/[ \t]*|[ \t]+|[_/-]?)(?:[A-Z]{{2,6}}[/_-])?\d\w*"
    rf"(?:{_SEP}{_TOKEN})*)"
    r"(?=[ \t]*(?:[:/–-][ \t]|[ \t][A-Za-z]|$))",
    re.MULTILINE,
)
# "please quote FOI/6931 in any future correspondence": the body names its own reference.
QUOTE_REFERENCE = re.compile(
    rf"\bquot(?:e|ing)\s+(?:(?:the|our|this)\s+)?(?:(?:reference|ref)(?:\s+number)?\s*:?\s*)?(?P<value>{REF_VALUE})"
    r"\s+(?:in|on|with)\s+(?:any|all)\s+(?:future\s+)?(?:correspondence|communications?|contact)",
    re.IGNORECASE,
)
CITED = re.compile(
    rf"\b(?:FOI|FOIA|requests?|reference|ref\.?|(?:response|reply)\s+to|under)(?:[ \t]*:)?[ \t]+"
    rf"(?:(?:request|number|no\.?|reference|ref|FOI)(?:[ \t]*:)?[ \t]+)*(?P<value>{REF_VALUE})",
    re.IGNORECASE,
)
_CITED_SHAPE = re.compile(r"^(?:[A-Z]{1,6}[ \t/_.-]?){0,3}\d")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d{2}[/-](?:(?:19|20)?\d{2})$")
# "19/11/1609" is a reference, not a date: only two-digit years and 19xx or 20xx are read as dates.
_DATE_LIKE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-](?:\d{2}|(?:19|20)\d{2})$")
_HEAD_LINES = 40


def _clean(raw: str) -> str:
    value = _LEADING_WORD.sub("", raw.strip()).strip(" \t.-–/")
    return value


def _looks_like_reference(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    if digits < 2 or len(value) < 3 or len(value) > 40:
        return False
    if _DATE_LIKE.match(value) or re.fullmatch(r"(?:19|20)\d{2}-\d{2}-\d{2}", value):
        return False
    year_range = _YEAR_RANGE.match(value)
    if year_range and financial_year(*re.split(r"[/-]", value)):
        return False  # "2020/21" is a financial year
    return not re.fullmatch(r"(?:19|20)\d{2}", value)


# A letter head that prints the date and the reference in one cell after "Our Ref" ("05/10/12 3289").
_DATE_FIRST = re.compile(r"\d{1,2}[/.]\d{1,2}[/.](?:\d{2}|(?:19|20)\d{2})[ \t]+(?=[A-Za-z]{0,6}\d)")


# Labels printed in a row before their values, as a broken letter head does ("Our Ref: Date: IM-FOI-2018-1421
# 06 July 2018"), or a label broken by OCR ("Reference N o: FOI 004163-18"): the reference is the first value.
_STACKED_LABELS = re.compile(
    r"(?:[A-Za-z]{1,12}(?:[ \t][A-Za-z]{1,12}){0,2}[ \t]*:[ \t]*)+"
    r"(?=[A-Za-z0-9/_.-]*\d|[A-Za-z]{1,6}[ \t]+\d)"
)


# After a reference label a code may have no digits at all ("Reference Number: CHS/AWZBQX"): capitals in parts
# joined by a slash, dash or underscore, which "N/A" or "TBC" are too short to be.
_LETTER_CODE = re.compile(r"(?=.{6,})[A-Z]{2,}(?:[/_-][A-Z0-9]{2,})+")


_PROSE_WORD = re.compile(r"[a-z]{2,}[ \t]")
# The body's initials before the request's kind and number ("Our Reference: SPFT FOI 20/21-349"): the number is
# the reference, as after "FOI" alone.
_INITIALS_THEN_KIND = re.compile(r"[A-Z]{2,6}[ \t]+(?=(?:FOI|FOIA|EIR)\b[ \t]*[-:/]?[ \t]*\d)")


def _value_after(text: str, pos: int) -> Span | None:
    stacked = _STACKED_LABELS.match(text, pos)
    if stacked:
        pos = stacked.end()
    date_first = _DATE_FIRST.match(text, pos)
    if date_first:
        pos = date_first.end()
    initials = _INITIALS_THEN_KIND.match(text, pos)
    if initials:
        pos = initials.end()
    m = _VALUE_RE.match(text, pos)
    if not m:
        return None
    span = _cleaned(m, 0)
    if _PROSE_WORD.match(span.text):
        return None  # "request within 20 working days": a sentence goes on after the label, not a reference
    return span if _looks_like_reference(span.text) or _LETTER_CODE.fullmatch(span.text) else None


def _cleaned(m: re.Match[str], group: str | int = "value") -> Span:
    """The matched value without its leading word ("FOI 8221" -> "8221"), where it stands in the text."""
    raw = m.group(group)
    value = _clean(raw)
    start = m.start(group) + raw.find(value)
    return Span(start, start + len(value), value)


def _labelled_primary(text: str) -> Span | None:
    for header, start, _end in header_cells(text):
        if PRIMARY_LABEL.fullmatch(header + " "):
            span = _value_after(text, start)
            if span:
                return span
    first: Span | None = None
    for m in PRIMARY_LABEL.finditer(text):
        gap = m.group("gap")
        if "\n" in gap and not re.match(r"[ \t]*[:–-]", gap):
            # A label alone on its line ("FOI reference\nFOI 1782531/23"): the whole line must be the label,
            # unless a colon or dash ends it ("Subject: Request – Reference –\nEIR / 1001190", a wrapped subject).
            line_start = text.rfind("\n", 0, m.start()) + 1
            if text[line_start : m.start()].strip(" \t-•*"):
                continue
        span = _value_after(text, m.end())
        if not span:
            continue
        if first is None:
            first = span
            if _REF_LABEL.match(m.group(0)):
                return span
        elif _REF_LABEL.match(m.group(0)) and _alnum(span.text) == _alnum(first.text):
            # The same number printed twice ("FOI Number: FOI23153", "Ref: FOI/23153"): the Ref form is primary.
            return span
    return first


_REF_LABEL = re.compile(r"(?:our\s+)?ref\b", re.IGNORECASE)


def _alnum(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", value.lower())


def _quoted_primary(text: str) -> Span | None:
    m = QUOTE_REFERENCE.search(text)
    if not m:
        return None
    span = _cleaned(m)
    return span if _looks_like_reference(span.text) and re.search(r"\d{3}", span.text) else None


def _layout_primary(text: str, publication: Span | None) -> Span | None:
    if publication is not None:
        # Police platform pages print "PUB 1169" and, on the next line, the FOI number alone.
        m = NEXT_LINE_REFERENCE.match(text, publication.end)
        if m and _looks_like_reference(m.group("value")):
            return Span.of(m, "value")
    head_end = _nth_line_end(text, _HEAD_LINES)
    for pattern in (TITLE_TAIL, TITLE_HEAD, KIND_LINE, LONE_REFERENCE_LINE):
        m = pattern.search(text, 0, head_end)
        if m and _looks_like_reference((span := _cleaned(m)).text):
            return span
    return None


def _nth_line_end(text: str, n: int) -> int:
    pos = 0
    for _ in range(n):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return pos


def _publication(text: str) -> Span | None:
    m = PUB_LINE.search(text) or PUBLICATION_LABEL.search(text)
    if not m:
        return None
    return Span.of(m, "value")


def _key(value: str) -> str:
    # Punctuation aside: "FOI/23153" beside a primary "FOI23153" is the same reference printed another way.
    return _alnum(_clean(value))


def find_references(text: str) -> list[Reference]:
    """The primary reference, the publication number and cited references, in that order.

    >>> [(r.kind, r.value) for r in find_references("Our ref: FOI 15435\\nPUB 1169")]
    [('primary', '15435'), ('publication', 'PUB 1169')]
    """
    publication = _publication(text)
    primary = _labelled_primary(text) or _quoted_primary(text) or _layout_primary(text, publication)
    found: list[Reference] = []
    seen: set[str] = set()
    if primary:
        found.append(Reference("primary", primary.text, primary))
        seen.add(_key(primary.text))
    if publication:
        found.append(Reference("publication", publication.text, publication))
        seen.add(_key(publication.text))
    for m in _with_listed(_cited_matches(text, primary), text, primary):
        span = _cleaned(m)
        if not _is_citation(span.text) or any(_same_reference(_key(span.text), key) for key in seen):
            continue
        if m.group(0).lower().startswith("ref") and _in_label_context(text, m.start()):
            continue
        seen.add(_key(span.text))
        found.append(Reference("cited", span.text, span))
    return found


def _same_reference(key: str, seen: str) -> bool:
    """One reference printed in part ("15435" beside "FOI15435", "NIC-448459" beside "NIC-448459-V1J1H");
    but one letter added at the end makes another request ("DA3720" beside the refined "DA3720a")."""
    return key in seen and not (seen.startswith(key) and len(seen) == len(key) + 1 and seen[-1].isalpha())


_LISTED = re.compile(rf"[ \t]*(?:,|and|&)[ \t]*(?:(?:FOI|ref)[ \t]+)?(?P<value>{REF_VALUE})", re.IGNORECASE)


def _with_listed(matches: Iterator[re.Match[str]], text: str, primary: Span | None) -> Iterator[re.Match[str]]:
    """A citation and the references listed after it: "requests FOIR0611, FOIR0645 and FOIR0702"; those listed
    after the primary ("FOI Ref: 19/11/1609 & 19/11/1675") are cited too."""
    listed_after_primary = _LISTED.match(text, primary.end) if primary else None
    if listed_after_primary and _is_citation(_clean(listed_after_primary.group("value"))):
        matches = iter(sorted([*matches, listed_after_primary], key=lambda m: m.start("value")))
    for m in matches:
        yield m
        end = m.end()
        while (more := _LISTED.match(text, end)) and _is_citation(_clean(more.group("value"))):
            yield more
            end = more.end()


def _cited_matches(text: str, primary: Span | None) -> Iterator[re.Match[str]]:
    """Citations after a keyword, and any other reference in the primary's own format ("FOIR0611" beside
    "FOIR0823"), in order of appearance."""
    matches = list(CITED.finditer(text))
    prefix = re.match(r"[A-Za-z]{2,}[-/]?(?=\d)", primary.text) if primary else None
    if prefix:
        same_format = re.compile(rf"(?<![\w/-])(?P<value>{re.escape(prefix.group(0))}\d[\w/-]*\d)(?![\w/])")
        matches.extend(same_format.finditer(text))
    return iter(sorted(matches, key=lambda m: m.start("value")))


def _is_citation(value: str) -> bool:
    return _looks_like_reference(value) and bool(_CITED_SHAPE.match(value)) and sum(c.isdigit() for c in value) >= 4


def _in_label_context(text: str, pos: int) -> bool:
    """A labelled reference line ("Our Ref: X", "Your Ref: X") is not a citation of another request."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos].lower()
    return bool(re.search(r"(?:our|your)\s*$", before))
