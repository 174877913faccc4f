"""foidata: published Freedom of Information responses into validated, queryable Parquet datasets.

The pipeline's stages each live in a folder of their own, and data flows one way through them:

    foidata.flows       sources and fetching -> documents, orchestrated (plain Python or one Prefect flow)
    foidata.extractors  bytes -> Document (readers) -> facts (pure functions, no disk, network or Prefect)
    foidata.schemas     facts -> validated records (pydantic) and their Arrow schemas, versions, errors
    foidata.output      records -> versioned Parquet datasets, and everything that reads them back
    foidata.cli         the `foidata` command

The names below are the library's face. They are imported on first use, so `import foidata` costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from foidata.schemas.lazy import lazy_getattr
from foidata.schemas.versions import EXTRACTOR_VERSION, SCHEMA_VERSION, __version__

if TYPE_CHECKING:
    from foidata.extractors.document import Document
    from foidata.extractors.readers import read_bytes, read_path
    from foidata.extractors.response import extract_response
    from foidata.flows.ingest import IngestSummary, run_ingest
    from foidata.output.read import Dataset, connect, open_dataset, read_table
    from foidata.schemas.errors import FoidataError

_LAZY = {
    "Document": "foidata.extractors.document",
    "read_bytes": "foidata.extractors.readers",
    "read_path": "foidata.extractors.readers",
    "extract_response": "foidata.extractors.response",
    "IngestSummary": "foidata.flows.ingest",
    "run_ingest": "foidata.flows.ingest",
    "Dataset": "foidata.output.read",
    "connect": "foidata.output.read",
    "open_dataset": "foidata.output.read",
    "read_table": "foidata.output.read",
    "FoidataError": "foidata.schemas.errors",
}
__getattr__ = lazy_getattr(__name__, _LAZY)


__all__ = [
    "EXTRACTOR_VERSION",
    "SCHEMA_VERSION",
    "Dataset",
    "Document",
    "FoidataError",
    "IngestSummary",
    "__version__",
    "connect",
    "extract_response",
    "open_dataset",
    "read_bytes",
    "read_path",
    "read_table",
    "run_ingest",
]
