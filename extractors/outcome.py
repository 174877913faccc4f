"""The outcome of a request: full_disclosure, part_disclosure, refused, not_held, ncnd or advice_only.

An outcome line printed by the page wins ("Part Disclosure with Section 31 Exemptions"); otherwise the
response's own words decide: what it releases, what it withholds and under which sections, what it
does not hold, and whether it neither confirms nor denies for the whole request or only for the rest.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping

from foidata.extractors.document import blank_parts
from foidata.extractors.facts import Exemption, Money
from foidata.extractors.layout import RESPONSE_HEADING, SIGN_OFF, request_span, sentence_around
from foidata.extractors.questions import ANSWER_LINE

_LABEL = r"^[ \t|]*(?:(?:outcome|decision|result|response\s+type|status|request\s+status)[ \t]*[:\-–|][ \t]*)?"
EXPLICIT = tuple(
    (outcome, re.compile(_LABEL + pattern, re.I | re.M))
    for outcome, pattern in (
        (
            "part_disclosure",
            r"(?:part(?:ial)?(?:ly)?[ \t]+(?:disclosure|disclosed|release|released|successful)"
            r"|(?:(?:information|request)[ \t]+)?(?:disclosed|released|refused|withheld|not[ \t]+held)"
            r"[ \t]+in[ \t]+part)\b",
        ),
        (
            "full_disclosure",
            r"(?:full[ \t]+disclosure|disclosed[ \t]+in[ \t]+full|released[ \t]+in[ \t]+full"
            r"|information[ \t]+disclosed[ \t]*$|successful[ \t]*$)",
        ),
        (
            "refused",
            r"(?:full[ \t]+refusal|refused(?:[ \t]+in[ \t]+full)?|request[ \t]+refused|withheld[ \t]+in[ \t]+full)"
            r"[ \t]*(?:$|with\b|-|–|\()",
        ),
        (
            "not_held",
            r"(?:information[ \t]+not[ \t]+held|no[ \t]+information[ \t]+held|not[ \t]+held)[ \t]*(?:$|with\b|-|–)",
        ),
        ("ncnd", r"neither[ \t]+confirm(?:ed)?[ \t]+nor[ \t]+den(?:y|ied)[ \t]*(?:$|with\b|-|–)"),
    )
)
# A bare "Disclosed" is an outcome only behind a Decision/Outcome label, not as a word ending a line.
LABELLED_DISCLOSED = re.compile(r"^[ \t|]*(?:outcome|decision|result)[ \t]*[:\-–|][ \t]*disclosed[ \t]*$", re.I | re.M)
# Alaveteli (WhatDoTheyKnow) prints the request's status in a sentence of its own.
ALAVETELI_STATUS = (
    ("part_disclosure", re.compile(r"(?:this|the)\s+request\s+(?:has\s+been|was)\s+partially\s+successful", re.I)),
    ("full_disclosure", re.compile(r"(?:this|the)\s+request\s+(?:has\s+been|was)\s+successful", re.I)),
    ("refused", re.compile(r"(?:this|the)\s+request\s+(?:has\s+been|was)\s+refused", re.I)),
    ("not_held", re.compile(r"(?:does|did)\s+not\s+have\s+the\s+information\s+requested", re.I)),
)
NCND = re.compile(r"neither\s+confirm\s+nor\s+deny", re.I)
NCND_PARTIAL = re.compile(
    r"neither\s+confirm\s+nor\s+deny\s+whether\s+(?:it|we)\s+holds?\s+(?:any\s+)?(?:other|further|additional|more)"
    r"|beyond\s+the\s+information|any\s+(?:other|further)\s+information",
    re.I,
)
NOT_HELD = re.compile(
    r"(?:does|do)\s+not\s+(?:hold|have\s+(?:it\b|(?:this|that|the|any)\s+information\b))"
    r"|\b(?:don|doesn)[’']t\s+hold\b|holds?\s+no\s+(?:recorded\s+)?information|(?:information|data)\s+(?:is|was)\s+not\s+held"
    # ... or an attachment named for what it says: "- Response not held.pdf".
    r"|not[ \t_-]+held(?:\s+by|\b[^\n]{0,40}\.(?:pdf|docx?|odt|xlsx?)[ \t]*$)"
    r"|no\s+(?:recorded\s+)?information\s+(?:is\s+)?held|no\s+information\s+held"
    r"|\binformation\s+not\s+held\b|\b(?:is|are|was|were)\s+not\s+held\b",
    re.I | re.M,
)
# Words that release information, strong enough on their own.
DISCLOSED = re.compile(
    r"release[sd]?\s+(?:part\s+of\s+)?the\s+information|decided\s+(?:today\s+)?to\s+release"
    # "Please find below our response" introduces any answer, a refusal too; "please find below the figures" releases.
    r"|please\s+find\s+(?:attached|below)(?![,\s]+(?:[\w’'.]+\s+){0,4}?response\b)"
    r"|(?:is|are)\s+(?:shown|set\s+out|provided|given|detailed)\s+(?:in\s+the\s+table\s+)?below|as\s+follows"
    r"|information\s+above|attached\s+(?:spreadsheet|document|file|workbook)|the\s+below\s+and\s+attached"
    r"|answers?\s+to\s+your\s+questions|responses\s+to\s+(?:each\s+of\s+)?(?:your|the)\s+questions"
    r"|response\s+(?:in\s+respect\s+of|to)\s+each\s+(?:element|part|question|item|point)"
    # Not the re-use notice: "the information provided in this response is available for re-use".
    r"|information\s+(?:is\s+)?(?:provided|released|disclosed)\s+(?:below|above|in(?!\s+(?:this|our)\s+(?:response|letter|e-?mail|reply)))"
    r"|please\s+find\s+(?:the\s+)?(?:requested\s+|relevant\s+)?(?:information|data|details)\b"
    r"|attached\s+(?:csv|excel|pdf|word)\s+(?:files?|spreadsheets?|documents?|workbooks?)|\(see\s+attached\)|\b(?:is|are)\s+attached\s+(?:via|below|to)\b"
    r"|(?:have|has\s+been|were|was)\s+redacted|applied\s+(?:the\s+following\s+)?redactions"
    r"|redacted\s+(?:version|copy)"
    r"|please\s+(?:see|refer\s+to)\s+(?:the\s+)?attached"
    r"(?:[ \t]*[.\n]|\s+(?:(?:excel|csv|pdf|word)\s+)?"
    r"(?:document|file|spreadsheet|information|response|table|pdf|data))"
    r"|(?:our|the)\s+response\s+(?:is\s+)?(?:provided\s+)?(?:below|as\s+follows)"
    r"|response\s+is\s+in\s+the\s+attached|information\s+(?:you\s+(?:have\s+)?(?:sought|requested|asked\s+for)\s+)?is\s+attached"
    r"|(?:answered|provided|set\s+out)\s+[^.]{0,60}\bin\s+the\s+\w+\s+attached"
    r"|^[ \t]*(?:q\d+[a-z]?(?:[ \t]*&[ \t]*q?\d*[a-z]?)?[ \t]+)?(?:response|answer)"
    r"[ \t]*[:\-–]+[ \t]*\w",
    re.I | re.M,
)
# Words that only say information is held; enough where the page has a response section.
HELD = re.compile(r"can\s+(?:confirm|advise)|holds\s+the\s+information|information\s+(?:is\s+)?held", re.I)
REFUSAL = re.compile(
    r"refuses?\s+to\s+provide|(?:is|information)\s+exempt\b|(?:is|are)\s+commercially\s+sensitive|exempt\s+from\s+disclosure"
    # Not the complaints procedure's "if a decision is taken to disclose information originally withheld".
    r"|(?<!originally\s)withheld|refusal\s+notice",
    re.I,
)
NOTHING_WITHHELD = re.compile(
    r"no\s+information\s+(?:has\s+been|was|is)\s+withheld|(?:given|provided|disclosed|released)\s+in\s+full", re.I
)
# Withholding scoped to a share of what is released: the rest was given.
PARTLY_WITHHELD = re.compile(
    r"(?:applies|applied|been\s+applied)\s+to\s+(?:some|parts?)\s+of|(?:released|provided|disclosed)\s+(?:most|some|part)\s+of"
    r"|redacted\s+information|information\s+(?:has\s+been|was)\s+redacted"
    r"|withh(?:eld|olding)\s+(?:some|part|parts)\s+of|(?:removed|redacted|withheld)\s+from\s+(?:some|parts?)\s+of"
    r"|(?:some|certain|parts\s+of\s+the|more\s+specific)\s+(?:information|details|data)\s+(?:has|have|is|are|was|were)\s+"
    r"(?:been\s+)?(?:withheld|redacted|exempt)"
    # Small numbers masked so that no one can be identified: the rest of the figures are given.
    r"|where\s+(?:the\s+)?(?:numbers?|figures?|counts?)\s+(?:are|is)\s+(?:low|small)|\bsuppress(?:ed|ion)\b"
    r"|small\s+numbers?\s+(?:have|has)\s+been",
    re.I,
)
# Wording that some asked-for data does not exist, beside answers to the rest.
# Not the form of what is released: "not available as a .csv file", "can only provide these in Excel format".
_NOT_FORMAT = r"(?![^\n]{0,40}\b(?:format|excel|csv|pdf|word\s+document|raw\s+data|spreadsheet)\b)"
UNAVAILABLE = re.compile(
    r"no\s+(?:data|information|records?)\s+(?:is\s+|are\s+)?(?:available|recorded|kept)"
    rf"|(?:is|are)\s+not\s+(?:available|recorded){_NOT_FORMAT}"
    r"|no\s+longer\s+(?:have|hold|keep)|(?:does|do)\s+not\s+(?:record|keep|collate)|(?:is|are)\s+not\s+collated"
    r"|(?:do|does)\s+not\s+have\s+(?:this|that|the|any)\s+(?:data|information|figures)"
    rf"|\b(?:could|can|were|was)\s+only\s+(?:be\s+)?(?:able\s+to\s+)?(?:extract|provide|report|supply|identify){_NOT_FORMAT}"
    r"|not\s+possible\s+to\s+(?:identify|extract|quantify|break\s+down|separate)",
    re.I,
)
HOLDS_PART = re.compile(r"(?:holds?|held)\s+(?:some|part)\s+of\s+the\s+information", re.I)
CANNOT_PROVIDE = re.compile(
    r"cannot\s+(?:provide|release|supply|comply)|not\s+(?:obliged|required)\s+to\s+(?:comply|provide|supply|disclose|release)"
    r"|exceed\s+the\s+appropriate"
    r"|refusal\s+notice|unable\s+to\s+(?:provide|comply)",
    re.I,
)
ADVICE = re.compile(
    r"advice\s+and\s+assistance|narrow(?:ing)?\s+(?:your|the)\s+request|refine\s+your\s+request"
    r"|where\s+you\s+can\s+find|you\s+(?:may|might)\s+wish\s+to|not\s+recorded\s+information"
    r"|(?:is|are)\s+published\s+on\s+our\s+website|we\s+hope\s+this\s+is\s+helpful|we\s+(?:would\s+)?suggest"
    r"|not\s+a\s+request\s+for\s+(?:recorded\s+)?information",
    re.I,
)
# A refusal scoped to one part of the request: the other parts were answered.
PART_REFUSAL = re.compile(
    r"(?:this|that|the(?:\s+\w+){0,2})\s+parts?\s+of\s+(?:your|the)\s+request"
    r"|(?:remainder|rest|remaining\s+parts?)\s+of\s+(?:your|the)\s+request|regarding\s+the\s+request\s+for"
    r"|(?:all\s+)?(?:other|remaining)\s+questions",
    re.I,
)
# The cost limit given as the reason without its section number ("would exceed the upper cost limit of £600").
COST_WORDS = re.compile(
    r"exceed(?:s|ed|ing)?\s+(?:the\s+)?(?:appropriate|upper\s+cost|cost)\s+limit"
    r"|in\s+excess\s+of\s+the\s+(?:appropriate|cost)\s+limit|(?:longer|more)\s+than\s+the\s+appropriate\s+limit"
    r"|cost\s+exceeds\s+(?:the\s+)?limit|exceed\s+cost\s+in\s+excess|(?:labour|time)[\s-]+intensive",
    re.I,
)
# Information the Act does not reach (a Schedule 1 derogation, questions outside its remit): nothing is given.
OUT_OF_SCOPE = re.compile(
    r"(?:outside|beyond)\s+the\s+(?:scope|remit)\s+of\s+the\s+(?:act|foia|freedom)|\bderogat(?:ion|ed)\b"
    r"|not\s+(?:covered\s+by|subject\s+to)\s+the\s+(?:act|foia|freedom)",
    re.I,
)
# The body's own estimate that answering would go over the limit, as against the limit explained in passing.
COST_ESTIMATE = re.compile(r"(?:would|will)\s+cost\s+(?:more\s+than|in\s+excess\s+of|over)\b", re.I)
SIGNPOST_ONLY = {"21", "22"}
_ASKED = re.compile(r"\?\s*[\"”]?\s*$|\b(?:please|could\s+you|can\s+you|i\s+would\s+like|i\s+request)\b", re.I)
COST_SECTIONS = {"12", "14"}


def _explicit(text: str) -> str | None:
    for outcome, pattern in EXPLICIT:
        if pattern.search(text):
            return outcome
    return "full_disclosure" if LABELLED_DISCLOSED.search(text) else None


def _status_line(text: str) -> str | None:
    for outcome, pattern in ALAVETELI_STATUS:
        if pattern.search(text):
            return outcome
    return None


_QUESTION_LINE = re.compile(r"^[^\n]{10,}\?[ \t]*\n(?:[ \t]*\n)*(?P<answer>[^\n]+)", re.M)


def _asked(text: str, pos: int) -> bool:
    """An amount inside the requester's question ("Is it fair that I pay £1,873?") is not released."""
    start, end = sentence_around(text, pos)
    return bool(_ASKED.search(text[start : end + 2]))


_HEADINGS = {"decision", "response", "answer", "reply", "request", "outcome", "background", "summary", "our response"}
_MARKER_LINE = re.compile(r"^\s*(?:Q(?:uestion)?\s*\d|\(?\d{1,2}[.):]|\(?[a-z][.)]\s)", re.I)


# The body's estimate of what answering would cost ("would cost more than £450 to comply", "64 hours and
# £1,600"): the reason for refusing, not information released.
_COSTING = re.compile(
    r"cost\s+(?:more\s+than|in\s+excess\s+of|over)|to\s+comply|per\s+hour|(?:appropriate|cost)\s+limit"
    r"|(?:unable|not\s+able)\s+to\s+(?:answer|comply|provide)|\blimit\s+(?:set\s+)?(?:for\s+[\w\s]{1,40}?\s+)?is\b",
    re.I,
)


def _costing(text: str, pos: int) -> bool:
    start, end = sentence_around(text, pos)
    return bool(_COSTING.search(text[start:end]))


# A short answer printed on the question's own line ("... detected? N/A"); one could be the requester's own
# aside, two make a list of answers.
_INLINE_ANSWER = re.compile(r"\?[ \t]+(?:yes|no|none|nil|n/?a|\d[\d,]*)\.?[ \t]*$", re.I | re.M)


def _answers_questions(response_text: str) -> bool:
    """A question line followed by a short answer line ("Which software ...?" / "Brightly Confirm"), or two
    questions answered on their own lines."""
    if len(_INLINE_ANSWER.findall(response_text)) >= 2:
        return True
    for m in _QUESTION_LINE.finditer(response_text):
        answer = m.group("answer").strip()
        words = answer.split()
        short = 0 < len(words) <= 12 and answer.lower().strip(" :") not in _HEADINGS
        if short and not answer.endswith("?") and not answer.isupper() and not _MARKER_LINE.match(answer):
            return True
    return False


_ANSWER_LINE = re.compile(
    r"^[ \t\-|•]*(?:(?:\(?\d{1,2}[.):]|Q\d+[.:]?|[a-z][.)])[ \t]+)?"
    r"(?:(?:yes|no|none|nil)\b|£?\d[\d,]*(?:\.\d+)?(?![.)\d]))",
    re.I | re.M,
)


# A nil return is an answer (the labelling rule): "The answer to your request is nil", "None of our ...".
_NIL_ANSWER = re.compile(r"^[ \t]*(?:none\s+of\b|nil\b|no\b[ .,])|\b(?:is|was|are|were)\s+nil\b", re.I | re.M)


def _nil_after(heading: re.Match[str] | None, text: str) -> bool:
    return heading is not None and bool(_NIL_ANSWER.search(text, heading.end()))


# A count stated as the answer: "the total number with that job title is 4", "there were 12", "3 x social
# workers" (a staffing list).
# Lower case, searched in the casefolded response; three patterns, each opening on words, scan faster than
# one alternation behind a word boundary.
_COUNT_GIVEN = (
    re.compile(
        r"(?:number|total)\s+(?:of\s+)?(?:[^.\n]|\n(?![ \t]*\n)){0,80}?\b(?:is|was|are|were|stands\s+at|totals?)\s+"
        r"\d[\d,]*\b(?![./:-]\d)"
    ),
    re.compile(
        r"(?:there\s+(?:is|are|was|were|have\s+been)|has|have|had|employs?|employed|operates?)\s+"
        r"(?:over\s+|approximately\s+|around\s+|about\s+|more\s+than\s+|fewer\s+than\s+|less\s+than\s+)?"
        r"\d[\d,]*\s+(?!(?:calendar\s+|working\s+)?(?:days?|months?|weeks?|hours?|years?|working)\b)[a-z]"
    ),
    re.compile(r"^[ \t|•-]*\d{1,4}[ \t]*x[ \t]+[a-z]", re.M),
)

_ESTIMATING = re.compile(r"\bestimat|\bwould\s+(?:take|cost|require|involve)|\bhours?\b|\blimit\b")


def _answered_after(heading: re.Match[str] | None, text: str) -> bool:
    """Lines under the Response / Reply / Decision heading that open with a figure or a yes or no."""
    return heading is not None and len(_ANSWER_LINE.findall(text[heading.end() :])) >= 2


# Information sent with the letter: a release, where "set out below" may introduce only the reasons for refusing.
ATTACHED = re.compile(
    r"please\s+(?:see|find|refer\s+to)\s+(?:\w+\s+){0,3}?(?:attached|enclosed)"
    # ... followed by what it releases, not "attached details of our complaints procedure".
    r"(?:[ \t]*[.,:\n]|\s+(?:\w+\s+){0,2}?(?:documents?|files?|spreadsheets?|workbooks?|information|data|response"
    r"|tables?|letter|cop(?:y|ies)|report|figures|csv|excel|pdf)\b)"
    r"|\battached\s+(?:(?:excel|csv|pdf|word)\s+)?(?:documents?|files?|spreadsheets?|workbooks?)\b"
    r"|(?:provided|released|disclosed|contained|included)\s+(?:in|within)\s+the\s+(?:\w+\s+){0,2}?(?:attached|enclosed)"
    r"|\b(?:spreadsheet|document|file|table|workbook)s?\s+attached\b|\b(?:is|are)\s+attached\b"
    # The writer's own act: "I have attached the guide", "we enclose a copy".
    r"|\b(?:i|we)\s+(?:have\s+)?(?:attach|enclos)e?d?\s+(?:a|an|the|our|copies|cop(?:y|ies))\b",
    re.I,
)

# The end of a response letter: its sign-off, or the review and complaint rights every FOI answer closes with.
# A page that reaches them is whole, not cut off before the answer.
LETTER_CLOSE = re.compile(
    SIGN_OFF.pattern
    + r"|\bif\s+you\s+are\s+(?:not\s+satisfied|unhappy|dissatisfied)|\brequest\s+an\s+internal\s+review"
    r"|\bright\s+(?:of|to)\s+(?:complain|appeal)|\binformation\s+commissioner",
    re.I,
)

# Wording signals: name -> the pattern searched in the response part of the page.
_WORDING: dict[str, re.Pattern[str]] = {
    "disclosing_words": DISCLOSED,
    "part_refused": PART_REFUSAL,
    "ncnd": NCND,
    "ncnd_partial": NCND_PARTIAL,
    "decided_to_release": re.compile(r"decided\s+(?:today\s+)?to\s+release", re.I),
    "advice": ADVICE,
    "not_held": NOT_HELD,
    "holds_part": HOLDS_PART,
    "partly_withheld": PARTLY_WITHHELD,
    "unavailable": UNAVAILABLE,
    "cannot_provide": CANNOT_PROVIDE,
    "nothing_withheld": NOTHING_WITHHELD,
    "refusal_words": REFUSAL,
    "held": HELD,
    "cost_words": COST_WORDS,
    "out_of_scope": OUT_OF_SCOPE,
    "cost_estimate": COST_ESTIMATE,
    "letter_close": LETTER_CLOSE,
    "attached": ATTACHED,
}


# The wording patterns as searched: written in lower case, so each runs over the casefolded response without
# re.IGNORECASE, several times faster than the case-insensitive scan of the same pattern.
_FOLDED_WORDING = {name: re.compile(p.pattern, p.flags & ~re.IGNORECASE) for name, p in _WORDING.items()}

# Words without which a wording pattern cannot match (every alternative of the pattern contains one), so a
# page lacking them all is answered by a substring test instead of a slower case-insensitive regex scan.
_GATES: dict[str, tuple[str, ...]] = {
    "not_held": ("hold", "held", "have"),
    "part_refused": ("part", "remainder", "rest", "regarding", "questions"),
    "partly_withheld": ("some", "part", "most", "redact", "withh", "certain", "specific", "low", "small", "suppress"),
    "cannot_provide": ("cannot", "obliged", "required", "exceed", "refusal", "unable"),
    "nothing_withheld": ("withheld", "full"),
    "refusal_words": ("refus", "exempt", "withheld", "sensitive"),
    "cost_words": ("limit", "excess", "intensive"),
    "cost_estimate": ("cost",),
    "out_of_scope": ("scope", "remit", "derogat", "covered", "subject"),
    "letter_close": ("yours", "regards", "satisf", "unhappy", "review", "right", "commissioner"),
    "attached": ("attach", "enclos"),
}


class Signals(Mapping[str, bool]):
    """What the response says that bears on its outcome, one flag per kind of wording or fact.

    Each flag is read when first asked for: the rules stop at the first that decides, and most pages are
    decided after a few of the twenty searches.
    """

    def __init__(
        self, text: str, exemptions: list[Exemption], money: list[Money], request: tuple[int, int] | None = None
    ) -> None:
        self._text, self._exemptions, self._money = text, exemptions, money
        self._request = request or request_span(text)
        self._response = text[self._request[1] :] if self._request else text
        self._sections = {e.section for e in exemptions}
        self._read: dict[str, bool] = {}
        self._facts: dict[str, Callable[[], bool]] = {
            "exemptions": lambda: bool(self._exemptions),
            "cost_section": lambda: bool(self._sections & COST_SECTIONS),
            "signpost_only": lambda: bool(self._sections) and self._sections <= SIGNPOST_ONLY,
            "released_money": self._released_money,
            "qa_answers": lambda: _answers_questions(self._response),
            "count_given": self._count_given,
            "response_heading": lambda: self._heading is not None,
            "answers_under_heading": lambda: _answered_after(self._heading, self._text),
            "nil_under_heading": lambda: _nil_after(self._heading, self._text),
        }

    @functools.cached_property
    def _folded(self) -> str:
        return self._response.casefold()  # casefold, not lower: re.I also matches the long s and the Kelvin sign

    @functools.cached_property
    def _heading(self) -> re.Match[str] | None:
        return RESPONSE_HEADING.search(self._text)

    def _released_money(self) -> bool:
        request, text = self._request, self._text
        return any(
            not (request and request[0] <= m.span.start < request[1])
            and m.subject != "FOI appropriate cost limit"
            and not _asked(text, m.span.start)
            and not _costing(text, m.span.start)
            and not self._restated(m)
            for m in self._money
        )

    def _count_given(self) -> bool:
        """A count stated in the response, not inside the body's estimate of what answering would cost
        ("there are more than 2,700 such records, and we estimate ...")."""
        response = self._folded
        for pattern in _COUNT_GIVEN:
            for m in pattern.finditer(response):
                start, end = sentence_around(response, m.start())
                if not _ESTIMATING.search(response[start:end]):
                    return True
        return False

    def _restated(self, money: Money) -> bool:
        """An amount printed with the same words before it inside the request: the request quoted again
        ("schemes above £100m"), not a figure the body gives."""
        if not self._request:
            return False
        lead = " ".join(self._text[max(0, money.span.start - 30) : money.span.end].split()[1:])
        asked = " ".join(self._text[self._request[0] : self._request[1]].split())
        return len(lead) > len(money.span.text) and lead in asked

    def __getitem__(self, name: str) -> bool:
        if name not in self._read:
            if name in _WORDING:
                gates = _GATES.get(name)
                passed = gates is None or any(g in self._folded for g in gates)
                self._read[name] = passed and bool(_FOLDED_WORDING[name].search(self._folded))
            else:
                self._read[name] = self._facts[name]()
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*self._facts, *_WORDING])

    def __len__(self) -> int:
        return len(self._facts) + len(_WORDING)


def outcome_signals(
    text: str, exemptions: list[Exemption], money: list[Money], request: tuple[int, int] | None = None
) -> Mapping[str, bool]:
    """The flags decide_outcome reads (see Signals)."""
    return Signals(text, exemptions, money, request)


def classify_outcome(
    text: str,
    exemptions: list[Exemption],
    money: list[Money],
    requester_parts: tuple[tuple[int, int], ...] = (),
) -> str | None:
    """The outcome the response states or implies; None when the page ends before it says.

    requester_parts (a thread's messages from the requester, see Document) are not the body's words: they are
    blanked, and the first is the request."""
    request = requester_parts[0] if requester_parts else None
    text = blank_parts(text, requester_parts)
    explicit = _explicit(text)
    if explicit:
        return explicit
    decided = decide_outcome(outcome_signals(text, exemptions, money, request))
    if decided in ("refused", "not_held", None):
        by_answer = per_answer_outcome(text, exemptions, request)
        if by_answer == "part_disclosure" or (decided is None and by_answer):
            return by_answer  # one answer withheld or not held and another answered; or the answers alone decide
    # A WhatDoTheyKnow status line is the requester's view, who has read the attachments: it beats a full
    # disclosure inferred from a thread's answers and attachments, but not words that withhold or hold nothing.
    if decided in (None, "full_disclosure"):
        return _status_line(text) or decided
    return decided


_COST = re.compile(r"exceed(?:s|ed)?\s+the\s+(?:appropriate|cost)\s+limit|cost\s+limit", re.I)
_NEGATIVE = re.compile(r"\b(?:not|no|none|nil|never|nothing)\b", re.I)
_MAX_ANSWER = 1500


def _answer_kind(answer: str, cites_exemption: bool) -> str | None:
    """What one numbered answer gave: withheld (an exemption, a refusal, the cost limit), not held, answered
    (a figure, or words without a negative: a negative answer without a figure says too little to tell)."""
    if cites_exemption or REFUSAL.search(answer) or CANNOT_PROVIDE.search(answer) or _COST.search(answer):
        return "withheld"
    if NOT_HELD.search(answer) or UNAVAILABLE.search(answer):
        return "not_held"
    body = ANSWER_LINE.sub("", answer, count=1)
    if re.search(r"\d", body) or (len(body.split()) >= 3 and not _NEGATIVE.search(body)):
        return "answered"
    return None


def per_answer_outcome(
    text: str, exemptions: list[Exemption], request: tuple[int, int] | None = None
) -> str | None:
    """The outcome from what each numbered answer after the request got; None unless two or more are read."""
    request = request or request_span(text)
    heading = None if request else RESPONSE_HEADING.search(text)
    if request:
        start = request[1]
    elif heading:
        start = heading.end()  # a "Responses" heading after the questions restated without a request label
    else:
        return None
    response_text = text[start:]
    marks = list(ANSWER_LINE.finditer(response_text))
    numbers = [int(re.sub(r"\D", "", m.group(0))) for m in marks]
    if len(marks) < 2 or numbers != list(range(1, len(marks) + 1)):
        return None  # answers are numbered 1, 2, 3 ...; anything else is a quoted statute or a list of documents
    ends = [m.start() for m in marks[1:]] + [min(len(response_text), marks[-1].start() + _MAX_ANSWER)]
    cited = [e.span.start - start for e in exemptions]
    kinds = {
        _answer_kind(response_text[m.start() : end], any(m.start() <= c < end for c in cited))
        for m, end in zip(marks, ends, strict=True)
    } - {None}
    if not kinds:
        return None
    if kinds == {"answered"}:
        return "full_disclosure"
    if "answered" in kinds:
        return "part_disclosure"
    return "not_held" if kinds == {"not_held"} else "refused"


def decide_outcome(s: Mapping[str, bool]) -> str | None:
    """The hand-written rules over outcome_signals, for a page that prints no outcome line."""
    answered = s["released_money"] or s["qa_answers"] or s["answers_under_heading"] or s["count_given"]
    disclosed = answered or s["disclosing_words"] or s["attached"]
    if s["cost_section"] and not s["released_money"]:
        # Over the limit for one part, and the rest sent as attachments or scoped as a part.
        partial = s["part_refused"] or s["partly_withheld"] or s["attached"] or s["count_given"]
        return "part_disclosure" if partial else "refused"
    if s["signpost_only"] and not (answered or s["disclosing_words"] or s["partly_withheld"]):
        return "refused"  # "available on our website" (s.21) or "to be published" (s.22) for the whole request
    if s["ncnd"]:
        if s["ncnd_partial"] or s["released_money"] or s["decided_to_release"]:
            return "part_disclosure"
        return "ncnd"
    if (
        not s["exemptions"]
        and not disclosed
        and not s["nothing_withheld"]
        and (s["out_of_scope"] or s["refusal_words"])
    ):
        return "refused"
    if not s["exemptions"] and not disclosed and s["advice"] and not s["not_held"]:
        return "advice_only"
    if s["exemptions"]:
        if s["part_refused"] and s["cost_words"] and not disclosed:
            return "refused"  # one part exempt and "the other part" over the cost limit: nothing given
        partial = s["not_held"] or s["unavailable"] or s["part_refused"] or s["holds_part"] or s["partly_withheld"]
        if disclosed or partial:
            return "part_disclosure"
        return "refused"
    if s["not_held"]:
        # Not held for one part beside words that release or answer another; words that only explain why
        # nothing is held and offer help ("the reasons are set out below") release nothing.
        releases = answered or (s["disclosing_words"] and not s["advice"])
        if releases or s["holds_part"] or s["part_refused"]:
            return "part_disclosure"
        return "refused" if s["cost_estimate"] else "not_held"  # not held and over the limit: nothing given
    # After not held: a page that holds nothing may still explain the cost limit in passing.
    if s["cost_words"]:
        # As with a cited s.12: figures or attachments beside it mean only part went over the limit.
        return "part_disclosure" if disclosed or s["part_refused"] or s["partly_withheld"] else "refused"
    if s["unavailable"] and disclosed:
        return "part_disclosure"
    if s["cannot_provide"] and not answered:
        # Something released beside what cannot be ("see the attached spreadsheet" ... "unable to provide").
        return "part_disclosure" if s["attached"] else "refused"
    if s["nothing_withheld"]:
        return "full_disclosure"
    if s["holds_part"] or s["partly_withheld"] or (disclosed and s["refusal_words"]):
        return "part_disclosure"
    if disclosed or (s["held"] and s["response_heading"]) or s["nil_under_heading"]:
        return "full_disclosure"
    if s["letter_close"]:
        # A whole letter that withholds nothing, holds everything and refuses nothing answered what it was asked.
        return "full_disclosure"
    return None
