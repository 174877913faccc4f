"""Exemptions a response applies: FOIA ss.12, 14, 21-44 and EIR regulations 12 and 13, split into provisions.

"Section 31(1)(a)(b)" gives 31(1)(a) and 31(1)(b). Procedural sections, sections cited only in the
request, sections an internal review set aside and sections of other Acts are left out.
"""

from __future__ import annotations

import itertools
import re

from foidata.extractors.facts import Exemption
from foidata.extractors.layout import request_span
from foidata.extractors.spans import Span
from foidata.extractors.statute import EIR_EXCEPTIONS, FOIA_EXEMPTIONS, eir_name, foia_name

_PART = r"\([ \t]*[0-9A-Za-z]{1,4}[ \t]*\)"
_PATH = rf"(?:[ \t]?{_PART})*"
CITATION = re.compile(
    r"(?<![A-Za-z])(?P<kw>sections?|secs?\.?|ss?\.?|regulations?|regs?\.?)[ \t]*\n?[ \t]*[“\"']?[ \t]*"
    rf"(?P<first>\d{{1,3}}[A-Z]?{_PATH})"
    rf"(?P<more>(?:[ \t]*(?:,|and|&|or)[ \t]*(?:(?:sections?|s\.?)[ \t]*)?(?:\d{{1,3}}[A-Z]?{_PATH}|{_PART}{_PATH}))*)",
    re.IGNORECASE,
)
_ITEM = re.compile(rf"\d{{1,3}}[A-Z]?{_PATH}|{_PART}{_PATH}")
_TOKENS = re.compile(r"\([ \t]*([0-9A-Za-z]{1,4})[ \t]*\)")
_OTHER_ACT = re.compile(
    r"^[ \t]*(?:\([^)]*\)[ \t]*)*of[ \t]+the[ \t]+(?!act\b|foia?\b|freedom)(?:[A-Z][\w()]*[ \t]+){1,6}Act", re.I
)
_SET_ASIDE = re.compile(
    r"set\s+aside|no\s+longer\s+(?:being\s+)?(?:relied|applied)|withdrawn|not\s+(?:being\s+)?(?:relied|applied)"
    r"|not\s+engaged|overturned|considered\s+whether|whether\s+[^.]{0,80}would\s+(?:exceed|go\s+beyond)",
    re.IGNORECASE,
)
_EXAMPLE = re.compile(r"for\s+example|such\s+as|e\.g\.", re.IGNORECASE)
_ROMAN = re.compile(r"^(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)$")


def split_provisions(section: str, path: str) -> list[str]:
    """All provisions a citation names.

    >>> split_provisions("31", "(1)(a)(b)")
    ['31(1)(a)', '31(1)(b)']
    >>> split_provisions("40", "(3A)(a)"), split_provisions("43", "")
    (['40(3A)(a)'], ['43'])
    """
    tokens = _TOKENS.findall(path)
    levels: list[list[str]] = []
    last_kind = None
    for token in tokens:
        kind = "num" if token[0].isdigit() else ("roman" if last_kind == "alpha" and _ROMAN.match(token) else
                                                 "alpha" if len(token) == 1 else "roman")
        if kind == last_kind and levels:
            levels[-1].append(token)
        else:
            levels.append([token])
        last_kind = kind
    if not levels:
        return [section]
    return [section + "".join(f"({t})" for t in combo) for combo in itertools.product(*levels)]


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n[ \t]*\n")


def _sentence(text: str, pos: int) -> str:
    """The sentence around pos; wrapped lines (PDF text) stay inside one sentence."""
    window_start = max(0, pos - 400)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, window_start, pos)]
    start = ends[-1] if ends else window_start
    end_match = _SENTENCE_END.search(text, pos)
    return text[start:end_match.start() if end_match else len(text)]


def _name_path(text: str, section: str, end: int) -> str:
    """A section quoted with its statutory name before the subsection: 'Section 21 Information accessible
    to applicant by other means (1) ...' cites 21(1)."""
    name = FOIA_EXEMPTIONS.get(section)
    if not name:
        return ""
    words = r"\s+".join(re.escape(w) for w in name.split())
    m = re.match(rf"\s*{words}\s*(\([0-9]{{1,2}}\))", text[end:end + len(name) + 20], re.I)
    return m.group(1) if m else ""


def _citations(text: str) -> list[tuple[str, str, str, Span]]:
    """(law, section, path, span) for every citation, applied or not."""
    out: list[tuple[str, str, str, Span]] = []
    for m in CITATION.finditer(text):
        law = "EIR" if m.group("kw").lower().startswith("reg") else "FOIA"
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
                section = re.match(r"\d{1,3}[A-Z]?", raw).group(0)  # type: ignore[union-attr]
                path = raw[len(section):]
                if not path.strip():
                    path = _name_path(text, section, m.start() + item.end())
            start = m.start() + item.start()
            out.append((law, section, path.replace(" ", "").replace("\t", ""),
                        Span(m.start(), m.start() + item.end(), text[m.start():m.start() + item.end()])))
            del start
    return out


def _applies(text: str, law: str, section: str, span: Span, request: tuple[int, int] | None) -> bool:
    if law == "FOIA" and section not in FOIA_EXEMPTIONS:
        return False
    if law == "EIR" and section not in {k.split("(")[0] for k in EIR_EXCEPTIONS}:
        return False
    if request and request[0] <= span.start < request[1]:
        return False
    if _OTHER_ACT.match(text[span.end:span.end + 80]):
        return False
    sentence = _sentence(text, span.start)
    return not (_SET_ASIDE.search(sentence) or _EXAMPLE.search(sentence))


def find_exemptions(text: str) -> list[Exemption]:
    """Applied provisions, grouped by section in order of first citation, most specific kept."""
    request = request_span(text)
    by_section: dict[tuple[str, str], list[tuple[str, Span]]] = {}
    for law, section, path, span in _citations(text):
        if not _applies(text, law, section, span, request):
            continue
        provisions = by_section.setdefault((law, section), [])
        for provision in split_provisions(section, path):
            if provision not in (p for p, _ in provisions):
                provisions.append((provision, span))
    found: list[Exemption] = []
    for (law, section), provisions in by_section.items():
        names = [p for p, _ in provisions]
        for provision, span in provisions:
            if any(other != provision and other.startswith(provision) for other in names):
                continue  # "Section 31" beside "Section 31(1)(a)" adds nothing
            name = foia_name(section) if law == "FOIA" else eir_name(provision)
            found.append(Exemption(law=law, section=section, provision=provision, name=name, span=span))
    return found
