"""Bounds on scraping (issue 19): stacked Content-Encoding counted while it inflates, a deadline per download,
a ceiling on Crawl-delay, a cap on robots.txt, a cap on attachments per page, and a contact with CR LF."""

from __future__ import annotations

import gzip
import itertools
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from sites import FixtureSite, serve
from werkzeug import Response

from foidata.cli import cli
from foidata.extractors.document import Document, Link
from foidata.flows import scrape as scrape_module
from foidata.flows.fetch import Fetcher, FetchError, FetchSettings, RawCache
from foidata.flows.fetch.client import decode_bounded
from foidata.flows.scrape import ScrapeOptions, run_scrape
from foidata.flows.sources import Item, UrlListSource
from foidata.output import read_table

QUICK = FetchSettings(rate_per_host=100.0, backoff=0.05, timeout=2.0, retries=0)
PAGE = b"<html><body><p>FOI 123: the cost was \xc2\xa35,000.</p></body></html>"


def _get(url: str, tmp_path: Path, settings: FetchSettings = QUICK, **kwargs: object) -> bytes:
    with Fetcher(settings=settings, cache=RawCache(tmp_path / "raw"), **kwargs) as http:  # type: ignore[arg-type]
        return http.get(url).data


def _site(path: str, body: bytes, headers: dict[str, str], robots: str = "") -> FixtureSite:
    site = FixtureSite()
    site.add("/robots.txt", robots, "text/plain")
    site.handle(path, lambda _r: Response(body, content_type="text/html", headers=headers))
    return site


def _gzip_twice_bomb(inflated: int) -> bytes:
    return gzip.compress(gzip.compress(b"\0" * inflated, 9), 9)


def test_gzip_inside_gzip_is_stopped_at_the_cap_while_inflating(httpserver: HTTPServer, tmp_path: Path) -> None:
    bomb = _gzip_twice_bomb(64 * 1024**2)  # 64 MiB of zeros in a few KiB
    assert len(bomb) < 200_000
    base = serve(httpserver, _site("/bomb", bomb, {"Content-Encoding": "gzip, gzip"}))
    settings = FetchSettings(rate_per_host=100.0, retries=0, max_bytes=1024**2)
    with pytest.raises(FetchError) as failed:
        _get(f"{base}/bomb", tmp_path, settings)
    assert failed.value.error_type == "too_large"


def test_bounded_decoding_never_yields_more_than_a_chunk_at_once() -> None:
    bomb = _gzip_twice_bomb(16 * 1024**2)
    pieces = decode_bounded([bomb], ["gzip", "gzip"])
    first = list(itertools.islice(pieces, 3))
    assert all(0 < len(piece) <= 64 * 1024 for piece in first)  # httpx gave 16 MiB here in one piece


def test_gzip_and_deflate_bodies_still_read(httpserver: HTTPServer, tmp_path: Path) -> None:
    site = _site("/gz", gzip.compress(PAGE), {"Content-Encoding": "gzip"})
    site.handle("/zlib", lambda _r: Response(zlib.compress(PAGE), headers={"Content-Encoding": "deflate"}))
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(PAGE) + raw.flush()
    site.handle("/raw", lambda _r: Response(raw_deflate, headers={"Content-Encoding": "deflate"}))
    base = serve(httpserver, site)
    for path in ("/gz", "/zlib", "/raw"):
        assert _get(f"{base}{path}", tmp_path) == PAGE, path


def test_more_codings_than_the_limit_are_refused(httpserver: HTTPServer, tmp_path: Path) -> None:
    body = gzip.compress(gzip.compress(gzip.compress(PAGE)))
    base = serve(httpserver, _site("/three", body, {"Content-Encoding": "gzip, gzip, gzip"}))
    with pytest.raises(FetchError) as failed:
        _get(f"{base}/three", tmp_path)
    assert failed.value.error_type == "too_many_encodings"


class _Clock:
    """A clock that moves 100 s every time it is read: a slow download without waiting for one."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 100.0
        return self.now


def test_a_download_that_drips_is_stopped_at_the_deadline(tmp_path: Path) -> None:
    def drip() -> Iterator[bytes]:
        for _ in range(1000):  # a byte a read, each well inside the between-bytes timeout
            yield b"x"

    transport = httpx.MockTransport(lambda _r: httpx.Response(200, content=drip()))
    settings = FetchSettings(rate_per_host=100.0, retries=0, obey_robots=False, max_seconds=300.0)
    with pytest.raises(FetchError) as failed:
        _get("http://example.org/slow", tmp_path, settings, transport=transport, clock=_Clock())
    assert failed.value.error_type == "too_slow" and "300 s" in failed.value.reason


def test_a_crawl_delay_over_the_ceiling_puts_the_host_off_limits(httpserver: HTTPServer, tmp_path: Path) -> None:
    slept: list[float] = []
    site = _site("/page", PAGE, {}, robots="User-agent: *\nCrawl-delay: 315360000\n")  # ten years
    base = serve(httpserver, site)
    with pytest.raises(FetchError) as failed:
        _get(f"{base}/page", tmp_path, sleep=slept.append)
    assert failed.value.error_type == "crawl_delay_too_long"
    assert not site.hits("/page") and not any(wait > 60 for wait in slept)


def test_a_crawl_delay_under_the_ceiling_is_obeyed(httpserver: HTTPServer, tmp_path: Path) -> None:
    base = serve(httpserver, _site("/page", PAGE, {}, robots="User-agent: *\nCrawl-delay: 5\n"))
    assert _get(f"{base}/page", tmp_path, sleep=lambda _s: None) == PAGE


def test_a_huge_robots_txt_is_not_read_whole(httpserver: HTTPServer, tmp_path: Path) -> None:
    robots = "User-agent: *\n" + "Disallow: /private/x\n" * 40_000  # 840 KB
    site = _site("/page", PAGE, {}, robots=robots)
    base = serve(httpserver, site)
    with pytest.raises(FetchError) as failed:
        _get(f"{base}/page", tmp_path)
    assert failed.value.error_type == "robots_too_large"
    assert not site.hits("/page")


def test_attachments_past_the_cap_are_one_errors_row(httpserver: HTTPServer, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scrape_module, "MAX_ATTACHMENTS_PER_PAGE", 3)
    links = "".join(f'<a href="/files/{n}.txt">reply {n}</a>' for n in range(10))
    site = FixtureSite()
    site.add("/robots.txt", "", "text/plain")
    site.add("/page", f"<html><body><p>FOI 1: see the replies.</p>{links}</body></html>", "text/html")
    for n in range(10):
        site.add(f"/files/{n}.txt", f"FOI {n}: the cost was £{n}00.", "text/plain")
    base = serve(httpserver, site)

    class Linked(UrlListSource):
        def attachments(self, item: Item, page: Document) -> list[Link]:
            return list(page.links)

    out = tmp_path / "data"
    run_scrape(Linked([f"{base}/page"]), str(out), ScrapeOptions(settings=QUICK, workers=1))
    errors = read_table(out, "errors").to_pylist()
    assert [(e["source"], e["error_type"]) for e in errors] == [(f"{base}/page", "too_many_attachments")]
    assert "3 attachments" in errors[0]["reason"] and "10" in errors[0]["reason"]
    assert sum(1 for n in range(10) if site.hits(f"/files/{n}.txt")) == 3


def test_contact_with_cr_lf_is_refused_as_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="one line"):
        FetchSettings(contact="foi@example.org\r\nX-Injected: yes")
    (tmp_path / "urls.txt").write_text("http://127.0.0.1:9/page\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["scrape", "urls", str(tmp_path / "urls.txt"), "--out", str(tmp_path / "d"),
              "--contact", "foi@example.org\r\nX-Injected: yes"],
    )
    assert result.exit_code == 2, result.output
    assert "contact" in result.output.lower() and "one line" in result.output
    assert not (tmp_path / "d").exists()
