"""The `foidata` command. One module per command group; app.py registers them all in one table."""

from foidata.cli.app import all_commands, cli, main
from foidata.cli.console import EXIT_DOCUMENTS_FAILED

__all__ = ["EXIT_DOCUMENTS_FAILED", "all_commands", "cli", "main"]
