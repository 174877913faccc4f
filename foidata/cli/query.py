"""`foidata query` and `foidata schema`: SQL over a dataset, and what its columns mean."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from foidata.cli.console import column_names, json_value, one_line, plain, render_table


@click.command()
@click.argument("sql")
@click.option(
    "--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory (the --out of ingest).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]), default="table", show_default=True,
    help="table for people; csv or json (an array of objects, money as exact strings) for programs; "
    "parquet (with --output) keeps every type.",
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file, not stdout.")
def query(sql: str, data_dir: str, fmt: str, output: Path | None) -> None:
    """Run SQL (DuckDB) over the dataset; each table is a view of the same name.

    Tables: responses, "references" (quoted: an SQL keyword), dates, exemptions, money, attachments, errors.
    `foidata schema` describes every column.

    \b
    Example: foidata query "SELECT body, count(*) AS n FROM responses GROUP BY body" --data data/foi
    """
    import duckdb

    from foidata.output import connect
    from foidata.output.export.query_output import output_to, write_parquet

    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a file: give --output FILE")
    con = connect(data_dir)
    try:
        if fmt == "parquet" and output is not None:
            click.echo(f"Wrote {output} ({write_parquet(con, sql, output)} rows)", err=True)
            return
        cursor = con.execute(sql)
        columns = column_names(cursor)
        rows = cursor.fetchall() if columns else []
    except duckdb.Error as exc:
        # DuckDB appends the statement with a caret under the fault; the first line says what is wrong.
        raise click.ClickException(f"SQL: {one_line(str(exc).strip().splitlines()[0])}") from None
    if not columns:
        return
    with output_to(output):
        if fmt == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([plain(value) for value in row] for row in rows)
        elif fmt == "json":
            objects = [json.dumps(dict(zip(columns, row, strict=True)), default=json_value) for row in rows]
            click.echo("[\n" + ",\n".join(objects) + "\n]" if objects else "[]")
        else:
            click.echo(render_table(columns, rows))


@click.command()
def schema() -> None:
    """Print the data dictionary: every table and column, its type and meaning (Markdown).

    \b
    Example: foidata schema > DATA_DICTIONARY.md
    """
    from pydantic import BaseModel

    from foidata.schemas import TABLES, data_dictionary

    tables: dict[str, type[BaseModel]] = dict(TABLES)  # data_dictionary wants a dict of BaseModel types
    click.echo(data_dictionary(tables))
