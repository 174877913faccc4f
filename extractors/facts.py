"""Typed values the extractors return. Each keeps the span of text it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from foidata.extractors.spans import Span


@dataclass(frozen=True)
class Reference:
    kind: str  # primary | publication | cited
    value: str
    span: Span


@dataclass(frozen=True)
class FoundDate:
    value: dt.date
    span: Span
    role: str | None = None  # request | response | published
    strength: int = field(default=0, compare=False)  # how sure the role is: 3 labelled ... 0 none


@dataclass(frozen=True)
class Exemption:
    law: str  # FOIA | EIR
    section: str
    provision: str
    name: str | None
    span: Span


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str
    approximate: bool
    span: Span
    subject: str | None = None
    period: str | None = None
    amount_high: Decimal | None = None


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str | None
    file_type: str | None


@dataclass(frozen=True)
class ResponseFacts:
    """Everything foidata extracts from one response."""

    title: str | None = None
    body: str | None = None
    references: tuple[Reference, ...] = ()
    dates: tuple[FoundDate, ...] = ()
    outcome: str | None = None
    exemptions: tuple[Exemption, ...] = ()
    money: tuple[Money, ...] = ()
    question_count: int = 0
    keywords: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    def reference(self, kind: str) -> str | None:
        return next((r.value for r in self.references if r.kind == kind), None)

    def date_for(self, role: str) -> dt.date | None:
        return next((d.value for d in self.dates if d.role == role), None)
