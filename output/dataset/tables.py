"""Every table of a new version written as Parquet: old rows merged with new ones, replaced sources dropped."""

from __future__ import annotations

import os
import posixpath
import signal
from collections.abc import Iterator, Mapping, Sequence, Set

from pydantic import BaseModel

from foidata.output.merge import write_merged
from foidata.output.staging import Staging
from foidata.output.storage import Location
from foidata.schemas import TABLES, arrow_schema

# Crash tests (tests/faultkit/kills.py) set this to a step of a local commit ("tables", "renamed", "swapped")
# and the process SIGKILLs itself there, as a power cut or the OOM killer would; unset, nothing happens.
FAULT_KILL_AT = "FOIDATA_FAULT_KILL_AT"


def _write_tables(
    where: Location,
    version: str,
    previous: str | None,
    new_rows: Mapping[str, Sequence[BaseModel]],
    replaced_sources: Set[str],
    replaced_errors: Set[str],
    staged: Staging | None,
) -> Iterator[tuple[str, str]]:
    """Each table merged into `version`; yields (table, path written)."""
    for table, model in TABLES.items():
        schema = arrow_schema(model, table)
        dropped = replaced_sources | replaced_errors if table == "errors" else replaced_sources
        parts = staged.parts(table) if staged is not None else []
        path = posixpath.join(version, f"{table}.parquet")
        write_merged(path, table, schema, previous, new_rows.get(table, ()), parts, dropped, where)
        yield table, path


def _fault_point(step: str) -> None:
    if os.environ.get(FAULT_KILL_AT) == step:
        os.kill(os.getpid(), signal.SIGKILL)
