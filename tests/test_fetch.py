"""The shared HTTP client against faults served on 127.0.0.1: 429s, 5xx, slow answers, big files, redirects."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sites import FixtureSite, serve
from werkzeug import Request, Response

from foidata.fetch import Fetcher, FetchError, FetchSettings, HostLimiter, RawCache
from foidata.fetch.client import parse_retry_after
from foidata.flows.scrape import ScrapeOptions, run_scrape
from foidata.output import read_table
from foidata.sources import UrlListSource

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
            assert failed.value.error_type == "unsupported_url"


def test_the_user_agent_names_foidata_and_the_contact(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    site.add("/page", "<p>x</p>")
    base = serve(httpserver, site)
    with fetcher(tmp_path, FetchSettings(rate_per_host=100.0, contact="data-desk@example.org")) as http:
        http.get(f"{base}/page")
    agent = site.hits("/page")[0].headers["user-agent"]
    assert agent.startswith("foidata/") and "data-desk@example.org" in agent
