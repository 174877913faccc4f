"""All extractors over one document, composed into `ResponseFacts`."""

from __future__ import annotations

from foidata.extractors.dates import assign_roles, find_dates
from foidata.extractors.document import Document
from foidata.extractors.exemptions import find_exemptions
from foidata.extractors.facts import ResponseFacts
from foidata.extractors.metadata import find_attachments, find_body, find_keywords, find_title
from foidata.extractors.money import find_money
from foidata.extractors.outcome import classify_outcome
from foidata.extractors.questions import count_questions
from foidata.extractors.references import find_references
from foidata.extractors.tables import merge_money, table_money


def extract_response(doc: Document) -> ResponseFacts:
    """Every fact foidata reads from one response. Pure: no I/O, no Prefect."""
    text = doc.text
    # What the body withholds and decides is read from its own words, not from the requester's messages.
    answer = doc.body_text
    exemptions = find_exemptions(answer)
    money = merge_money(find_money(text), table_money(doc))
    return ResponseFacts(
        title=find_title(doc),
        body=find_body(text),
        references=tuple(find_references(text)),
        dates=tuple(assign_roles(find_dates(text))),
        outcome=classify_outcome(text, exemptions, money, doc.requester_parts),
        exemptions=tuple(exemptions),
        money=tuple(money),
        question_count=count_questions(text),
        keywords=tuple(find_keywords(text)),
        attachments=tuple(find_attachments(doc)),
    )
