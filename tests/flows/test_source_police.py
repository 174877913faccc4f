"""The police platform source against a fixture force site on 127.0.0.1: same data as from disk, polite,
incremental."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sites import serve
from sites.police_site import build_site, make_items, write_files

from foidata.flows.fetch import FetchSettings
from foidata.flows.ingest import run_ingest
from foidata.flows.scrape import ScrapeOptions, ScrapeSummary, run_scrape
from foidata.flows.sources import PoliceSource, forces, make_source
from foidata.output import read_table
from foidata.schemas import TABLES

FAST = FetchSettings(rate_per_host=50.0)
# Provenance differs by design between a scrape (URLs, fetch times) and an ingest of the same bytes (paths).
# request_group_id is named after a response_id, which comes from the source.
WHERE_FROM = {
    "source", "ingested_at", "run_id", "response_id", "origin", "parent_source", "fetched_at", "request_group_id",
}


def scrape(base: str, out: Path, settings: FetchSettings = FAST, since: dt.date | None = None) -> ScrapeSummary:
    source = PoliceSource("essex", base_url=base)
    return run_scrape(source, str(out), ScrapeOptions(since=since, settings=settings))


def comparable_rows(out: Path, table: str, base: str = "") -> list[tuple[Any, ...]]:
    """Rows without their provenance; links on a fetched page resolve to absolute URLs, so drop the base."""
    rows = read_table(out, table).to_pylist()
    return sorted(
        tuple(sorted((k, str(v).removeprefix(base)) for k, v in row.items() if k not in WHERE_FROM)) for row in rows
    )


@pytest.fixture(scope="module")
def fifty() -> tuple[list[Any], dict[str, bytes]]:
    items = make_items(50)
    _, files = build_site(items, per_page=20)
    return items, files


def test_a_scrape_gives_the_same_dataset_as_ingesting_the_files(
    httpserver: HTTPServer, tmp_path: Path, fifty: tuple[list[Any], dict[str, bytes]]
) -> None:
    items, _ = fifty
    site, files = build_site(items, per_page=20)
    base = serve(httpserver, site)

    summary = scrape(base, tmp_path / "scraped")
    assert summary.items_listed == 50
    assert len(site.hits("/foi-ai/af/accessing-information/published-items/")) == 3
    assert summary.documents_seen == 75 and summary.failed == 0  # 50 pages, 25 PDFs
    write_files(files, tmp_path / "files")
    ingested = run_ingest([str(tmp_path / "files")], str(tmp_path / "ingested"))
    assert ingested.processed == 75 and ingested.failed == 0

    for table in TABLES:
        scraped = comparable_rows(tmp_path / "scraped", table, base)
        assert scraped == comparable_rows(tmp_path / "ingested", table), table
    responses = read_table(tmp_path / "scraped", "responses").to_pylist()
    assert {r["body"] for r in responses} == {"Essex Police"}
    assert {r["origin"] for r in responses} == {"police:essex"}
    pdfs = [r for r in responses if r["media_type"] == "application/pdf"]
    assert len(pdfs) == 25 and all(r["parent_source"].startswith(base + "/foi-ai/essex-police/") for r in pdfs)
    money = {(m["period"], m["amount"]) for m in read_table(tmp_path / "scraped", "money").to_pylist()}
    assert ("2022/23", items[0].pdf_amount) in {(p, int(a)) for p, a in money}


def test_a_second_run_sends_only_conditional_requests_and_writes_nothing(
    httpserver: HTTPServer, tmp_path: Path, fifty: tuple[list[Any], dict[str, bytes]]
) -> None:
    items, _ = fifty
    site, _ = build_site(items, per_page=20)
    base = serve(httpserver, site)
    first = scrape(base, tmp_path / "data")
    assert first.version_written
    site.clear()

    second = scrape(base, tmp_path / "data")
    assert not second.version_written and second.processed == 0
    assert second.skipped_unchanged == 75
    hits = site.hits()
    assert hits and all(hit.conditional for hit in hits), [h.path for h in hits if not h.conditional]
    assert {hit.status for hit in hits} == {304}
    assert second.not_modified == len(hits)


def test_a_changed_page_is_fetched_again_and_replaces_its_rows(httpserver: HTTPServer, tmp_path: Path) -> None:
    items = make_items(3, pdf_every=0)
    site, _ = build_site(items)
    base = serve(httpserver, site)
    scrape(base, tmp_path / "data")
    site.add(items[1].path, items[1].html.replace("was £", "was revised to £"))
    again = scrape(base, tmp_path / "data")
    assert again.version_written and again.processed == 1 and again.skipped_unchanged == 2
    texts = [m["text"] for m in read_table(tmp_path / "data", "money").to_pylist()]
    assert len(texts) == 3  # one amount per page: the changed page's old row is gone


def test_since_lists_only_newer_items(httpserver: HTTPServer, tmp_path: Path) -> None:
    items = make_items(10)
    since = items[6].published
    site, _ = build_site(items, since=since)
    base = serve(httpserver, site)
    summary = scrape(base, tmp_path / "data", since=since)
    assert summary.items_listed == 4
    listing = site.hits("/foi-ai/af/")[0]
    assert f"datefrom={since.isoformat()}" in listing.query


def test_the_request_rate_per_host_stays_under_the_limit(httpserver: HTTPServer, tmp_path: Path) -> None:
    items = make_items(12, pdf_every=3)
    site, _ = build_site(items, per_page=5)
    base = serve(httpserver, site)
    scrape(base, tmp_path / "data", settings=FetchSettings(rate_per_host=10.0))
    assert len(site.hits()) == 1 + 3 + 12 + 4
    assert site.max_requests_in_window(1.0) <= 10
    # Arrival times carry the server's own scheduling jitter (one thread, a busy machine): a single gap can
    # look shorter than the client made it, but never by half.
    assert site.min_gap() >= 0.05


def test_the_default_rate_is_one_request_per_second(httpserver: HTTPServer, tmp_path: Path) -> None:
    items = make_items(2, pdf_every=0)
    site, _ = build_site(items)
    base = serve(httpserver, site)
    scrape(base, tmp_path / "data", settings=FetchSettings())
    assert len(site.hits()) == 4  # robots.txt, the listing, two items
    assert site.max_requests_in_window(1.0) == 1
    assert site.min_gap() >= 0.9


def test_robots_txt_disallows_are_obeyed_and_recorded(httpserver: HTTPServer, tmp_path: Path) -> None:
    items = make_items(4, pdf_every=0)
    site, _ = build_site(items)
    site.add("/robots.txt", f"User-agent: *\nDisallow: {items[2].path}\n", "text/plain")
    base = serve(httpserver, site)
    summary = scrape(base, tmp_path / "data")
    assert not site.hits(items[2].path)
    assert summary.failed == 1
    (error,) = read_table(tmp_path / "data", "errors").to_pylist()
    assert (error["stage"], error["error_type"]) == ("fetch", "robots_disallowed")
    assert error["source"] == base + items[2].path
    assert len(read_table(tmp_path / "data", "responses")) == 3


def test_robots_txt_for_foidata_by_name(httpserver: HTTPServer, tmp_path: Path) -> None:
    site, _ = build_site(make_items(2, pdf_every=0))
    site.add("/robots.txt", "User-agent: foidata\nDisallow: /\n\nUser-agent: *\nAllow: /\n", "text/plain")
    base = serve(httpserver, site)
    summary = scrape(base, tmp_path / "data")
    assert summary.items_listed == 0 and summary.failed == 1  # the listing itself is refused
    assert [hit.path for hit in site.hits()] == ["/robots.txt"]


def test_the_force_table_covers_the_platform() -> None:
    table = forces()
    assert len(table) >= 40
    assert table["essex"].host == "www.essex.police.uk" and table["met"].name == "Metropolitan Police Service"
    assert all(force.host.endswith(".police.uk") for force in table.values())
    source = make_source("police", force="kent")
    assert source.name == "police:kent"
    assert PoliceSource("kent").listing_url(dt.date(2021, 1, 1)).startswith(
        "https://www.kent.police.uk/foi-ai/af/accessing-information/published-items/?"
    )
    with pytest.raises(ValueError, match="unknown force"):
        PoliceSource("atlantis")
