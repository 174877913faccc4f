"""Orchestration. `run_ingest` is the whole ingest in plain Python; `ingest_flow` (Prefect 3) runs the same
steps as one flow with a task per batch. Importing this package imports neither Prefect nor the parsers:
the names below are loaded on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from foidata.flows.settings import DEFAULT_BATCH_SIZE, PREFECT_ENV_DEFAULTS, set_prefect_env_defaults
from foidata.schemas.lazy import lazy_getattr

if TYPE_CHECKING:
    from foidata.flows.ingest import FailureGroup, IngestSummary, run_ingest
    from foidata.flows.prefect_flow import ingest_flow

_LAZY = {
    "FailureGroup": "foidata.flows.ingest",
    "IngestSummary": "foidata.flows.ingest",
    "run_ingest": "foidata.flows.ingest",
    "ingest_flow": "foidata.flows.prefect_flow",  # Prefect takes most of a second to import
}
__getattr__ = lazy_getattr(__name__, _LAZY)


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "PREFECT_ENV_DEFAULTS",
    "FailureGroup",
    "IngestSummary",
    "ingest_flow",
    "run_ingest",
    "set_prefect_env_defaults",
]
