"""Orchestration. `run_ingest` is the whole ingest in plain Python; `ingest_flow` (Prefect 3) runs the same
steps as one flow with a task per batch. Importing this package does not import Prefect."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from foidata.flows.ingest import DEFAULT_BATCH_SIZE, FailureGroup, IngestSummary, run_ingest

if TYPE_CHECKING:
    from foidata.flows.prefect_flow import ingest_flow

# Quiet, offline-friendly Prefect for a command-line run (ephemeral server, no telemetry calls).
PREFECT_ENV_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # The ephemeral server's first start builds its database: 12 s on a quiet 2-core machine, over 30 s on a
    # busy one, past Prefect's 20 s default, which made a first `foidata demo` fail.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def set_prefect_env_defaults() -> None:
    """Apply PREFECT_ENV_DEFAULTS where the user has not set them. Call before Prefect is imported."""
    for name, value in PREFECT_ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)


def __getattr__(name: str) -> Any:
    if name == "ingest_flow":  # imported on first use: Prefect takes most of a second to import
        from foidata.flows.prefect_flow import ingest_flow

        return ingest_flow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "PREFECT_ENV_DEFAULTS",
    "FailureGroup",
    "IngestSummary",
    "ingest_flow",
    "run_ingest",
    "set_prefect_env_defaults",
]
