"""Ingests SIGKILLed at random moments (or at named steps of the commit), then resumed and compared.

`KillLab.prepare(root)` builds two small mixed corpora (HTML pages, letters, PDFs and one broken file),
ingests them cleanly into the reference datasets and times a clean run of each kind. `lab.trial(...)` then
starts an ingest in a child process (`run_ingest` through `python -c`, or the `foidata ingest` command with
Prefect), kills it with SIGKILL, and checks:

- right after the kill, the dataset opens, or does not exist yet, with no duplicate rows, and it holds
  exactly the rows of the version before the run or exactly those of the finished run, never a mix;
- a plain ingest afterwards (the resume) leaves exactly the rows of an uninterrupted run, table by table
  (run ids and run times aside), and no half-built version behind.

Phases: `first` ingests into an empty folder; `incremental` ingests a changed corpus (letters rewritten,
files added, the broken file fixed) over a copy of the dataset of the unchanged one, so a kill there must
leave the previous version whole.

Where the kill landed is read from the dataset folder afterwards (`landed`): nothing written yet, batches
staged, the new version being written, renamed but not current, or committed. A random moment of a `python` run is
counted from when the child has imported foidata (it says so on stdout), so kills spread over the work rather
than the imports; a `cli` run has no such signal and is timed from its start. Random moments rarely hit the
commit, which takes milliseconds; `FOIDATA_FAULT_KILL_AT` (see output/dataset/tables.py) kills the
process at the commit's named steps instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sites.police_site import item_page, make_items, make_pdf

from faultkit.compare import differences, invariants
from foidata.flows.ingest import run_ingest
from foidata.output import CURRENT, KEEP_PREVIOUS, VERSIONS, has_dataset
from foidata.output.dataset import FAULT_KILL_AT
from foidata.output.staging import STAGING

Mode = Literal["python", "cli"]
Phase = Literal["first", "incremental"]
KILL_STEPS = ("tables", "renamed", "swapped")  # the commit's named steps, in order
BATCH_SIZE = 12  # several batches, so a kill can land between them
READY = b"ready"
# Says READY once the imports are done: the clock for a random kill starts there (see `_ready`).
PYTHON_INGEST = (
    "import sys; from foidata.flows.ingest import run_ingest; "
    f"print({READY.decode()!r}, flush=True); "
    "run_ingest([sys.argv[1]], sys.argv[2], batch_size=int(sys.argv[3]))"
)
# A run killed at a commit step runs whole first; one that takes this many times a clean run has hung.
HANG_FACTOR = 10
TMP = ".tmp-"

# What the folder shows after a kill, in the order a run gets there.
STAGES = (
    "nothing written yet",
    "batches staged",
    "writing the new version",
    "version renamed, not yet current",
    "committed, not yet cleaned up",
    "committed and cleaned up",
    "finished before the kill",
)

TOPICS = ("ICT capital programme", "vehicle fleet", "body worn video", "estates maintenance", "overtime",
          "drones", "consultancy", "mobile phones")
OUTCOMES = (
    "We have provided the information you asked for.",
    "Some details are withheld under Section 43(2) of the Act, as disclosure would prejudice commercial "
    "interests.",
    "Names of staff are withheld under Section 40(2) of the Act.",
    "We do not hold the information you asked for.",
)


# ---- the corpora ----------------------------------------------------------------------------------------------


def letter(n: int, revision: int = 0) -> str:
    topic = TOPICS[n % len(TOPICS)]
    responded = dt.date(2023, 1, 9) + dt.timedelta(days=11 * n)
    received = responded - dt.timedelta(days=18 + n % 9)
    amount = 10_000 + 1_250 * n + 7_000 * revision
    return f"""Our ref: FOI {responded.year}/{1000 + n:04d}
Date of response: {responded:%d %B %Y}

Dear requester,

Thank you for your request, received on {received:%d %B %Y}, about {topic}.
1. How much did the force spend on {topic} in 2021/22?
{OUTCOMES[n % len(OUTCOMES)]}
The {topic} cost £{amount:,} in 2021/22{" (revised)" if revision else ""}.
"""


def build_corpus(root: Path, letters: int = 24, pages: int = 16, pdfs: int = 4, seed: int = 3) -> None:
    """A mixed corpus in `root`: letters (.txt), police item pages (.html), PDFs and one damaged PDF."""
    root.mkdir(parents=True, exist_ok=True)
    for n in range(letters):
        (root / "letters").mkdir(exist_ok=True)
        (root / "letters" / f"letter-{n:03d}.txt").write_text(letter(n), encoding="utf-8")
    for item in make_items(pages, pdf_every=0):
        (root / "pages").mkdir(exist_ok=True)
        (root / "pages" / f"item-{item.reference}.html").write_text(item_page(item), encoding="utf-8")
    for item in make_items(pdfs, first=dt.date(2022, 3, 7), pdf_every=1):
        (root / "pdfs").mkdir(exist_ok=True)
        (root / "pdfs" / f"foi-{item.reference}.pdf").write_bytes(make_pdf(item))
    (root / "pdfs" / "broken.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(seed).randbytes(2_000))


def change_corpus(root: Path, letters: int = 24) -> None:
    """What a second run finds: three letters rewritten, two letters and a page added, the broken PDF fixed."""
    for n in (1, 7, 12):
        (root / "letters" / f"letter-{n:03d}.txt").write_text(letter(n, revision=1), encoding="utf-8")
    for n in (letters, letters + 1):
        (root / "letters" / f"letter-{n:03d}.txt").write_text(letter(n), encoding="utf-8")
    (new,) = make_items(1, first=dt.date(2024, 6, 3), pdf_every=0)
    (root / "pages" / f"item-{new.reference}-new.html").write_text(item_page(new), encoding="utf-8")
    (fixed,) = make_items(1, first=dt.date(2024, 7, 1), pdf_every=1)
    (root / "pdfs" / "broken.pdf").write_bytes(make_pdf(fixed))


# ---- what a kill left ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The dataset folder's moving parts."""

    current: str | None
    versions: frozenset[str]
    building: frozenset[str]  # versions/.tmp-*: a version being written
    links: frozenset[str]  # .tmp-current-*: a new `current` not yet swapped in
    staging: frozenset[str]  # .staging/<run_id>: runs' staged batches

    @classmethod
    def of(cls, out: Path) -> Snapshot:
        def names(folder: Path) -> set[str]:
            return {p.name for p in folder.iterdir()} if folder.is_dir() else set()

        link = out / CURRENT
        current = os.readlink(link) if link.is_symlink() else None
        versions = names(out / VERSIONS)
        return cls(
            current=current,
            versions=frozenset(v for v in versions if not v.startswith(TMP)),
            building=frozenset(v for v in versions if v.startswith(TMP)),
            links=frozenset(n for n in names(out) if n.startswith(TMP)),
            staging=frozenset(names(out / STAGING)),
        )


def landed(before: Snapshot, after: Snapshot) -> str:
    """Which stage of the run the kill stopped, from what it left in the folder (STAGES)."""
    if after.current != before.current:
        untidy = after.staging - before.staging or after.building or len(after.versions) > KEEP_PREVIOUS + 1
        return "committed, not yet cleaned up" if untidy else "committed and cleaned up"
    current = after.current.split("/")[-1] if after.current else None
    if after.versions - before.versions - {current}:
        return "version renamed, not yet current"
    if after.building - before.building or after.links - before.links:
        return "writing the new version"
    if after.staging - before.staging:
        return "batches staged"
    return "nothing written yet"


def leftovers(out: Path) -> list[str]:
    """Half-built versions and unswapped links: what the next commit must have removed."""
    found = Snapshot.of(out)
    return sorted(found.building | found.links)


# ---- the lab ----------------------------------------------------------------------------------------------


@dataclass
class Trial:
    number: int
    mode: Mode
    phase: Phase
    kill: str  # "at 1.23 s" or the commit step named in FOIDATA_FAULT_KILL_AT
    stage: str
    state_after_kill: str  # "no dataset", "previous version", "new version"
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def identical(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class CorpusSize:
    """How many documents of each kind the lab's corpora hold (the changed corpus adds three)."""

    letters: int = 24
    pages: int = 16
    pdfs: int = 4

    @property
    def documents(self) -> int:
        return self.letters + self.pages + self.pdfs + 1  # and the broken PDF


@dataclass
class KillLab:
    root: Path
    env: dict[str, str]
    size: CorpusSize = field(default_factory=CorpusSize)
    # A clean run's seconds, from the moment a kill is timed from (see `_ready`) to its exit.
    durations: dict[Mode, float] = field(default_factory=dict)

    @property
    def corpus_first(self) -> Path:
        return self.root / "corpus-first"

    @property
    def corpus_incremental(self) -> Path:
        return self.root / "corpus-incremental"

    @property
    def reference(self) -> Path:
        return self.root / "reference-first"

    @property
    def base(self) -> Path:
        return self.root / "base-incremental"  # the unchanged corpus, ingested: where incremental runs start

    @property
    def reference_incremental(self) -> Path:
        return self.root / "reference-incremental"

    @classmethod
    def prepare(cls, root: Path, modes: tuple[Mode, ...] = ("python",), size: CorpusSize | None = None) -> KillLab:
        """Corpora, reference datasets, and how long a clean run of each kind takes (what kills aim within)."""
        root.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k not in (FAULT_KILL_AT, "PREFECT_API_URL")}
        env |= {"PREFECT_HOME": str(root / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1", "PREFECT_LOGGING_LEVEL": "WARNING"}
        lab = cls(root=root, env=env, size=size or CorpusSize())
        sizes = {"letters": lab.size.letters, "pages": lab.size.pages, "pdfs": lab.size.pdfs}
        build_corpus(lab.corpus_first, **sizes)
        build_corpus(lab.corpus_incremental, **sizes)
        run_ingest([str(lab.corpus_first)], str(lab.reference), batch_size=BATCH_SIZE)
        run_ingest([str(lab.corpus_incremental)], str(lab.base), batch_size=BATCH_SIZE)
        change_corpus(lab.corpus_incremental, letters=lab.size.letters)
        shutil.copytree(lab.base, lab.reference_incremental, symlinks=True)
        run_ingest([str(lab.corpus_incremental)], str(lab.reference_incremental), batch_size=BATCH_SIZE)
        for mode in modes:
            # The two phases read the same corpus size: one timing serves both.
            lab.durations[mode] = lab.clean_run(mode, "first")
        return lab

    def clean_run(self, mode: Mode, phase: Phase) -> float:
        """Seconds from start to exit of an uninterrupted run of this kind; raises if it did not succeed."""
        out = self._fresh(f"timing-{mode}-{phase}", phase)
        child = self._start(mode, phase, out, kill_at=None)
        started = self._ready(child, mode)
        code = child.wait()
        seconds = time.monotonic() - started
        self._end(child)
        problems = differences(out, self._reference(phase)) if code in (0, 3) else []
        if code not in (0, 3) or problems:
            raise RuntimeError(f"a clean {mode} run ({phase}) exited {code}: {problems or self._stderr(out)}")
        return seconds

    def trial(self, number: int, mode: Mode, phase: Phase, kill: float | str) -> Trial:
        """One run killed `kill` seconds after it started, or at the commit step named by `kill`, then resumed."""
        started = time.monotonic()
        out = self._fresh(f"trial-{number:04d}", phase)
        before = Snapshot.of(out)
        step = kill if isinstance(kill, str) else None
        child = self._start(mode, phase, out, kill_at=step)
        self._ready(child, mode)
        code: int | None = None
        hang = HANG_FACTOR * self.durations.get(mode, 60.0) + 60.0
        with contextlib.suppress(subprocess.TimeoutExpired):
            code = child.wait(timeout=hang if step else float(kill))
        self._end(child)
        problems: list[str] = []
        if step is not None and code is None:
            stage = "hung"
            problems.append(f"the run neither reached the commit step {step!r} nor exited in {hang:.0f} s")
        elif code is None or code == -signal.SIGKILL:
            stage = landed(before, Snapshot.of(out))
        elif code in (0, 3):  # 3: some documents failed (the broken PDF), as they should
            stage = "finished before the kill"
            if step is not None:
                problems.append(f"the run finished without reaching the commit step {step!r}")
        else:
            stage = "failed on its own"
            problems.append(f"the run failed before the kill (exit {code}): {self._stderr(out)}")
        problems += [f"after the kill: {p}" for p in invariants(out)]
        state, mismatch = self._state(out, phase)
        problems += mismatch

        run_ingest([str(self._corpus(phase))], str(out), batch_size=BATCH_SIZE)
        problems += [f"after the resume: {p}" for p in invariants(out)]
        problems += [f"after the resume: {p}" for p in differences(out, self._reference(phase))]
        problems += [f"after the resume: {name} left behind" for name in leftovers(out)]
        if not problems:
            shutil.rmtree(out, ignore_errors=True)  # kept for a post-mortem otherwise
        return Trial(
            number=number, mode=mode, phase=phase, kill=step or f"at {float(kill):.2f} s", stage=stage,
            state_after_kill=state, problems=problems, seconds=round(time.monotonic() - started, 2),
        )

    def random_trials(self, count: int, seed: int, modes: tuple[Mode, ...] = ("python",),
                      cli_every: int = 10, step_every: int = 5,
                      on_trial: Callable[[Trial], None] | None = None) -> list[Trial]:
        """`count` trials: every `cli_every`-th through the CLI (when "cli" is in `modes`), every
        `step_every`-th killed at a named commit step, the rest at a random moment of a clean run's time;
        phases alternate. `on_trial` sees each trial as it ends (a long run's progress)."""
        rng = random.Random(seed)
        trials = []
        for n in range(count):
            phase: Phase = "first" if n % 2 == 0 else "incremental"
            mode: Mode = "cli" if "cli" in modes and n % cli_every == cli_every - 1 else "python"
            kill: float | str
            if n % step_every == step_every - 1:
                kill = KILL_STEPS[(n // step_every) % len(KILL_STEPS)]
            else:
                kill = rng.uniform(0.0, self.durations[mode])
            trials.append(self.trial(n, mode, phase, kill))
            if on_trial is not None:
                on_trial(trials[-1])
        return trials

    # ---- helpers --------------------------------------------------------------------------------------------

    def _corpus(self, phase: Phase) -> Path:
        return self.corpus_first if phase == "first" else self.corpus_incremental

    def _reference(self, phase: Phase) -> Path:
        return self.reference if phase == "first" else self.reference_incremental

    def _fresh(self, name: str, phase: Phase) -> Path:
        out = self.root / "runs" / name
        shutil.rmtree(out, ignore_errors=True)
        if phase == "incremental":
            shutil.copytree(self.base, out, symlinks=True)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
        return out

    def _start(self, mode: Mode, phase: Phase, out: Path, kill_at: str | None) -> subprocess.Popen[bytes]:
        corpus = str(self._corpus(phase))
        if mode == "python":
            command = [sys.executable, "-c", PYTHON_INGEST, corpus, str(out), str(BATCH_SIZE)]
        else:
            command = [*_foidata_command(), "ingest", corpus, "--out", str(out), "--batch-size", str(BATCH_SIZE)]
        env = dict(self.env)
        if kill_at is not None:
            env[FAULT_KILL_AT] = kill_at
        log = self.root / "runs" / f"{out.name}.stderr"
        stdout = subprocess.PIPE if mode == "python" else subprocess.DEVNULL
        with open(log, "wb") as stderr:
            # A session of its own: the kill takes the run's worker processes (and Prefect's server) with it.
            return subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr, start_new_session=True)

    @staticmethod
    def _ready(child: subprocess.Popen[bytes], mode: Mode) -> float:
        """The moment the run starts its work: a `python` child has imported foidata (about half of a short
        run) when it prints READY; a `cli` run says nothing before it ends, so it counts from its start."""
        if mode == "python" and child.stdout is not None:
            child.stdout.readline()  # READY, or b"" if the child died first: either way the clock starts
            child.stdout.close()  # nothing else is printed; a closed pipe must not block the child
        return time.monotonic()

    def _end(self, child: subprocess.Popen[bytes]) -> None:
        """SIGKILL the run's whole process group (it may be dead already, its helpers not), then reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()

    def _stderr(self, out: Path) -> str:
        log = self.root / "runs" / f"{out.name}.stderr"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def _state(self, out: Path, phase: Phase) -> tuple[str, list[str]]:
        """What the folder holds right after a kill: nothing, the previous version or the new one, whole."""
        if not has_dataset(out):
            if phase == "first":
                return "no dataset", []
            return "no dataset", ["after the kill: the previous version is gone"]
        if not differences(out, self._reference(phase)):
            return "new version", []
        if phase == "incremental" and not differences(out, self.base):
            return "previous version", []
        found = differences(out, self._reference(phase))
        return "a mix", [f"after the kill: neither the previous version nor the new one: {found}"]


def _foidata_command() -> list[str]:
    script = Path(sys.executable).with_name("foidata")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from foidata.cli import main; main()"]


def summarise(trials: list[Trial]) -> dict[str, object]:
    """Figures for RELIABILITY.md."""
    return {
        "kills": len(trials),
        "by_stage": dict(Counter(t.stage for t in trials)),
        "by_mode": dict(Counter(t.mode for t in trials)),
        "by_phase": dict(Counter(t.phase for t in trials)),
        "state_after_kill": dict(Counter(t.state_after_kill for t in trials)),
        "identical": sum(t.identical for t in trials),
    }
