"""The fault-injection suite at length, and RELIABILITY.md from its figures.

    python bench/faults.py [--kills 200] [--seed N] [--fuzz-seconds 60] [--work DIR] [--write RELIABILITY.md]

Runs, in this order:
  scenarios  every fault-server scenario (tests/faultkit/scrapes.py): scrapes of a local force site that drops
             connections, stalls, answers 429/5xx, truncates bodies and mislabels them, then heals;
  hostile    the hostile inputs (tests/faultkit/hostile.py: bombs, deep nesting, SSRF links, ...);
  fuzz       the coverage-guided fuzzers (bench/fuzz.py), `--fuzz-seconds` per target;
  kills      `--kills` ingests SIGKILLed then resumed (tests/faultkit/kills.py): every 10th through the
             `foidata ingest` command with Prefect, every 5th at a named step of the commit, the others at a
             random moment; each must leave the previous or the new version whole and, resumed, a dataset
             identical to a clean run's.
Prints a summary; `--write FILE` rewrites FILE (RELIABILITY.md) whole: what foidata promises, with the limits
read from the code, then the figures measured here. The hostile inputs and the fuzzers are reported "not run"
where their modules are missing. Exit status 1 when any trial, scenario, hostile input or fuzz target failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/ for fuzz.py, tests/ for faultkit (and the fixture sites it builds on).
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

COMMAND = "python bench/faults.py --kills {kills} --seed {seed} --fuzz-seconds {fuzz} --write RELIABILITY.md"
DEFAULT_KILLS = 200
DEFAULT_SEED = 20261125
DEFAULT_FUZZ_SECONDS = 60.0


@dataclass
class Part:
    """One part of the suite: its results (dataclasses), or why it did not run."""

    name: str
    results: list[Any] = field(default_factory=list)
    not_run: str | None = None  # the reason, when the part's module is missing
    crashed: str | None = None  # the traceback, when the part itself raised
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def failures(self, ok: Callable[[Any], bool]) -> int:
        return sum(not ok(result) for result in self.results) + (self.crashed is not None)


# ---- the parts ------------------------------------------------------------------------------------------------


def run_scenarios(work: Path) -> Part:
    from faultkit.scrapes import STALL_SECONDS, run_scenario, scenarios, scrape_reference
    from faultkit.server import FaultServer, ForceSite

    part = Part("scenarios")
    site = ForceSite.build()
    with FaultServer(site, stall_seconds=STALL_SECONDS) as server:
        problems = scrape_reference(server, work / "reference")
        if problems:
            raise RuntimeError(f"the scrape of the clean site is wrong: {problems}")
        for scenario in scenarios(site):
            report = run_scenario(server, scenario, work, work / "reference")
            part.results.append(report)
            verdict = "ok" if not report.problems else f"FAILED: {report.problems}"
            print(f"  scenario {report.name}: {sum(report.injected.values())} faults injected, "
                  f"{len(report.errors)} error rows, {report.seconds:.1f} s, {verdict}", flush=True)
    part.extra["documents"] = sum(len(site.documents(item)) for item in site.items)
    return part


def run_hostile(work: Path) -> Part:
    try:
        hostile = importlib.import_module("faultkit.hostile")
    except ImportError as exc:
        return Part("hostile", not_run=f"tests/faultkit/hostile.py could not be imported ({exc})")
    part = Part("hostile", results=list(hostile.run_all(work)))
    for result in part.results:
        print(f"  hostile {result.name}: {result.error_type or 'read'}, {result.seconds:.1f} s, "
              f"{'ok' if result.ok else 'FAILED'}", flush=True)
    return part


def run_fuzz(seconds: float) -> Part:
    if seconds <= 0:
        return Part("fuzz", not_run="--fuzz-seconds 0")
    try:
        fuzz = importlib.import_module("fuzz")
    except ImportError as exc:
        return Part("fuzz", not_run=f"bench/fuzz.py could not be imported ({exc})")
    part = Part("fuzz", results=list(fuzz.run(seconds)))
    for result in part.results:
        print(f"  fuzz {result.target}: {result.executions:,} executions, {result.crashes} crashes", flush=True)
    return part


def run_kills(work: Path, count: int, seed: int) -> Part:
    from faultkit.kills import KillLab, Trial

    part = Part("kills")
    started = time.monotonic()
    lab = KillLab.prepare(work, modes=("python", "cli"))
    part.extra["durations"] = {mode: round(seconds, 2) for mode, seconds in lab.durations.items()}
    part.extra["corpus"] = asdict(lab.size)
    print(f"  kill lab ready in {time.monotonic() - started:.0f} s; a clean run takes "
          + ", ".join(f"{seconds:.1f} s ({mode})" for mode, seconds in lab.durations.items()), flush=True)

    def progress(trial: Trial) -> None:
        verdict = "identical" if trial.identical else f"FAILED: {trial.problems}"
        print(f"  kill {trial.number + 1}/{count} {trial.mode} {trial.phase} {trial.kill}: {trial.stage}, "
              f"{trial.state_after_kill} after the kill, {trial.seconds:.1f} s, {verdict}", flush=True)

    part.results = lab.random_trials(count, seed, modes=("python", "cli"), on_trial=progress)
    return part


def guarded(name: str, run: Callable[[], Part]) -> Part:
    """A part that raises is reported (and fails the suite) instead of losing the other parts' figures."""
    print(f"{name}:", flush=True)
    started = time.monotonic()
    try:
        part = run()
    except Exception:
        part = Part(name, crashed=traceback.format_exc())
        print(f"  {name} raised:\n{part.crashed}", flush=True)
    part.seconds = round(time.monotonic() - started, 1)
    return part


# ---- RELIABILITY.md -------------------------------------------------------------------------------------------


def const(module: str, name: str) -> Any:
    """A limit as the code defines it, so the document cannot drift from it; "?" if it has moved."""
    try:
        value: Any = importlib.import_module(module)
        for part in name.split("."):  # "READ_LIMITS.max_bytes": a field of a settings object
            value = getattr(value, part)
        return value
    except (ImportError, AttributeError):
        return "?"


def rl(field: str) -> Any:
    """A field of READ_LIMITS, the one settings object of the reading bounds."""
    return const("foidata.schemas.limits", f"READ_LIMITS.{field}")


def size(n: Any) -> str:
    if not isinstance(n, int):
        return str(n)
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= factor and n % factor == 0:
            return f"{n // factor} {unit}"
    return f"{n:,} bytes"


def promises() -> str:
    from foidata.flows.fetch import FetchSettings

    fetch = FetchSettings()
    retried = ", ".join(str(s) for s in sorted(const("foidata.flows.fetch.client", "RETRY_STATUSES")))
    ds = "foidata.output.dataset"
    rd, lim = "foidata.extractors.readers", "foidata.schemas.limits"
    return f"""## What foidata promises

**Atomic, versioned commits.** Every ingest or scrape that changes anything writes a whole new version and
then makes it current in one step; readers see the old version or the new one, never a mix. Locally a version
is built in `versions/.tmp-<run>-<random>`, every file and directory fsynced, renamed to `versions/<run>`,
and `current` (a relative symlink) is swapped to it with `os.replace`. On object storage the version's files
and manifest are written first and a small `CURRENT` object naming the run is written last (one PUT, whole
or absent). `manifest.json` records row counts and SHA-256 hashes of every file. The current version and
the {const(ds, "KEEP_PREVIOUS")} before it are kept. One writer per local dataset at a time (an advisory lock);
on object storage one writer at a time is the scheduler's job.

**Nothing built on a damaged version.** Before an ingest starts, and again inside the commit (under the lock),
every file of the current version is checked against its manifest: present, the size it says, the SHA-256 it
says (hashing runs at about 1.1 GB/s here, so a 1 GB dataset costs about a second, twice a run). A `current`
pointing at a missing version, or a table file missing, cut or changed, refuses the run in one line naming
`foidata check`; nothing is written and no version is removed. `foidata check --data DIR --repair` makes the
newest version whose files match its manifest current and deletes nothing. Old versions are pruned only when
the chain of versions behind the new one is whole. A table file that pyarrow or DuckDB cannot open (a flipped
byte in its footer) is one line naming `foidata check` in reads, queries and exports, never a traceback. A run
that fails (a full disk while staging, a refused commit) removes its own staged batches at once.

**Resume after a crash.** A run killed at any moment (SIGKILL, power cut, OOM killer) leaves the previous
version current and intact. Running the same ingest again is the resume: it produces exactly the rows an
uninterrupted run produces, and it removes what the killed run left (half-built versions, unswapped links,
staged batches). Nothing is resumed from the killed run's partial work: its staged rows are never read.

**An errors table.** Every document that could not be read is a row in `errors` with the stage that failed
(`fetch`, `read`, ...), a short `error_type` and a reason; the ingest exits 3 when there are any. A page that
fails to download keeps the rows of its last good copy; a failure that repeats unchanged writes no new
version; a document (or listing page) read successfully again loses its error row.

**Retries and limits on fetching.** One try plus {fetch.retries} retries after HTTP {retried}, a timeout or
a dropped connection, waiting {fetch.backoff:g} s and doubling (with jitter); `Retry-After` is honoured up
to {fetch.max_wait:g} s, beyond which the URL fails at once. A {fetch.timeout:g} s timeout to connect and
between bytes, and {fetch.max_seconds:g} s for a whole download (`too_slow`, not retried); downloads stop at
{size(fetch.max_bytes)} counted after decoding: foidata asks for gzip or deflate only, decodes the body
itself {size(const("foidata.flows.fetch.client", "CHUNK"))} at a time so a bomb is stopped one piece past the cap,
and refuses more than {const(lim, "MAX_CONTENT_ENCODINGS")} stacked codings (`too_many_encodings`). At most
{fetch.rate_per_host:g} request per second and {fetch.concurrency_per_host} at a time per host by default (a
robots.txt Crawl-delay can only slow it, up to {fetch.max_crawl_delay:g} s; a longer one puts the host off
limits for the run, `crawl_delay_too_long`). robots.txt is obeyed: none (4xx) means no limits, an unreachable
one (5xx, network) blocks the host for the run, and so does one over {size(fetch.max_robots_bytes)}
(`robots_too_large`). Redirects are followed by hand, at most {const("foidata.flows.fetch.client", "MAX_REDIRECTS")},
on the same host only. A page's first {const(lim, "MAX_ATTACHMENTS_PER_PAGE")} attachments are followed; more
are one row (`too_many_attachments`). A `--contact` with a CR, LF or other control character is refused as a
usage error (exit 2) before anything is fetched.

**Nothing read from outside the inputs.** Only regular files under the folders given are read. Inside an
input folder a symbolic link (to a file or a folder), a FIFO, a socket or a device is an errors row
(`symlink`, `not_a_file`) and is never followed or opened; so is a name that is not valid UTF-8
(`bad_file_name`, its source written with `\\xNN` escapes), and the rest of the run commits. Files are opened
with O_NOFOLLOW and O_NONBLOCK and checked with fstat, so a file swapped for a link or a FIFO after discovery
is refused (`symlink`, `not_a_file`), not followed or waited on; a file whose resolved path has left its input
folder (a folder on the way swapped for a link) is refused (`outside_input`). A folder swapped for a link
between that check and the open is not caught (that needs openat on every component).

**No server-side request forgery.** Only http and https URLs are fetched; every address a host resolves to
must be public (no loopback, RFC 1918, link-local such as 169.254.169.254, IPv6 unique-local), checked before
every request and again at every redirect hop, except the `host:port` the scrape was configured with. A
refused URL is an error row (`refused_url`). The check resolves the host itself, so DNS rebinding between
the check and the connection is not stopped.

**Limits on hostile input.** PDFs, zip-based files (Word, Excel) and anything over
{size(rl("isolate_over_bytes"))} are parsed in a child process stopped after
{rl("isolated_seconds"):g} s with a {size(rl("isolated_memory_bytes"))} address-space
limit: a pathological file becomes an error row, not a hung or dead run. Files over
{size(rl("max_bytes"))} are refused unread; PDFs over {rl("max_pdf_pages")} pages are
refused; OCR renders at most {rl("max_ocr_pixels"):,} pixels a page, gives a page
{const(rd + ".ocr", "PAGE_TIMEOUT_SECONDS"):g} s and a document {rl("ocr_budget_seconds"):g} s.
Zip packages are refused over {size(rl("max_zip_uncompressed_bytes"))} declared uncompressed,
over {rl("max_zip_entries"):,} entries, or with an entry over
{size(const(rd + ".office", "RATIO_CHECK_OVER_BYTES"))} compressed more than
{rl("max_zip_entry_ratio")} to 1. HTML nested deeper than {rl("max_html_depth")}
elements is refused, and so is an element with more than {rl("max_attributes_per_element"):,} attributes
(`too_many_attributes`, checked before libxml2, whose check is quadratic: 80,000 attributes on one tag took
65 s to parse here, the refusal 0.02 s). HTML tables are read up to {rl("max_table_cells"):,} cells a
page, colspans counted (1,000 rows of twenty colspan-50 cells, 419 KB, were a million cells; now 99,099 and
0.14 s). Spreadsheets, Word tables and CSV files are read up to
{rl("max_rows_per_sheet"):,} rows a table and {rl("max_table_cells"):,}
non-empty cells a file; a single row wider than that keeps its first cells (a note marks where reading stopped
in every case). Text in UTF-32 or UTF-16 without a BOM is recognised. Every other document (text, HTML, CSV
under {size(rl("isolate_over_bytes"))}) is parsed in one long-lived child process per batch, never in
the run's own process: {rl("document_seconds"):g} s a document and a
{size(rl("document_memory_bytes"))} address-space limit; a document past either is an error row
(`timeout`, `resource_limit`), the child is replaced and the batch goes on. The same holds under every runner
(worker processes, Prefect's threads, Dask workers, the scrape's threads), because the limit is a child
process, not a signal: a regular expression or libxml2 stuck in C is stopped too.
"""


def machine() -> str:
    memory = "?"
    with _suppress():
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    load = ""
    with _suppress():
        load = f", load average {os.getloadavg()[0]:.1f} at the end"
    cpu = platform.processor() or platform.machine()
    return (f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs, {memory} memory{load}; "
            f"Python {platform.python_version()}")


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> bool:
        return kind is not None and issubclass(kind, (OSError, ValueError, IndexError))


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def not_run_or_crashed(part: Part) -> str | None:
    if part.not_run is not None:
        return f"Not run: {part.not_run}."
    if part.crashed is not None:
        last = part.crashed.strip().splitlines()[-1]
        return f"**The {part.name} part raised before it finished:** `{last}` (the full traceback is in the log)."
    return None


def kills_section(part: Part) -> str:
    from faultkit.kills import KILL_STEPS, STAGES

    lines = ["## Kills and resumes", ""]
    trials = part.results
    if not trials:
        return "\n".join([*lines, not_run_or_crashed(part) or "No kills were run.", ""])
    identical = sum(t.identical for t in trials)
    durations = part.extra.get("durations", {})
    corpus = part.extra.get("corpus", {})
    lines += [
        f"**{identical} of {len(trials)} killed runs, each resumed, ended identical to a clean run** (every table "
        "row for row, run ids and times aside), and every dataset opened with no duplicate rows right after the "
        "kill and after the resume.",
        "",
        f"Each trial ingests a corpus of {corpus.get('letters', '?')} letters, {corpus.get('pages', '?')} police "
        f"item pages, {corpus.get('pdfs', '?')} PDFs and one damaged PDF (batches of 12; `first`: into an empty "
        "folder; `incremental`: a changed corpus with letters rewritten, files added and the damaged PDF fixed, "
        "over the dataset of the unchanged one), SIGKILLs the run's whole process group, checks what is left, "
        "runs a plain ingest again and compares the result with an uninterrupted run's. A clean run takes "
        + ", ".join(f"{s:.1f} s as `{m}`" for m, s in durations.items())
        + " (a `python` run timed from the end of its imports, the `cli` run from its start); random kills are "
        "uniform over that time. Every 5th trial is killed by the process itself at a named step of the commit "
        f"({', '.join(KILL_STEPS)}): a random moment rarely hits the commit, which takes milliseconds.",
        "",
    ]
    modes = sorted({t.mode for t in trials})
    stages = [s for s in STAGES if any(t.stage == s for t in trials)]
    stages += sorted({t.stage for t in trials} - set(stages))
    rows = []
    for stage in stages:
        these = [t for t in trials if t.stage == stage]
        rows.append([stage, *(sum(t.mode == m for t in these) for m in modes),
                     sum(t.phase == "first" for t in these), sum(t.phase == "incremental" for t in these),
                     len(these), sum(t.identical for t in these)])
    lines += ["Where the kill landed (read from the dataset folder afterwards):", "",
              table(["stage", *(f"`{m}`" for m in modes), "first", "incremental", "kills", "identical"], rows), ""]
    kinds = Counter("commit step " + t.kill if not t.kill.startswith("at ") else "random moment" for t in trials)
    states = Counter(t.state_after_kill for t in trials)
    lines += [table(["killed at", "kills"], sorted(kinds.items())), "",
              table(["dataset right after the kill", "kills"], sorted(states.items())), ""]
    failed = [t for t in trials if not t.identical]
    if failed:
        lines += ["Failed trials:", ""]
        lines += [f"- #{t.number} {t.mode} {t.phase} {t.kill} ({t.stage}): {'; '.join(t.problems)[:600]}"
                  for t in failed]
        lines.append("")
    return "\n".join(lines)


def scenarios_section(part: Part) -> str:
    lines = ["## Fault-server scenarios", ""]
    reports = part.results
    if not reports:
        return "\n".join([*lines, not_run_or_crashed(part) or "No scenarios were run.", ""])
    good = sum(not r.problems for r in reports)
    injected = sum(sum(r.injected.values()) for r in reports)
    lines += [
        f"**{good} of {len(reports)} scenarios ended with complete datasets**, {injected} faulty answers injected "
        f"in all. Each scrapes a local force site ({part.extra.get('documents', '?')} documents: item pages, "
        "PDFs, three listing pages) with chosen URLs misbehaving, then heals the site and scrapes again. Checked: "
        "the dataset opens with no duplicate rows; documents the faults did not touch have exactly the rows of a "
        "clean scrape; every lasting fault is exactly one row in `errors` with the expected stage and type; each "
        "faulted URL was requested exactly as often as the retry policy says; after healing, the dataset equals "
        "the clean scrape's, `errors` included. The scrapes use 2 retries, a 1 s timeout and 3 s stalls.",
        "",
    ]
    rows = []
    for r in reports:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(r.injected.items()))
        errors = ", ".join(f"{etype} ({stage})" for _, stage, etype in r.errors) or "none"
        outcome = "complete" if not r.problems else "FAILED: " + "; ".join(r.problems)[:300]
        rows.append([f"`{r.name}`", r.what, r.faulted_urls, kinds, errors, r.missing, r.filled, outcome,
                     f"{r.seconds:.1f}"])
    lines += [table(["scenario", "faults", "URLs", "faulty answers", "error rows after the faulty run",
                     "unreached", "filled after healing", "outcome", "s"], rows), ""]
    if part.crashed is not None:
        lines += [not_run_or_crashed(part) or "", ""]
    return "\n".join(lines)


def hostile_section(part: Part) -> str:
    lines = ["## Hostile inputs", ""]
    if not part.results:
        return "\n".join([*lines, not_run_or_crashed(part) or "No hostile inputs were run.", ""])
    good = sum(r.ok for r in part.results)
    lines += [f"**{good} of {len(part.results)} hostile inputs stopped by their limit in time**, none escaping "
              "the output folder." if not any(r.escaped for r in part.results) else
              f"**{good} of {len(part.results)} hostile inputs handled; some ESCAPED the output folder.**", ""]
    rows = [[f"`{r.name}`", r.limit, r.error_type or "read, no error", f"{r.seconds:.2f}",
             "yes" if r.escaped else "no", "ok" if r.ok else "FAILED: " + "; ".join(getattr(r, "problems", ()))]
            for r in part.results]
    lines += [table(["input", "limit", "error row", "s", "escaped", "outcome"], rows), ""]
    return "\n".join(lines)


def fuzz_section(part: Part) -> str:
    lines = ["## Fuzzing", ""]
    if not part.results:
        return "\n".join([*lines, not_run_or_crashed(part) or "No fuzz targets were run.", ""])
    runs = sum(r.executions for r in part.results)
    crashes = sum(r.crashes for r in part.results)
    lines += [f"**{runs:,} executions, {crashes} crashes** (bench/fuzz.py: atheris, coverage-guided).", ""]
    rows = [[f"`{r.target}`", f"{r.executions:,}", r.crashes, f"{r.seconds:.0f}", r.detail] for r in part.results]
    lines += [table(["target", "executions", "crashes", "s", "detail"], rows), ""]
    return "\n".join(lines)


def document(parts: dict[str, Part], args: argparse.Namespace, started: dt.datetime, seconds: float) -> str:
    command = COMMAND.format(kills=args.kills, seed=args.seed, fuzz=f"{args.fuzz_seconds:g}")
    head = f"""# Reliability

What foidata promises when its writer is killed, its network misbehaves or its input is hostile, and the
figures of the suite that checks it. This file is generated, whole, by

    {command}

(about {seconds / 60:.0f} minutes here; `pytest tests/faults` runs a short version of the same checks).
Do not edit it by hand.

"""
    measured = f"""## Measured

{started:%Y-%m-%d %H:%M} UTC on {machine()}; seed {args.seed}; foidata {const("foidata", "__version__")}.

"""
    body = [
        head, promises(), "", measured,
        kills_section(parts["kills"]), scenarios_section(parts["scenarios"]),
        hostile_section(parts["hostile"]), fuzz_section(parts["fuzz"]),
    ]
    return "\n".join(body).rstrip() + "\n"


# ---- the command ----------------------------------------------------------------------------------------------


def verdicts(parts: dict[str, Part]) -> dict[str, tuple[int, int]]:
    """(failed, total) per part."""
    checks: dict[str, Callable[[Any], bool]] = {
        "kills": lambda t: t.identical,
        "scenarios": lambda r: not r.problems,
        "hostile": lambda r: r.ok and not r.escaped,
        "fuzz": lambda r: r.crashes == 0,
    }
    return {name: (part.failures(checks[name]), len(part.results)) for name, part in parts.items()}


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=DEFAULT_KILLS, help="killed-and-resumed ingests to run")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the random kill moments")
    parser.add_argument("--fuzz-seconds", type=float, default=DEFAULT_FUZZ_SECONDS, help="per fuzz target; 0: none")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, kept on failure)")
    parser.add_argument("--write", type=Path, help="rewrite this file (RELIABILITY.md) with the figures")
    args = parser.parse_args(argv)

    work = args.work or Path(tempfile.mkdtemp(prefix="foidata-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    started, clock = dt.datetime.now(dt.UTC), time.monotonic()
    print(f"foidata fault suite: {args.kills} kills, seed {args.seed}, work folder {work}", flush=True)
    parts = {
        "scenarios": guarded("scenarios", lambda: run_scenarios(work / "scenarios")),
        "hostile": guarded("hostile", lambda: run_hostile(work / "hostile")),
        "fuzz": guarded("fuzz", lambda: run_fuzz(args.fuzz_seconds)),
        "kills": guarded("kills", lambda: run_kills(work / "kills", args.kills, args.seed)),
    }
    seconds = time.monotonic() - clock
    (work / "results.json").write_text(json.dumps(_plain(parts), indent=1), encoding="utf-8")

    print(f"\nSummary ({seconds / 60:.1f} min):")
    outcome = verdicts(parts)
    for name, (failed, total) in outcome.items():
        part = parts[name]
        state = f"not run ({part.not_run})" if part.not_run else f"{total - failed} of {total} passed"
        if part.crashed:
            state += ", and the part raised"
        print(f"  {name}: {state} ({part.seconds:.0f} s)")
    if parts["kills"].results:
        from faultkit.kills import summarise

        print("  kills: " + json.dumps(summarise(parts["kills"].results)))
    if args.write:
        args.write.write_text(document(parts, args, started, seconds), encoding="utf-8")
        print(f"wrote {args.write}")
    failed = any(failed for failed, _ in outcome.values())
    if failed or args.work:
        print(f"work folder kept: {work} (results.json; failed trials' datasets under kills/runs)")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
