"""Row models for the datasets. Every column is typed and described here; Arrow schemas derive from these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["full_disclosure", "part_disclosure", "refused", "not_held", "ncnd", "advice_only"]
OUTCOMES: tuple[str, ...] = Outcome.__args__  # type: ignore[attr-defined]
DateRole = Literal["request", "response", "published"]
ReferenceKind = Literal["primary", "publication", "cited"]
Stage = Literal["discover", "fetch", "read", "extract", "validate", "write"]
Law = Literal["FOIA", "EIR", "FOISA", "EIRS", "DPA"]
BodyKind = Literal["police", "pcc", "fire", "council", "nhs", "other"]
Nation = Literal["england", "wales", "scotland", "northern_ireland", "uk"]
PeriodKind = Literal["financial_year", "calendar_year", "month", "range", "none"]
SpendType = Literal["capital", "revenue"]

# Money is stored exactly, to the penny, never as a float.
MoneyAmount = Annotated[Decimal, Field(max_digits=18, decimal_places=2)]


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provenance(Row):
    """Where a row came from; present on every row of every table."""

    source: str = Field(description="Path or URL of the document the row was extracted from.")
    content_sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the document's bytes, hex."
    )
    extractor_version: str = Field(description="foidata version whose extractors produced the row.")
    ingested_at: dt.datetime = Field(description="When the document was read (UTC).")
    run_id: str = Field(description="Identifier of the ingest run that wrote the row.")


class ResponseRecord(Provenance):
    """One published FOI response (a disclosure-log page, a letter, a thread)."""

    response_id: str = Field(description="Stable id of the response: a hash of its source.")
    media_type: str = Field(
        description="Detected type of the document: text/html, application/pdf, text/plain, text/csv, "
        "text/tab-separated-values, or the DOCX / XLSX media types."
    )
    body: str | None = Field(description="Public body that answered, as named in the document or source.")
    title: str | None = Field(description="Title of the request or page.")
    primary_reference: str | None = Field(description="The body's own reference for this request, as printed.")
    publication_id: str | None = Field(description="Separate publication / disclosure-log number, as printed.")
    request_date: dt.date | None = Field(description="Date the request was made or received, where labelled.")
    response_date: dt.date | None = Field(description="Date the body responded, where labelled.")
    published_date: dt.date | None = Field(description="Date the response was published, where labelled.")
    outcome: Outcome | None = Field(
        description="full_disclosure, part_disclosure, refused, not_held, ncnd or advice_only; null if unstated."
    )
    question_count: int = Field(ge=0, description="Numbered or lettered questions the request asks (0 if none).")
    keywords: list[str] = Field(description="Keywords the page lists for itself.")
    page_count: int = Field(ge=0, description="Pages in the document (PDF), 0 for pages without pages.")
    text_chars: int = Field(ge=0, description="Length of the document's extracted text in characters.")
    # Kept so a figure can be quoted in its sentence (span offsets index it) and searched in full text.
    text: str | None = Field(
        default=None,
        description="The document's extracted text, which every span offset indexes; null in datasets written "
        "before schema 1.4.",
    )
    origin: str | None = Field(
        default=None,
        description="Live source that fetched the document (police:essex, wdtk:essex_police, urls); null for files.",
    )
    parent_source: str | None = Field(
        default=None, description="For an attachment: the source of the page that links to it; else null."
    )
    fetched_at: dt.datetime | None = Field(
        default=None, description="When the bytes were fetched over HTTP (UTC); null for local files."
    )
    platform_status: str | None = Field(
        default=None,
        description="The publishing platform's own status for the request, e.g. WhatDoTheyKnow's successful, "
        "partially_successful, rejected, not_held; null where the platform has none.",
    )
    ocr: bool | None = Field(
        default=None, description="True when some of the text was read from page images by OCR (Tesseract)."
    )
    ocr_confidence: float | None = Field(
        default=None, ge=0, le=100, description="Mean OCR word confidence (0-100) over the OCRed pages, else null."
    )
    redacted_spans: int | None = Field(
        default=None, ge=0,
        description="Runs of text hidden under black boxes or redaction annotations (PDF); never extracted.",
    )
    body_id: str | None = Field(
        default=None,
        description="The body's id in foidata's register of bodies (e.g. essex-police), resolved from the source, "
        "its host, the letterhead or the text; null for a body the register does not know.",
    )
    body_kind: BodyKind | None = Field(
        default=None, description="police, pcc, fire, council, nhs or other, from the register; null if unknown."
    )
    body_nation: Nation | None = Field(
        default=None,
        description="england, wales, scotland, northern_ireland, or uk for UK-wide bodies, from the register.",
    )
    request_text: str | None = Field(
        default=None,
        description="The request as the response restates it (whitespace collapsed, at most 2,000 characters), "
        "where the layout marks it; null otherwise.",
    )
    request_group_id: str | None = Field(
        default=None,
        description="Responses to the same request sent to several bodies (near-identical request text or "
        "title) share this id; a request seen once has a group of its own. Null without request text or title.",
    )
    working_days: int | None = Field(
        default=None, ge=0,
        description="Working days from the request's receipt to the response (the day after receipt is day 1). "
        "Scottish bodies (FOISA s.73) skip Scotland's bank holidays; all others (FOIA s.10(6), EIR) skip a bank "
        "holiday in any part of the UK. Null unless both dates and the nation are known.",
    )
    late: bool | None = Field(
        default=None, description="True when working_days is over the statutory 20; null when it is unknown."
    )


class SpanMixin(Provenance):
    span_start: int = Field(ge=0, description="Start offset of the value's text in the document text.")
    span_end: int = Field(ge=0, description="End offset (exclusive) of the value's text in the document text.")


class ReferenceRecord(SpanMixin):
    """A reference number printed in a response."""

    response_id: str = Field(description="The response this reference belongs to.")
    kind: ReferenceKind = Field(
        description="primary (this request's own), publication (disclosure-log number) or cited (another request)."
    )
    value: str = Field(description="The reference as printed, without a leading word such as FOI or Ref.")


class DateRecord(SpanMixin):
    """A full calendar date printed in a response."""

    response_id: str = Field(description="The response this date belongs to.")
    date: dt.date = Field(description="The date.")
    role: DateRole | None = Field(description="request, response or published where the text makes it clear.")
    text: str = Field(description="The date as printed.")


class ExemptionRecord(SpanMixin):
    """One statutory provision a response applies to withhold, refuse or neither confirm nor deny."""

    response_id: str = Field(description="The response applying the provision.")
    law: Law = Field(description="FOIA, EIR, FOISA (Scotland's Act), EIRS (Scotland's Regulations) or DPA.")
    section: str = Field(description="Section (FOIA) or regulation (EIR) number, e.g. 31.")
    provision: str = Field(description="Section with its subsection path, e.g. 31(1)(a).")
    name: str | None = Field(description="Usual name of the exemption, from foidata's statutory table.")
    cited_as: str = Field(description="The citation as printed where first found.")


class MoneyRecord(SpanMixin):
    """An amount of money printed in a response, with what it pays for and when."""

    response_id: str = Field(description="The response the amount appears in.")
    amount: MoneyAmount = Field(description="The amount in its own currency, units applied (£6.8m = 6800000.00).")
    amount_high: MoneyAmount | None = Field(description="Upper end where a range is printed (£2-3m), else null.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code: GBP, EUR, USD.")
    approximate: bool = Field(description="True where printed as approximate (c, circa, about, over, ...).")
    subject: str | None = Field(description="A few words for what the money is, e.g. capital programme.")
    period: str | None = Field(description="Financial year (2020/21) or year (2022) it refers to, where stated.")
    text: str = Field(description="The amount as printed, e.g. c£4.9m.")
    fy_start: int | None = Field(
        default=None,
        description="Year the UK financial year of the period starts (2020/21, FY21, year ending 31 March 2021 "
        "all give 2020; a month gives its financial year); null for calendar years, ranges and no period.",
    )
    period_kind: PeriodKind | None = Field(
        default=None, description="financial_year, calendar_year, month, range or none (no period stated)."
    )
    spend_type: SpendType | None = Field(
        default=None, description="capital or revenue where the text says which; else null."
    )


class AttachmentRecord(Provenance):
    """A file attached to or linked from a response."""

    response_id: str = Field(description="The response the attachment belongs to.")
    name: str = Field(description="File name or link text.")
    url: str | None = Field(description="Link to the file where the page gives one.")
    file_type: str | None = Field(description="File type from the name or link: pdf, docx, xlsx, csv, ...")


class PageRecord(Provenance):
    """One page of a paged document (PDF): how its text was read."""

    response_id: str = Field(description="The response the page belongs to.")
    page: int = Field(ge=1, description="Page number, from 1.")
    span_start: int = Field(ge=0, description="Where the page's text starts in the document text.")
    span_end: int = Field(ge=0, description="Where the page's text ends (exclusive).")
    ocr: bool = Field(description="True when the page's text was read from its image by OCR.")
    ocr_confidence: float | None = Field(ge=0, le=100, description="Mean OCR word confidence (0-100), else null.")
    redacted_spans: int = Field(ge=0, description="Runs of text under black boxes or redactions on the page.")
    unread: str | None = Field(description="Why the page has no text although it shows something, else null.")


class TableCellRecord(Provenance):
    """One cell of a table found in a document (HTML, PDF, Word, spreadsheet), to rebuild the table."""

    response_id: str = Field(description="The response the table belongs to.")
    table_index: int = Field(ge=0, description="The table's position among the document's tables, from 0.")
    page: int | None = Field(description="Page the table is on (PDF), else null.")
    row: int = Field(ge=0, description="Row number in the table, from 0 (usually the header row).")
    column: int = Field(ge=0, description="Column number, from 0.")
    text: str = Field(description="The cell's text, whitespace collapsed; empty for an empty cell.")


class ErrorRecord(Row):
    """A document, or a part of one, that could not be turned into rows, and why."""

    source: str = Field(description="Path or URL of the document at fault.")
    content_sha256: str | None = Field(description="SHA-256 of the bytes, if they could be read.")
    stage: Stage = Field(description="Where it failed: discover, fetch, read, extract, validate or write.")
    error_type: str = Field(description="Short machine-readable kind of failure, e.g. pdf_damaged.")
    reason: str = Field(description="What went wrong, in words a person can act on.")
    extractor_version: str = Field(description="foidata version that met the error.")
    occurred_at: dt.datetime = Field(description="When it happened (UTC).")
    run_id: str = Field(description="Identifier of the ingest run.")


# Table name -> row model, in the order tables are documented and written.
TABLES: dict[str, type[Row]] = {
    "responses": ResponseRecord,
    "references": ReferenceRecord,
    "dates": DateRecord,
    "exemptions": ExemptionRecord,
    "money": MoneyRecord,
    "attachments": AttachmentRecord,
    "pages": PageRecord,
    "tables": TableCellRecord,
    "errors": ErrorRecord,
}
