"""The `foidata` command: a thin shell over `foidata.flows`, `foidata.output` and `foidata.schemas`.

Every command is registered in COMMANDS below and lives in a module of its own, imported only when named, so
that `foidata --help` or a mistyped path answers at once and a parsing child that re-runs this package as its
__main__ pays nothing for the rest.

Exit status: 0 success; 1 an error, reported on one line; 2 a usage error; 3 (ingest, demo, scrape, run) the run
finished but some documents could not be read (they are listed in the `errors` table). `check` exits 1 when the
dataset is damaged and 2 when there is none.
"""

from __future__ import annotations

import errno
import importlib
from typing import Any

import click

from foidata.cli.console import is_user_error, one_line
from foidata.flows.settings import set_prefect_env_defaults
from foidata.schemas.versions import __version__

# name -> "module:function"; the one place a command is added.
COMMANDS = {
    "ingest": "foidata.cli.ingest:ingest",
    "demo": "foidata.cli.ingest:demo",
    "query": "foidata.cli.query:query",
    "schema": "foidata.cli.query:schema",
    "check": "foidata.cli.check:check",
    "scrape": "foidata.cli.scrape:scrape",
    "serve": "foidata.cli.scrape:serve",
    "eval": "foidata.cli.evaluate:eval_",
    "groups": "foidata.cli.compare:groups",
    "compare": "foidata.cli.compare:compare",
    "report": "foidata.cli.report:report",
    "export": "foidata.cli.export:export",
    "run": "foidata.cli.nightly:run",
}


class _Group(click.Group):
    """Loads each command on first use, and turns the library's errors about the user's files and data into
    one-line messages (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # `foidata query ... | head`: click handles it
                raise
            raise click.ClickException(one_line(exc)) from None
        except Exception as exc:
            if is_user_error(exc):
                raise click.ClickException(one_line(exc)) from None
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, name = COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return self.commands.get(cmd_name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="foidata")
def cli() -> None:
    """Published UK FOI responses into validated, queryable Parquet datasets.

    \b
    Example: foidata ingest responses/ --out data/foi
    """
    # Before anything imports Prefect: quiet, offline-friendly defaults the user can override.
    set_prefect_env_defaults()


def all_commands() -> dict[str, click.Command]:
    """Every command, each loaded (for help tests and documentation checks)."""
    context = click.Context(cli)
    return {name: command for name in COMMANDS if (command := cli.get_command(context, name)) is not None}


def main() -> None:
    cli(prog_name="foidata")
