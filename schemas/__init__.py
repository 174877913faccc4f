"""Pydantic models for every dataset row (the one source of truth) and the Arrow schemas derived from them;
also the versions foidata stamps on its output (versions.py), the errors it raises (errors.py), the limits
it reads within (limits.py) and the lazy re-export every stage's package uses (lazy.py).

The names below load pydantic and pyarrow, so they are imported on first use: `foidata.schemas.versions` and
`foidata.schemas.errors` stay cheap for the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foidata.schemas.lazy import lazy_getattr
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
__getattr__ = lazy_getattr(__name__, _LAZY)


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
