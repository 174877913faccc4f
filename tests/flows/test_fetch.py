"""The shared HTTP client against faults served on 127.0.0.1: 429s, 5xx, slow answers, big files, redirects."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sites import FixtureSite, serve
from werkzeug import Request, Response

from foidata.extractors.document import Document, Link
from foidata.flows.fetch import Fetcher, FetchError, FetchSettings, HostLimiter, RawCache
from foidata.flows.fetch.client import parse_retry_after
from foidata.flows.scrape import ScrapeOptions, run_scrape
from foidata.flows.sources import Item, UrlListSource
from foidata.output import read_table

QUICK = FetchSettings(rate_per_host=100.0, backoff=0.05, timeout=2.0)


def fetcher(tmp_path: Path, settings: FetchSettings = QUICK) -> Fetcher:
    return Fetcher(settings=settings, cache=RawCache(tmp_path / "raw"))


def failing_then_ok(failures: int, status: int, headers: dict[str, str] | None = None) -> tuple[list[int], object]:
    calls: list[int] = []

    def handler(_request: Request) -> Response:
        calls.append(1)
        if len(calls) <= failures:
            return Response("busy", status=status, headers=headers or {})
        return Response("<html><body><p>FOI 123: the cost was £5,000.</p></body></html>", content_type="text/html")

    return calls, handler


def test_a_429_is_retried_after_the_time_the_server_asks(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    calls, handler = failing_then_ok(1, 429, {"Retry-After": "1"})
    site.handle("/page", handler)  # type: ignore[arg-type]
    base = serve(httpserver, site)
    started = time.monotonic()
    with fetcher(tmp_path) as http:
        fetched = http.get(f"{base}/page")
    assert fetched.status == 200 and len(calls) == 2
    page_hits = site.hits("/page")
    assert page_hits[1].at - page_hits[0].at >= 0.95
    assert time.monotonic() - started < 5


def test_5xx_are_retried_with_backoff_then_given_up(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    _, recovers = failing_then_ok(2, 503)
    _, never = failing_then_ok(99, 500)
    site.handle("/recovers", recovers)  # type: ignore[arg-type]
    site.handle("/never", never)  # type: ignore[arg-type]
    base = serve(httpserver, site)
    with fetcher(tmp_path) as http:
        assert http.get(f"{base}/recovers").status == 200
        with pytest.raises(FetchError) as failed:
            http.get(f"{base}/never")
    assert failed.value.error_type == "http_500"
    assert len(site.hits("/never")) == 1 + QUICK.retries
    assert "gave up" in failed.value.reason


def test_a_retry_after_beyond_the_limit_gives_up_at_once(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    _, handler = failing_then_ok(1, 429, {"Retry-After": "3600"})
    site.handle("/page", handler)  # type: ignore[arg-type]
    base = serve(httpserver, site)
    with fetcher(tmp_path) as http, pytest.raises(FetchError, match="3600 s"):
        http.get(f"{base}/page")
    assert len(site.hits("/page")) == 1


def test_a_slow_server_times_out(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")

    def slow(_request: Request) -> Response:
        time.sleep(1.5)
        return Response("late")

    site.handle("/slow", slow)
    base = serve(httpserver, site)
    settings = FetchSettings(rate_per_host=100.0, timeout=0.5, retries=0)
    with fetcher(tmp_path, settings) as http, pytest.raises(FetchError) as failed:
        http.get(f"{base}/slow")
    assert failed.value.error_type == "timeout"


def test_an_oversized_download_is_stopped(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    site.add("/big.pdf", b"%PDF-1.4\n" + b"0" * 200_000, "application/pdf")

    def streamed(_request: Request) -> Response:  # no Content-Length: the cap must count the bytes
        return Response((b"x" * 10_000 for _ in range(50)), content_type="text/plain")

    site.handle("/stream", streamed)
    base = serve(httpserver, site)
    settings = FetchSettings(rate_per_host=100.0, max_bytes=100_000)
    with fetcher(tmp_path, settings) as http:
        for path in ("/big.pdf", "/stream"):
            with pytest.raises(FetchError) as failed:
                http.get(f"{base}{path}")
            assert failed.value.error_type == "too_large"


def test_redirects_are_followed_on_the_same_host_only(httpserver: HTTPServer, tmp_path: Path) -> None:
    other = HTTPServer(host="127.0.0.1", port=0)
    other.start()
    try:
        elsewhere = FixtureSite()
        elsewhere.add("/landing", "<p>elsewhere</p>")
        other_base = serve(other, elsewhere)
        site = FixtureSite()
        site.add("/robots.txt", "", "text/plain")
        site.add("/new", "<html><body><p>moved here</p></body></html>")
        site.handle("/old", lambda _r: Response(status=301, headers={"Location": "/new"}))
        site.handle("/away", lambda _r: Response(status=302, headers={"Location": f"{other_base}/landing"}))
        site.handle("/loop", lambda _r: Response(status=302, headers={"Location": "/loop"}))
        base = serve(httpserver, site)
        with fetcher(tmp_path) as http:
            moved = http.get(f"{base}/old")
            assert moved.final_url == f"{base}/new" and b"moved here" in moved.data
            with pytest.raises(FetchError) as away:
                http.get(f"{base}/away")
            with pytest.raises(FetchError) as loop:
                http.get(f"{base}/loop")
        assert away.value.error_type == "offsite_redirect"
        assert loop.value.error_type == "too_many_redirects"
        assert elsewhere.hits() == []
    finally:
        other.clear()
        if other.is_running():
            other.stop()


def test_a_conditional_get_takes_unchanged_bytes_from_the_cache(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    site.add("/page", "<p>FOI 1</p>")
    base = serve(httpserver, site)
    with fetcher(tmp_path) as http:
        first = http.get(f"{base}/page")
    with Fetcher(settings=QUICK, cache=RawCache(tmp_path / "raw"), validators=dict(http.seen)) as again:
        second = again.get(f"{base}/page")
    assert second.not_modified and second.data == first.data and second.sha256 == first.sha256
    assert site.hits("/page")[-1].headers["if-none-match"] == first.validators.etag
    # Lost cache: the 304 cannot be used, so the page is asked for again in full.
    RawCache(tmp_path / "raw").path(first.sha256).unlink()
    with Fetcher(settings=QUICK, cache=RawCache(tmp_path / "raw"), validators=dict(http.seen)) as lost:
        third = lost.get(f"{base}/page")
    assert third.status == 200 and third.data == first.data
    assert not site.hits("/page")[-1].conditional


def test_robots_txt_unreachable_blocks_the_host(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.handle("/robots.txt", lambda _r: Response("down", status=503))
    site.add("/page", "<p>x</p>")
    base = serve(httpserver, site)
    settings = FetchSettings(rate_per_host=100.0, backoff=0.01, retries=1)
    with fetcher(tmp_path, settings) as http, pytest.raises(FetchError) as failed:
        http.get(f"{base}/page")
    assert failed.value.error_type == "robots_unavailable"
    assert site.hits("/page") == []


def test_failures_become_error_rows_and_the_run_goes_on(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    site.add("/good", "<html><body><p>Reference: FOI 77. The cost was £1,500.</p></body></html>")
    site.handle("/broken", lambda _r: Response("oops", status=500))
    base = serve(httpserver, site)
    source = UrlListSource([f"{base}/good", f"{base}/broken", f"{base}/missing"])
    options = ScrapeOptions(settings=FetchSettings(rate_per_host=100.0, backoff=0.01, retries=1))
    summary = run_scrape(source, str(tmp_path / "data"), options)
    assert summary.failed == 2 and summary.version_written
    rows = read_table(tmp_path / "data", "errors").to_pylist()
    errors = {row["source"].removeprefix(base): row["error_type"] for row in rows}
    assert errors == {"/broken": "http_500", "/missing": "http_404"}
    assert len(read_table(tmp_path / "data", "money")) == 1
    # The same failures again change nothing: no new version, counted as still failing.
    again = run_scrape(source, str(tmp_path / "data"), options)
    assert not again.version_written and again.still_failing_unchanged == 2


def test_the_limiter_spaces_starts_per_host_across_threads() -> None:
    now = [0.0]
    lock = threading.Lock()
    starts: list[tuple[str, float]] = []

    def sleep(seconds: float) -> None:
        with lock:
            now[0] += seconds

    limiter = HostLimiter(rate=2.0, concurrency=2, clock=lambda: now[0], sleep=sleep)
    limiter.set_delay("slow.example", 3.0)
    for host in ("a.example", "a.example", "slow.example", "a.example", "slow.example"):
        with limiter.slot(host):
            starts.append((host, now[0]))
    a_times = [t for h, t in starts if h == "a.example"]
    slow_times = [t for h, t in starts if h == "slow.example"]
    assert all(b - a >= 0.5 for a, b in itertools.pairwise(a_times))
    assert slow_times[1] - slow_times[0] >= 3.0


def test_retry_after_parsing() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    when = dt.datetime(2026, 1, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", when) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", when) == 0.0


def test_only_web_urls_are_fetched(tmp_path: Path) -> None:
    with fetcher(tmp_path) as http:
        for url in ("file:///etc/passwd", "ftp://example.org/x", "/relative/path"):
            with pytest.raises(FetchError) as failed:
                http.get(url)
            assert failed.value.error_type == "refused_url"


def test_the_user_agent_names_foidata_and_the_contact(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    site.add("/page", "<p>x</p>")
    base = serve(httpserver, site)
    with fetcher(tmp_path, FetchSettings(rate_per_host=100.0, contact="data-desk@example.org")) as http:
        http.get(f"{base}/page")
    agent = site.hits("/page")[0].headers["user-agent"]
    assert agent.startswith("foidata/") and "data-desk@example.org" in agent


def test_a_sitemap_lists_pages_and_their_files_on_the_same_host(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    site.add("/sitemap.xml", f'<sitemapindex {ns}><sitemap><loc>BASE/sitemap-foi.xml</loc></sitemap></sitemapindex>',
             "application/xml")
    pages = "".join(
        f"<url><loc>BASE/foi/{n}</loc><lastmod>{day}</lastmod></url>"
        for n, day in ((1, "2023-05-01"), (2, "2024-02-10"), (3, "2024-06-30T10:00:00+00:00"))
    )
    site.add("/sitemap-foi.xml", f"<urlset {ns}>{pages}</urlset>", "application/xml")
    for n in (1, 2, 3):
        site.add(f"/foi/{n}", f'<html><body><p>Reference: FOI {n}00. Cost £{n},000.</p>'
                              f'<a href="/files/{n}.csv">data</a><a href="https://elsewhere.example/x.pdf">x</a>'
                              f"</body></html>")
        site.add(f"/files/{n}.csv", f"item,cost\nlicences,£{n}5,000\n", "text/csv")
    base = serve(httpserver, site)
    for path in ("/sitemap.xml", "/sitemap-foi.xml"):
        data, kind = site.pages[path]
        site.add(path, data.replace(b"BASE", base.encode()), kind)

    options = ScrapeOptions(since=dt.date(2024, 1, 1), settings=FetchSettings(rate_per_host=100.0))
    summary = run_scrape(UrlListSource([f"{base}/sitemap.xml"]), str(tmp_path / "data"), options)
    assert summary.items_listed == 2 and summary.failed == 0
    sources = sorted(r["source"].removeprefix(base) for r in read_table(tmp_path / "data", "responses").to_pylist())
    assert sources == ["/files/2.csv", "/files/3.csv", "/foi/2", "/foi/3"]
    assert site.hits("/foi/1") == []


def test_a_new_extractor_version_re_extracts_from_the_raw_cache(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    site.add("/foi/1", "<html><body><p>Reference: FOI 100. The cost was £1,000.</p></body></html>")
    base = serve(httpserver, site)
    source = UrlListSource([f"{base}/foi/1"])
    options = ScrapeOptions(settings=FetchSettings(rate_per_host=100.0))
    run_scrape(source, str(tmp_path / "data"), options)
    site.clear()
    import foidata.flows.scrape as scrape_module

    monkeypatch.setattr(scrape_module, "EXTRACTOR_VERSION", "9.9.9")
    again = run_scrape(source, str(tmp_path / "data"), options)
    assert again.version_written and again.processed == 1
    assert {hit.status for hit in site.hits()} == {304}  # the bytes came from the raw cache


class BrokenSource:
    name = "broken"

    def list_items(self, http: Fetcher, since: dt.date | None) -> Iterator[Item]:
        yield Item(url="http://127.0.0.1:9/never")
        raise KeyError("a field the platform stopped sending")

    def attachments(self, item: Item, page: Document) -> list[Link]:
        return []


def test_a_source_that_breaks_while_listing_is_recorded(tmp_path: Path) -> None:
    options = ScrapeOptions(settings=FetchSettings(rate_per_host=100.0, retries=0, timeout=1.0))
    summary = run_scrape(BrokenSource(), str(tmp_path / "data"), options)
    assert summary.items_listed == 1
    kinds = {row["error_type"] for row in read_table(tmp_path / "data", "errors").to_pylist()}
    assert "listing_failed" in kinds
