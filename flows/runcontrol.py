"""A run a person can watch and stop: a progress bar on a terminal, and Ctrl-C that stops at once.

Ctrl-C (SIGINT) does not unwind the run: Prefect would log the interrupt per task and the worker pool would
wait for its batches (over a minute). The handler kills this process's children (the workers, the fork
server, Prefect's API server) and leaves with status 130 straight away. Nothing has been committed at that
point, so the dataset's `current` still points at the version before the run; the run's staged rows are
removed. During the commit itself (a second or so) the interrupt waits for its end, so `current` is never
left between two versions.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C
STAGING = ".staging"  # output.staging.STAGING, not imported: this module stays light


class RunProgress:
    """A progress bar of documents processed, with counts and the time left, on stderr when it is a
    terminal; nothing at all otherwise (a log file or a pipe gets only the summary)."""

    def __init__(self, stream: TextIO | None = None, shown: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty() if shown is None else shown
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def start(self, total: int, description: str = "Documents") -> None:
        if not self.shown or total <= 0 or self._progress is not None:
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("elapsed"),
                   TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())
        self._progress = Progress(*columns, console=Console(file=self.stream), transient=True)
        self._progress.start()
        self._task = self._progress.add_task(description, total=total)

    def advance(self, count: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, count)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def erase(self) -> None:
        """Clear the bar's line without taking rich's locks (safe in a signal handler)."""
        if self._progress is not None:
            with contextlib.suppress(OSError, ValueError):
                self.stream.write("\r\x1b[2K")
                self.stream.flush()


def child_pids(parent: int | None = None) -> list[int]:
    """Processes whose parent is `parent` (default: this one), from /proc; [] where there is none."""
    parent = os.getpid() if parent is None else parent
    found: list[int] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(entry.path, "stat").read_text()
                # "pid (comm) state ppid ...": comm may hold spaces and brackets, so split after the last ")".
                if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                    found.append(int(entry.name))
    return found


def kill_children() -> None:
    """SIGKILL every child. Their own children die with them: workers and parsing children ask the kernel
    for that (PR_SET_PDEATHSIG, foidata.flows.isolation.detach_from_terminal_signals)."""
    for pid in child_pids():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _say(message: str) -> None:
    with contextlib.suppress(OSError):
        os.write(sys.stderr.fileno(), (message + "\n").encode("utf-8", "replace"))


@contextlib.contextmanager
def stop_on_interrupt(out_dir: str, run_id: str, progress: RunProgress,
                      is_committing: Callable[[], bool], after_commit: Callable[[Callable[[], None]], None],
                      ) -> Iterator[None]:
    """Within the block, Ctrl-C stops the run as the module docstring says."""
    staging = None if "://" in out_dir else Path(out_dir) / STAGING / run_id

    def stop(committed: bool) -> None:
        progress.erase()
        kill_children()
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if committed:
            _say(f"Stopped (Ctrl-C) after the run had committed: {out_dir} now holds its new version {run_id}.")
        else:
            _say(f"Stopped (Ctrl-C): nothing was written; {out_dir} keeps the version it had before this run.")
        os._exit(EXIT_INTERRUPTED)

    def handler(signum: int, frame: types.FrameType | None) -> None:
        if is_committing():
            after_commit(lambda: stop(committed=True))
            return
        stop(committed=False)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
