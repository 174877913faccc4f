"""`foidata export sqlite|csv`: the current dataset version for Datasette, spreadsheets and other tools."""

from __future__ import annotations

import click

from foidata.cli.config import ConfigError, default_data_dir
from foidata.cli.console import make_output, output_options, user_errors

_DATA = click.option("--data", "data_dir", type=click.Path(file_okay=False),
                     help="Dataset directory [default: foidata.toml's].")


@click.group()
def export() -> None:
    """Copy the dataset into other formats: SQLite (for Datasette) or CSV (with a datapackage.json).

    \b
    Example: foidata export sqlite foi.db --data data/foi && datasette serve foi.db -m foi.metadata.json
    """


@export.command("sqlite")
@click.argument("target", type=click.Path(dir_okay=False))
@_DATA
@output_options
def export_sqlite_command(target: str, data_dir: str | None, quiet: bool, verbose: bool) -> None:
    """Write TARGET, a SQLite database of every table (provenance columns last) and a bodies table, with
    full-text search over the responses (FTS5), and TARGET's stem + .metadata.json: Datasette metadata with
    every column's description and facets.

    \b
    Example: foidata export sqlite foi.db --data data/foi
    """
    from foidata.output.export.datasette import write_metadata
    from foidata.output.export.sqlite import ExportError, export_sqlite

    out = make_output(quiet, verbose)
    with user_errors(ConfigError, ExportError):
        data = default_data_dir(data_dir)
        result = export_sqlite(data, target, out.tracker("Copying rows to SQLite"))
    metadata = write_metadata(result, data)
    for table, rows in result.rows.items():
        out.detail(f"  {table}: {rows} rows")
    if result.bodies is not None:  # derived from responses, so not among the dataset's tables counted below
        out.detail(f"  bodies: {result.bodies} rows (one per named body)")
    out.say(f"Wrote {result.path}: {sum(result.rows.values())} rows in {len(result.rows)} tables from version "
            f"{result.run_id}; full-text search over responses ({', '.join(result.fts_columns)})")
    out.say(f"Wrote {metadata}")
    out.say(f"Browse it: datasette serve {result.path} --metadata {metadata}")


@export.command("csv")
@click.argument("folder", type=click.Path(file_okay=False))
@_DATA
@output_options
def export_csv_command(folder: str, data_dir: str | None, quiet: bool, verbose: bool) -> None:
    """Write FOLDER/<table>.csv for every table and FOLDER/datapackage.json (a Frictionless Data Package
    with the data dictionary). Null is an empty cell, lists are JSON, money is exact.

    \b
    Example: foidata export csv exports/csv --data data/foi
    """
    from foidata.output.export.csv_files import export_csv

    out = make_output(quiet, verbose)
    with user_errors(ConfigError):
        data = default_data_dir(data_dir)
    result = export_csv(data, folder, out.tracker("Writing CSV"))
    for table, rows in result.rows.items():
        out.detail(f"  {table}.csv: {rows} rows")
    out.say(f"Wrote {len(result.rows)} CSV files ({sum(result.rows.values())} rows) and {result.datapackage} "
            f"from version {result.run_id}")
