"""The ingest flow on an existing Dask cluster (prefect-dask's DaskTaskRunner), and the checks that make a
run that cannot work fail at once, in one line, instead of on every worker.

Each batch task then runs `process_batch` inside a Dask worker: the cluster is the parallelism, so no local
process pool. Workers write their batches' staged rows themselves, hence the dataset must be somewhere every
worker can reach, and Prefect must have a started API server that every worker can report to.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from foidata.output.storage import is_remote
from foidata.schemas.errors import FoidataError

if TYPE_CHECKING:
    from prefect.futures import PrefectFuture
    from prefect.task_runners import TaskRunner

RUNNERS = ("local", "dask")


class RunnerError(FoidataError, ValueError):
    """A run the chosen runner cannot do as asked; the message says what to change."""


def check_dask_run(out_dir: str, address: str, shared_out: bool) -> None:
    """Raise RunnerError unless a Dask run into `out_dir` through the cluster at `address` can work."""
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        raise RunnerError(
            "--runner dask needs a started Prefect server: run `prefect server start` and set PREFECT_API_URL "
            "(e.g. http://127.0.0.1:4200/api) here and on the Dask workers; Prefect's ephemeral API cannot "
            "serve Dask workers"
        )
    if not is_remote(out_dir) and not shared_out and not is_this_machine(address):
        raise RunnerError(
            f"--out {out_dir} is a local folder, but the Dask workers at {address} write the staged batches "
            "and may run the commit: use object storage (--out s3://bucket/prefix) or, if the folder is on a "
            "filesystem every worker mounts at the same path, say so with --shared-out"
        )


def is_this_machine(address: str) -> bool:
    """True when the scheduler address names this machine (loopback or its own host name)."""
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    return host in {"localhost", socket.gethostname(), socket.getfqdn()}


def dask_task_runner(address: str) -> TaskRunner[PrefectFuture[Any]]:
    """prefect-dask's task runner on the existing cluster at `address` (tcp://HOST:8786)."""
    try:
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError:
        raise RunnerError("--runner dask needs prefect-dask: pip install 'foidata[dask]'") from None
    # A TaskRunner of Dask futures; Flow.with_options is typed for the base future type (the parameter is
    # invariant), hence the cast.
    return cast("TaskRunner[PrefectFuture[Any]]", DaskTaskRunner(address=address))


def check_can_start_children() -> None:
    """Dask's workers are daemon processes by default, and a daemon process may not start the child processes
    that parse PDFs and large files (foidata.flows.isolation): say how to start the workers instead of failing on
    the first PDF."""
    import multiprocessing

    if multiprocessing.current_process().daemon:
        raise RunnerError(
            "this Dask worker is a daemon process, which cannot start the child processes that parse PDFs: "
            "start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False in their environment"
        )
