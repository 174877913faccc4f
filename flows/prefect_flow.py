"""The Prefect 3 flow over `foidata.flows.ingest`: one flow per run, one task per batch of ~100 documents.

No logic lives here; `run_ingest` runs the same three steps without Prefect.
"""

from __future__ import annotations

from typing import cast

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from foidata.flows.ingest import (
    DEFAULT_BATCH_SIZE,
    Batch,
    BatchResult,
    IngestPlan,
    IngestSummary,
    finish_ingest,
    plan_ingest,
    process_batch,
)

# Results stay in memory (NO_CACHE): hashing thousands of rows to build cache keys would cost more than
# re-running a batch, and a rerun is cheap to skip anyway (unchanged documents are skipped by their hash).


@task(name="plan", cache_policy=NO_CACHE)
def plan_task(paths: list[str], out_dir: str, batch_size: int) -> IngestPlan:
    return plan_ingest(paths, out_dir, batch_size)


@task(name="process-batch", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=1)
def process_batch_task(batch: Batch) -> BatchResult:
    # process_batch turns bad documents into error rows, so a retry only happens after a crash of the
    # process's own making (MemoryError, a bug): one more try is cheap because the batch is pure.
    return process_batch(batch)


@task(name="commit", cache_policy=NO_CACHE)
def commit_task(plan: IngestPlan, results: list[BatchResult]) -> IngestSummary:
    return finish_ingest(plan, results)


@flow(name="foidata-ingest")
def ingest_flow(paths: list[str], out_dir: str, batch_size: int = DEFAULT_BATCH_SIZE) -> IngestSummary:
    """Ingest files and folders into the dataset in `out_dir`; returns what was done."""
    plan = plan_task.submit(paths, out_dir, batch_size).result()
    futures = process_batch_task.map(plan.batches)
    results = [future.result() for future in futures]
    # quote(): Prefect would otherwise walk every row of every result looking for futures to resolve.
    # It hands the task the unwrapped values, hence the casts.
    summary = commit_task.submit(cast(IngestPlan, quote(plan)), cast(list[BatchResult], quote(results)))
    return summary.result()
