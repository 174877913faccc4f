"""`foidata scrape SOURCE` and `foidata serve`: fetching from the web, once or on a schedule."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any, cast

import click

from foidata.cli.console import EXIT_DOCUMENTS_FAILED, one_line, render_table
from foidata.cli.runs import print_summary, quiet_prefect_errors


def one_line_contact(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """--contact goes into a header: a CR or LF in it is the user's mistake (exit 2), not a site's fault."""
    from foidata.flows.fetch.client import contact_problem

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
        click.option("--contact", envvar="FOIDATA_CONTACT", callback=one_line_contact,
                     help="Email or URL added to the User-Agent."),
        click.option(
            "--workers", type=click.IntRange(min=1, max=32), default=4, show_default=True,
            help="Items fetched at once (the per-host rate still holds).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group()
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
    from foidata.flows.sources.police import forces

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
    from foidata.flows.sources.spec import url_list

    urls = url_list(url_file)
    if not urls:
        raise click.UsageError("no URLs in the file")
    _scrape("urls", {"urls": urls}, **common)


@scrape.command("forces")
def scrape_forces() -> None:
    """List the police forces `foidata scrape police --force` knows, with their sites."""
    from foidata.flows.sources.police import forces

    rows = [(f.force, f.name, f.host) for f in forces().values()]
    click.echo(render_table(["force", "name", "host"], rows))


def _scrape(kind: str, source_options: dict[str, Any], *, out_dir: str, since: dt.datetime | None,
            rate_per_host: float, contact: str | None, workers: int) -> None:
    from foidata.flows.prefect_flow import one_shot, scrape_flow

    started = time.monotonic()
    try:
        with quiet_prefect_errors(), one_shot():
            summary = scrape_flow(
                kind, out_dir, source_options, since.date() if since else None, rate_per_host, contact, workers
            )
    except ValueError as exc:  # a source's own check of its options (an unknown force, say)
        raise click.ClickException(one_line(exc)) from None
    click.echo(
        f"Source {summary.source}: {summary.items_listed} items listed, {summary.requests} requests "
        f"({summary.not_modified} answered 304 Not Modified)"
    )
    print_summary(summary, started)
    if not summary.ok:
        click.get_current_context().exit(EXIT_DOCUMENTS_FAILED)


@click.command()
@click.argument("specs", nargs=-1, required=True)
@click.option(
    "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=str),
    help="Dataset directory every scheduled scrape writes to.",
)
@click.option("--cron", default="0 2 * * *", show_default=True, help="When to run (cron syntax, server time).")
@click.option("--rate", "rate_per_host", type=click.FloatRange(min=0.01, max=20.0), default=1.0, show_default=True)
@click.option("--contact", envvar="FOIDATA_CONTACT", callback=one_line_contact,
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


def _deployment_plan(spec_text: str, out_dir: str, rate: float, contact: str | None) -> tuple[str, dict[str, Any]]:
    from foidata.flows.sources.spec import SpecError, parse_spec

    try:
        spec = parse_spec(spec_text)
        kind, options = spec.scrape_options()
    except SpecError as exc:
        raise click.BadParameter(str(exc), param_hint="SPECS") from None
    name = "scrape-" + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in spec_text)[:60]
    params = {"source": kind, "out_dir": out_dir, "source_options": options, "rate_per_host": rate,
              "contact": contact}
    return name, params
