"""`foidata check`: is a dataset whole, and `--repair` to roll back to the last sound version."""

from __future__ import annotations

import json

import click

EXIT_NO_DATASET = 2


@click.command()
@click.option(
    "--data", "data_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory (the --out of ingest) or s3://bucket/prefix.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON.")
@click.option(
    "--raw-sample", type=click.IntRange(min=0), default=None,
    help="Hash only N files of the raw cache, chosen at random [default: every file].",
)
@click.option(
    "--repair", is_flag=True,
    help="Roll back: make the newest version whose files match its manifest current (nothing is deleted).",
)
def check(data_dir: str, as_json: bool, raw_sample: int | None, repair: bool) -> None:
    """Verify a dataset: the current version is complete, every file has the size, SHA-256 and row count its
    manifest says, the tables have their schema and allowed values, every row's provenance is whole (one
    content hash per source), child rows have their response, no row is duplicated, and the scrape state and
    raw cache are intact. Prints what is wrong, grouped by check, with examples.

    Exits 0 when nothing is wrong (warnings, such as a stopped run's leftovers, allowed), 1 when something is,
    2 when there is no dataset.

    \b
    Example: foidata check --data data/foi
    Example: foidata check --data s3://bucket/foi --json --raw-sample 100
    Example: foidata check --data data/foi --repair
    """
    from foidata.output import DatasetNotFound
    from foidata.output.check import format_report, inspect_dataset, report_dict

    if repair:
        _repair(data_dir)
        return
    try:
        report = inspect_dataset(data_dir, raw_sample=raw_sample)
    except DatasetNotFound as exc:
        click.echo(f"Error: {exc}", err=True)
        click.get_current_context().exit(EXIT_NO_DATASET)
    click.echo(json.dumps(report_dict(report), indent=2) if as_json else format_report(report))
    if report.errors:
        click.get_current_context().exit(1)


def _repair(data_dir: str) -> None:
    from foidata.output import roll_back

    before, now = roll_back(data_dir)
    if before == now:
        click.echo(f"{data_dir}: the current version {now} matches its manifest; nothing to repair")
    else:
        click.echo(f"{data_dir}: current was {before or '(none)'}, now {now}, the newest version whose files match "
                   "its manifest; no version was deleted")
