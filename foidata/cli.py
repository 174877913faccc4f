"""The `foidata` command: a thin shell over `foidata.flows`, `foidata.output` and `foidata.schemas`.

Exit status: 0 success; 1 an error, reported on one line; 2 a usage error; 3 (ingest, demo) the run finished
but some documents could not be read (they are listed in the `errors` table). `check` exits 1 when the dataset
is damaged and 2 when there is none.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import importlib.resources
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from foidata import __version__
from foidata.flows.settings import DEFAULT_BATCH_SIZE, MAX_AUTO_BATCH_SIZE, TARGET_TASKS, set_prefect_env_defaults

if TYPE_CHECKING:
    import duckdb

    from foidata.flows import IngestSummary
    from foidata.flows.ingest import IngestPlan

# Everything heavy (pyarrow, pydantic, the parsers, DuckDB, Prefect) is imported inside the commands, so that
# `foidata --help` or a mistyped path answers at once, and a parsing child that re-runs this module as its
# __main__ pays nothing for it.

EXIT_DOCUMENTS_FAILED = 3
DEFAULT_DEMO_OUT = "data/demo"
MAX_CELL = 60  # characters shown per cell in --format table; csv and json are never cut

DEMO_QUERIES: tuple[tuple[str, str], ...] = (
    (
        "Responses per body",
        """SELECT coalesce(body, '(not stated)') AS body, count(*) AS responses
           FROM responses GROUP BY ALL ORDER BY responses DESC, body""",
    ),
    (
        "Exemptions by section",
        """SELECT law, section, min(name) AS name, count(DISTINCT response_id) AS responses, count(*) AS citations
           FROM exemptions GROUP BY law, section
           ORDER BY responses DESC, law, try_cast(section AS INTEGER), section""",
    ),
    (
        # Never summed, as in `report spend`: a response that prints a programme's parts and its total would
        # count twice. An unnamed body is labelled by its register name or reference, so two never merge.
        "Money by body and period (the largest figure of each; figures are never added up)",
        """SELECT body, period, currency, count(*) AS figures, max(amount) AS largest
           FROM (SELECT coalesce(r.body, b.name) IS NULL AS unnamed,
                        coalesce(r.body, b.name, 'Unnamed body (ref. ' || r.primary_reference || ')',
                                 'Unnamed body (' || regexp_extract(r.source, '[^/]+$') || ')') AS body,
                        coalesce(m.period, '(none stated)') AS period, m.currency, m.amount
                 FROM money AS m JOIN responses AS r USING (response_id)
                 LEFT JOIN bodies AS b ON b.id = r.body_id)
           GROUP BY unnamed, body, period, currency ORDER BY unnamed, body, period, currency""",
    ),
)


class _Group(click.Group):
    """Turns the library's errors about the user's files and data into one-line messages (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # `foidata query ... | head`: click handles it
                raise
            raise click.ClickException(_one_line(exc)) from None
        except Exception as exc:
            if _is_dataset_error(exc):
                raise click.ClickException(str(exc)) from None
            raise

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            _load_command(self, cmd_name)
        return self.commands.get(cmd_name)


def _is_dataset_error(exc: BaseException) -> bool:
    """Without importing foidata.output: if its errors module is not loaded, nothing raised one."""
    errors = sys.modules.get("foidata.output.errors")
    return errors is not None and isinstance(exc, errors.DatasetError)


# Command groups in their own modules, imported only when named (they pull in pyarrow and DuckDB).
LAZY_COMMANDS = {
    "groups": "foidata.commands_compare",
    "compare": "foidata.commands_compare",
    "report": "foidata.commands_compare",
    "export": "foidata.export.cli",
    "run": "foidata.nightly",
}


def _load_command(group: click.Group, name: str) -> None:
    module = importlib.import_module(LAZY_COMMANDS[name])
    command = getattr(module, name)
    if name == "report":
        from foidata.report.cli import spend

        command.add_command(spend)
    group.add_command(command, name)


def all_commands() -> dict[str, click.Command]:
    """Every command, the lazily imported ones loaded (for help tests and documentation checks)."""
    for name in LAZY_COMMANDS:
        cli.get_command(click.Context(cli), name)
    return dict(cli.commands)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="foidata")
def cli() -> None:
    """Published UK FOI responses into validated, queryable Parquet datasets.

    \b
    Example: foidata ingest responses/ --out data/foi
    """
    # Before anything imports Prefect: quiet, offline-friendly defaults the user can override.
    set_prefect_env_defaults()


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory (created if missing; query DIR/current/<table>.parquet) or object storage: "
    "s3://bucket/prefix (gs://, az:// with gcsfs, adlfs).",
)
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=None,
    help=f"Documents per Prefect task [default: {DEFAULT_BATCH_SIZE}, more in runs of over "
    f"{DEFAULT_BATCH_SIZE * TARGET_TASKS:,} documents so that a run has about {TARGET_TASKS} tasks, up to "
    f"{MAX_AUTO_BATCH_SIZE:,} a task].",
)
@click.option(
    "--workers", type=click.IntRange(min=1, max=64), default=None,
    help="Processes parsing documents at once [default: one per core]. Local runner only.",
)
@click.option(
    "--runner", type=click.Choice(["local", "dask"]), default="local", show_default=True,
    help="Where the batches run: processes here, or an existing Dask cluster (needs PREFECT_API_URL).",
)
@click.option("--dask-address", help="The Dask scheduler for --runner dask, e.g. tcp://10.0.0.5:8786.")
@click.option(
    "--shared-out", is_flag=True,
    help="--out is a folder every Dask worker mounts at the same path (else a remote cluster needs s3://...).",
)
def ingest(paths: tuple[str, ...], out_dir: str, batch_size: int | None, workers: int | None, runner: str,
           dask_address: str | None, shared_out: bool) -> None:
    """Read FOI responses (HTML, PDF, text; files or folders) into the dataset in --out.

    Documents already in the dataset unchanged are skipped; a changed document replaces its old rows.
    Every run that changes something writes a new version and keeps the two before it.
    Exits 0 if every document was read, 3 if some failed (see the errors table), 1 on other errors.

    \b
    Example: foidata ingest responses/ reply.pdf --out data/foi
    Example: foidata ingest /shared/foi --out s3://bucket/foi --runner dask --dask-address tcp://HOST:8786
    """
    started = time.monotonic()
    _check_inputs(paths)
    if runner == "dask":
        if not dask_address:
            raise click.UsageError("--runner dask needs --dask-address tcp://HOST:8786")
        if workers is not None:
            raise click.UsageError("--workers is for the local runner: on Dask, the cluster's workers do the work")
        _check_dask(out_dir, dask_address, shared_out)
        summary = _run_flow(paths, out_dir, batch_size, dask_address=dask_address)
    elif dask_address or shared_out:
        raise click.UsageError("--dask-address and --shared-out go with --runner dask")
    else:
        summary = _run_flow(paths, out_dir, batch_size, workers)
    _print_summary(summary, started)
    if not summary.ok:
        click.get_current_context().exit(EXIT_DOCUMENTS_FAILED)


@cli.command()
@click.option(
    "--out", "out_dir", default=DEFAULT_DEMO_OUT, show_default=True,
    type=click.Path(file_okay=False, path_type=str), help="Dataset directory for the demo.",
)
def demo(out_dir: str) -> None:
    """Ingest the bundled sample corpus and summarise it with DuckDB.

    The sample responses are invented (real bodies, real layouts, illustrative facts). Exits like ingest.

    \b
    Example: foidata demo --out data/demo
    """
    started = time.monotonic()
    from foidata.output import connect

    summary = _run_flow([str(sample_texts())], out_dir, None)
    _print_summary(summary, started)
    con = connect(out_dir)
    for title, sql in DEMO_QUERIES:
        cursor = con.execute(sql)
        click.echo(f"\n{title}")
        click.echo(_render_table(_columns(cursor), cursor.fetchall()))
    if not summary.ok:
        click.get_current_context().exit(EXIT_DOCUMENTS_FAILED)


@cli.command()
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

    from foidata.export.query_output import output_to, write_parquet
    from foidata.output import connect

    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes a file: give --output FILE")
    con = connect(data_dir)
    try:
        if fmt == "parquet" and output is not None:
            click.echo(f"Wrote {output} ({write_parquet(con, sql, output)} rows)", err=True)
            return
        cursor = con.execute(sql)
        columns = _columns(cursor)
        rows = cursor.fetchall() if columns else []
    except duckdb.Error as exc:
        # DuckDB appends the statement with a caret under the fault; the first line says what is wrong.
        raise click.ClickException(f"SQL: {_one_line(str(exc).strip().splitlines()[0])}") from None
    if not columns:
        return
    with output_to(output):
        if fmt == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([_plain(value) for value in row] for row in rows)
        elif fmt == "json":
            objects = [json.dumps(dict(zip(columns, row, strict=True)), default=_json_value) for row in rows]
            click.echo("[\n" + ",\n".join(objects) + "\n]" if objects else "[]")
        else:
            click.echo(_render_table(columns, rows))


EXIT_NO_DATASET = 2


@cli.command()
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


@cli.command()
def schema() -> None:
    """Print the data dictionary: every table and column, its type and meaning (Markdown).

    \b
    Example: foidata schema > DATA_DICTIONARY.md
    """
    from pydantic import BaseModel

    from foidata.schemas import TABLES, data_dictionary

    tables: dict[str, type[BaseModel]] = dict(TABLES)  # data_dictionary wants a dict of BaseModel types
    click.echo(data_dictionary(tables))


# ---- foidata scrape / serve ---------------------------------------------------------------------------------


def _one_line_contact(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """--contact goes into a header: a CR or LF in it is the user's mistake (exit 2), not a site's fault."""
    from foidata.fetch.client import contact_problem

    if value is not None and (problem := contact_problem(value)):
        raise click.BadParameter(problem)
    return value


def _scrape_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options every `foidata scrape SOURCE` shares."""
    options = [
        click.option(
            "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
            help="Dataset directory; the scrape state (state/) and raw cache (raw/) are kept inside it.",
        ),
        click.option(
            "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
            help="Only items published on or after this date (YYYY-MM-DD).",
        ),
        click.option(
            "--rate", "rate_per_host", type=click.FloatRange(min=0.01, max=20.0), default=1.0, show_default=True,
            help="Requests per second per host (robots.txt Crawl-delay can only slow it down).",
        ),
        click.option("--contact", envvar="FOIDATA_CONTACT", callback=_one_line_contact,
                     help="Email or URL added to the User-Agent."),
        click.option(
            "--workers", type=click.IntRange(min=1, max=32), default=4, show_default=True,
            help="Items fetched at once (the per-host rate still holds).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.group()
def scrape() -> None:
    """Fetch published responses from the web, politely and incrementally, into a dataset.

    Every request names foidata in its User-Agent, obeys robots.txt and the per-host rate; a re-run asks only
    whether each page changed (conditional GET) and extracts only what did.

    \b
    Example: foidata scrape police --force essex --since 2021-01-01 --out data/essex
    """


@scrape.command("police")
@click.option("--force", required=True, help="Force id, e.g. essex, met, kent (`foidata scrape forces` lists them).")
@click.option("--base-url", help="Another address for the force's site (a mirror or a test server).")
@_scrape_options
def scrape_police(force: str, base_url: str | None, **common: Any) -> None:
    """A police force's published FOI items (the forces' shared website platform) and their attachments.

    \b
    Example: foidata scrape police --force essex --since 2021-01-01 --out data/essex
    """
    from foidata.sources.police import forces

    if force not in forces():
        raise click.BadParameter(f"unknown force {force!r}; run `foidata scrape forces`", param_hint="--force")
    _scrape("police", {"force": force, "base_url": base_url}, **common)


@scrape.command("wdtk")
@click.option("--body", "body", help="The authority's WhatDoTheyKnow url_name, e.g. essex_police.")
@click.option("--search", help="A WhatDoTheyKnow search instead of a body, e.g. 'ICT capital programme'.")
@click.option(
    "--site", "base_url", default="https://www.whatdotheyknow.com", show_default=True,
    help="Base URL of the Alaveteli site (other countries' sites work too).",
)
@_scrape_options
def scrape_wdtk(body: str | None, search: str | None, base_url: str, **common: Any) -> None:
    """Requests to a body (or matching a search) on WhatDoTheyKnow or another Alaveteli site.

    The site's own request status (successful, partially_successful, rejected, not_held, ...) is kept in
    responses.platform_status beside foidata's outcome.

    \b
    Example: foidata scrape wdtk --body essex_police --out data/essex
    """
    if bool(body) == bool(search):
        raise click.UsageError("give exactly one of --body or --search")
    _scrape("wdtk", {"body": body, "search": search, "base_url": base_url}, **common)


@scrape.command("urls")
@click.argument("url_file", type=click.File("r", encoding="utf-8"))
@_scrape_options
def scrape_urls(url_file: Any, **common: Any) -> None:
    """Pages listed one URL per line in URL_FILE ('-' for stdin; '#' starts a comment), plus the files
    each links on its own host. A URL of a sitemap (…sitemap….xml) is read for its pages.

    \b
    Example: foidata scrape urls pages.txt --out data/pages
    """
    urls = [line.split("#")[0].strip() for line in url_file]
    urls = [url for url in urls if url]
    if not urls:
        raise click.UsageError("no URLs in the file")
    _scrape("urls", {"urls": urls}, **common)


@scrape.command("forces")
def scrape_forces() -> None:
    """List the police forces `foidata scrape police --force` knows, with their sites."""
    from foidata.sources.police import forces

    rows = [(f.force, f.name, f.host) for f in forces().values()]
    click.echo(_render_table(["force", "name", "host"], rows))


def _scrape(kind: str, source_options: dict[str, Any], *, out_dir: str, since: dt.datetime | None,
            rate_per_host: float, contact: str | None, workers: int) -> None:
    from foidata.flows.prefect_flow import one_shot, scrape_flow

    started = time.monotonic()
    try:
        with _quiet_prefect_errors(), one_shot():
            summary = scrape_flow(
                kind, out_dir, source_options, since.date() if since else None, rate_per_host, contact, workers
            )
    except ValueError as exc:  # a source's own check of its options (an unknown force, say)
        raise click.ClickException(_one_line(exc)) from None
    click.echo(
        f"Source {summary.source}: {summary.items_listed} items listed, {summary.requests} requests "
        f"({summary.not_modified} answered 304 Not Modified)"
    )
    _print_summary(summary, started)
    if not summary.ok:
        click.get_current_context().exit(EXIT_DOCUMENTS_FAILED)


@cli.command()
@click.argument("specs", nargs=-1, required=True)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory every scheduled scrape writes to.",
)
@click.option("--cron", default="0 2 * * *", show_default=True, help="When to run (cron syntax, server time).")
@click.option("--rate", "rate_per_host", type=click.FloatRange(min=0.01, max=20.0), default=1.0, show_default=True)
@click.option("--contact", envvar="FOIDATA_CONTACT", callback=_one_line_contact,
              help="Email or URL added to the User-Agent.")
@click.option("--dry-run", is_flag=True, help="Print the deployments as JSON and exit without serving.")
def serve(specs: tuple[str, ...], out_dir: str, cron: str, rate_per_host: float, contact: str | None,
          dry_run: bool) -> None:
    """Run scrapes on a schedule with Prefect's serve (nightly by default) until stopped.

    SPECS name the sources: police:FORCE, wdtk:BODY, wdtk-search:QUERY, urls:FILE.
    Without PREFECT_API_URL, Prefect runs a local API inside this process; point PREFECT_API_URL at a
    `prefect server start` to see and trigger the runs from its UI.

    \b
    Example: foidata serve police:essex wdtk:essex_police --out data/essex --cron "0 2 * * *"
    """
    plans = [_deployment_plan(spec, out_dir, rate_per_host, contact) for spec in specs]
    if dry_run:
        click.echo(json.dumps([{"name": name, "cron": cron, "parameters": params} for name, params in plans],
                              indent=2))
        return
    from prefect import serve as prefect_serve
    from prefect.deployments.runner import RunnerDeployment

    from foidata.flows.prefect_flow import scrape_flow

    # to_deployment is sync in a sync context; its annotation also allows the coroutine of async callers.
    deployments = [
        cast(RunnerDeployment, scrape_flow.to_deployment(name=name, cron=cron, parameters=params))
        for name, params in plans
    ]
    prefect_serve(*deployments)


def _deployment_plan(spec: str, out_dir: str, rate: float, contact: str | None) -> tuple[str, dict[str, Any]]:
    kind, _, value = spec.partition(":")
    if not value:
        raise click.BadParameter(f"{spec!r}: expected KIND:VALUE, e.g. police:essex", param_hint="SPECS")
    if kind == "police":
        options: dict[str, Any] = {"force": value}
    elif kind == "wdtk":
        options = {"body": value}
    elif kind == "wdtk-search":
        kind, options = "wdtk", {"search": value}
    elif kind == "urls":
        path = Path(value)
        if not path.is_file():
            raise click.BadParameter(f"{value}: no such file", param_hint="SPECS")
        options = {"urls": [u.split("#")[0].strip() for u in path.read_text("utf-8").splitlines()
                            if u.split("#")[0].strip()]}
    else:
        raise click.BadParameter(f"{spec!r}: unknown source {kind!r} (police, wdtk, wdtk-search, urls)",
                                 param_hint="SPECS")
    name = "scrape-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in spec)[:60]
    params = {"source": kind, "out_dir": out_dir, "source_options": options, "rate_per_host": rate,
              "contact": contact}
    return name, params


# ---- foidata eval ------------------------------------------------------------------------------------------


@cli.command("eval")
@click.option(
    "--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder with texts/<id>.txt|.html|.pdf and labels/<id>.json.",
)
@click.option(
    "--predictions", "predictions_dir", type=click.Path(file_okay=False, path_type=Path),
    help="Also write one <id>.json per document here, in the gold-label format.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--mistakes", is_flag=True, help="List every field a document got wrong.")
def eval_(gold_dir: Path, predictions_dir: Path | None, as_json: bool, mistakes: bool) -> None:
    """Score the extraction `ingest` runs against gold labels (no Prefect).

    Prints precision, recall and F1 for references, dates, exemptions and money, and accuracies for the
    primary reference, outcome, date roles, questions and money period and approximate flag.

    \b
    Example: foidata eval --gold ../shared/corpus/dev --predictions out/predictions
    """
    from foidata.evaluate import evaluate, format_report

    if not (gold_dir / "labels").is_dir():
        raise click.ClickException(f"{gold_dir}: no labels/ folder (expected labels/<id>.json and texts/<id>.*)")
    report = evaluate(gold_dir, predictions_dir)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(format_report(report, show_mistakes=mistakes))


def main() -> None:
    cli(prog_name="foidata")


def sample_texts() -> Path:
    """The bundled sample corpus folder, `foidata/sample/texts/`."""
    texts = importlib.resources.files("foidata") / "sample" / "texts"
    if not isinstance(texts, Path) or not texts.is_dir():
        raise click.ClickException("the sample corpus (foidata/sample/texts) is not installed with this foidata")
    return texts


def _check_inputs(paths: Sequence[str]) -> None:
    """Refuse a path that does not exist, or a folder with no file to read, in one line (exit 2), before
    anything is imported or started: such a mistake used to cost a Prefect start before its error."""
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            _usage_exit(f"{given}: no such file or folder")
        if path.is_dir() and not _has_a_file(path):
            _usage_exit(f"{given}: the folder has no files to read (hidden ones are skipped)")


def _has_a_file(folder: Path) -> bool:
    """Whether ingest would find anything under `folder` (hidden files and folders skipped, as it does)."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        if any(not name.startswith(".") and os.path.isfile(os.path.join(dirpath, name)) for name in filenames):
            return True
    return False


def _usage_exit(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    click.get_current_context().exit(2)


def _check_dask(out_dir: str, address: str, shared_out: bool) -> None:
    from foidata.flows.distributed import RunnerError, check_dask_run

    try:
        check_dask_run(out_dir, address, shared_out)
    except RunnerError as exc:
        raise click.ClickException(str(exc)) from None


def _run_flow(
    paths: Sequence[str], out_dir: str, batch_size: int | None, workers: int | None = None,
    dask_address: str | None = None,
) -> IngestSummary:
    """The ingest, here (one process per core unless `workers`) or on the Dask cluster at `dask_address`,
    with a progress bar on a terminal and Ctrl-C stopping it at once (foidata.runcontrol)."""
    from foidata.flows import runstate
    from foidata.flows.ingest import finish_ingest, plan_ingest
    from foidata.runcontrol import RunProgress, stop_on_interrupt

    # Nothing new to read: the answer is known without starting anything (seconds saved on every no-op run).
    plan = plan_ingest(paths, out_dir, batch_size)
    if not plan.batches and not plan.early_errors and plan.has_dataset:
        return finish_ingest(plan, [])
    progress = RunProgress()
    with (stop_on_interrupt(out_dir, plan.run_id, progress, runstate.is_committing, runstate.run_after_commit),
          runstate.listening(progress.advance)):
        progress.start(sum(len(batch.documents) for batch in plan.batches))
        try:
            if dask_address is None and len(plan.batches) <= 1:
                return _run_here(plan, workers)
            return _run_prefect(paths, out_dir, batch_size, workers, dask_address, plan.run_id)
        finally:
            progress.stop()


# Input this small is parsed in this process: starting worker processes would cost more than it saves.
SHARE_OVER_BYTES = 1024**2


def _run_here(plan: IngestPlan, workers: int | None) -> IngestSummary:
    """A run of one batch without Prefect: one task has nothing to orchestrate, and Prefect's start (5-10 s)
    would be most of a small run. The batch is shared out between the worker processes when it is large."""
    from foidata.flows.ingest import finish_ingest, process_batches, split_for_workers
    from foidata.flows.parallel import default_workers

    workers = workers or default_workers()
    batches = plan.batches
    if workers > 1 and batches and _input_bytes(plan) > SHARE_OVER_BYTES:
        batches = split_for_workers(batches[0], workers)
    return finish_ingest(plan, process_batches(batches, workers))


def _input_bytes(plan: IngestPlan) -> int:
    total = 0
    for candidate in (doc for batch in plan.batches for doc in batch.documents):
        with contextlib.suppress(OSError):
            total += os.stat(candidate.path).st_size
    return total


def _run_prefect(paths: Sequence[str], out_dir: str, batch_size: int | None, workers: int | None,
                 dask_address: str | None, run_id: str) -> IngestSummary:
    """The ingest flow: one Prefect flow for the run, a task per batch."""
    from foidata.flows.prefect_flow import (  # imports Prefect: only once the env is set
        dask_ingest_flow,
        ingest_flow,
        one_shot,
    )

    with _quiet_prefect_errors(), one_shot():
        if dask_address is None:
            summary: IngestSummary = ingest_flow(list(paths), out_dir, batch_size, workers, run_id)
        else:
            summary = dask_ingest_flow(dask_address)(list(paths), out_dir, batch_size, 1, run_id)
    return summary


@contextlib.contextmanager
def _quiet_prefect_errors() -> Iterator[None]:
    quiet = os.environ.get("PREFECT_LOGGING_LEVEL", "").upper() not in {"DEBUG", "INFO"}
    run_loggers = [logging.getLogger(name) for name in _PREFECT_RUN_LOGGERS] if quiet else []
    reported = _ReportedErrorsFilter()
    for logger in run_loggers:
        logger.addFilter(reported)
    try:
        yield
    finally:
        for logger in run_loggers:
            logger.removeFilter(reported)


_PREFECT_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


class _ReportedErrorsFilter(logging.Filter):
    """Drops Prefect's tracebacks (and the state messages repeating them) for errors this command reports
    itself in one line: a locked or incompatible dataset, a full disk. Bugs keep their Prefect logs."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and (isinstance(error, OSError) or _is_dataset_error(error)):
            self.seen.add(str(error))
            return False
        message = record.getMessage()
        return not any(text in message for text in self.seen)


def _print_summary(s: IngestSummary, started: float) -> None:
    version = f"new version {s.run_id}" if s.version_written else "unchanged, no new version written"
    click.echo(f"Dataset {s.dataset}: {version}")
    click.echo(
        f"Documents: {s.documents_seen} seen, {s.skipped_unchanged} unchanged, "
        f"{s.processed} processed, {s.failed} failed"
    )
    if s.failures:
        click.echo("Failed (stage/kind, documents, first example):")
        width = max(len(f"{g.stage}/{g.error_type}") for g in s.failures)
        for g in s.failures:
            click.echo(f"  {f'{g.stage}/{g.error_type}':<{width}}  {g.documents:>4}  {g.example}")
    from foidata.flows.scrape import ScrapeSummary

    if s.still_failing_unchanged and isinstance(s, ScrapeSummary):
        click.echo(f"{s.still_failing_unchanged} document(s) failed again as they did last time (see errors).")
    elif s.still_failing_unchanged:
        click.echo(f"{s.still_failing_unchanged} unchanged document(s) failed before and were not retried.")
    if s.unknown_bodies:  # so the register can grow: these rows have a body but no body_id
        names = ", ".join(f"{name} ({n})" for name, n in list(s.unknown_bodies.items())[:5])
        more = f" and {len(s.unknown_bodies) - 5} more" if len(s.unknown_bodies) > 5 else ""
        click.echo(f"Bodies not in the register (responses): {names}{more}")
    rows = ", ".join(
        f"{table} {n}" + (f" (+{s.rows_added[table]})" if s.rows_added.get(table) else "")
        for table, n in s.dataset_rows.items()
    )
    click.echo(f"Rows: {rows}")
    took = time.monotonic() - started
    click.echo(f"Took {took:.1f} s ({s.seconds:.1f} s of it planning, parsing and committing).")
    click.echo(f'Query it: foidata query "SELECT * FROM responses" --data {s.dataset}')


def _columns(cursor: duckdb.DuckDBPyConnection) -> list[str]:
    return [str(d[0]) for d in cursor.description or []]


def _plain(value: Any) -> str:
    """A value as CSV or table text: NULL as empty, lists as JSON, dates ISO, money exact."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, default=_json_value, ensure_ascii=False)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)  # exact: a float would turn 0.1 + 0.2 pence into noise
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return str(value)


def _render_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        text = "NULL" if value is None else _plain(value).replace("\r", " ").replace("\n", " ")
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


def _one_line(exc: BaseException | str) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


