"""Parse risky documents (PDFs, large files) in a child process with a time and memory limit, so that a
pathological file becomes an error row instead of hanging or exhausting the run."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import resource
import signal
import sys
import threading
from collections.abc import Callable

from foidata.flows.pipeline import Origin, Processed, error_row, process_bytes

DEFAULT_TIMEOUT_SECONDS = 120.0
DEFAULT_MEMORY_BYTES = 4 * 1024**3
ISOLATE_OVER_BYTES = 2 * 1024**2  # any document this large is isolated too, whatever its type


def needs_isolation(data: bytes) -> bool:
    """PDFs (parsing is slow and can blow up), zips (Word and Excel files inflate) and anything large go to a
    child process."""
    return b"%PDF-" in data[:1024] or data.startswith(b"PK\x03\x04") or len(data) > ISOLATE_OVER_BYTES


Worker = Callable[[str, bytes, str, dt.datetime, Origin | None], Processed]


def _default_worker(source: str, data: bytes, run_id: str, at: dt.datetime, origin: Origin | None) -> Processed:
    return process_bytes(source, data, run_id, at, origin=origin)


def detach_from_terminal_signals() -> None:
    """In a child: Ctrl-C is the parent's to handle (it stops the run and kills its children), and a child
    whose parent is gone stops too, instead of parsing on for nobody."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # a libc without prctl: the parent kills them
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _child(conn: multiprocessing.connection.Connection, worker: Worker, source: str, data: bytes, run_id: str,
           at: dt.datetime, origin: Origin | None, memory_bytes: int) -> None:
    detach_from_terminal_signals()
    if sys.platform.startswith("linux"):
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        conn.send(worker(source, data, run_id, at, origin))
    except MemoryError:
        conn.send(None)
    finally:
        conn.close()


def process_isolated(
    source: str,
    data: bytes,
    run_id: str,
    at: dt.datetime | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    worker: Worker = _default_worker,
    origin: Origin | None = None,
) -> Processed:
    """`process_bytes` in a forked child; a timeout, a crash or running out of memory is an error row."""
    at = at or dt.datetime.now(dt.UTC)
    from foidata.extractors.document import sha256_hex

    sha = sha256_hex(data)
    context = _context()
    receive, send = context.Pipe(duplex=False)
    args = (send, worker, source, data, run_id, at, origin, memory_bytes)
    child = context.Process(target=_child, args=args, daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(timeout):
            try:
                result = receive.recv()
            except EOFError:
                result = None
            if isinstance(result, Processed):
                return result
            reason = f"parsing needed more than {memory_bytes // 1024**2} MiB of memory or the parser crashed"
            return _failed(source, sha, "resource_limit", reason, run_id, at)
        reason = f"parsing took longer than {timeout:g} s and was stopped"
        return _failed(source, sha, "timeout", reason, run_id, at)
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)


Context = (multiprocessing.context.SpawnContext | multiprocessing.context.ForkServerContext
           | multiprocessing.context.ForkContext)

# What the fork server imports once, so that its children start with it loaded. "__main__" first: every
# child re-runs the parent's main module (the `foidata` script, which imports foidata.cli) unless the server
# already holds it, which cost about 0.5 s a child before foidata.cli became light.
FORKSERVER_PRELOAD = ["__main__", "foidata.flows.pipeline"]


def forkserver_context() -> multiprocessing.context.SpawnContext | multiprocessing.context.ForkServerContext:
    """A fork server, not a plain fork, for a process that runs threads (Prefect's, a progress bar's):
    forking a threaded process can copy a lock another thread holds."""
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(FORKSERVER_PRELOAD)
    return context


def _context() -> Context:
    """A plain fork where it is safe, in a process with one thread (a pool worker): it costs a few
    milliseconds and shares everything already imported. Otherwise the fork server."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return forkserver_context()


def _failed(source: str, sha: str, error_type: str, reason: str, run_id: str, at: dt.datetime) -> Processed:
    done = Processed(source=source, content_sha256=sha)
    done.rows = {"errors": [error_row(source, sha, "read", error_type, reason, run_id, at)]}
    return done


def process_safely(source: str, data: bytes, run_id: str, at: dt.datetime | None = None,
                   timeout: float = DEFAULT_TIMEOUT_SECONDS, origin: Origin | None = None) -> Processed:
    """The pipeline for one document, isolated when the document is risky."""
    if needs_isolation(data):
        return process_isolated(source, data, run_id, at, timeout=timeout, origin=origin)
    return process_bytes(source, data, run_id, at, origin=origin)
