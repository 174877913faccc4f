"""The orchestration's constants and Prefect's environment defaults, in a module that imports nothing heavy:
the command line reads them for its help text and sets them before Prefect is imported."""

from __future__ import annotations

import os

DEFAULT_BATCH_SIZE = 250  # Prefect costs ~25 ms a task on a busy 2-core machine: 2-3% of a 250-document batch
MAX_AUTO_BATCH_SIZE = 1000
TARGET_TASKS = 100

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
