"""Both cores for parsing: batches go to a pool of worker processes (the GIL would otherwise keep extraction
on one core); threads only wait on them. One pool per process, started on first use, kept for the run."""

from __future__ import annotations

import atexit
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from foidata.flows.isolation import detach_from_terminal_signals, forkserver_context, tune_gc

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0


def default_workers() -> int:
    """One worker process per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def pool(workers: int) -> ProcessPoolExecutor:
    """The shared pool with `workers` processes (restarted if a different size is asked for)."""
    global _pool, _pool_workers
    with _lock:
        if _pool is None or _pool_workers != workers:
            if _pool is not None:
                _pool.shutdown(wait=True)
            # A fork server, not fork: the caller runs Prefect's threads, and forking a threaded process can
            # copy a lock another thread holds. The server starts once with the parsers imported.
            _pool = ProcessPoolExecutor(max_workers=workers, mp_context=forkserver_context(), initializer=start_worker)
            _pool_workers = workers
        return _pool


def start_worker() -> None:
    detach_from_terminal_signals()
    tune_gc()


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


atexit.register(shutdown)
