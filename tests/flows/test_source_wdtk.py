"""The WhatDoTheyKnow (Alaveteli) source against a fixture site on 127.0.0.1: requests with their states,
the files of the responses, `since`, incremental runs, and what it must not fetch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sites import serve
from sites.wdtk_site import BODY_NAME, REQUESTS, ROBOTS_ALAVETELI_DEFAULT, SEARCH_QUERY, FixtureRequest, wdtk_site

from foidata.extractors.readers import read_bytes
from foidata.flows.fetch import Fetcher, FetchSettings
from foidata.flows.scrape import ScrapeOptions, ScrapeSummary, run_scrape
from foidata.flows.sources import Item, WdtkSource, make_source
from foidata.output import read_table

FAST = FetchSettings(rate_per_host=50.0)
WITH_FILES = [request for request in REQUESTS if request.attachment is not None]


def scrape(base: str, out: Path, since: dt.date | None = None) -> ScrapeSummary:
    source = WdtkSource(body="essex_police", base_url=base)
    return run_scrape(source, str(out), ScrapeOptions(since=since, settings=FAST))


def thread_rows(out: Path) -> dict[str, dict[str, object]]:
    """The responses rows of thread pages (not attachments), by URL."""
    rows = read_table(out, "responses").to_pylist()
    return {str(row["source"]): row for row in rows if row["parent_source"] is None}


def listed(base: str, since: dt.date | None = None) -> Iterator[Item]:
    with Fetcher(settings=FAST) as http:
        yield from WdtkSource(body="essex_police", base_url=base).list_items(http, since)


def test_a_scrape_lands_every_request_with_its_alaveteli_state(httpserver_ipv4: HTTPServer, tmp_path: Path) -> None:
    site = wdtk_site()
    base = serve(httpserver_ipv4, site)
    summary = scrape(base, tmp_path / "data")

    assert summary.source == "wdtk:essex_police" and summary.items_listed == 20
    assert summary.failed == 0 and summary.documents_seen == 20 + len(WITH_FILES)
    threads = thread_rows(tmp_path / "data")
    assert set(threads) == {f"{base}/request/{r.url_title}" for r in REQUESTS}
    for request in REQUESTS:
        row = threads[f"{base}/request/{request.url_title}"]
        assert row["platform_status"] == request.state, request.url_title
        assert row["body"] == BODY_NAME and row["origin"] == "wdtk:essex_police"
        assert row["title"] == request.title
    # foidata's own reading of the letter sits beside the platform's state.
    assert threads[f"{base}/request/speed_camera_income"]["outcome"] == "not_held"
    assert "2021/0123" in str(threads[f"{base}/request/ict_capital_programme_2021_22"]["primary_reference"])
    # The feed is 25 events a page: three pages, the last one empty, each asked for once.
    assert [hit.query for hit in site.hits("/feed/body/essex_police.json")] == ["", "page=2", "page=3"]


def test_the_response_files_land_with_their_money_and_their_thread(
    httpserver_ipv4: HTTPServer, tmp_path: Path
) -> None:
    site = wdtk_site()
    base = serve(httpserver_ipv4, site)
    scrape(base, tmp_path / "data")

    responses = read_table(tmp_path / "data", "responses").to_pylist()
    files = {row["source"]: row for row in responses if row["parent_source"] is not None}
    assert set(files) == {f"{base}{r.attachment_path}" for r in WITH_FILES}
    for request in WITH_FILES:
        row = files[f"{base}{request.attachment_path}"]
        assert row["parent_source"] == f"{base}/request/{request.url_title}"
        assert row["media_type"] == "application/pdf" and row["platform_status"] == request.state

    ict = files[f"{base}{REQUESTS[0].attachment_path}"]
    money = read_table(tmp_path / "data", "money").to_pylist()
    from_ict = {row["amount"] for row in money if row["response_id"] == ict["response_id"]}
    assert Decimal("4900000") in from_ict
    all_amounts = {row["amount"] for row in money}
    assert {Decimal("12300000"), Decimal("3250000"), Decimal("640000"), Decimal("2400000")} <= all_amounts

    # Originals only: never the HTML renderings beside them, and each file once.
    assert site.hits("/request/") and not [hit for hit in site.hits() if "/attach/html/" in hit.path]
    assert sorted(hit.path for hit in site.hits() if "/attach/" in hit.path) == sorted(
        str(r.attachment_path) for r in WITH_FILES
    )


def test_since_keeps_requests_active_since_then_and_stops_paging(
    httpserver_ipv4: HTTPServer, tmp_path: Path
) -> None:
    site = wdtk_site()
    base = serve(httpserver_ipv4, site)
    since = dt.date(2022, 4, 1)
    summary = scrape(base, tmp_path / "data", since=since)

    expected = {f"{base}/request/{r.url_title}" for r in REQUESTS if r.latest >= since}
    assert 0 < len(expected) < 20 and summary.items_listed == len(expected)
    assert set(thread_rows(tmp_path / "data")) == expected
    # Page 2 of the feed is all older than `since`: nothing after it is asked for.
    assert [hit.query for hit in site.hits("/feed/")] == ["", "page=2"]


def test_a_second_run_sends_only_conditional_requests_and_writes_nothing(
    httpserver_ipv4: HTTPServer, tmp_path: Path
) -> None:
    site = wdtk_site()
    base = serve(httpserver_ipv4, site)
    first = scrape(base, tmp_path / "data")
    assert first.version_written
    site.clear()

    second = scrape(base, tmp_path / "data")
    assert not second.version_written and second.processed == 0
    hits = site.hits()
    assert hits and all(hit.conditional for hit in hits)
    assert {hit.status for hit in hits} == {304}
    assert second.requests == len(hits) == second.not_modified


def test_requests_json_gives_the_state_when_the_feed_does_not(httpserver_ipv4: HTTPServer) -> None:
    site = wdtk_site(feed_has_state=False)
    base = serve(httpserver_ipv4, site)
    items = list(listed(base))

    assert {item.url: item.platform_status for item in items} == {
        f"{base}/request/{r.url_title}": r.state for r in REQUESTS
    }
    assert len([hit for hit in site.hits("/request/") if hit.path.endswith(".json")]) == 20


def test_the_feed_is_preferred_when_it_has_the_state(httpserver_ipv4: HTTPServer) -> None:
    site = wdtk_site()
    base = serve(httpserver_ipv4, site)
    items = list(listed(base))

    assert len(items) == 20 and len({item.url for item in items}) == 20  # one item per request, not per event
    assert not site.hits("/request/")  # listing needs the feed only
    by_url = {item.url: item for item in items}
    for request in REQUESTS:
        item = by_url[f"{base}/request/{request.url_title}"]
        assert (item.title, item.body, item.published) == (request.title, BODY_NAME, request.latest)


def test_where_robots_txt_forbids_feeds_the_bodys_page_lists_the_requests(httpserver_ipv4: HTTPServer) -> None:
    """Alaveteli's stock robots.txt disallows */feed/*: the source reads /body/<url_name> instead."""
    site = wdtk_site(robots=ROBOTS_ALAVETELI_DEFAULT, listing_page_size=8)
    base = serve(httpserver_ipv4, site)
    items = list(listed(base))

    assert not site.hits("/feed/")
    assert [hit.query for hit in site.hits("/body/")] == ["", "page=2", "page=3"]
    assert {item.url: (item.platform_status, item.published, item.body) for item in items} == {
        f"{base}/request/{r.url_title}": (r.state, r.latest, BODY_NAME) for r in REQUESTS
    }
    since = dt.date(2022, 4, 1)
    assert {item.url for item in listed(base, since)} == {
        f"{base}/request/{r.url_title}" for r in REQUESTS if r.latest >= since
    }


def test_a_search_lists_the_requests_it_finds(httpserver_ipv4: HTTPServer) -> None:
    site = wdtk_site()
    base = serve(httpserver_ipv4, site)
    with Fetcher(settings=FAST) as http:
        items = list(WdtkSource(search=SEARCH_QUERY, base_url=base).list_items(http, None))

    found = [r for r in REQUESTS if SEARCH_QUERY in f"{r.title} {r.question}".lower()]
    assert 1 < len(found) < 20
    assert {item.url: (item.platform_status, item.body) for item in items} == {
        f"{base}/request/{r.url_title}": (r.state, BODY_NAME) for r in found
    }
    assert [hit.query for hit in site.hits(f"/feed/search/{SEARCH_QUERY}.json")] == ["", "page=2"]


def test_another_alaveteli_site_is_scraped_at_its_own_address(httpserver_ipv4: HTTPServer, tmp_path: Path) -> None:
    """Two sites at once: the source talks only to the base URL it is given."""
    unused = wdtk_site()
    serve(httpserver_ipv4, unused)
    other = HTTPServer(host="127.0.0.1", port=0)
    other.start()
    try:
        site = wdtk_site()
        other_base = serve(other, site)
        summary = run_scrape(
            make_source("wdtk", body="essex_police", base_url=other_base + "/"),
            str(tmp_path / "data"),
            ScrapeOptions(settings=FAST),
        )
    finally:
        other.clear()
        other.stop()

    assert summary.failed == 0 and summary.documents_seen == 20 + len(WITH_FILES)
    sources = read_table(tmp_path / "data", "responses").column("source").to_pylist()
    assert all(str(source).startswith(f"{other_base}/request/") for source in sources)
    assert site.hits() and not unused.hits()


def picked(base: str, request: FixtureRequest) -> tuple[list[str], list[str]]:
    """(every link URL of a thread page as the scrape reads it, the files the source picks from them)."""
    url = f"{base}/request/{request.url_title}"
    data, _ = wdtk_site().pages[f"/request/{request.url_title}"]
    page = read_bytes(data, url)
    files = WdtkSource(body="essex_police", base_url=base).attachments(Item(url=url), page)
    return [link.url for link in page.links], [link.url for link in files]


def test_attachments_are_this_requests_original_files_only() -> None:
    base = "https://www.whatdotheyknow.com"
    links, files = picked(base, REQUESTS[0])
    original, rendering = f"{base}{REQUESTS[0].attachment_path}", f"{base}{REQUESTS[0].rendering_path}"
    assert rendering in links and links.count(original) == 2  # the icon and "Download"; "View" is the HTML
    assert files == [original]
    # The request text links another request's file and a file on the force's site: neither is picked.
    drones = next(r for r in REQUESTS if r.url_title == "drone_unit_costs")
    links, files = picked(base, drones)
    assert any("/request/ict_capital_programme_2021_22/response/" in link for link in links)
    assert any(link.endswith("drones.pdf") for link in links)
    assert files == []
    waiting = next(r for r in REQUESTS if r.state == "waiting_response")
    assert picked(base, waiting)[1] == []


def test_names_addresses_and_registration() -> None:
    source = make_source("wdtk", body="essex_police")
    assert isinstance(source, WdtkSource) and source.name == "wdtk:essex_police"
    assert source.feed_url() == "https://www.whatdotheyknow.com/feed/body/essex_police.json"
    assert source.feed_url(3) == "https://www.whatdotheyknow.com/feed/body/essex_police.json?page=3"
    search = WdtkSource(search="overtime police/2021", base_url="https://www.righttoknow.org.au/")
    assert search.name == "wdtk:search"
    assert search.feed_url() == "https://www.righttoknow.org.au/feed/search/overtime%20police%2F2021.json"
    with pytest.raises(ValueError):
        WdtkSource()
    with pytest.raises(ValueError):
        WdtkSource(body="essex_police", search="overtime")
