"""Parse risky documents (PDFs, large files) in a child process with a time and memory limit, so that a
pathological file becomes an error row instead of hanging or exhausting the run."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import resource
import sys
from collections.abc import Callable

from foidata.pipeline import Origin, Processed, error_row, process_bytes

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


def _child(conn: multiprocessing.connection.Connection, worker: Worker, source: str, data: bytes, run_id: str,
           at: dt.datetime, origin: Origin | None, memory_bytes: int) -> None:
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
    from foidata.document import sha256_hex

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


def _context() -> multiprocessing.context.SpawnContext | multiprocessing.context.ForkServerContext:
    """A fork server, not a plain fork: the ingest process runs Prefect's threads, and forking a threaded
    process can copy a lock another thread holds. The server starts once with the parsers imported."""
    if sys.platform == "win32":
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["foidata.pipeline"])
    return context


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
