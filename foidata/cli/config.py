"""foidata.toml: the sources to fetch, the limits to keep and the outputs to write, so that a nightly job is
one command (`foidata run`); the dataset it names is also the default --data of the other commands.

```toml
contact = "you@example.org"          # added to the User-Agent of every request

[limits]
rate = 1.0                           # requests per second per host
workers = 4                          # items fetched at once
batch_size = 250                     # documents per task when ingesting files (default: automatic)

[output]
data = "data/foi"                    # the dataset directory
sqlite = "exports/foi.db"            # optional: a SQLite copy for Datasette after every run
csv = "exports/csv"                  # optional: CSV files and their datapackage.json
reports = "reports"                  # optional: spend reports (HTML, CSV, PNG) for each topic below
topics = ["ict"]

[[sources]]
police = "essex"                     # or wdtk = "essex_police", wdtk_search = "...", urls = "pages.txt",
since = "2021-01-01"                 # or files = ["responses/", "letter.pdf"]
```
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from foidata.flows.sources.spec import SourceSpec, SpecKind, make_spec
from foidata.output.tomlfile import read_toml
from foidata.schemas.errors import FoidataError

FILENAME = "foidata.toml"
ENV = "FOIDATA_CONFIG"
# A [[sources]] key -> the spec kind it names (a TOML key reads better with _ than with -).
SPEC_KIND_OF: dict[str, SpecKind] = {
    "police": "police", "wdtk": "wdtk", "wdtk_search": "wdtk-search", "urls": "urls", "files": "files",
}
SOURCE_KINDS = tuple(SPEC_KIND_OF)


class ConfigError(FoidataError, ValueError):
    """foidata.toml cannot be used; the message names the file and the setting."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(_Strict):
    rate: float = Field(default=1.0, gt=0, le=20, description="Requests per second per host.")
    workers: int = Field(default=4, ge=1, le=32, description="Items fetched or documents parsed at once.")
    batch_size: int | None = Field(
        default=None, ge=1, description="Documents per task when ingesting files (default: automatic, see ingest)."
    )


class Outputs(_Strict):
    data: str | None = None
    sqlite: str | None = None
    csv: str | None = None
    reports: str | None = None
    topics: list[str] = Field(default_factory=lambda: ["ict"])


class Source(_Strict):
    police: str | None = None
    wdtk: str | None = None
    wdtk_search: str | None = None
    urls: str | None = None
    files: list[str] | None = None
    since: dt.date | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Source:
        given = [kind for kind in SOURCE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"each [[sources]] entry needs exactly one of {', '.join(SOURCE_KINDS)}; got "
                             f"{', '.join(given) or 'none'}")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in SOURCE_KINDS if getattr(self, kind) is not None)

    @property
    def spec(self) -> SourceSpec:
        """The entry as the source spec `foidata serve` takes (files: their paths, space-separated)."""
        value = getattr(self, self.kind)
        return make_spec(SPEC_KIND_OF[self.kind], " ".join(value) if isinstance(value, list) else value)

    def describe(self) -> str:
        return str(self.spec)


class Config(_Strict):
    contact: str | None = None
    limits: Limits = Field(default_factory=Limits)
    output: Outputs = Field(default_factory=Outputs)
    sources: list[Source] = Field(default_factory=list)
    path: Path | None = Field(default=None, exclude=True)

    def resolve(self, value: str | None) -> Path | None:
        """A path from the file, relative to the file's folder (a cron job's working directory is anywhere)."""
        if value is None:
            return None
        path = Path(value).expanduser()
        return path if path.is_absolute() or self.path is None else self.path.parent / path


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The file to read: the one named, else $FOIDATA_CONFIG, else ./foidata.toml if there is one."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    here = Path(FILENAME)
    return here if here.is_file() else None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """The settings in `path` (see find_config); defaults when there is no file."""
    found = find_config(path)
    if found is None:
        return Config()
    raw = read_toml(found, ConfigError)
    try:
        return Config.model_validate({**raw, "path": found.resolve()})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'file'}: {error['msg']}" for error in exc.errors()
        )
        raise ConfigError(f"{found}: {problems}") from None


def default_data_dir(given: str | None, config_path: str | None = None) -> str:
    """--data as given, else foidata.toml's [output] data; a usage error when neither says."""
    if given:
        return given
    config = load_config(config_path)
    data = config.resolve(config.output.data)
    if data is None:
        import click

        raise click.UsageError("give --data DIR, or set data under [output] in foidata.toml")
    return str(data)
