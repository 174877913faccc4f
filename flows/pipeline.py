"""source bytes -> Document -> facts -> validated rows. Shared by `foidata ingest` (inside Prefect tasks)
and `foidata eval` (plain Python), so both run exactly the same extraction."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from foidata.extractors import extract_response
from foidata.extractors.document import Document, sha256_hex
from foidata.extractors.enrich import money_columns, resolve_document_body, response_columns
from foidata.extractors.facts import ResponseFacts
from foidata.extractors.readers import ReadError, read_bytes
from foidata.schemas import (
    AttachmentRecord,
    DateRecord,
    ErrorRecord,
    ExemptionRecord,
    MoneyRecord,
    PageRecord,
    ReferenceRecord,
    ResponseRecord,
    TableCellRecord,
)
from foidata.schemas.records import DateRole, Law, Outcome, ReferenceKind, Stage
from foidata.schemas.versions import EXTRACTOR_VERSION


@dataclass(frozen=True)
class Origin:
    """Where a fetched document came from, for the response row: what a file on disk does not say."""

    name: str  # the live source, e.g. police:essex
    fetched_at: dt.datetime
    body: str | None = None  # the body the source says answered, preferred to the one read in the text
    parent_source: str | None = None  # the page that links to this attachment
    platform_status: str | None = None


@dataclass
class Processed:
    """The rows one document gave, by table name (`errors` included)."""

    source: str
    content_sha256: str | None
    rows: dict[str, list[BaseModel]] = field(default_factory=dict)
    document: Document | None = None
    facts: ResponseFacts | None = None

    @property
    def failed(self) -> bool:
        return bool(self.rows.get("errors"))

    @property
    def reason(self) -> str:
        """Why the document gave no record: its first error's reason ("failed" where none says)."""
        errors = self.rows.get("errors") or []
        return str(getattr(errors[0], "reason", "failed")) if errors else "failed"


def response_id(source: str) -> str:
    """Stable id of a response: the same source keeps its id across runs and content changes."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def error_row(
    source: str, sha: str | None, stage: str, error_type: str, reason: str, run_id: str, at: dt.datetime
) -> ErrorRecord:
    return ErrorRecord(
        source=source,
        content_sha256=sha,
        stage=cast(Stage, stage),
        error_type=error_type,
        reason=reason,
        extractor_version=EXTRACTOR_VERSION,
        occurred_at=at,
        run_id=run_id,
    )


def build_rows(
    doc: Document,
    facts: ResponseFacts,
    run_id: str,
    at: dt.datetime,
    body: str | None = None,
    origin: Origin | None = None,
) -> dict[str, list[BaseModel]]:
    """Validated rows for every table from one document's facts. Raises ValidationError on a bad value."""
    rid = response_id(doc.source)
    match = resolve_document_body(
        doc, facts, (origin.body if origin else None) or body,
        origin.name if origin else None, origin.parent_source if origin else None,
    )
    prov: dict[str, Any] = {
        "source": doc.source,
        "content_sha256": doc.content_sha256,
        "extractor_version": EXTRACTOR_VERSION,
        "ingested_at": at,
        "run_id": run_id,
    }
    response = ResponseRecord(
        **prov,
        response_id=rid,
        media_type=doc.media_type,
        body=(origin.body if origin else None) or body or facts.body,
        title=facts.title,
        primary_reference=facts.reference("primary"),
        publication_id=facts.reference("publication"),
        request_date=facts.date_for("request"),
        response_date=facts.date_for("response"),
        published_date=facts.date_for("published"),
        outcome=cast(Outcome | None, facts.outcome),
        question_count=facts.question_count,
        keywords=list(facts.keywords),
        page_count=doc.page_count,
        text_chars=len(doc.text),
        text=doc.text,
        origin=origin.name if origin else None,
        parent_source=origin.parent_source if origin else None,
        fetched_at=origin.fetched_at if origin else None,
        platform_status=origin.platform_status if origin else None,
        ocr=bool(doc.ocr_pages) if doc.pages else None,
        ocr_confidence=_mean_ocr_confidence(doc),
        redacted_spans=doc.redacted_spans if doc.pages else None,
        **response_columns(doc, facts, match),
    )
    refs = [
        ReferenceRecord(
            **prov, response_id=rid, kind=cast(ReferenceKind, r.kind), value=r.value,
            span_start=r.span.start, span_end=r.span.end,
        )
        for r in facts.references
    ]
    dates = [
        DateRecord(
            **prov, response_id=rid, date=d.value, role=cast(DateRole | None, d.role), text=d.span.text,
            span_start=d.span.start, span_end=d.span.end,
        )
        for d in facts.dates
    ]
    exemptions = [
        ExemptionRecord(
            **prov, response_id=rid, law=cast(Law, e.law), section=e.section,
            provision=e.provision, name=e.name, cited_as=e.span.text,
            span_start=e.span.start, span_end=e.span.end,
        )
        for e in facts.exemptions
    ]
    money = [
        MoneyRecord(
            **prov, response_id=rid, amount=m.amount, amount_high=m.amount_high, currency=m.currency,
            approximate=m.approximate, subject=m.subject, period=m.period, text=m.span.text,
            span_start=m.span.start, span_end=m.span.end, **money_columns(doc.text, m),
        )
        for m in facts.money
    ]
    attachments = [
        AttachmentRecord(**prov, response_id=rid, name=a.name, url=a.url, file_type=a.file_type)
        for a in facts.attachments
    ]
    pages = [
        PageRecord(
            **prov, response_id=rid, page=p.number, span_start=p.start, span_end=p.end, ocr=p.ocr,
            ocr_confidence=p.ocr_confidence, redacted_spans=p.redacted_spans, unread=p.unread,
        )
        for p in doc.pages
    ]
    cells = [
        TableCellRecord(
            **prov, response_id=rid, table_index=index, page=table.page, row=r, column=c, text=text,
        )
        for index, table in enumerate(doc.tables)
        for r, row in enumerate(table.rows)
        for c, text in enumerate(row)
    ]
    return {
        "responses": [response],
        "references": list(refs),
        "dates": list(dates),
        "exemptions": list(exemptions),
        "money": list(money),
        "attachments": list(attachments),
        "pages": list(pages),
        "tables": list(cells),
    }


def _mean_ocr_confidence(doc: Document) -> float | None:
    scores = [p.ocr_confidence for p in doc.pages if p.ocr and p.ocr_confidence is not None]
    return round(sum(scores) / len(scores), 2) if scores else None


def process_bytes(
    source: str,
    data: bytes,
    run_id: str,
    at: dt.datetime | None = None,
    body: str | None = None,
    reader: Callable[[bytes, str], Document] = read_bytes,
    origin: Origin | None = None,
) -> Processed:
    """Read, extract and validate one document. Never raises for bad input: failures become error rows."""
    at = at or dt.datetime.now(dt.UTC)
    sha = sha256_hex(data)
    done = Processed(source=source, content_sha256=sha)

    def fail(stage: str, error_type: str, reason: str) -> Processed:
        done.rows = {"errors": [error_row(source, sha, stage, error_type, reason, run_id, at)]}
        return done

    try:
        doc = reader(data, source)
    except ReadError as exc:
        return fail("read", exc.error_type, exc.reason)
    except Exception as exc:  # a reader bug must not stop the run; record it instead
        return fail("read", "reader_crash", f"{type(exc).__name__}: {exc}")
    done.document = doc
    try:
        facts = extract_response(doc)
    except Exception as exc:
        return fail("extract", "extractor_crash", f"{type(exc).__name__}: {exc}")
    done.facts = facts
    try:
        done.rows = build_rows(doc, facts, run_id, at, body=body, origin=origin)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return fail("validate", "invalid_value", f"{where}: {first['msg']} ({exc.error_count()} error(s))")
    done.rows["errors"] = [_unread_pages_error(doc, run_id, at)] if doc.unread_pages else []
    return done


def _unread_pages_error(doc: Document, run_id: str, at: dt.datetime) -> ErrorRecord:
    """The document's rows stand; the pages that could not be read (a scan without OCR) are an error too."""
    unread = [p for p in doc.pages if p.unread is not None]
    numbers = ", ".join(str(p.number) for p in unread[:20]) + (" ..." if len(unread) > 20 else "")
    reason = f"{len(unread)} of {len(doc.pages)} pages not read (pages {numbers}): {unread[0].unread}"
    return error_row(doc.source, doc.content_sha256, "read", "pages_unread", reason, run_id, at)
