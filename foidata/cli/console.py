"""Terminal output shared by the commands: --quiet and --verbose, tables (plain and rich), progress bars, one-line
errors and the exit statuses.

Progress goes to stderr and only to a terminal, so piped or redirected output (CSV, JSON) stays clean.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import click

# rich is imported where a table or a bar is drawn: the root command (cli/app.py) uses this module for its
# one-line errors, and every `foidata` start, or parsing child re-running it as __main__, would pay for rich.
if TYPE_CHECKING:
    import duckdb
    from rich.console import Console

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
        from rich.console import Console

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
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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




def column_names(cursor: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(d[0]) for d in cursor.description or []]


def plain(value: Any) -> str:
    """A value as CSV or table text: NULL as empty, lists as JSON, dates ISO, money exact."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, default=json_value, ensure_ascii=False)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact: a float would turn 0.1 + 0.2 pence into noise
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


MAX_CELL = 60  # characters shown per cell in --format table; csv and json are never cut


def render_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        text = "NULL" if value is None else plain(value).replace("\r", " ").replace("\n", " ")
        return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    numeric = [bool(rows) and all(isinstance(r[i], int | float | Decimal) or r[i] is None for r in rows)
               for i in range(len(columns))]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True))

    out = [line(columns), "  ".join("-" * w for w in widths), *(line(r) for r in cells)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(text.rstrip() for text in out)


def one_line(exc: BaseException | str) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def is_user_error(exc: BaseException) -> bool:
    """Without importing foidata.schemas (pydantic, pyarrow): if its errors module is not loaded, nothing
    raised one."""
    errors = sys.modules.get("foidata.schemas.errors")
    return errors is not None and isinstance(exc, errors.FoidataError)


def usage_exit(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    click.get_current_context().exit(2)


EXIT_DOCUMENTS_FAILED = 3
