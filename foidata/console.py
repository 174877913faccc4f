"""Terminal output shared by the commands: --quiet and --verbose, rich tables and progress bars.

Progress goes to stderr and only to a terminal, so piped or redirected output (CSV, JSON) stays clean.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

T = TypeVar("T")
PIPED_WIDTH = 200  # columns for tables written to a file or pipe, where there is no terminal to fit


@dataclass(frozen=True)
class Output:
    quiet: bool = False
    verbose: bool = False

    @property
    def console(self) -> Console:
        # Built on each use: click's test runner swaps sys.stdout for each invocation.
        terminal = sys.stdout.isatty()
        width = shutil.get_terminal_size((PIPED_WIDTH, 24)).columns if terminal else PIPED_WIDTH
        return Console(file=sys.stdout, width=width, highlight=False, soft_wrap=False)

    def say(self, message: str) -> None:
        """A line of the run's summary (suppressed by --quiet)."""
        if not self.quiet:
            click.echo(message)

    def detail(self, message: str) -> None:
        """A line only --verbose shows, on stderr."""
        if self.verbose:
            click.echo(message, err=True)

    def track(self, items: Iterable[T], total: int, description: str) -> Iterator[T]:
        """`items` with a progress bar on stderr when it is a terminal and the run is not --quiet."""
        shown = not self.quiet and sys.stderr.isatty() and total > 0
        if not shown:
            yield from items
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(file=sys.stderr), transient=True) as progress:
            task = progress.add_task(description, total=total)
            for item in items:
                yield item
                progress.advance(task)

    def tracker(self, description: str) -> Callable[[Iterable[Any], int], Iterable[Any]]:
        return lambda items, total: self.track(items, total, description)


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--quiet and --verbose, passed to the command as `quiet` and `verbose` (see make_output)."""
    command = click.option("--verbose", "-v", is_flag=True, help="Say more: every figure, file and step.")(command)
    command = click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")(command)
    return command


def make_output(quiet: bool, verbose: bool) -> Output:
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose contradict each other; give one")
    return Output(quiet=quiet, verbose=verbose)


@contextlib.contextmanager
def user_errors(*kinds: type[Exception]) -> Iterator[None]:
    """Errors in what the user gave (a config file, a topics table) as one line and exit status 1."""
    try:
        yield
    except kinds as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None
