"""Hostile inputs (bombs, deep nesting, huge pages, NULs, ../ names, file:// and private-address links,
redirect loops): each is an error row within its limit, and nothing is written outside the output folder."""

from __future__ import annotations

import ipaddress
import zlib
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from faultkit.hostile import (
    HostileRun,
    Outcome,
    cases,
    deflated_zeros,
    hostile_run,
    pdf_with_stream,
    run_case,
)
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from tests_support import set_read_limits

from foidata.extractors.readers import ReadError, pdf_streams, read_bytes
from foidata.extractors.readers.html import nesting_depth
from foidata.extractors.readers.text import decode_bytes, decode_mixed
from foidata.flows.fetch import Fetcher, FetchError, FetchSettings, RefusedURL, UrlGuard, hosts_of, is_public
from foidata.flows.fetch.guard import host_key

CASES = [case.name for case in cases()]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    with hostile_run(tmp_path_factory.mktemp("hostile") / "work") as running:
        yield running


# ---- every hostile input, end to end ---------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_a_hostile_input_is_stopped_within_its_limit_and_nothing_escapes(hostile: HostileRun, name: str) -> None:
    result = run_case(hostile, name)
    assert result.problems == ()
    assert result.ok and not result.escaped


def test_the_escape_and_leak_checks_do_see_a_file_outside_and_a_secret_inside(hostile: HostileRun) -> None:
    """The harness's own checks, shown to fail when they should (else every case above passes vacuously)."""
    before = set(hostile.workdir.rglob("*"))
    out = hostile.workdir / "self-check" / "out"
    out.mkdir(parents=True)
    outside = hostile.workdir / "self-check" / f"escape-{hostile.marker}.txt"
    outside.write_text("x")
    (out / "raw.bin").write_text(hostile.secret)
    try:
        found = hostile.escapes(before, Outcome(out=out, source=None))
        assert any(str(outside) in problem for problem in found)
        assert hostile.leaks(out) == [f"the secret is in {out / 'raw.bin'}"]
    finally:
        outside.unlink()
        (out / "raw.bin").unlink()


# ---- the URL guard -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.4.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
     "100.64.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "fc00::5",
     "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "2002:7f00:1::", "fec0::1"],
)
def test_private_and_special_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "151.101.0.81", "2606:4700::1111",
                                     "::ffff:8.8.8.8"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@given(st.ip_addresses(v=4))
def test_an_ipv4_address_mapped_into_ipv6_is_judged_as_itself(address: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert is_public(mapped) == is_public(address)


@given(st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
                        "100.64.0.0/10", "224.0.0.0/4", "0.0.0.0/8"]), st.integers(min_value=0))
def test_every_address_of_a_private_range_is_refused(network: str, offset: int) -> None:
    block = ipaddress.ip_network(network)
    address = block[offset % block.num_addresses]
    assert not is_public(address)
    guard = UrlGuard(frozenset(), resolver=lambda _host, _port: [str(address)])
    with pytest.raises(RefusedURL):
        guard.check("https://innocent-looking.example/foi")


def test_only_web_schemes_are_fetched_whatever_the_host() -> None:
    for guard in (UrlGuard(None), UrlGuard(frozenset({"example.org:443"}))):
        for url in ("file:///etc/passwd", "ftp://example.org/x", "data:text/plain,hi", "gopher://example.org/",
                    "/relative/path", "http://", "http://example.org:notaport/"):
            with pytest.raises(RefusedURL):
                guard.check(url)


def test_a_configured_host_may_be_private_and_nothing_else() -> None:
    guard = UrlGuard(hosts_of(["http://127.0.0.1:8000/foi"]), resolver=lambda host, _port: [host])
    guard.check("http://127.0.0.1:8000/other/page")  # the configured host:port, whatever the path
    guard.check("https://127.0.0.1:8000/")  # the same socket: the key is host and port, not the scheme
    for url in ("http://127.0.0.1:8001/", "http://127.0.0.2:8000/", "https://127.0.0.1/"):
        with pytest.raises(RefusedURL, match="loopback"):
            guard.check(url)


def test_a_name_resolving_to_a_private_address_is_refused_and_looked_up_once() -> None:
    lookups: list[str] = []

    def resolver(host: str, _port: int) -> list[str]:
        lookups.append(host)
        return ["93.184.216.34", "10.1.2.3"] if host == "rebind.example" else ["93.184.216.34"]

    guard = UrlGuard(frozenset(), resolver=resolver)
    guard.check("https://public.example/a")
    guard.check("https://public.example/b")
    with pytest.raises(RefusedURL, match="private"):
        guard.check("https://rebind.example/")
    assert lookups == ["public.example", "rebind.example"]


def test_an_unresolvable_host_is_left_to_the_request() -> None:
    UrlGuard(frozenset(), resolver=lambda _host, _port: []).check("https://nowhere.invalid/")


def test_host_keys_fill_in_default_ports() -> None:
    assert host_key("https://Example.ORG/x") == "example.org:443"
    assert host_key("http://[::1]:81/") == "[::1]:81"
    assert hosts_of(["http://a.example", "nonsense", "https://b.example:8443/"]) == {"a.example:80",
                                                                                     "b.example:8443"}


def test_the_client_refuses_before_contacting_anything(tmp_path: Path) -> None:
    settings = FetchSettings(allow_private=frozenset())
    with Fetcher(settings=settings) as http:
        for url in ("http://127.0.0.1:9/", "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"):
            with pytest.raises(FetchError) as refused:
                http.get(url)
            assert refused.value.error_type == "refused_url"
        assert http.requests == 0  # not even robots.txt


# ---- reader limits -----------------------------------------------------------------------------------------


def test_a_pdf_stream_past_the_limit_is_a_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    set_read_limits(monkeypatch, max_pdf_stream_bytes=3 * 1024**2)
    with pytest.raises(ReadError) as refused:
        pdf_streams.check_streams(pdf_with_stream(deflated_zeros(4)))
    assert refused.value.error_type == "decompression_bomb"
    pdf_streams.check_streams(pdf_with_stream(deflated_zeros(2)))


def test_streams_together_past_the_total_are_a_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    set_read_limits(monkeypatch, max_pdf_streams_total_bytes=5 * 1024**2)
    two = pdf_with_stream(deflated_zeros(3)).replace(b"xref", b"9 0 obj\n<< /Filter /FlateDecode >>\nstream\n"
                                                     + deflated_zeros(3) + b"\nendstream\nendobj\nxref")
    with pytest.raises(ReadError, match="in all"):
        pdf_streams.check_streams(two)


def test_image_streams_and_damaged_streams_are_not_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    set_read_limits(monkeypatch, max_pdf_stream_bytes=1024**2)
    image = b"5 0 obj\n<< /Type /XObject /Subtype /Image /Filter /FlateDecode >>\nstream\n" + deflated_zeros(2)
    pdf_streams.check_streams(b"%PDF-1.7\n" + image + b"\nendstream\nendobj\n")
    damaged = b"5 0 obj\n<< /Filter /FlateDecode >>\nstream\n" + zlib.compress(b"BT (x) Tj ET")[:-6] + b"junk"
    pdf_streams.check_streams(b"%PDF-1.7\n" + damaged)
    assert pdf_streams.inflated_size(b"not zlib at all", 0, 100) == 0


def test_nesting_depth_is_counted_without_recursion_and_stops_past_the_limit() -> None:
    root = deepest = etree.Element("html")
    for _ in range(50_000):  # deeper than any parser builds, and than Python's recursion limit
        deepest = etree.SubElement(deepest, "div")
    assert nesting_depth(root, 100_000) == 50_001
    assert nesting_depth(root, 10) == 11
    assert nesting_depth(lxml.html.document_fromstring("<p>a</p><p>b</p>"), 10) == 3  # html > body > p


def test_html_past_the_parsers_depth_limit_is_refused_or_read_without_inline_tags() -> None:
    blocks = b"<html><body>" + b"<div>" * 5000 + b"FOI 2024/0200" + b"</div>" * 5000 + b"</body></html>"
    with pytest.raises(ReadError) as refused:
        read_bytes(blocks, "deep.html")
    assert refused.value.error_type == "too_deep"
    fonts = b"<html><body><p>Ref FOI 77</p>" + b'<font size="2"><b>x ' * 3000 + b"tail \xc2\xa35</body></html>"
    doc = read_bytes(fonts, "old.html")
    assert doc.text.startswith("Ref FOI 77\n\nx x") and doc.text.endswith("x tail £5")
    assert doc.text.count("x") == 3000


def test_mixed_utf8_and_cp1252_are_each_decoded() -> None:
    mixed = "Cost £450; ".encode() + "café £99".encode("cp1252")
    assert decode_bytes(mixed) == "Cost £450; café £99"
    assert decode_mixed("café".encode("cp1252")) is None  # no UTF-8 at all: cp1252's job
    assert decode_bytes("£5".encode("cp1252")) == "£5"
    assert decode_bytes(b"\x81\x8d UTF-8 \xc2\xa3") == "\x81\x8d UTF-8 £"  # undefined in cp1252: kept as Latin-1
