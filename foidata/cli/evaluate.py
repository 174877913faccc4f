"""`foidata eval`: extraction scored against gold labels (no Prefect)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("eval")
@click.option(
    "--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder with labels/<id>.json and texts/<id>.* (txt, html, pdf, docx, md, ... as ingest reads).",
)
@click.option(
    "--predictions", "predictions_dir", type=click.Path(file_okay=False, path_type=Path),
    help="Also write one <id>.json per document here, in the gold-label format.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--mistakes", is_flag=True, help="List every field a document got wrong.")
@click.option(
    "--no-limits", "no_limits", is_flag=True,
    help="Parse in this process, without ingest's per-document time and memory limits (for profiling).",
)
def eval_(gold_dir: Path, predictions_dir: Path | None, as_json: bool, mistakes: bool, no_limits: bool) -> None:
    """Score the extraction `ingest` runs against gold labels (no Prefect).

    Prints precision, recall and F1 for references, dates, exemptions and money, and accuracies for the
    primary reference, outcome, date roles, questions and money period and approximate flag. Each document
    is parsed as ingest parses it, under the same time and memory limits: one past them counts as a failure
    to read, and the rest are still scored.

    \b
    Example: foidata eval --gold ../shared/corpus/dev --predictions out/predictions
    """
    from foidata.flows.evaluate import evaluate, format_report

    if not (gold_dir / "labels").is_dir():
        raise click.ClickException(f"{gold_dir}: no labels/ folder (expected labels/<id>.json and texts/<id>.*)")
    report = evaluate(gold_dir, predictions_dir, limited=not no_limits)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(format_report(report, show_mistakes=mistakes))
