"""Source specs are parsed in one place, and `serve` and foidata.toml's [[sources]] both go through it."""

from __future__ import annotations

import doctest
from pathlib import Path

import click
import pytest

import foidata.flows.sources.spec as spec_module
from foidata.cli.config import SPEC_KIND_OF, Source
from foidata.cli.scrape import scrape
from foidata.flows.sources import SOURCES
from foidata.flows.sources.spec import SCRAPED_AS, SPEC_KINDS, SourceSpec, SpecError, parse_spec


def test_the_examples_hold() -> None:
    result = doctest.testmod(spec_module)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(
    ("text", "kind", "options"),
    [
        ("police:essex", "police", {"force": "essex"}),
        ("wdtk:essex_police", "wdtk", {"body": "essex_police"}),
        ("wdtk-search:ICT capital programme", "wdtk", {"search": "ICT capital programme"}),
    ],
)
def test_a_spec_names_a_registered_source_and_its_options(text: str, kind: str, options: dict[str, str]) -> None:
    assert parse_spec(text).scrape_options() == (kind, options)
    assert kind in SOURCES


@pytest.mark.parametrize("kind", sorted(SCRAPED_AS))
def test_each_scraped_kind_is_an_option_of_its_scrape_command(kind: str) -> None:
    """foidata run spells a spec as `foidata scrape SOURCE --OPTION VALUE`, from the same table as the flow's
    options: the command must have that option, filling the parameter of that name."""
    source, option = SCRAPED_AS[kind]
    command = scrape.commands[source]
    (param,) = [p for p in command.params if f"--{option}" in p.opts]
    assert isinstance(param, click.Option) and param.name == option and source in SOURCES


def test_a_url_list_is_read_relative_to_its_base(tmp_path: Path) -> None:
    (tmp_path / "pages.txt").write_text("https://a.example/1\n# a comment\n\nhttps://a.example/2 # two\n")
    assert parse_spec("urls:pages.txt").scrape_options(tmp_path) == (
        "urls", {"urls": ["https://a.example/1", "https://a.example/2"]}
    )
    with pytest.raises(SpecError, match="cannot read the URL list"):
        parse_spec("urls:missing.txt").scrape_options(tmp_path)


@pytest.mark.parametrize("text", ["police", "police:", "ftp:thing", ":essex"])
def test_a_bad_spec_is_one_clear_error(text: str) -> None:
    with pytest.raises(SpecError, match=r"KIND:VALUE|unknown source"):
        parse_spec(text)


def test_files_are_ingested_not_scraped() -> None:
    spec = parse_spec("files:responses/")
    assert not spec.scrapes
    with pytest.raises(SpecError, match="ingested"):
        spec.scrape_options()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"police": "kent"}, SourceSpec("police", "kent")),
        ({"wdtk_search": "body cams"}, SourceSpec("wdtk-search", "body cams")),
        ({"files": ["a/", "b.pdf"]}, SourceSpec("files", "a/ b.pdf")),
    ],
)
def test_a_config_entry_is_the_same_spec(entry: dict[str, object], expected: SourceSpec) -> None:
    assert Source.model_validate(entry).spec == expected


def test_every_spec_kind_is_a_sources_key_and_an_empty_one_is_refused_as_parse_spec_does() -> None:
    assert sorted(SPEC_KIND_OF.values()) == sorted(SPEC_KINDS)
    assert set(SPEC_KIND_OF) < set(Source.model_fields)
    assert Source.model_validate({"police": " kent "}).spec == parse_spec("police: kent ")
    for entry, text in (({"police": " "}, "police: "), ({"files": []}, "files:")):
        with pytest.raises(SpecError) as from_config:
            Source.model_validate(entry).spec  # noqa: B018
        with pytest.raises(SpecError) as from_text:
            parse_spec(text)
        assert str(from_config.value) == str(from_text.value)
