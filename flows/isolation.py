"""Parse every document in a child process with a time and memory limit, so that a pathological file becomes
an error row instead of hanging or exhausting the run: risky documents (PDFs, zips, large files) each in a
fresh child, the others one after another in a long-lived child: an ingest batch's own child
(foidata.flows.ingest.process_batch), or `LimitedParser` for the scrape and single documents."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gc
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import multiprocessing.process
import resource
import signal
import sys
import threading
from collections.abc import Callable

from foidata.flows.pipeline import Origin, Processed, error_row, process_bytes
from foidata.schemas import limits


def needs_isolation(data: bytes) -> bool:
    """PDFs (parsing is slow and can blow up), zips (Word and Excel files inflate) and anything large go to a
    child process."""
    large = len(data) > limits.READ_LIMITS.isolate_over_bytes
    return b"%PDF-" in data[:1024] or data.startswith(b"PK\x03\x04") or large


Worker = Callable[[str, bytes, str, dt.datetime, Origin | None], Processed]


def default_worker(source: str, data: bytes, run_id: str, at: dt.datetime, origin: Origin | None) -> Processed:
    return process_bytes(source, data, run_id, at, origin=origin)


def batch_context() -> Context:
    """How to start a long-lived child that parses a batch (and may start children of its own)."""
    return _context()


def limit_child(memory_bytes: int) -> None:
    """In a parsing child: Ctrl-C and the parent's death handled as in every child, the address space capped,
    and collections tuned as in a pool worker (the child may be a fresh fork server child)."""
    detach_from_terminal_signals()
    if sys.platform.startswith("linux"):
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    tune_gc()


# A worker allocates millions of short-lived objects (parse trees, matches, rows) and keeps few: Python's default
# cycle collection, every 700 allocations, took about 15% of a document's time (bench pages, one process).
GC_THRESHOLDS = (50_000, 20, 100)

def tune_gc() -> None:
    """In a worker: what is loaded so far (the parsers, the register) is never scanned for cycles again, and
    collections run less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


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
    timeout: float | None = None,
    memory_bytes: int | None = None,
    worker: Worker = default_worker,
    origin: Origin | None = None,
) -> Processed:
    """`process_bytes` in a forked child; a timeout, a crash or running out of memory is an error row. The
    clock and the memory cap are READ_LIMITS' isolated ones unless given."""
    at = at or dt.datetime.now(dt.UTC)
    timeout = limits.READ_LIMITS.isolated_seconds if timeout is None else timeout
    memory_bytes = limits.READ_LIMITS.isolated_memory_bytes if memory_bytes is None else memory_bytes
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


class LimitedParser:
    """Documents parsed one after another in one child process, each under a clock, the child under an
    address-space limit. A document past either limit is an error row; the child is killed and the next
    document gets a fresh one. One child per batch, not one per document: a fork per document would cost
    more than parsing a small one (a few ms). A clock in the run's own process (SIGALRM) was not enough:
    it only works on a process's main thread, while Prefect's and Dask's tasks and the scrape's items run
    on other threads, and it cannot interrupt a regular expression or libxml2, which do not return to
    Python until they finish. Safe to share between threads: documents go through the child one at a time."""

    def __init__(self, timeout: float | None = None, memory_bytes: int | None = None,
                 worker: Worker | None = None, keep_document: bool = True) -> None:
        # Read at construction, not bound as defaults, so that a test (or a caller) can lower them.
        self.timeout = limits.READ_LIMITS.document_seconds if timeout is None else timeout
        self.memory_bytes = limits.READ_LIMITS.document_memory_bytes if memory_bytes is None else memory_bytes
        self.worker = worker or default_worker
        # Ingest needs only the rows; sending the parsed document and facts back too would double the pickling.
        self.keep_document = keep_document
        self._lock = threading.Lock()
        self._child: multiprocessing.process.BaseProcess | None = None
        self._conn: multiprocessing.connection.Connection | None = None
        self.restarts = 0  # children killed for a document past a limit (for tests and benchmarks)

    def __enter__(self) -> LimitedParser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def process(self, source: str, data: bytes, run_id: str, at: dt.datetime | None = None,
                origin: Origin | None = None) -> Processed:
        at = at or dt.datetime.now(dt.UTC)
        with self._lock:
            conn = self._start()
            try:
                conn.send((source, data, run_id, at, origin))
                if conn.poll(self.timeout):
                    result = conn.recv()
                    if isinstance(result, Processed):
                        return result
                    reason = (f"parsing needed more than {self.memory_bytes // 1024**2} MiB of memory "
                              "or the parser crashed")
                    error_type = "resource_limit"
                else:
                    reason = f"parsing took longer than {self.timeout:g} s and was stopped"
                    error_type = "timeout"
            except (EOFError, OSError):  # the child died (the kernel's OOM killer, a crash in C)
                reason = f"parsing needed more than {self.memory_bytes // 1024**2} MiB of memory or the parser crashed"
                error_type = "resource_limit"
            self._stop()
            self.restarts += 1
        from foidata.extractors.document import sha256_hex

        return _failed(source, sha256_hex(data), error_type, reason, run_id, at)

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _start(self) -> multiprocessing.connection.Connection:
        if self._conn is not None and self._child is not None and self._child.is_alive():
            return self._conn
        self._stop()
        context = _context()
        mine, theirs = context.Pipe(duplex=True)
        child = context.Process(target=_serve, args=(theirs, self.worker, self.memory_bytes, self.keep_document),
                                daemon=True)
        child.start()
        theirs.close()
        self._child, self._conn = child, mine
        return mine

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._child is not None:
            if self._child.is_alive():
                self._child.kill()
            self._child.join(5)
            self._child = None


def _serve(conn: multiprocessing.connection.Connection, worker: Worker, memory_bytes: int,
           keep_document: bool) -> None:
    """The LimitedParser's child: documents in, Processed out, until the parent closes the pipe. After a
    MemoryError it answers None and exits: what the failed parse left behind is not worth trusting."""
    limit_child(memory_bytes)
    while True:
        try:
            source, data, run_id, at, origin = conn.recv()
        except (EOFError, OSError):
            return
        try:
            done = worker(source, data, run_id, at, origin)
        except MemoryError:
            conn.send(None)
            return
        if not keep_document:
            done = Processed(source=done.source, content_sha256=done.content_sha256, rows=done.rows)
        conn.send(done)


def process_safely(source: str, data: bytes, run_id: str, at: dt.datetime | None = None,
                   timeout: float | None = None, origin: Origin | None = None,
                   parser: LimitedParser | None = None) -> Processed:
    """The pipeline for one document under a time and memory limit: a risky document in a fresh child,
    any other in `parser`'s child (without one, in a child of its own, which costs a fork)."""
    if needs_isolation(data):
        return process_isolated(source, data, run_id, at, timeout=timeout, origin=origin)
    if parser is not None:
        return parser.process(source, data, run_id, at, origin)
    with LimitedParser() as own:
        return own.process(source, data, run_id, at, origin)
