"""The Prefect 3 flows: `ingest_flow` over `foidata.flows.ingest` (one task per batch of ~100 documents) and
`scrape_flow` over `foidata.flows.scrape` (one task per batch of ~50 items of a live source).

No logic lives here; `run_ingest` and `run_scrape` run the same steps without Prefect. `dask_ingest_flow`
is the same ingest flow with its tasks on a Dask cluster (foidata.flows.distributed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any, Generic, TypeVar, cast

from prefect import Flow, flow, task
from prefect.cache_policies import NO_CACHE
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
from prefect.utilities.annotations import quote, unmapped

from foidata.flows import runstate
from foidata.flows.distributed import check_can_start_children, dask_task_runner
from foidata.flows.fetch import FetchSettings
from foidata.flows.ingest import (
    Batch,
    BatchResult,
    IngestPlan,
    IngestSummary,
    finish_ingest,
    plan_ingest,
    process_batch,
    removing_staging_on_failure,
)
from foidata.flows.parallel import default_workers, pool
from foidata.flows.scrape import (
    DEFAULT_WORKERS,
    ScrapeContext,
    ScrapeOptions,
    ScrapePlan,
    ScrapeResult,
    ScrapeSummary,
    finish_scrape,
    open_context,
    plan_scrape,
    scrape_items,
)
from foidata.flows.sources import Item, make_source

T = TypeVar("T")


class Sealed(Generic[T]):
    """A value handed to a task as it is. Like quote(), it keeps Prefect from walking every row looking for
    futures; unlike quote() (a tuple subclass, which Dask rebuilds wrongly), a Dask worker receives it intact."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value


@contextlib.contextmanager
def one_shot() -> Iterator[None]:
    """Flows called in this block run without heartbeats. A heartbeat lets a server mark a deployment's run as
    crashed; a one-shot run's caller sees the crash itself, and stopping the heartbeat thread costs a sync flow
    up to a second (it sleeps in one-second steps), 5% of a 5,000-document ingest."""
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


# Results stay in memory (NO_CACHE): hashing thousands of rows to build cache keys would cost more than
# re-running a batch, and a rerun is cheap to skip anyway (unchanged documents are skipped by their hash).


# Plans, batches and results go in and out of tasks Sealed: Prefect walks every parameter and return value
# looking for futures, and a plan of 50,000 files (or a batch's error rows) is walked in the flow's thread
# while the workers wait for their next batch.


@task(name="plan", cache_policy=NO_CACHE)
def plan_task(paths: list[str], out_dir: str, batch_size: int | None, run_id: str | None = None) -> Sealed[IngestPlan]:
    return Sealed(plan_ingest(paths, out_dir, batch_size, run_id))


@task(name="process-batch", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1)
def process_batch_task(batch: Sealed[Batch], workers: int) -> Sealed[BatchResult]:
    # process_batch turns bad documents into error rows, so a retry only happens after a crash of the
    # process's own making (MemoryError, a bug): one more try is cheap because the batch is pure.
    if workers <= 1:  # in this process: the local runner with one worker, or a Dask worker
        check_can_start_children()
        return Sealed(process_batch(batch.value, runstate.documents_done))
    result = pool(workers).submit(process_batch, batch.value).result()  # this thread waits; a process works
    runstate.documents_done(len(batch.value.documents))
    return Sealed(result)


@task(name="commit", cache_policy=NO_CACHE)
def commit_task(plan: Sealed[IngestPlan], results: Sealed[list[BatchResult]]) -> IngestSummary:
    return finish_ingest(plan.value, results.value)


@flow(name="foidata-ingest")
def ingest_flow(
    paths: list[str], out_dir: str, batch_size: int | None = None, workers: int | None = None,
    run_id: str | None = None,
) -> IngestSummary:
    """Ingest files and folders into the dataset in `out_dir` with `workers` processes (default: one per
    core), `batch_size` documents a task (default: see auto_batch_size); returns what was done. `run_id`
    names the new version (default: a new one)."""
    workers = workers or default_workers()
    plan = plan_task.submit(paths, out_dir, batch_size, run_id).result()
    with removing_staging_on_failure(plan.value):
        futures = process_batch_task.map([Sealed(batch) for batch in plan.value.batches], unmapped(workers))
        results = [future.result().value for future in futures]
        summary = commit_task.submit(plan, Sealed(results))
        return summary.result()


def dask_ingest_flow(address: str) -> Flow[..., IngestSummary]:
    """`ingest_flow` with its tasks on the Dask cluster at `address`. Call it with workers=1: each batch then
    runs in the Dask worker that takes it, and the cluster's workers are the parallelism."""
    return ingest_flow.with_options(task_runner=dask_task_runner(address))


# ---- scrape: one flow per source and run --------------------------------------------------------------------


@task(name="list-items", cache_policy=NO_CACHE)
def list_items_task(ctx: ScrapeContext) -> ScrapePlan:
    return plan_scrape(ctx)


@task(name="scrape-batch", cache_policy=NO_CACHE)
def scrape_batch_task(ctx: ScrapeContext, items: list[Item]) -> ScrapeResult:
    return scrape_items(ctx, items)


@task(name="commit-scrape", cache_policy=NO_CACHE)
def finish_scrape_task(ctx: ScrapeContext, plan: ScrapePlan, results: list[ScrapeResult]) -> ScrapeSummary:
    return finish_scrape(ctx, plan, results)


@flow(name="foidata-scrape", flow_run_name="scrape-{source}")
def scrape_flow(
    source: str,
    out_dir: str,
    source_options: dict[str, Any] | None = None,
    since: dt.date | None = None,
    rate_per_host: float = 1.0,
    contact: str | None = None,
    workers: int = DEFAULT_WORKERS,
) -> ScrapeSummary:
    """Scrape one live source (police, wdtk, urls) into the dataset in `out_dir`; returns what was done.

    Parameters are plain values so that a deployment (`foidata serve`) can store them."""
    options = ScrapeOptions(
        since=since, settings=FetchSettings(rate_per_host=rate_per_host, contact=contact), workers=workers
    )
    ctx = open_context(make_source(source, **(source_options or {})), out_dir, options)
    with ctx.fetcher:
        plan = list_items_task.submit(cast(ScrapeContext, quote(ctx))).result()
        # Batches run one after another: within a batch, threads already fetch as fast as the per-host
        # limit allows, and one site's limit is shared by every batch anyway.
        results = [
            scrape_batch_task.submit(cast(ScrapeContext, quote(ctx)), cast(list[Item], quote(batch))).result()
            for batch in plan.batches(options.items_per_batch)
        ]
        summary = finish_scrape_task.submit(
            cast(ScrapeContext, quote(ctx)), cast(ScrapePlan, quote(plan)), cast(list[ScrapeResult], quote(results))
        )
        return summary.result()
