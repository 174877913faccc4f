"""Pydantic models for every dataset row (the one source of truth) and the Arrow schemas derived from them;
also the versions foidata stamps on its output (versions.py), the errors it raises (errors.py) and the limits
it reads within (limits.py).

The names below load pydantic and pyarrow, so they are imported on first use: `foidata.schemas.versions` and
`foidata.schemas.errors` stay cheap for the command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from foidata.schemas.versions import SCHEMA_VERSION

if TYPE_CHECKING:
    from foidata.schemas.arrow import arrow_schema, data_dictionary
    from foidata.schemas.records import (
        OUTCOMES,
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

_RECORDS = ("OUTCOMES", "TABLES", "AttachmentRecord", "DateRecord", "ErrorRecord", "ExemptionRecord", "MoneyRecord",
            "PageRecord", "Provenance", "ReferenceRecord", "ResponseRecord", "TableCellRecord")
_LAZY = {**dict.fromkeys(_RECORDS, "foidata.schemas.records"),
         "arrow_schema": "foidata.schemas.arrow", "data_dictionary": "foidata.schemas.arrow"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
