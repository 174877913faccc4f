"""Ingest local files into a dataset: the orchestration-free core that the Prefect flow wraps.

    plan_ingest    find files, hash them, skip those the dataset holds unchanged, batch the rest
    process_batch  read each file and run `foidata.flows.pipeline.process_bytes` on it (a Prefect task per batch)
    finish_ingest  commit every new row as one new dataset version, and summarise the run
    run_ingest     the three in a row, without Prefect (tests, scripts)

A document's identity is its `source` (the file's absolute path): a document whose (source, sha256,
extractor_version) is already in the dataset is skipped; a changed one replaces all its old rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing.connection
import os
import secrets
import stat
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from pydantic import BaseModel

from foidata.extractors.document import sha256_hex, sha256_stream
from foidata.flows import isolation, runstate
from foidata.flows.isolation import Worker
from foidata.flows.localfiles import RefusedInput, is_utf8_name, kind_of, open_regular, printable_path, size_of
from foidata.flows.parallel import pool
from foidata.flows.pipeline import error_row
from foidata.flows.settings import DEFAULT_BATCH_SIZE, MAX_AUTO_BATCH_SIZE, TARGET_TASKS
from foidata.output import commit, failed_sources, has_dataset, known_documents, open_dataset, verify_current
from foidata.output.regroup import RunBodies, prepare_responses
from foidata.output.staging import Staging
from foidata.output.storage import is_remote
from foidata.schemas import TABLES, ErrorRecord, limits
from foidata.schemas.versions import EXTRACTOR_VERSION


def auto_batch_size(documents: int) -> int:
    """Documents per task when none is asked for: 250, or more in a large run so that it has about 100 tasks
    (at most 1,000 documents each). Prefect's cost is per task: in a 50,000-document run on 2 cores, 200 tasks
    of 250 took 4.3% of the wall time, 100 of 500 between 0% and 4.2% over three runs (bench/RESULTS.md),
    while the last batch, which one core works on alone, stays a few seconds."""
    return min(MAX_AUTO_BATCH_SIZE, max(DEFAULT_BATCH_SIZE, -(-documents // TARGET_TASKS)))


@dataclass(frozen=True)
class Candidate:
    """A file to process: its identity (`source`), where to read it, and its hash when it was planned."""

    source: str
    path: str
    sha256: str | None  # None for a source the dataset does not hold: nothing to compare, so not read twice
    root: str | None = None  # the resolved folder the file was found under, which it must not leave


@dataclass(frozen=True)
class Batch:
    run_id: str
    documents: tuple[Candidate, ...]
    out_dir: str | None = None  # where to stage the rows; None keeps them in memory (small runs, tests)
    index: int = 0


@dataclass
class BatchResult:
    rows: dict[str, list[BaseModel]]  # in memory: the errors always, every table when not staged
    processed: int
    staged: dict[str, int] = field(default_factory=dict)  # rows written to the run's staging, by table


@dataclass
class IngestPlan:
    run_id: str
    out_dir: str
    started: float
    seen: int
    skipped_unchanged: int
    skipped_failed: int  # unchanged documents that failed last time (and so still fail)
    batches: list[Batch]
    early_errors: list[ErrorRecord]  # files not found or unreadable while planning
    has_dataset: bool

    @property
    def replaced_sources(self) -> set[str]:
        return {d.source for b in self.batches for d in b.documents} | {e.source for e in self.early_errors}


@dataclass(frozen=True)
class FailureGroup:
    stage: str
    error_type: str
    documents: int
    example: str  # "source: reason" of the first document in the group


@dataclass(frozen=True)
class IngestSummary:
    run_id: str
    dataset: str
    version_written: bool
    documents_seen: int
    skipped_unchanged: int
    processed: int
    failed: int
    still_failing_unchanged: int
    failures: list[FailureGroup] = field(default_factory=list)
    rows_added: dict[str, int] = field(default_factory=dict)
    dataset_rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    unknown_bodies: dict[str, int] = field(default_factory=dict)  # names not in the register -> new responses

    @property
    def ok(self) -> bool:
        """True when no document of this run's inputs is in error, processed now or skipped as unchanged."""
        return self.failed == 0 and self.still_failing_unchanged == 0


def new_run_id(now: dt.datetime | None = None) -> str:
    """Sortable and unique: `20261125T063200Z-3f2a1b`."""
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def plan_ingest(
    paths: Sequence[str], out_dir: str, batch_size: int | None = None, run_id: str | None = None
) -> IngestPlan:
    """The run's work: files found, unchanged ones skipped, the rest in batches of `batch_size` documents
    (None: auto_batch_size)."""
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    started = time.monotonic()
    run_id = run_id or new_run_id()
    at = dt.datetime.now(dt.UTC)
    # A dataset on object storage cannot be inside the folders being read: nothing to keep out.
    exclude = None if is_remote(out_dir) else Path(out_dir)
    # Before any work: a damaged dataset is refused in one line (commit checks again, under its lock).
    verify_current(out_dir)
    files, early_errors = discover(paths, exclude=exclude, run_id=run_id, at=at)
    known = known_documents(out_dir)
    failed_before = failed_sources(out_dir)

    todo: list[Candidate] = []
    for file in files:
        path, source = file.path, _source(file.path)
        if source not in known:
            # A new source is processed whatever its content: its worker hashes the bytes it reads anyway,
            # and the planning of a first run no longer reads every file before any work starts.
            todo.append(Candidate(source=source, path=str(path), sha256=None, root=file.root))
            continue
        try:
            with open_regular(str(path), file.root) as fh:
                sha = sha256_stream(fh)
        except RefusedInput as exc:
            early_errors.append(error_row(source, None, "read", exc.error_type, exc.reason, run_id, at))
            continue
        except OSError as exc:
            early_errors.append(
                error_row(source, None, "read", "unreadable", f"cannot read {path}: {_why(exc)}", run_id, at)
            )
            continue
        todo.append(Candidate(source=source, path=str(path), sha256=sha, root=file.root))

    def unchanged(source: str, sha: str | None) -> bool:
        return bool(known.get(source) == (sha, EXTRACTOR_VERSION))

    fresh = [c for c in todo if not unchanged(c.source, c.sha256)]
    fresh_errors = [e for e in early_errors if not unchanged(e.source, e.content_sha256)]
    size = batch_size or auto_batch_size(len(fresh))
    skipped = {c.source for c in todo if unchanged(c.source, c.sha256)}
    skipped |= {e.source for e in early_errors if unchanged(e.source, e.content_sha256)}
    return IngestPlan(
        run_id=run_id,
        out_dir=out_dir,
        started=started,
        seen=len(todo) + len({e.source for e in early_errors}),
        skipped_unchanged=len(skipped),
        skipped_failed=len(skipped & failed_before),
        batches=[
            Batch(run_id, tuple(fresh[i : i + size]), out_dir, n) for n, i in enumerate(range(0, len(fresh), size))
        ],
        early_errors=fresh_errors,
        has_dataset=has_dataset(out_dir),
    )


@dataclass(frozen=True)
class DocumentLimits:
    """What each document of a batch may take (foidata.schemas.limits by default), and what parses it: `worker`
    stands in for the pipeline in tests. Documents sent to a fresh child of their own (foidata.flows.isolation:
    PDFs, zips, large files) keep that child's longer limits."""

    seconds: float = field(default_factory=lambda: limits.READ_LIMITS.document_seconds)
    memory_bytes: int = field(default_factory=lambda: limits.READ_LIMITS.document_memory_bytes)
    worker: Worker | None = None


def process_batch(batch: Batch, progress: Callable[[int], None] | None = None,
                  document_limits: DocumentLimits | None = None) -> BatchResult:
    """Run every document of the batch through the pipeline (`progress(1)` after each, when given), in a child
    process with an address-space limit and a clock per document. A document past a limit is an errors row
    (`timeout`, `resource_limit`): the child is killed, and a new one does the batch again without it. Never
    raises for a bad document.

    One child for the whole batch, which reads, parses and stages it and tells the parent only which document
    it is on: a child per document, or rows sent back per document, cost 10-20% of the run (a fork, or
    pickling a document's rows twice, against a few ms of parsing). Redoing the documents before a failure
    costs a batch's parsing, a few seconds, once per pathological document: rare, and each one has already
    cost its own time limit. A signal (SIGALRM) in the batch's own process was not enough: Prefect's and
    Dask's tasks run on threads, where no signal handler can be set, and a regular expression or libxml2
    stuck in C does not return to Python to see it."""
    document_limits = document_limits or DocumentLimits()
    failed: dict[int, ErrorRecord] = {}  # position in the batch -> its error row
    reported: set[int] = set()
    while True:
        outcome = _run_child(batch, [i for i in range(len(batch.documents)) if i not in failed], document_limits)
        for i in outcome.done:
            if i not in reported and progress is not None:
                progress(1)
            reported.add(i)
        if outcome.result is not None:
            outcome.result.rows.setdefault("errors", []).extend(failed[i] for i in sorted(failed))
            outcome.result.processed = len(batch.documents)
            return outcome.result
        assert outcome.stuck is not None  # no result means a document broke the child
        i, error_type, reason = outcome.stuck
        doc = batch.documents[i]
        failed[i] = error_row(doc.source, doc.sha256, "read", error_type, reason, batch.run_id, dt.datetime.now(dt.UTC))
        if progress is not None and i not in reported:
            progress(1)
        reported.add(i)


@dataclass
class _ChildOutcome:
    done: list[int]  # positions in the batch the child finished
    result: BatchResult | None = None  # when it finished them all
    stuck: tuple[int, str, str] | None = None  # else the document that broke it: (position, error_type, reason)


# Time the batch child has, beyond the documents' own limits, to write its staged rows: a batch of 1,000
# documents takes about a second; a store that hangs longer is the run's failure, not a document's.
STAGING_SECONDS = 600.0


def _run_child(batch: Batch, positions: list[int], document_limits: DocumentLimits) -> _ChildOutcome:
    context = isolation.batch_context()
    receive, send = context.Pipe(duplex=False)
    # The environment goes along: a fork server's child has the server's, from when it started, and a
    # run's storage credentials (AWS_*) may have been set since.
    child = context.Process(target=_batch_child, args=(send, batch, positions, document_limits, dict(os.environ)))
    child.start()
    send.close()
    outcome = _ChildOutcome(done=[])
    current = positions[0] if positions else None
    allowed = document_limits.seconds
    deadline = time.monotonic() + allowed  # the child's start and the first file's read
    try:
        while True:
            if not receive.poll(max(0.0, deadline - time.monotonic())):
                if current is None:
                    raise RuntimeError(f"staging batch {batch.index} took over {STAGING_SECONDS:g} s")
                reason = f"parsing took longer than {allowed:g} s and was stopped"
                outcome.stuck = (current, "timeout", reason)
                return outcome
            try:
                message = receive.recv()
            except EOFError:
                if current is None:
                    raise RuntimeError(f"the child staging batch {batch.index} died") from None
                reason = (f"parsing needed more than {document_limits.memory_bytes // 1024**2} MiB of memory or "
                          "the parser crashed")
                outcome.stuck = (current, "resource_limit", reason)
                return outcome
            kind, position, seconds = message if isinstance(message, tuple) else ("", None, 0.0)
            if kind == "start":
                current, allowed = position, seconds
                deadline = time.monotonic() + allowed
            elif kind == "done":
                outcome.done.append(position)
                # The next document's clock starts now (its read counts); after the last, the staging's.
                left = positions[len(outcome.done):]
                current = left[0] if left else None
                allowed = document_limits.seconds if left else STAGING_SECONDS
                deadline = time.monotonic() + allowed
            elif isinstance(message, _ChildFailed):
                raise message.error
            else:
                outcome.result = message
                return outcome
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)


def _batch_child(conn: multiprocessing.connection.Connection, batch: Batch, positions: list[int],
                 document_limits: DocumentLimits, environ: dict[str, str]) -> None:
    """In the batch child: each document announced before its parse (with its time allowance) and after it,
    then the rows staged (or sent back, for a batch kept in memory)."""
    isolation.limit_child(document_limits.memory_bytes)
    if os.environ != environ:
        os.environ.clear()
        os.environ.update(environ)
    try:
        conn.send(_batch_in_child(conn, batch, positions, document_limits))
    except Exception as exc:  # a full disk while staging, a bug: the parent raises it, as if it ran there
        conn.send(_ChildFailed(exc))
    conn.close()


@dataclass(frozen=True)
class _ChildFailed:
    error: Exception


def _batch_in_child(conn: multiprocessing.connection.Connection, batch: Batch, positions: list[int],
                    document_limits: DocumentLimits) -> BatchResult:
    rows: dict[str, list[BaseModel]] = defaultdict(list)
    for position in positions:
        doc = batch.documents[position]

        def started(risky: bool, position: int = position) -> None:
            # A risky document has its own child and clock (isolation); the batch's clock only waits longer.
            seconds = limits.READ_LIMITS.isolated_seconds + 30 if risky else document_limits.seconds
            conn.send(("start", position, seconds))

        _process_document(doc, batch.run_id, rows, started, document_limits)
        conn.send(("done", position, 0.0))
    if batch.out_dir is None:
        return BatchResult(rows=dict(rows), processed=len(positions))
    # Spill every table but the (few) errors, which the summary needs: memory stays one batch deep.
    errors = rows.pop("errors", [])
    staged = Staging(batch.out_dir, batch.run_id).write(rows, f"batch-{batch.index:06d}")
    return BatchResult(rows={"errors": errors}, processed=len(positions), staged=staged)


def _process_document(doc: Candidate, run_id: str, rows: dict[str, list[BaseModel]],
                      started: Callable[[bool], None], document_limits: DocumentLimits) -> None:
    at = dt.datetime.now(dt.UTC)
    try:
        data = _read_candidate(doc)
    except RefusedInput as exc:
        rows["errors"].append(error_row(doc.source, None, "read", exc.error_type, exc.reason, run_id, at))
        return
    except _TooLarge as exc:
        rows["errors"].append(error_row(doc.source, exc.sha, "read", "too_large", str(exc), run_id, at))
        return
    except OSError as exc:
        reason = f"cannot read {doc.path}: {_why(exc)}"
        rows["errors"].append(error_row(doc.source, None, "read", "unreadable", reason, run_id, at))
        return
    risky = isolation.needs_isolation(data)
    started(risky)
    if risky:
        processed = isolation.process_isolated(doc.source, data, run_id, at)
    else:
        try:
            processed = (document_limits.worker or isolation.default_worker)(doc.source, data, run_id, at, None)
        except MemoryError:  # the allocation failed and was freed: the child can go on with the next document
            reason = f"parsing needed more than {document_limits.memory_bytes // 1024**2} MiB of memory"
            rows["errors"].append(error_row(doc.source, sha256_hex(data), "read", "resource_limit", reason, run_id, at))
            return
    for table, table_rows in processed.rows.items():
        rows[table].extend(table_rows)


class _TooLarge(Exception):
    def __init__(self, reason: str, sha: str) -> None:
        super().__init__(reason)
        self.sha = sha


def _read_candidate(doc: Candidate) -> bytes:
    """The file's bytes, opened as a regular file without links (foidata.flows.localfiles). The size limit is checked
    on the open file before reading: a 100 MB file must not be loaded to be refused."""
    with open_regular(doc.path, doc.root) as fh:
        size = size_of(fh)
        if size > limits.READ_LIMITS.max_bytes:
            reason = f"the file is {size:,} bytes; the limit is {limits.READ_LIMITS.max_bytes:,}"
            raise _TooLarge(reason, doc.sha256 or sha256_stream(fh))
        return fh.read()


def process_batches(batches: Sequence[Batch], workers: int = 1) -> list[BatchResult]:
    """Every batch, on `workers` processes when there is more than one batch to share; each document done
    is reported to `runstate` (the progress bar), each batch's as it finishes when they run in workers."""
    if workers <= 1 or len(batches) <= 1:
        return [process_batch(batch, runstate.documents_done) for batch in batches]
    futures = [pool(workers).submit(process_batch, batch) for batch in batches]
    for future, batch in zip(futures, batches, strict=True):
        future.add_done_callback(partial(_batch_done, len(batch.documents)))
    return [future.result() for future in futures]


def _batch_done(documents: int, _: Future[BatchResult]) -> None:
    runstate.documents_done(documents)


def split_for_workers(batch: Batch, workers: int, parts_per_worker: int = 4) -> list[Batch]:
    """One batch as several smaller ones, so that `workers` processes share it and progress moves often."""
    count = min(len(batch.documents), workers * parts_per_worker)
    if count <= 1:
        return [batch]
    size = -(-len(batch.documents) // count)
    return [
        Batch(batch.run_id, batch.documents[i : i + size], batch.out_dir, batch.index * 1000 + n)
        for n, i in enumerate(range(0, len(batch.documents), size))
    ]


def finish_ingest(plan: IngestPlan, results: Iterable[BatchResult]) -> IngestSummary:
    """Commit the new rows as one new version (none if nothing changed and a dataset exists) and summarise."""
    rows: dict[str, list[BaseModel]] = {table: [] for table in TABLES}
    rows["errors"].extend(plan.early_errors)
    processed = len({e.source for e in plan.early_errors})
    results_list = list(results)
    for result in results_list:
        processed += result.processed
        for table, table_rows in result.rows.items():
            rows[table].extend(table_rows)

    staged: Counter[str] = Counter()
    for result in results_list:
        staged.update(result.staged)
    write = processed > 0 or not plan.has_dataset
    staging = Staging(plan.out_dir, plan.run_id)
    bodies = RunBodies()
    if write:
        try:
            # Request groups span the whole dataset, so they are set here, on every new row, before the commit.
            bodies = prepare_responses(plan.out_dir, rows, staging, plan.replaced_sources)
            with runstate.committing():
                dataset_rows = commit(plan.out_dir, rows, plan.replaced_sources, plan.run_id, staged=staging).tables
        except BaseException:
            # A refused or failed commit (a damaged dataset, a full disk) leaves no staging behind for a day.
            with contextlib.suppress(OSError):
                staging.remove()
            raise
    else:
        staging.remove()
        dataset_rows = open_dataset(plan.out_dir).manifest.tables
    errors = [row for row in rows["errors"] if isinstance(row, ErrorRecord)]
    return IngestSummary(
        run_id=plan.run_id,
        dataset=plan.out_dir,
        version_written=write,
        documents_seen=plan.seen,
        skipped_unchanged=plan.skipped_unchanged,
        processed=processed,
        failed=len({e.source for e in errors}),
        still_failing_unchanged=plan.skipped_failed,
        failures=group_failures(errors),
        rows_added={table: len(table_rows) + staged[table] for table, table_rows in rows.items()},
        dataset_rows=dataset_rows,
        seconds=round(time.monotonic() - plan.started, 3),
        unknown_bodies=dict(bodies.unknown),
    )


def run_ingest(
    paths: Sequence[str], out_dir: str, batch_size: int | None = None, workers: int = 1
) -> IngestSummary:
    """The whole ingest in plain Python, exactly as the Prefect flow runs it (`workers` processes)."""
    plan = plan_ingest(paths, out_dir, batch_size)
    with removing_staging_on_failure(plan):
        return finish_ingest(plan, process_batches(plan.batches, workers))


@contextlib.contextmanager
def removing_staging_on_failure(plan: IngestPlan) -> Iterator[None]:
    """A run that fails (a full disk while staging, a refused commit) removes its own staged batches at once;
    before, they stayed until a later commit found them a day old. A killed run still leaves them to that."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            Staging(plan.out_dir, plan.run_id).remove()
        raise


def group_failures(errors: Iterable[ErrorRecord]) -> list[FailureGroup]:
    """Failed documents grouped by (stage, error_type), largest group first."""
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    examples: dict[tuple[str, str], str] = {}
    for error in errors:
        key = (error.stage, error.error_type)
        sources[key].add(error.source)
        examples.setdefault(key, f"{error.source}: {error.reason}")
    counts = Counter({key: len(found) for key, found in sources.items()})
    return [FailureGroup(stage, kind, n, examples[stage, kind]) for (stage, kind), n in counts.most_common()]


@dataclass(frozen=True)
class Found:
    """A file discovery found, and the resolved folder it must stay under (None: a file named by the user)."""

    path: Path
    root: str | None


def discover(
    paths: Iterable[str], exclude: Path | None, run_id: str, at: dt.datetime
) -> tuple[list[Found], list[ErrorRecord]]:
    """Regular files named or found under the directories named (hidden ones skipped, `exclude` not entered),
    each once, in a stable order; and an error row for each path that does not exist, and for each link,
    FIFO, device or name that is not UTF-8 found inside a directory (never followed, never opened)."""
    found: dict[str, Found] = {}
    errors: list[ErrorRecord] = []

    def fail(path: str, error_type: str, reason: str) -> None:
        errors.append(error_row(_source(Path(path)), None, "discover", error_type, reason, run_id, at))

    for given in paths:
        path = Path(given).expanduser()
        if not is_utf8_name(given):
            fail(printable_path(given), "bad_file_name", f"{printable_path(given)}: {_NOT_UTF8}")
        elif path.is_dir():
            root = os.path.realpath(path)
            for file in _walk(path, exclude.resolve() if exclude is not None else None, fail):
                found.setdefault(_source(file), Found(file, root))
        elif path.is_file():
            found.setdefault(_source(path), Found(path, None))
        elif path.exists():
            fail(given, "not_a_file", f"{given} is neither a regular file nor a directory")
        else:
            fail(given, "not_found", f"{given} does not exist")
    return list(found.values()), errors


_NOT_UTF8 = "the file name is not valid UTF-8, so it cannot be a source; rename the file"


def _walk(root: Path, exclude: Path | None, fail: Callable[[str, str, str], None]) -> Iterator[Path]:
    def on_error(exc: OSError) -> None:
        fail(str(exc.filename or root), "unreadable_directory", f"cannot list {exc.filename}: {_why(exc)}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        here = Path(dirpath)
        # Prune in place: hidden folders (.git, .venv) and the dataset being written are never entered; nor
        # is a link to a folder (os.walk does not follow it either), which is an error row instead.
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and _enterable(here / d, fail)
            and (here / d).resolve() != exclude
        )
        for name in sorted(filenames):
            if not name.startswith(".") and _regular(here / name, fail):
                yield here / name


def _enterable(folder: Path, fail: Callable[[str, str, str], None]) -> bool:
    """A folder to walk into: a real directory with a UTF-8 name (anything else is an error row)."""
    if not is_utf8_name(str(folder)):
        fail(printable_path(str(folder)), "bad_file_name", f"{printable_path(str(folder))}: {_NOT_UTF8}")
        return False
    if folder.is_symlink():
        fail(str(folder), "symlink", f"{folder} is a symbolic link to a folder; links are not followed")
        return False
    return True


def _regular(file: Path, fail: Callable[[str, str, str], None]) -> bool:
    """Whether a name found in a folder is a regular file to read; a link, FIFO, socket or device, or a name
    that is not UTF-8, is an error row. lstat, not stat: a link is judged as a link, never by its target."""
    if not is_utf8_name(str(file)):
        fail(printable_path(str(file)), "bad_file_name", f"{printable_path(str(file))}: {_NOT_UTF8}")
        return False
    try:
        mode = file.lstat().st_mode
    except OSError as exc:
        fail(str(file), "unreadable", f"cannot read {file}: {_why(exc)}")
        return False
    if stat.S_ISLNK(mode):
        fail(str(file), "symlink", f"{file} is a symbolic link; links are not followed")
        return False
    if not stat.S_ISREG(mode):
        fail(str(file), "not_a_file", f"{file} is {kind_of(mode)}, not a regular file")
        return False
    return True


def _source(path: Path) -> str:
    return Path(os.path.abspath(path)).as_posix()


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)
