"""`foidata ingest` and `foidata demo`: files into a dataset, here or on a Dask cluster."""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from foidata.cli.console import EXIT_DOCUMENTS_FAILED, column_names, render_table, usage_exit
from foidata.cli.runs import print_summary, quiet_prefect_errors
from foidata.flows.settings import DEFAULT_BATCH_SIZE, MAX_AUTO_BATCH_SIZE, TARGET_TASKS

if TYPE_CHECKING:
    from foidata.flows import IngestSummary
    from foidata.flows.ingest import IngestPlan


DEFAULT_DEMO_OUT = "data/demo"


DEMO_QUERIES: tuple[tuple[str, str], ...] = (
    (
        "Responses per body",
        """SELECT coalesce(body, '(not stated)') AS body, count(*) AS responses
           FROM responses GROUP BY ALL ORDER BY responses DESC, body""",
    ),
    (
        "Exemptions by section",
        """SELECT law, section, min(name) AS name, count(DISTINCT response_id) AS responses, count(*) AS citations
           FROM exemptions GROUP BY law, section
           ORDER BY responses DESC, law, try_cast(section AS INTEGER), section""",
    ),
    (
        # Never summed, as in `report spend`: a response that prints a programme's parts and its total would
        # count twice. An unnamed body is labelled by its register name or reference, so two never merge.
        "Money by body and period (the largest figure of each; figures are never added up)",
        """SELECT body, period, currency, count(*) AS figures, max(amount) AS largest
           FROM (SELECT coalesce(r.body, b.name) IS NULL AS unnamed,
                        coalesce(r.body, b.name, 'Unnamed body (ref. ' || r.primary_reference || ')',
                                 'Unnamed body (' || regexp_extract(r.source, '[^/]+$') || ')') AS body,
                        coalesce(m.period, '(none stated)') AS period, m.currency, m.amount
                 FROM money AS m JOIN responses AS r USING (response_id)
                 LEFT JOIN bodies AS b ON b.id = r.body_id)
           GROUP BY unnamed, body, period, currency ORDER BY unnamed, body, period, currency""",
    ),
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory (created if missing; query DIR/current/<table>.parquet) or object storage: "
    "s3://bucket/prefix (gs://, az:// with gcsfs, adlfs).",
)
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=None,
    help=f"Documents per Prefect task [default: {DEFAULT_BATCH_SIZE}, more in runs of over "
    f"{DEFAULT_BATCH_SIZE * TARGET_TASKS:,} documents so that a run has about {TARGET_TASKS} tasks, up to "
    f"{MAX_AUTO_BATCH_SIZE:,} a task].",
)
@click.option(
    "--workers", type=click.IntRange(min=1, max=64), default=None,
    help="Processes parsing documents at once [default: one per core]. Local runner only.",
)
@click.option(
    "--runner", type=click.Choice(["local", "dask"]), default="local", show_default=True,
    help="Where the batches run: processes here, or an existing Dask cluster (needs PREFECT_API_URL).",
)
@click.option("--dask-address", help="The Dask scheduler for --runner dask, e.g. tcp://10.0.0.5:8786.")
@click.option(
    "--shared-out", is_flag=True,
    help="--out is a folder every Dask worker mounts at the same path (else a remote cluster needs s3://...).",
)
def ingest(paths: tuple[str, ...], out_dir: str, batch_size: int | None, workers: int | None, runner: str,
           dask_address: str | None, shared_out: bool) -> None:
    """Read FOI responses (HTML, PDF, text; files or folders) into the dataset in --out.

    Documents already in the dataset unchanged are skipped; a changed document replaces its old rows.
    Every run that changes something writes a new version and keeps the two before it.
    Exits 0 if every document was read, 3 if some failed (see the errors table), 1 on other errors.

    \b
    Example: foidata ingest responses/ reply.pdf --out data/foi
    Example: foidata ingest /shared/foi --out s3://bucket/foi --runner dask --dask-address tcp://HOST:8786
    """
    started = time.monotonic()
    _check_inputs(paths)
    if runner == "dask":
        if not dask_address:
            raise click.UsageError("--runner dask needs --dask-address tcp://HOST:8786")
        if workers is not None:
            raise click.UsageError("--workers is for the local runner: on Dask, the cluster's workers do the work")
        _check_dask(out_dir, dask_address, shared_out)
        summary = _run_flow(paths, out_dir, batch_size, dask_address=dask_address)
    elif dask_address or shared_out:
        raise click.UsageError("--dask-address and --shared-out go with --runner dask")
    else:
        summary = _run_flow(paths, out_dir, batch_size, workers)
    print_summary(summary, started)
    if not summary.ok:
        click.get_current_context().exit(EXIT_DOCUMENTS_FAILED)


@click.command()
@click.option(
    "--out", "out_dir", default=DEFAULT_DEMO_OUT, show_default=True,
    type=click.Path(file_okay=False, path_type=str), help="Dataset directory for the demo.",
)
def demo(out_dir: str) -> None:
    """Ingest the bundled sample corpus and summarise it with DuckDB.

    The sample responses are invented (real bodies, real layouts, illustrative facts). Exits like ingest.

    \b
    Example: foidata demo --out data/demo
    """
    started = time.monotonic()
    from foidata.output import connect

    summary = _run_flow([str(sample_texts())], out_dir, None)
    print_summary(summary, started)
    con = connect(out_dir)
    for title, sql in DEMO_QUERIES:
        cursor = con.execute(sql)
        click.echo(f"\n{title}")
        click.echo(render_table(column_names(cursor), cursor.fetchall()))
    if not summary.ok:
        click.get_current_context().exit(EXIT_DOCUMENTS_FAILED)


def sample_texts() -> Path:
    """The bundled sample corpus folder, `foidata/sample/texts/`."""
    texts = importlib.resources.files("foidata") / "sample" / "texts"
    if not isinstance(texts, Path) or not texts.is_dir():
        raise click.ClickException("the sample corpus (foidata/sample/texts) is not installed with this foidata")
    return texts


def _check_inputs(paths: Sequence[str]) -> None:
    """Refuse a path that does not exist, or a folder with no file to read, in one line (exit 2), before
    anything is imported or started: such a mistake used to cost a Prefect start before its error."""
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            usage_exit(f"{given}: no such file or folder")
        if path.is_dir() and not _has_a_file(path):
            usage_exit(f"{given}: the folder has no files to read (hidden ones are skipped)")


def _has_a_file(folder: Path) -> bool:
    """Whether ingest would find anything under `folder` (hidden files and folders skipped, as it does)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        if any(not name.startswith(".") and os.path.isfile(os.path.join(dirpath, name)) for name in filenames):
            return True
    return False


def _check_dask(out_dir: str, address: str, shared_out: bool) -> None:
    from foidata.flows.distributed import RunnerError, check_dask_run

    try:
        check_dask_run(out_dir, address, shared_out)
    except RunnerError as exc:
        raise click.ClickException(str(exc)) from None


def _run_flow(
    paths: Sequence[str], out_dir: str, batch_size: int | None, workers: int | None = None,
    dask_address: str | None = None,
) -> IngestSummary:
    """The ingest, here (one process per core unless `workers`) or on the Dask cluster at `dask_address`,
    with a progress bar on a terminal and Ctrl-C stopping it at once (foidata.flows.runcontrol)."""
    from foidata.flows import runstate
    from foidata.flows.ingest import finish_ingest, plan_ingest
    from foidata.flows.runcontrol import RunProgress, stop_on_interrupt

    # Nothing new to read: the answer is known without starting anything (seconds saved on every no-op run).
    plan = plan_ingest(paths, out_dir, batch_size)
    if not plan.batches and not plan.early_errors and plan.has_dataset:
        return finish_ingest(plan, [])
    progress = RunProgress()
    with (stop_on_interrupt(out_dir, plan.run_id, progress, runstate.is_committing, runstate.run_after_commit),
          runstate.listening(progress.advance)):
        progress.start(sum(len(batch.documents) for batch in plan.batches))
        try:
            if dask_address is None and len(plan.batches) <= 1:
                return _run_here(plan, workers)
            return _run_prefect(paths, out_dir, batch_size, workers, dask_address, plan.run_id)
        finally:
            progress.stop()


# Input this small is parsed in this process: starting worker processes would cost more than it saves.
SHARE_OVER_BYTES = 1024**2


def _run_here(plan: IngestPlan, workers: int | None) -> IngestSummary:
    """A run of one batch without Prefect: one task has nothing to orchestrate, and Prefect's start (5-10 s)
    would be most of a small run. The batch is shared out between the worker processes when it is large."""
    from foidata.flows.ingest import finish_ingest, process_batches, split_for_workers
    from foidata.flows.parallel import default_workers

    workers = workers or default_workers()
    batches = plan.batches
    if workers > 1 and batches and _input_bytes(plan) > SHARE_OVER_BYTES:
        batches = split_for_workers(batches[0], workers)
    return finish_ingest(plan, process_batches(batches, workers))


def _input_bytes(plan: IngestPlan) -> int:
    total = 0
    for candidate in (doc for batch in plan.batches for doc in batch.documents):
        with contextlib.suppress(OSError):
            total += os.stat(candidate.path).st_size
    return total


def _run_prefect(paths: Sequence[str], out_dir: str, batch_size: int | None, workers: int | None,
                 dask_address: str | None, run_id: str) -> IngestSummary:
    """The ingest flow: one Prefect flow for the run, a task per batch."""
    from foidata.flows.prefect_flow import (  # imports Prefect: only once the env is set
        dask_ingest_flow,
        ingest_flow,
        one_shot,
    )

    with quiet_prefect_errors(), one_shot():
        if dask_address is None:
            summary: IngestSummary = ingest_flow(list(paths), out_dir, batch_size, workers, run_id)
        else:
            summary = dask_ingest_flow(dask_address)(list(paths), out_dir, batch_size, 1, run_id)
    return summary
