"""Watching and stopping `foidata ingest`: the progress bar, and Ctrl-C (a real SIGINT to a real process)."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from foidata.cli.ingest import sample_texts
from foidata.flows import runstate
from foidata.flows.runcontrol import EXIT_INTERRUPTED, RunProgress, child_pids


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_with_counts_and_time_left() -> None:
    stream = _Terminal()
    progress = RunProgress(stream)
    progress.start(4)
    with runstate.listening(progress.advance):
        runstate.documents_done(3)
    progress._progress.refresh()  # type: ignore[union-attr]
    shown = stream.getvalue()
    progress.stop()
    assert "3/4" in shown and "left" in shown


def test_progress_prints_nothing_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = RunProgress(stream)
    progress.start(4)
    progress.advance(4)
    progress.stop()
    assert stream.getvalue() == ""


def test_child_pids_finds_a_child() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in child_pids()
    finally:
        child.kill()
        child.wait()


def _ingest(corpus: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from foidata.cli import main; main()", "ingest", str(corpus), "--out", str(out),
         "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGINT, /proc and process groups")
def test_ctrl_c_stops_at_once_keeps_the_previous_version_and_exits_130(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_texts(), corpus)
    out = tmp_path / "data"
    first = _ingest(corpus, out)
    assert first.wait(120) == 0, first.stderr.read() if first.stderr else ""
    before = os.readlink(out / "current")
    # Enough new documents for several seconds of work, shared out to the worker processes.
    texts = sorted(p for p in sample_texts().iterdir() if p.suffix in {".txt", ".html"})
    for n in range(800):
        source = texts[n % len(texts)]
        (corpus / f"more-{n:04d}{source.suffix}").write_text(
            source.read_text(encoding="utf-8").replace("FOI", f"FOI {n} /"), encoding="utf-8")

    run = _ingest(corpus, out)
    time.sleep(4)  # imports done, workers started, documents being parsed
    assert run.poll() is None, "the run ended before it could be interrupted"
    sent = time.monotonic()
    run.send_signal(signal.SIGINT)
    stdout, stderr = run.communicate(timeout=30)
    took = time.monotonic() - sent

    assert run.returncode == EXIT_INTERRUPTED, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Stopped (Ctrl-C)"), stderr
    assert "Traceback" not in stdout + stderr
    assert took < 5, f"took {took:.1f} s to stop"  # the target is 2 s: bench/RESULTS.md has the measurements
    assert os.readlink(out / "current") == before
    assert not any((out / ".staging").glob("*")) if (out / ".staging").exists() else True
    deadline = time.monotonic() + 5
    while _group_alive(run.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_alive(run.pid), "worker processes outlived the interrupted run"
