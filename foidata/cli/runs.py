"""What `ingest`, `demo` and `scrape` print about a run, and the Prefect logs they quiet."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from foidata.cli.console import is_user_error

if TYPE_CHECKING:
    from foidata.flows import IngestSummary


@contextlib.contextmanager
def quiet_prefect_errors() -> Iterator[None]:
    quiet = os.environ.get("PREFECT_LOGGING_LEVEL", "").upper() not in {"DEBUG", "INFO"}
    run_loggers = [logging.getLogger(name) for name in _PREFECT_RUN_LOGGERS] if quiet else []
    reported = _ReportedErrorsFilter()
    for logger in run_loggers:
        logger.addFilter(reported)
    try:
        yield
    finally:
        for logger in run_loggers:
            logger.removeFilter(reported)


_PREFECT_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


class _ReportedErrorsFilter(logging.Filter):
    """Drops Prefect's tracebacks (and the state messages repeating them) for errors this command reports
    itself in one line: a locked or incompatible dataset, a full disk. Bugs keep their Prefect logs."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and (isinstance(error, OSError) or is_user_error(error)):
            self.seen.add(str(error))
            return False
        message = record.getMessage()
        return not any(text in message for text in self.seen)


def print_summary(s: IngestSummary, started: float) -> None:
    version = f"new version {s.run_id}" if s.version_written else "unchanged, no new version written"
    click.echo(f"Dataset {s.dataset}: {version}")
    click.echo(
        f"Documents: {s.documents_seen} seen, {s.skipped_unchanged} unchanged, "
        f"{s.processed} processed, {s.failed} failed"
    )
    if s.failures:
        click.echo("Failed (stage/kind, documents, first example):")
        width = max(len(f"{g.stage}/{g.error_type}") for g in s.failures)
        for g in s.failures:
            click.echo(f"  {f'{g.stage}/{g.error_type}':<{width}}  {g.documents:>4}  {g.example}")
    from foidata.flows.scrape import ScrapeSummary

    if s.still_failing_unchanged and isinstance(s, ScrapeSummary):
        click.echo(f"{s.still_failing_unchanged} document(s) failed again as they did last time (see errors).")
    elif s.still_failing_unchanged:
        click.echo(f"{s.still_failing_unchanged} unchanged document(s) failed before and were not retried.")
    if s.unknown_bodies:  # so the register can grow: these rows have a body but no body_id
        names = ", ".join(f"{name} ({n})" for name, n in list(s.unknown_bodies.items())[:5])
        more = f" and {len(s.unknown_bodies) - 5} more" if len(s.unknown_bodies) > 5 else ""
        click.echo(f"Bodies not in the register (responses): {names}{more}")
    rows = ", ".join(
        f"{table} {n}" + (f" (+{s.rows_added[table]})" if s.rows_added.get(table) else "")
        for table, n in s.dataset_rows.items()
    )
    click.echo(f"Rows: {rows}")
    took = time.monotonic() - started
    click.echo(f"Took {took:.1f} s ({s.seconds:.1f} s of it planning, parsing and committing).")
    click.echo(f'Query it: foidata query "SELECT * FROM responses" --data {s.dataset}')
