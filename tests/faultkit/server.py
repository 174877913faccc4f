"""A fixture force site on 127.0.0.1 whose chosen URLs misbehave the way real servers and networks do.

The pages are those of `tests/sites/police_site.py` (the police platform's listing, item pages and PDFs). A
`Fault` set on a path makes the server, for the first `times` requests of that path (or every request):

    drop_before_headers  read the request, then close the connection without a byte of answer
    drop_after_headers   send the status line and headers (Content-Length N), then close: no body
    truncated            send the headers and half the body, then close (Content-Length says more)
    stall                send nothing for `stall_seconds` (longer than the client's timeout), then close
    stall_body           send the headers and half the body, then nothing for `stall_seconds`
    status               answer `status` (429, 500, 503, ...) with an optional Retry-After
    content_type         the right bytes under a wrong Content-Type (a PDF as text/html, ...)
    body                 other bytes (`body`) under `content_type`: garbage where a PDF should be

The stdlib server is used rather than werkzeug (tests/sites) because those faults live below HTTP: werkzeug
always completes a response it has started.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from sites.police_site import FixtureItem, build_site, make_items

from foidata.flows.sources.police import LISTING_PATH, LISTING_QUERY

FaultKind = Literal[
    "drop_before_headers", "drop_after_headers", "truncated", "stall", "stall_body", "status", "content_type",
    "body",
]
# Faults a client sees as a failed request, which it may retry; the others deliver a (wrong) 200.
REQUEST_FAULTS: frozenset[str] = frozenset(
    {"drop_before_headers", "drop_after_headers", "truncated", "stall", "stall_body", "status"}
)
ROBOTS_PATH = "/robots.txt"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    times: int | None = None  # misbehave on the first `times` requests of the path, then answer well
    status: int = 500
    retry_after: str | None = None
    content_type: str | None = None
    body: bytes | None = None
    # What the errors table must say for a fault that lasts (stage, error_type), where it is not the fetcher's
    # own verdict on a failed request: garbage bytes fail when read, not when fetched.
    expect: tuple[str, str] | None = None

    def label(self) -> str:
        what = f"{self.kind} {self.status}" if self.kind == "status" else self.kind
        if self.retry_after is not None:
            what += f" (Retry-After: {self.retry_after})"
        if self.content_type is not None:
            what += f" as {self.content_type}"
        return what + (" always" if self.times is None else f" x{self.times}")


def page_key(path: str) -> str:
    """A path with its query in a canonical order: how pages and faults are looked up (and URLs compared)."""
    parts = urlsplit(path)
    pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
    return f"{parts.path}?{urlencode(pairs)}" if pairs else parts.path


@dataclass(frozen=True)
class ForceSite:
    """The fixture site's pages and its shape, so that a test can tell what a fault must cost."""

    items: list[FixtureItem]
    per_page: int
    pages: dict[str, tuple[bytes, str]]  # page_key -> (bytes, content type)

    @classmethod
    def build(cls, count: int = 10, per_page: int = 4, pdf_every: int = 2) -> ForceSite:
        items = make_items(count, pdf_every=pdf_every)
        site, _ = build_site(items, per_page=per_page)
        return cls(items=items, per_page=per_page, pages={page_key(k): v for k, v in site.pages.items()})

    @property
    def listings(self) -> list[str]:
        """The listing pages' keys, in the order the source follows them."""
        count = max(1, -(-len(self.items) // self.per_page))
        keys = [page_key(f"{LISTING_PATH}?{urlencode(LISTING_QUERY)}")]
        keys += [page_key(f"{LISTING_PATH}?{urlencode({**LISTING_QUERY, 'page': str(n)})}")
                 for n in range(2, count + 1)]
        return keys

    def listed_on(self, listing: int) -> list[FixtureItem]:
        newest_first = sorted(self.items, key=lambda item: item.published, reverse=True)
        return newest_first[listing * self.per_page : (listing + 1) * self.per_page]

    def documents(self, item: FixtureItem) -> list[str]:
        """The item's page, then its attachment: what the scrape fetches and extracts for it."""
        return [item.path] + ([item.pdf_path] if item.pdf_path else [])

    def page(self, n: int) -> str:
        return self.items[n].path

    def pdf(self, n: int) -> str:
        pdf = self.items[n].pdf_path
        if pdf is None:
            raise ValueError(f"item {n} has no PDF")
        return pdf


@dataclass(frozen=True)
class Hit:
    key: str
    fault: str | None  # the kind of fault it was answered with


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stalled handler threads must not hold up stop()
    owner: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Broken pipes and resets are what these faults are for: never print their tracebacks.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers: a drop must not look like a normal close
    server: _Server

    def do_GET(self) -> None:
        self.server.owner.answer(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class FaultServer:
    """Serve `site` on 127.0.0.1 with the faults set by `set_faults`; `heal()` makes every page good again."""

    site: ForceSite
    stall_seconds: float = 2.0
    faults: dict[str, Fault] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    _counts: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-server", daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes stalled handlers
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what the tests set and read ---------------------------------------------------------------------

    def set_faults(self, faults: dict[str, Fault]) -> None:
        with self._lock:
            self.faults = {page_key(path): fault for path, fault in faults.items()}
            self._counts.clear()
            self.hits.clear()

    def heal(self) -> None:
        self.set_faults({})

    def requests_to(self, path: str) -> int:
        key = page_key(path)
        with self._lock:
            return sum(1 for hit in self.hits if hit.key == key)

    def injected(self) -> Counter[str]:
        """Requests answered with a fault, by the fault's kind."""
        with self._lock:
            return Counter(hit.fault for hit in self.hits if hit.fault is not None)

    # ---- answering ---------------------------------------------------------------------------------------

    def answer(self, handler: _Handler) -> None:
        key = page_key(handler.path)
        with self._lock:
            self._counts[key] += 1
            fault = self.faults.get(key)
            if fault is not None and fault.times is not None and self._counts[key] > fault.times:
                fault = None
            # Logged on arrival: a stalled answer ends after the client (and maybe the scenario) gave up on it.
            self.hits.append(Hit(key, fault.kind if fault is not None else None))
        page = self.site.pages.get(key)
        if fault is not None:
            self._fault(handler, fault, page)
        elif page is not None:
            self._page(handler, page)
        else:
            self._send(handler, 404, b"not found", "text/plain")

    def _page(self, handler: _Handler, page: tuple[bytes, str], content_type: str | None = None) -> None:
        data, page_type = page
        etag = '"' + hashlib.sha1(data).hexdigest() + '"'
        if handler.headers.get("If-None-Match") == etag:
            self._send(handler, 304, b"", headers={"ETag": etag})
        else:
            self._send(handler, 200, data, content_type or page_type, {"ETag": etag})

    def _fault(self, handler: _Handler, fault: Fault, page: tuple[bytes, str] | None) -> None:
        data, content_type = page if page is not None else (b"<html><body>no page here</body></html>", "text/html")
        if fault.kind == "drop_before_headers":
            handler.close_connection = True
        elif fault.kind == "drop_after_headers":
            self._head(handler, len(data), content_type)
            handler.close_connection = True
        elif fault.kind == "truncated":
            self._head(handler, len(data), content_type)
            handler.wfile.write(data[: len(data) // 2])
            handler.close_connection = True
        elif fault.kind == "stall":
            self._stop.wait(self.stall_seconds)
            handler.close_connection = True
        elif fault.kind == "stall_body":
            self._head(handler, len(data), content_type)
            handler.wfile.write(data[: len(data) // 2])
            handler.wfile.flush()
            self._stop.wait(self.stall_seconds)
            handler.close_connection = True
        elif fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            self._send(handler, fault.status, b"busy", "text/plain", headers)
        elif fault.kind == "content_type":
            if page is None:
                raise ValueError(f"a content_type fault needs a page at {handler.path}")
            self._page(handler, page, fault.content_type)
        else:  # "body"
            self._page(handler, (fault.body or b"", fault.content_type or "application/octet-stream"))
        if handler.close_connection:
            # Both directions at once, like a peer that went away: the client must not wait for more.
            try:
                handler.wfile.flush()
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @staticmethod
    def _head(handler: _Handler, length: int, content_type: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.wfile.flush()

    @staticmethod
    def _send(handler: _Handler, status: int, data: bytes, content_type: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        if status != 304:
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        if data:
            handler.wfile.write(data)
