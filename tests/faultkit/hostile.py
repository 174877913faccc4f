"""Hostile inputs and the limits that must stop them: each is built in a work folder, run through foidata
the way a user would, and checked.

    files  (`run_ingest([file], out)`): DOCX and XLSX zip bombs (honest and lying sizes), a PDF whose one
           Flate stream inflates to 2 GiB, 100,000 nested <div>s, a 100 MB page, NUL bytes and mixed
           UTF-8/cp1252, a file of NULs only, a DOCX whose zip entries are named ../ and /absolute
    URLs   (`run_scrape` of a sitemap on a fixture server on 127.0.0.1): entries pointing at file://, at
           another port of 127.0.0.1, at 10.0.0.1, at 169.254.169.254 (cloud metadata), at ::1 and other
           loopback spellings; redirects to a private host and to file://; a redirect loop; a 100 MB
           page without a Content-Length; an attachment linked as ../../ and served with a
           Content-Disposition file name of ../../ and /tmp/...

The scrape is configured with the fixture server's own `host:port`, so it may fetch there although it is
loopback; every other private address is somewhere a page someone else wrote must not send foidata. A second
server on another port plays the private service and answers every path with a secret.

A case is ok when its run finished within the case's time limit, the dataset has an error row of the
expected stage and type for the hostile document (or, for inputs foidata should simply read, no error row
and the expected text), nothing was written outside the output folder (no new file in the work folder
outside it, no file named with the case's marker in the work folder, its parent, the current folder, its
parent or /tmp), and neither the sentinel file's secret nor the private server's appears in any row or
fetched file. `run_all(workdir)` runs every case; bench/faults.py puts the figures into RELIABILITY.md.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import docx

from foidata.flows.fetch import FetchSettings
from foidata.flows.ingest import run_ingest
from foidata.flows.scrape import ScrapeOptions, run_scrape
from foidata.flows.sources import UrlListSource
from foidata.output import has_dataset, read_table
from foidata.schemas import TABLES

MiB = 1024**2
# Quick but otherwise default settings: the per-host rate is the only change from what a user gets.
SETTINGS = FetchSettings(rate_per_host=100.0, concurrency_per_host=2, timeout=10.0, retries=0)


@dataclass(frozen=True)
class HostileResult:
    name: str
    limit: str  # the limit that stops it, and the time the case must finish in
    error_type: str | None  # the error row's type for the hostile document (None: no error row)
    seconds: float
    escaped: bool  # something was written outside the output folder, or a local/private secret was read
    ok: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    limit: str
    seconds: float  # the time limit
    expect: tuple[str, str] | None  # (stage, error_type) of the error row; None: read without an error
    run: Callable[[HostileRun, Path], Outcome]


@dataclass
class Outcome:
    """What one case's run left: where the dataset is, which document was the hostile one."""

    out: Path
    source: str | None  # the hostile document's `source` in the dataset; None: any row counts
    must_contain: str | None = None  # text the responses must hold (inputs that should simply be read)


# ---- building hostile files --------------------------------------------------------------------------------


def deflated_zeros(mib: int, raw: bool = False) -> bytes:
    """`mib` MiB of zeros deflated, in about mib KB and milliseconds: one MiB is compressed after a full flush
    (which resets the compressor), so every further MiB compresses to the same bytes and is repeated.
    A zlib stream (PDF FlateDecode) unless `raw` (zip entries)."""
    chunk = bytes(MiB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush(zlib.Z_FINISH)
    body = block * mib + tail
    if raw:
        return body
    # Adler-32 of n zeros: the low sum stays 1, the high sum adds 1 per byte.
    adler = (((mib * MiB) % 65521) << 16) | 1
    return b"\x78\xda" + body + struct.pack(">I", adler)


def crc_of_zeros(mib: int) -> int:
    crc, chunk = 0, bytes(MiB)
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return crc


def zip_archive(entries: list[tuple[str, bytes, int, int, bool]]) -> bytes:
    """A zip written byte by byte: (name, stored data, declared size, CRC-32, deflated) per entry, so an
    entry's declared size can be anything (zipfile would compute the true one)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, data, size, crc, deflated in entries:
        encoded = name.encode("utf-8")
        method = 8 if deflated else 0
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, method, 0, 0x21, crc, len(data), size,
                              len(encoded), 0))
        out.write(encoded + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, method, 0, 0x21, crc,
                                  len(data), size, len(encoded), 0, 0, 0, 0, 0, offset))
        central.write(encoded)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def small(name: str, text: str) -> tuple[str, bytes, int, int, bool]:
    data = text.encode("utf-8")
    return name, data, len(data), zlib.crc32(data), False


def bomb_entry(name: str, mib: int, declared: int | None = None) -> tuple[str, bytes, int, int, bool]:
    """An entry inflating to `mib` MiB of zeros; `declared` lies about its size (and CRC) when given."""
    if declared is not None:
        return name, deflated_zeros(mib, raw=True), declared, 0, True
    return name, deflated_zeros(mib, raw=True), mib * MiB, crc_of_zeros(mib), True


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)


def pdf_with_stream(stream: bytes) -> bytes:
    """A one-page PDF whose page content is `stream` (FlateDecode), with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def docx_with_hostile_names(marker: str) -> bytes:
    """A readable DOCX (python-docx's own) with extra zip entries named ../ and /absolute."""
    document = docx.Document()
    document.add_paragraph("Our ref: FOI 2024/0777. The contract cost £4,500 in 2023/24.")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(f"../../../escape-{marker}.txt", "written outside?")
        archive.writestr(f"/tmp/abs-{marker}.txt", "written to /tmp?")
    return buffer.getvalue()


# ---- the fixture servers ---------------------------------------------------------------------------------


Route = Callable[[BaseHTTPRequestHandler], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    routes: dict[str, Route]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client hanging up on the 100 MB page is expected


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # a body without Content-Length ends when the connection closes
    server: _Server

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        route(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_bytes(body: bytes, content_type: str = "text/html", headers: dict[str, str] | None = None) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)

    return route


def redirect(location: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def endless(total: int) -> Route:
    """`total` bytes of a page, sent a MiB at a time without a Content-Length: the client must count."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        chunk = b"<p>FOI 1 " + b"x" * (MiB - 9)
        try:
            for _ in range(total // MiB):
                handler.wfile.write(chunk)
        except OSError:
            pass  # the client stopped reading: what it should do

    return route



class Site:
    """A server on 127.0.0.1 (port chosen by the system) answering `routes`."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.routes = dict(routes or {})
        self.thread = threading.Thread(target=self.server.serve_forever, name="hostile-site", daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sitemap(urls: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()


# ---- one run ---------------------------------------------------------------------------------------------


@dataclass
class HostileRun:
    """The work folder, the secrets that must never be read, and the two servers."""

    workdir: Path
    marker: str = field(default_factory=lambda: secrets.token_hex(6))  # in every hostile file name
    secret: str = field(default_factory=lambda: f"SECRET-{secrets.token_hex(8)}")  # in every private answer
    remote: Site = field(default_factory=Site)  # the scraped site: the only loopback host allowed
    private: Site = field(default_factory=Site)  # a service on this machine the scrape must not reach

    def __post_init__(self) -> None:
        self._before: set[Path] = set()
        self._started = 0.0
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.sentinel = self.workdir / "sentinel.txt"  # a local file: file:// links point at it
        self.sentinel.write_text(f"Our ref: FOI 2024/9999 {self.secret}\n", encoding="utf-8")
        self.private.server.routes["/secret"] = serve_bytes(f"<p>FOI 2024/9998 {self.secret}</p>".encode())
        self.private.server.routes["/"] = self.private.server.routes["/secret"]

    def close(self) -> None:
        self.remote.close()
        self.private.close()

    def _begin(self) -> None:
        """foidata starts now: the hostile input is in place, so what is in the work folder is the baseline
        and the clock starts (building the input is the harness's time, not foidata's)."""
        self._before = _tree(self.workdir)
        self._started = time.monotonic()

    # ---- the two ways in ----

    def ingest(self, name: str, write: Writer) -> Outcome:
        folder = self.workdir / name
        folder.mkdir(parents=True, exist_ok=True)
        inputs = folder / "input"
        inputs.mkdir(exist_ok=True)
        write(self, inputs)
        (document,) = sorted(inputs.iterdir())
        out = folder / "out"
        self._begin()
        run_ingest([str(document)], str(out))
        return Outcome(out=out, source=Path(os.path.abspath(document)).as_posix())

    def scrape(self, name: str, hostile: str, routes: dict[str, Route] | None = None) -> Outcome:
        """Scrape a sitemap on the remote site that lists `hostile` (a URL, or a path on the remote site)."""
        url = hostile if "://" in hostile else f"{self.remote.base}{hostile}"
        self.remote.server.routes.update(routes or {})
        self.remote.server.routes[f"/sitemap-{name}.xml"] = serve_bytes(sitemap([url]), "application/xml")
        (self.workdir / name).mkdir(parents=True, exist_ok=True)
        out = self.workdir / name / "out"
        source = UrlListSource(sitemaps=[f"{self.remote.base}/sitemap-{name}.xml"])
        self._begin()
        run_scrape(source, str(out), ScrapeOptions(settings=SETTINGS, workers=2))
        return Outcome(out=out, source=url)

    # ---- the checks ----

    def escapes(self, before: set[Path], outcome: Outcome) -> list[str]:
        """Files written outside the case's output folder: new in the work folder, or named with the marker
        in the places a ../ or /absolute name would land."""
        found = [f"{path} was written" for path in sorted(_tree(self.workdir) - before)
                 if outcome.out not in path.parents and path != outcome.out]
        places = {self.workdir, self.workdir.parent, Path.cwd(), Path.cwd().parent, Path("/tmp")}
        for place in places:
            try:
                named = [entry for entry in place.iterdir() if self.marker in entry.name]
            except OSError:
                continue
            found += [f"{entry} was written" for entry in named]
        found += [f"{path} was written" for path in _tree(self.workdir) if self.marker in path.name]
        return found

    def leaks(self, out: Path) -> list[str]:
        """The sentinel's or the private server's secret in a row or a fetched file."""
        found: list[str] = []
        if has_dataset(out):
            for table in TABLES:
                if any(self.secret in repr(row) for row in read_table(out, table).to_pylist()):
                    found.append(f"the secret is in the {table} table")
        for path in _tree(out):
            if path.is_file() and self.secret.encode() in path.read_bytes():
                found.append(f"the secret is in {path}")
        return found

    def check(self, case: Case) -> HostileResult:
        problems: list[str] = []
        self._before, self._started = _tree(self.workdir), time.monotonic()
        try:
            outcome = case.run(self, self.workdir / case.name)
        except Exception as exc:  # the run itself failing is the worst outcome: reported, not raised
            seconds = time.monotonic() - self._started
            problem = f"the run raised {type(exc).__name__}: {exc}"[:300]
            return HostileResult(case.name, case.limit, None, round(seconds, 3), False, False, (problem,))
        seconds = time.monotonic() - self._started
        if seconds > case.seconds:
            problems.append(f"took {seconds:.1f} s; the limit is {case.seconds:g} s")
        errors = [row for row in _rows(outcome.out, "errors")
                  if outcome.source is None or row["source"] == outcome.source]
        found = errors[0]["error_type"] if errors else None
        if case.expect is None:
            if errors:
                problems.append(f"an error row where none was expected: {errors[0]['reason']}")
            texts = " ".join(str(row.get("text") or "") + str(row.get("value") or "")
                             for table in ("references", "responses") for row in _rows(outcome.out, table))
            if outcome.must_contain is not None and outcome.must_contain not in texts:
                problems.append(f"{outcome.must_contain!r} was not read from the document")
        elif not any((row["stage"], row["error_type"]) == case.expect for row in errors):
            got = [(row["stage"], row["error_type"], row["reason"]) for row in errors]
            problems.append(f"expected an error row {case.expect}, got {got or 'none'}")
        escaped = self.escapes(self._before, outcome) + self.leaks(outcome.out)
        problems += escaped
        return HostileResult(case.name, case.limit, found, round(seconds, 3), bool(escaped), not problems,
                             tuple(problems))


def _tree(root: Path) -> set[Path]:
    return {Path(folder) / name for folder, dirs, files in os.walk(root) for name in (*dirs, *files)}


def _rows(out: Path, table: str) -> list[dict[str, Any]]:
    return read_table(out, table).to_pylist() if has_dataset(out) else []


# ---- the cases -------------------------------------------------------------------------------------------


Writer = Callable[[HostileRun, Path], None]  # writes one hostile file into the folder


def _write(name: str, data: bytes | Callable[[], bytes]) -> Writer:
    def write(_hostile: HostileRun, folder: Path) -> None:
        (folder / name).write_bytes(data() if callable(data) else data)

    return write


def _sparse_page(_hostile: HostileRun, folder: Path) -> None:
    """A 100 MB page that takes no disk space: a real start, then a hole the file system fills with NULs."""
    with open(folder / "huge.html", "wb") as fh:
        fh.write(b"<html><body><p>FOI 2024/0100</p>")
        fh.truncate(100 * 1000 * 1000)


def _deep_html() -> bytes:
    depth = 100_000
    return b"<html><body>" + b"<div>" * depth + b"FOI 2024/0200" + b"</div>" * depth + b"</body></html>"


def _mixed_html() -> bytes:
    head = '<html><head><meta charset="utf-8"></head><body><p>Our ref: FOI 2024/0300. Cost £450 '.encode()
    return head + "café £99".encode("cp1252") + b"\x00\x00 r\x00\xe9sum\xc3\xa9</p></body></html>"


def _hostile_names(hostile: HostileRun, folder: Path) -> None:
    (folder / "names.docx").write_bytes(docx_with_hostile_names(hostile.marker))


def _file_cases() -> list[Case]:
    def ingest(name: str, write: Writer, contain: str | None = None) -> Callable[[HostileRun, Path], Outcome]:
        def run(hostile: HostileRun, _folder: Path) -> Outcome:
            outcome = hostile.ingest(name, write)
            outcome.must_contain = contain
            return outcome

        return run

    docx_bomb = lambda: zip_archive([  # noqa: E731
        small("[Content_Types].xml", CONTENT_TYPES), bomb_entry("word/document.xml", 1024)])
    xlsx_bomb = lambda: zip_archive([  # noqa: E731
        small("[Content_Types].xml", CONTENT_TYPES), small("xl/workbook.xml", "<workbook/>"),
        bomb_entry("xl/worksheets/sheet1.xml", 1024)])
    xlsx_lying = lambda: zip_archive([  # noqa: E731
        small("[Content_Types].xml", CONTENT_TYPES), bomb_entry("xl/workbook.xml", 1024, declared=2000)])
    pdf_bomb = lambda: pdf_with_stream(deflated_zeros(2048))  # noqa: E731
    return [
        Case("docx_zip_bomb", "200 MiB declared uncompressed per archive; 30 s", 30, ("read", "zip_bomb"),
             ingest("docx_zip_bomb", _write("reply.docx", docx_bomb))),
        Case("xlsx_zip_bomb", "200 MiB declared uncompressed per archive; 30 s", 30, ("read", "zip_bomb"),
             ingest("xlsx_zip_bomb", _write("figures.xlsx", xlsx_bomb))),
        Case("xlsx_zip_bomb_lying_sizes", "zipfile stops at the declared 2,000 bytes; 30 s", 30,
             ("read", "xlsx_damaged"), ingest("xlsx_zip_bomb_lying_sizes", _write("lying.xlsx", xlsx_lying))),
        Case("docx_zip_entry_traversal", "entries never extracted to disk; 30 s", 30, None,
             ingest("docx_zip_entry_traversal", _hostile_names, contain="2024/0777")),
        Case("pdf_stream_bomb", "128 MiB inflated per PDF stream, 512 MiB in all; 30 s", 30,
             ("read", "decompression_bomb"), ingest("pdf_stream_bomb", _write("bomb.pdf", pdf_bomb))),
        Case("html_deep_nesting", "10,000 nested elements; 20 s", 20, ("read", "too_deep"),
             ingest("html_deep_nesting", _write("deep.html", _deep_html))),
        Case("page_100mb_file", "50 MB per document, checked before reading; 10 s", 10, ("read", "too_large"),
             ingest("page_100mb_file", _sparse_page)),
        Case("nul_bytes_mixed_encoding", "read (NULs dropped, UTF-8 and cp1252 each decoded); 10 s", 10, None,
             ingest("nul_bytes_mixed_encoding", _write("mixed.html", _mixed_html), contain="2024/0300")),
        Case("nul_bytes_only", "more than 10% control characters is binary; 10 s", 10, ("read", "binary"),
             ingest("nul_bytes_only", _write("nuls.txt", bytes(100_000)))),
    ]


def _url_cases() -> list[Case]:
    refused = ("fetch", "refused_url")

    def scrape(hostile_url: Callable[[HostileRun], str],
               routes: Callable[[HostileRun], dict[str, Route]] | None = None) -> Callable[[HostileRun, Path], Outcome]:
        def run(hostile: HostileRun, folder: Path) -> Outcome:
            return hostile.scrape(folder.name, hostile_url(hostile), routes(hostile) if routes else None)

        return run

    def attachment_routes(hostile: HostileRun) -> dict[str, Route]:
        page = (f'<html><body><p>Our ref: FOI 2024/0500.</p><a href="../../../../escape-{hostile.marker}.txt">'
                f'Reply</a><a href="file://{hostile.sentinel}">local</a></body></html>').encode()
        disposition = {"Content-Disposition": f'attachment; filename="../../../../tmp/escape-{hostile.marker}.txt"'}
        return {
            "/foi/names": serve_bytes(page),
            f"/escape-{hostile.marker}.txt": serve_bytes(b"Our ref: FOI 2024/0501. Cost \xa3100.", "text/plain",
                                                         disposition),
        }

    return [
        Case("link_file_url", "http and https only; 10 s", 10, refused,
             scrape(lambda h: f"file://{h.sentinel}")),
        Case("link_loopback_other_port", "private addresses only on configured hosts; 10 s", 10, refused,
             scrape(lambda h: f"{h.private.base}/secret")),
        Case("link_loopback_aliases", "private addresses only on configured hosts; 10 s", 10, refused,
             scrape(lambda h: f"http://localhost:{h.private.port}/secret")),
        Case("link_ipv6_loopback", "private addresses only on configured hosts; 10 s", 10, refused,
             scrape(lambda h: f"http://[::ffff:127.0.0.1]:{h.private.port}/secret")),
        Case("link_private_10_0_0_1", "private addresses only on configured hosts; 10 s", 10, refused,
             scrape(lambda h: "http://10.0.0.1/foi/1")),
        Case("link_cloud_metadata", "no link-local addresses; 10 s", 10, refused,
             scrape(lambda h: "http://169.254.169.254/latest/meta-data/")),
        Case("redirect_to_private", "every redirect hop is checked; 10 s", 10, refused,
             scrape(lambda h: "/to-private", lambda h: {"/to-private": redirect(f"{h.private.base}/secret")})),
        Case("redirect_to_file", "every redirect hop is checked; 10 s", 10, refused,
             scrape(lambda h: "/to-file", lambda h: {"/to-file": redirect(f"file://{h.sentinel}")})),
        Case("redirect_loop", "5 redirects; 10 s", 10, ("fetch", "too_many_redirects"),
             scrape(lambda h: "/loop", lambda h: {"/loop": redirect("/loop")})),
        Case("page_100mb_fetched", "50 MB per download, counted while reading; 30 s", 30, ("fetch", "too_large"),
             scrape(lambda h: "/huge", lambda h: {"/huge": endless(100 * MiB)})),
        Case("attachment_name_traversal", "files kept by SHA-256, never by name; 10 s", 10, None,
             scrape(lambda h: "/foi/names", attachment_routes)),
    ]


def cases() -> list[Case]:
    return _file_cases() + _url_cases()


@contextlib.contextmanager
def hostile_run(workdir: Path) -> Iterator[HostileRun]:
    """The servers and secrets of a run over `workdir`, closed afterwards."""
    hostile = HostileRun(workdir)
    try:
        yield hostile
    finally:
        hostile.close()


def run_case(hostile: HostileRun, name: str) -> HostileResult:
    (case,) = [case for case in cases() if case.name == name]
    return hostile.check(case)


def run_all(workdir: Path) -> list[HostileResult]:
    """Every hostile input, in order, each in its own folder under `workdir`."""
    with hostile_run(workdir) as hostile:
        return [hostile.check(case) for case in cases()]
