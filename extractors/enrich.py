"""The columns that make responses comparable across bodies, for `foidata.flows.pipeline.build_rows`: the body's id
in the register, the request as restated, the response time in working days; for money, the financial year
and whether it is capital or revenue."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from foidata.extractors.bodies import BodyMatch, resolve_body
from foidata.extractors.document import Document
from foidata.extractors.facts import Money, ResponseFacts
from foidata.extractors.fiscal import parse_period
from foidata.extractors.layout import request_span
from foidata.extractors.spend import spend_type
from foidata.extractors.timeliness import is_late, working_days

MAX_REQUEST_CHARS = 2000  # enough to tell one request from another; the document keeps the rest


def resolve_document_body(
    doc: Document,
    facts: ResponseFacts,
    given: str | None = None,
    origin_name: str | None = None,
    parent_source: str | None = None,
) -> BodyMatch | None:
    """The register's body for a document. A body the caller or live source names (`given`) is trusted first;
    then the WhatDoTheyKnow url_name of a `wdtk:` source, the host of the URL (or of the page linking an
    attachment), the name read from the text, its letterhead, and the whole text."""
    if given:
        found = resolve_body(name=given)
        if found:
            return found
    wdtk = origin_name.split(":", 1)[1] if origin_name and origin_name.startswith("wdtk:") else None
    host = next((s for s in (doc.source, parent_source) if s and urlsplit(s).hostname), None)
    return resolve_body(name=facts.body, host=host, wdtk=None if wdtk == "search" else wdtk, text=doc.text)


def request_text(text: str) -> str | None:
    """The request part of a response, whitespace collapsed, where the layout marks one."""
    span = request_span(text)
    if span is None:
        return None
    collapsed = " ".join(text[span[0] : span[1]].split())
    return collapsed[:MAX_REQUEST_CHARS] or None


def response_columns(doc: Document, facts: ResponseFacts, match: BodyMatch | None) -> dict[str, Any]:
    """The response row's body_id, body_kind, body_nation, request_text, working_days and late."""
    received, responded = facts.date_for("request"), facts.date_for("response")
    days = None
    if match is not None and received is not None and responded is not None:
        days = working_days(received, responded, match.nation)
    return {
        "body_id": match.body_id if match else None,
        "body_kind": match.kind if match else None,
        "body_nation": match.nation if match else None,
        "request_text": request_text(doc.text),
        "working_days": days,
        "late": is_late(days),
    }


def money_columns(text: str, money: Money) -> dict[str, Any]:
    """A money row's fy_start, period_kind and spend_type."""
    period = parse_period(money.period)
    return {
        "fy_start": period.fy_start,
        "period_kind": period.kind,
        "spend_type": spend_type(text, money.span.start, money.span.end, money.subject),
    }
