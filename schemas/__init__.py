"""Pydantic models for every dataset row (the one source of truth) and the Arrow schemas derived from them."""

from foidata.schemas.arrow import arrow_schema, data_dictionary
from foidata.schemas.records import (
    OUTCOMES,
    SCHEMA_VERSION,
    TABLES,
    AttachmentRecord,
    DateRecord,
    ErrorRecord,
    ExemptionRecord,
    MoneyRecord,
    PageRecord,
    Provenance,
    ReferenceRecord,
    ResponseRecord,
    TableCellRecord,
)

__all__ = [
    "OUTCOMES",
    "SCHEMA_VERSION",
    "TABLES",
    "AttachmentRecord",
    "DateRecord",
    "ErrorRecord",
    "ExemptionRecord",
    "MoneyRecord",
    "PageRecord",
    "Provenance",
    "ReferenceRecord",
    "ResponseRecord",
    "TableCellRecord",
    "arrow_schema",
    "data_dictionary",
]
