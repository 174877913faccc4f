"""`foidata run`: everything foidata.toml asks for, in one command a nightly job can call.

Each step is an ordinary `foidata` command line (scrape or ingest each source, then the exports and reports),
so a step does exactly what the same command typed by hand does, and `--dry-run` shows those commands.
One failing step does not stop the others; the exit status is the worst of them.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from foidata.cli.config import Config, ConfigError, Source, find_config, load_config
from foidata.cli.console import make_output, output_options, user_errors
from foidata.flows.sources.spec import SCRAPED_AS, SourceSpec

EXIT_PARTIAL = 3  # as ingest: the run finished but some documents could not be read


@dataclass(frozen=True)
class Step:
    name: str
    args: list[str]


@dataclass(frozen=True)
class Outcome:
    step: Step
    status: int
    message: str
    seconds: float


def plan(config: Config, quiet: bool) -> list[Step]:
    """The command lines foidata.toml stands for, in order."""
    data = config.resolve(config.output.data)
    if data is None:
        raise ConfigError(f"{config.path}: set data under [output] (the dataset directory)")
    steps = [_source_step(config, source, str(data)) for source in config.sources]
    hush = ["--quiet"] if quiet else []
    sqlite = config.resolve(config.output.sqlite)
    if sqlite is not None:
        steps.append(Step("export sqlite", ["export", "sqlite", str(sqlite), "--data", str(data), *hush]))
    csv_folder = config.resolve(config.output.csv)
    if csv_folder is not None:
        steps.append(Step("export csv", ["export", "csv", str(csv_folder), "--data", str(data), *hush]))
    reports = config.resolve(config.output.reports)
    if reports is not None:
        for topic in config.output.topics:
            base = Path(reports) / f"spend-{topic}"
            steps.append(Step(f"report spend {topic}", [
                "report", "spend", "--topic", topic, "--data", str(data), "--quiet",
                "--html", f"{base}.html", "--csv", f"{base}.csv", "--png", f"{base}.png",
            ]))
    return steps


def _source_step(config: Config, source: Source, data: str) -> Step:
    limits, spec = config.limits, source.spec
    if not spec.scrapes:
        paths = [str(config.resolve(p)) for p in source.files or []]
        batch = ["--batch-size", str(limits.batch_size)] if limits.batch_size is not None else []
        return Step(str(spec), ["ingest", *paths, "--out", data, *batch, "--workers", str(limits.workers)])
    common = ["--out", data, "--rate", str(limits.rate), "--workers", str(limits.workers)]
    if source.since is not None:
        common += ["--since", source.since.isoformat()]
    if config.contact:
        common += ["--contact", config.contact]
    return Step(str(spec), [*_scrape_args(spec, config), *common])


def _scrape_args(spec: SourceSpec, config: Config) -> list[str]:
    """`foidata scrape` arguments for a spec: the command line's spelling of SourceSpec.scrape_options (one
    table, SCRAPED_AS, gives both); a URL list is passed by its path, relative to foidata.toml."""
    if spec.kind in SCRAPED_AS:
        source, option = SCRAPED_AS[spec.kind]
        return ["scrape", source, f"--{option}", spec.value]
    return ["scrape", "urls", str(config.resolve(spec.value))]


def run_step(step: Step) -> Outcome:
    from foidata.cli import cli

    started = time.monotonic()
    try:
        status = cli.main(args=step.args, prog_name="foidata", standalone_mode=False)
        message = "some documents could not be read (see the errors table)" if status == EXIT_PARTIAL else ""
    except click.ClickException as exc:
        exc.show()
        status, message = exc.exit_code, exc.format_message()
    except click.exceptions.Abort:
        status, message = 1, "aborted"
    return Outcome(step, int(status or 0), message, time.monotonic() - started)


@click.command("run")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help="The settings file [default: $FOIDATA_CONFIG, else ./foidata.toml].")
@click.option("--dry-run", is_flag=True, help="Print the commands the run would make, and stop.")
@output_options
def run(config_path: str | None, dry_run: bool, quiet: bool, verbose: bool) -> None:
    """Do what foidata.toml says: fetch or ingest every source into the dataset, then write the exports and
    reports it names. Exits 0 if every step succeeded, 3 if some documents failed, 1 if a step failed.

    \b
    Example: foidata run --config /etc/foidata.toml   (a nightly cron job: 0 2 * * * foidata run --quiet)
    """
    out = make_output(quiet, verbose)
    with user_errors(ConfigError):
        if find_config(config_path) is None:
            raise ConfigError("no foidata.toml here: write one (see the README) or give --config FILE")
        steps = plan(load_config(config_path), quiet)
    if dry_run:
        for step in steps:
            click.echo("foidata " + shlex.join(step.args))
        return
    outcomes = []
    for step in steps:
        out.detail(f"$ foidata {shlex.join(step.args)}")
        outcomes.append(run_step(step))
    worst = max((o.status for o in outcomes), default=0, key=lambda s: (s == 1, s))
    _summary(outcomes, out.say)
    if worst:
        click.get_current_context().exit(worst)


def _summary(outcomes: list[Outcome], say: Callable[[str], None]) -> None:
    say("")
    say(f"Run summary: {len(outcomes)} steps")
    for o in outcomes:
        state = "ok" if o.status == 0 else f"exit {o.status}"
        say(f"  {o.step.name:<28} {state:<8} {o.seconds:6.1f} s  {o.message}".rstrip())
