"""Exemptions a response applies: FOIA ss.12, 14, 21-44 and EIR regulations 12 and 13, split into provisions.
A response under Scotland's Act (FOISA) or Regulations (EIRS) is read with their own tables instead.

"Section 31(1)(a)(b)" gives 31(1)(a) and 31(1)(b). Procedural sections, sections cited only in the
request, sections an internal review set aside and sections of other Acts are left out.
"""

from __future__ import annotations

import itertools
import re

from foidata.extractors.facts import Exemption
from foidata.extractors.layout import request_span, sentence_around
from foidata.extractors.spans import Span
from foidata.extractors.statute import (
    exemption_name,
    exemption_sections,
    is_regulation_exemption,
)

# A part, or a range of parts: "(a)", "(3A)", "(i-iii)".
_PART = r"\([ \t]*[0-9A-Za-z]{1,4}(?:[ \t]*[-–][ \t]*[0-9A-Za-z]{1,4})?[ \t]*\)"
_PATH = rf"(?:[ \t]?{_PART})*"
# A section number, with the letter of an inserted section in either case ("22A", "sections 22a and 31").
_NUMBER = r"\d{1,3}(?:[A-Za-z](?![A-Za-z]))?"
CITATION = re.compile(
    # "FoIA 21": the Act's initials then a bare section number (two digits at most: not "FOIA 2000").
    r"(?<![A-Za-z])(?P<kw>sections?|secs?\.?|ss?\.?|regulations?|regs?\.?|FOIA(?=[ \t]+\d{1,2}(?!\d|[/.-]\d)))"
    r"[ \t]*\n?[ \t]*[“\"']?[ \t]*"
    rf"(?P<first>{_NUMBER}{_PATH})"
    rf"(?P<more>(?:[ \t]*(?:,|and|&|or)[ \t]*(?:(?:sections?|s\.?)[ \t]*)?(?:{_NUMBER}{_PATH}|{_PART}{_PATH}))*)",
    re.IGNORECASE,
)
_ITEM = re.compile(rf"{_NUMBER}{_PATH}|{_PART}{_PATH}")
_TOKENS = re.compile(r"\([ \t]*([0-9A-Za-z]{1,4})[ \t]*\)")
_OTHER_ACT = re.compile(
    # "Section 21 of the Local Government\nAct": a wrapped line is still the same name.
    r"^[ \t]*(?:\([^)]*\)[ \t]*)*of\s+the\s+(?!act\b|foia?\b|freedom)(?:[A-Z][\w()]*(?:[ \t]+|[ \t]*\n[ \t]*)){1,6}Act",
    re.I
)
_SET_ASIDE = re.compile(
    r"set\s+aside|no\s+longer\s+(?:being\s+)?(?:relied|applied)|withdrawn|not\s+(?:being\s+)?(?:relied|applied)"
    r"|not\s+engaged|overturned|(?:would|will|does|did)\s+not\s+exceed|did\s+not\s+(?:apply|engage)|does\s+not\s+apply\s+here|considered\s+whether|whether\s+[^.]{0,80}would\s+(?:exceed|go\s+beyond)",
    re.IGNORECASE,
)
# The requester's voice outside the quoted request: "If this would exceed the cost limit in Section 12, please
# advise me", "subject to section 40(2), could you please provide me with ...".
_REQUEST_VOICE = re.compile(
    r"\bif\b[^.?]{0,200}\b(?:exceed|not\s+possible|cannot|unable)[^.?]{0,200}\bplease\b"
    r"|\b(?:could|can|would)\s+you\s+(?:please\s+)?(?:provide|send|supply|tell|confirm|advise)\b|\bprovide\s+me\b",
    re.IGNORECASE,
)
_EXAMPLE = re.compile(r"for\s+example|such\s+as|e\.g\.", re.IGNORECASE)
_ROMANS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")


_RANGE = re.compile(r"\([ \t]*([0-9a-z]{1,4})[ \t]*[-–][ \t]*([0-9a-z]{1,4})[ \t]*\)", re.I)


def _expand_range(m: re.Match[str]) -> str:
    """"(i-iii)" -> "(i)(ii)(iii)", "(a-c)" -> "(a)(b)(c)", "(1-3)" -> "(1)(2)(3)"; a range it cannot read stays
    its two ends."""
    first, last = m.group(1), m.group(2)
    if first.lower() in _ROMANS and last.lower() in _ROMANS:
        names = list(_ROMANS[_ROMANS.index(first.lower()) : _ROMANS.index(last.lower()) + 1])
    elif first.isdigit() and last.isdigit() and int(first) < int(last) <= int(first) + 10:
        names = [str(n) for n in range(int(first), int(last) + 1)]
    elif len(first) == len(last) == 1 and first.isalpha() and last.isalpha() and first < last:
        names = [chr(c) for c in range(ord(first), ord(last) + 1)]
    else:
        names = []
    return "".join(f"({n})" for n in names or [first, last])


def split_provisions(section: str, path: str) -> list[str]:
    """All provisions a citation names.

    >>> split_provisions("31", "(1)(a)(b)")
    ['31(1)(a)', '31(1)(b)']
    >>> split_provisions("40", "(3A)(a)"), split_provisions("43", "")
    (['40(3A)(a)'], ['43'])
    >>> split_provisions("22A", "(1)(a)(i-iii)")
    ['22A(1)(a)(i)', '22A(1)(a)(ii)', '22A(1)(a)(iii)']
    """
    tokens = _TOKENS.findall(_RANGE.sub(_expand_range, path))
    levels: list[list[str]] = []
    last_kind = None
    for token in tokens:
        kind = "num" if token[0].isdigit() else ("roman" if last_kind == "alpha" and token in _ROMANS else
                                                 "alpha" if len(token) == 1 else "roman")
        if kind == last_kind and levels:
            levels[-1].append(token)
        else:
            levels.append([token])
        last_kind = kind
    if not levels:
        return [section]
    return [section + "".join(f"({t})" for t in combo) for combo in itertools.product(*levels)]


def _sentence(text: str, pos: int) -> str:
    start, end = sentence_around(text, pos)
    return text[start:end]


def _name_path(text: str, law: str, section: str, end: int) -> str:
    """A section quoted with its statutory name before the subsection: 'Section 21 Information accessible
    to applicant by other means (1) ...' cites 21(1)."""
    name = exemption_name(law, section)
    if not name:
        return ""
    words = r"\s+".join(re.escape(w) for w in name.split())
    m = re.match(rf"\s*{words}\s*(\([0-9]{{1,2}}\))", text[end:end + len(name) + 20], re.I)
    return m.group(1) if m else ""


# Naming Scotland's Act, Regulations or Commissioner puts every citation under Scottish law: its section
# numbers mean other things (FOISA s.21 is review, FOIA s.21 an exemption). "EIRS" alone is not a sign: English
# bodies write the plural of EIR that way.
_SCOTTISH = re.compile(
    r"\(\s*Scotland\s*\)\s+(?:Act|Regulations)|\bFOI\s?\(S\)\s?A\b|\bFOISA\b|\bEIR\s?\(S\)"
    r"|Scottish\s+Information\s+Commissioner",
)

_SCOTTISH_HINTS = ("(S", "( S", "FOISA", "Scottish", "SCOTTISH")


def laws_of(text: str) -> tuple[str, str]:
    """(law of sections, law of regulations) the response answers under.

    >>> laws_of("Freedom of Information (Scotland) Act 2002"), laws_of("section 40(2) of the FOIA")
    (('FOISA', 'EIRS'), ('FOIA', 'EIR'))
    """
    # A substring test first: the search is slow, and most pages name nothing Scottish.
    hinted = any(hint in text for hint in _SCOTTISH_HINTS)
    return ("FOISA", "EIRS") if hinted and _SCOTTISH.search(text) else ("FOIA", "EIR")


def _citations(text: str) -> list[tuple[str, str, str, Span]]:
    """(law, section, path, span) for every citation, applied or not."""
    out: list[tuple[str, str, str, Span]] = []
    section_law, regulation_law = laws_of(text)
    for m in CITATION.finditer(text):
        law = regulation_law if m.group("kw").lower().startswith("reg") else section_law
        section = ""
        for item in _ITEM.finditer(m.group(0), m.start("first") - m.start()):
            raw = item.group(0)
            if raw.startswith("("):
                if not section:
                    continue
                # "31(1)(a) and (b)": a sibling of the previous citation's last part
                prev_path = out[-1][2] if out else ""
                tokens = _TOKENS.findall(prev_path)
                path = "".join(f"({t})" for t in tokens[:-1]) + raw
            else:
                section = re.match(_NUMBER, raw).group(0).upper()  # type: ignore[union-attr]
                path = raw[len(section):]
                if not path.strip():
                    path = _name_path(text, law, section, m.start() + item.end())
            end = m.start() + item.end()
            compact_path = path.replace(" ", "").replace("\t", "")
            out.append((law, section, compact_path, Span(m.start(), end, text[m.start() : end])))
    return out


# Sentences that explain what a section does rather than apply it: they count only beside an applied citation.
_EXPLAINS = re.compile(
    r"\b(?:explains?|lets|allows?|enables?|permits?|provides?\s+that|means\s+that|requires?|sets\s+out|defines?"
    r"|relieves|is\s+an?\s+(?:absolute|qualified)|is\s+subject\s+to|need\s+not|does\s+not\s+have\s+to"
    r"|asks\s+us|a\s+public\s+authority\s+(?:may|can|is\s+not))\b",
    re.IGNORECASE,
)
# Subsections that are conditions, definitions or public-interest duties, not exemptions.
NOT_EXEMPTIONS = frozenset({"23(2)", "23(3)", "23(4)", "24(3)", "24(4)", "35(4)", "35(5)", "36(5)", "36(6)",
                            "36(7)"})
APPLIED, EXPLAINED = "applied", "explained"


def _classify(text: str, law: str, section: str, span: Span, request: tuple[int, int] | None) -> str | None:
    """APPLIED, EXPLAINED, or None for a citation that is no exemption applied here."""
    if section not in exemption_sections(law):
        return None
    if request and request[0] <= span.start < request[1]:
        return None
    if _OTHER_ACT.match(text[span.end : span.end + 80]):
        return None
    start, end = sentence_around(text, span.start)
    sentence = text[start:end]
    following = text[end : sentence_around(text, min(len(text), end + 2))[1]]
    if _SET_ASIDE.search(sentence) or _EXAMPLE.search(sentence) or _NOT_RELIED.search(following):
        return None
    if _REQUEST_VOICE.search(sentence):
        return None
    return EXPLAINED if _EXPLAINS.search(sentence) else APPLIED


_NOT_RELIED = re.compile(r"^\W*(?:we|i|the\s+\w+)\s+(?:have|has|did)\s+not\s+(?:relied|applied|used|considered)", re.I)


def _is_exemption(law: str, provision: str) -> bool:
    if law in ("EIR", "EIRS"):
        return is_regulation_exemption(law, provision)
    return law == "FOISA" or provision not in NOT_EXEMPTIONS


def find_exemptions(text: str) -> list[Exemption]:
    """Applied provisions, grouped by section in order of first citation, most specific kept.

    >>> found = find_exemptions("We have applied Section 31(1)(a)(b) and Section 40(2) of the Act.")
    >>> [(e.law, e.provision) for e in found]
    [('FOIA', '31(1)(a)'), ('FOIA', '31(1)(b)'), ('FOIA', '40(2)')]
    """
    request = request_span(text)
    by_section: dict[tuple[str, str], list[tuple[str, Span]]] = {}
    applied: set[tuple[str, str]] = set()
    rejected: set[str] = set()
    for law, section, path, span in _citations(text):
        kind = _classify(text, law, section, span, request)
        if kind is None:
            if _SET_ASIDE.search(_sentence(text, span.start)) and path:
                rejected.update(split_provisions(section, path))
            continue
        provisions = by_section.setdefault((law, section), [])
        for provision in split_provisions(section, path):
            if not _is_exemption(law, provision):
                continue
            if kind == APPLIED:
                applied.add((law, section))
            if provision not in (p for p, _ in provisions):
                provisions.append((provision, span))
    found: list[Exemption] = []
    for (law, section), provisions in by_section.items():
        if (law, section) not in applied:
            continue  # only ever explained, never applied
        names = [p for p, _ in provisions if p not in rejected]
        for provision, span in provisions:
            if provision in rejected or any(other != provision and other.startswith(provision) for other in names):
                continue  # set aside at review, or "Section 31" beside "Section 31(1)(a)"
            name = exemption_name(law, provision)
            found.append(Exemption(law=law, section=section, provision=provision, name=name, span=span))
    return found
