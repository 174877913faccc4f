"""A fixture website for source tests, served by pytest-httpserver on 127.0.0.1.

`FixtureSite` holds pages by path (and query), answers conditional GETs with 304, and logs every request
(when, what, which headers) so tests can measure the request rate and check what a scraper sent.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from werkzeug import Request, Response

LAST_MODIFIED = "Wed, 21 Apr 2021 09:00:00 GMT"

Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Hit:
    at: float  # time.monotonic() when the request arrived
    path: str
    query: str
    headers: dict[str, str]
    status: int

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


@dataclass
class FixtureSite:
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    handlers: dict[str, Handler] = field(default_factory=dict)
    log: list[Hit] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8") -> None:
        """A page at `path` ("/a/b/" or "/list/?page=2": the query must match, in any order)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[_key(path)] = (data, content_type)

    def handle(self, path: str, handler: Handler) -> None:
        """A custom answer for `path` (any query): faults, slow pages, redirects."""
        self.handlers[path] = handler

    def __call__(self, request: Request) -> Response:
        response = self._answer(request)
        with self._lock:
            self.log.append(
                Hit(time.monotonic(), request.path, request.query_string.decode(),
                    {k.lower(): v for k, v in request.headers.items()}, response.status_code)
            )
        return response

    def _answer(self, request: Request) -> Response:
        if request.path in self.handlers:
            return self.handlers[request.path](request)
        key = _key(request.full_path)
        if key not in self.pages:
            return Response("not found", status=404, content_type="text/plain")
        data, content_type = self.pages[key]
        etag = '"' + hashlib.sha1(data).hexdigest() + '"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(data, content_type=content_type, headers={"ETag": etag, "Last-Modified": LAST_MODIFIED})

    # ---- what the tests read ------------------------------------------------------------------------------

    def hits(self, path_prefix: str = "/") -> list[Hit]:
        with self._lock:
            return [hit for hit in self.log if hit.path.startswith(path_prefix)]

    def clear(self) -> None:
        with self._lock:
            self.log.clear()

    def max_requests_in_window(self, window: float = 1.0) -> int:
        """The most requests that arrived within any `window` seconds."""
        times = sorted(hit.at for hit in self.hits())
        best = 0
        start = 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def min_gap(self) -> float:
        times = sorted(hit.at for hit in self.hits())
        return min((b - a for a, b in itertools.pairwise(times)), default=float("inf"))


def _key(path: str) -> str:
    base, _, query = path.partition("?")
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return f"{base}?{urlencode(pairs)}" if pairs else base
