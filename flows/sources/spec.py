"""What to fetch, said once: a source spec such as `police:essex`, `wdtk:essex_police`, `wdtk-search:QUERY`,
`urls:FILE` or `files:PATH`. `foidata serve` reads them from its arguments and `foidata run` from foidata.toml's
[[sources]]; both turn into the same SourceSpec, and a spec turns into the options of one scrape (or the paths
of one ingest) here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from foidata.schemas.errors import FoidataError

SpecKind = Literal["police", "wdtk", "wdtk-search", "urls", "files"]
SPEC_KINDS: tuple[str, ...] = get_args(SpecKind)

# A scraped kind -> the registered source (foidata.flows.sources.SOURCES) and the one option its value fills.
# `foidata scrape SOURCE` spells each option --OPTION, so foidata run's command lines come from this table too.
# `urls` is not in it: its value is a file, read here for the flow but passed by path on the command line.
SCRAPED_AS: dict[SpecKind, tuple[str, str]] = {
    "police": ("police", "force"),
    "wdtk": ("wdtk", "body"),
    "wdtk-search": ("wdtk", "search"),
}


class SpecError(FoidataError, ValueError):
    """A source spec that names no known kind, or no value."""


@dataclass(frozen=True)
class SourceSpec:
    kind: SpecKind
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

    @property
    def scrapes(self) -> bool:
        """Whether the spec is fetched from the web (all but `files`, which are ingested)."""
        return self.kind != "files"

    def scrape_options(self, base: Path | None = None) -> tuple[str, dict[str, Any]]:
        """The registered source (foidata.flows.sources.SOURCES) and its options, e.g. ("wdtk", {"search": q}).
        A `urls` file is read now, relative to `base` when it is not absolute."""
        if self.kind in SCRAPED_AS:
            source, option = SCRAPED_AS[self.kind]
            return source, {option: self.value}
        if self.kind == "urls":
            path = Path(self.value).expanduser()
            path = path if path.is_absolute() or base is None else base / path
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise SpecError(f"{self}: cannot read the URL list: {exc.strerror or exc}") from None
            return "urls", {"urls": url_list(text.splitlines())}
        raise SpecError(f"{self}: files are ingested, not scraped")


def parse_spec(text: str) -> SourceSpec:
    """`KIND:VALUE` as a SourceSpec.

    >>> parse_spec("police:essex"), str(parse_spec("wdtk-search:ICT capital programme"))
    (SourceSpec(kind='police', value='essex'), 'wdtk-search:ICT capital programme')
    """
    kind, _, value = text.partition(":")
    if not value.strip():
        raise _no_value(text)
    if kind not in SPEC_KINDS:
        raise SpecError(f"{text!r}: unknown source {kind!r} ({', '.join(SPEC_KINDS)})")
    return make_spec(kind, value)  # type: ignore[arg-type]  # checked against SPEC_KINDS above


def make_spec(kind: SpecKind, value: str) -> SourceSpec:
    """The spec parse_spec makes of `KIND:VALUE`, built from its parts (foidata.toml's [[sources]] has them
    apart): the value stripped, and an empty one the same SpecError."""
    if not value.strip():
        raise _no_value(f"{kind}:{value}")
    return SourceSpec(kind, value.strip())


def _no_value(text: str) -> SpecError:
    return SpecError(f"{text!r}: expected KIND:VALUE, e.g. police:essex")


def url_list(lines: Iterable[str]) -> list[str]:
    """The URLs of a URL list: one a line, '#' starting a comment, blank lines skipped.

    >>> url_list(["https://a.example/1  # the first", "", "# none here", "https://a.example/2"])
    ['https://a.example/1', 'https://a.example/2']
    """
    urls = (line.split("#")[0].strip() for line in lines)
    return [url for url in urls if url]
