"""`Fetcher.get(url)`: one polite, conditional, size-capped GET with retries, or a `FetchError` saying why not.

Every request goes through the same path: the URL guard (`guard.py`: http/https only, and no private or
loopback address unless the scrape was configured with that host), robots.txt (fetched once per host, through
this same path), the per-host limiter, then httpx. Redirects are followed by hand, one hop at a time, each
hop guarded again, and only on the same host; a redirect elsewhere is an error, because a scrape of one
body's site must not wander off it. Bodies are read in chunks and the download stops at `max_bytes`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from foidata import __version__
from foidata.document import sha256_hex
from foidata.fetch.cache import RawCache
from foidata.fetch.guard import RefusedURL, UrlGuard
from foidata.fetch.ratelimit import HostLimiter

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how far foidata fetches. The defaults suit a nightly scrape of public sites."""

    contact: str | None = None  # an email or URL for site owners, added to the User-Agent
    rate_per_host: float = 1.0  # request starts per second per host
    concurrency_per_host: int = 1
    timeout: float = 30.0  # seconds to connect, and between bytes read
    retries: int = 3  # further tries after a 429, a 5xx or a network error
    backoff: float = 1.0  # first wait between tries; doubles each time (with jitter)
    max_wait: float = 120.0  # a Retry-After longer than this gives up instead of waiting
    max_bytes: int = 50 * 1024 * 1024
    obey_robots: bool = True
    # `host:port` of hosts that may be on loopback or private addresses: the hosts the scrape was configured
    # with (the scrape flow fills it from the source). None checks no addresses at all: the client used
    # directly, on URLs its caller chose. Non-web schemes are refused either way.
    allow_private: frozenset[str] | None = None

    @property
    def user_agent(self) -> str:
        contact = f"; {self.contact}" if self.contact else ""
        return f"foidata/{__version__} (+https://pypi.org/project/foidata/{contact})"


@dataclass(frozen=True)
class Validators:
    """What the last fetch of a URL returned, for a conditional GET and to find its bytes in the raw cache."""

    etag: str | None
    last_modified: str | None
    sha256: str


@dataclass(frozen=True)
class Fetched:
    """A URL's bytes, fetched now (status 200) or unchanged since last time (status 304, from the cache)."""

    url: str  # the URL asked for
    final_url: str  # after same-host redirects
    status: int
    data: bytes
    sha256: str
    content_type: str | None
    fetched_at: dt.datetime
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A URL that could not be fetched; `error_type` is short and machine-readable, `reason` is for people."""

    def __init__(self, url: str, error_type: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.error_type = error_type
        self.reason = reason


@dataclass
class _Robots:
    parser: Protego | None  # None: everything allowed (no robots.txt)
    blocked_reason: str | None = None  # robots.txt unreachable: nothing allowed


@dataclass
class Fetcher:
    """Shared by every thread of a scrape. `validators` (URL -> last fetch) makes every GET conditional."""

    settings: FetchSettings = field(default_factory=FetchSettings)
    cache: RawCache | None = None
    validators: dict[str, Validators] = field(default_factory=dict)
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        self.limiter = HostLimiter(self.settings.rate_per_host, self.settings.concurrency_per_host, sleep=self.sleep)
        timeout = httpx.Timeout(self.settings.timeout)
        self.client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent},
            timeout=timeout,
            follow_redirects=False,
            transport=self.transport,
        )
        self.guard = UrlGuard(self.settings.allow_private)
        self._robots: dict[str, _Robots] = {}
        self._robots_lock = threading.Lock()
        self._seen_lock = threading.Lock()
        self.seen: dict[str, Validators] = {}  # what this run fetched: the next run's validators
        self.requests = 0
        self.not_modified = 0

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the one public call ------------------------------------------------------------------------------

    def get(self, url: str) -> Fetched:
        """GET `url` politely; conditional when it was fetched before and its bytes are cached."""
        self._check_url(url, url)  # before robots.txt: a refused host is not contacted at all
        if self.settings.obey_robots:
            self._check_robots(url)
        fetched = self._get(url, conditional=True)
        if fetched.status == 304 and not fetched.data and fetched.sha256 == "":
            fetched = self._get(url, conditional=False)  # a 304 whose bytes we lost: ask again, in full
        with self._seen_lock:
            self.seen[url] = fetched.validators
        return fetched

    # ---- robots.txt ---------------------------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            robots = self._robots.get(origin)
        if robots is None:
            robots = self._load_robots(origin)
            with self._robots_lock:
                self._robots[origin] = robots
        if robots.blocked_reason is not None:
            raise FetchError(url, "robots_unavailable", robots.blocked_reason)
        if robots.parser is not None and not robots.parser.can_fetch(url, self.settings.user_agent):
            raise FetchError(url, "robots_disallowed", f"{origin}/robots.txt disallows this URL for foidata")

    def _load_robots(self, origin: str) -> _Robots:
        robots_url = f"{origin}/robots.txt"
        try:
            fetched = self._get(robots_url, conditional=True)
            with self._seen_lock:
                self.seen[robots_url] = fetched.validators
        except FetchError as exc:
            if exc.error_type.startswith("http_4"):  # RFC 9309: no robots.txt (4xx) means no limits
                return _Robots(parser=None)
            # ... and an unreachable one (5xx, network) means assume everything is disallowed.
            return _Robots(parser=None, blocked_reason=f"robots.txt could not be fetched ({exc.reason})")
        parser = Protego.parse(fetched.data.decode("utf-8", errors="replace"))
        delay = parser.crawl_delay(self.settings.user_agent)
        if delay:
            self.limiter.set_delay(urlsplit(origin).netloc, float(delay))
        return _Robots(parser=parser)

    # ---- one GET with redirects and retries ---------------------------------------------------------------

    def _get(self, url: str, conditional: bool) -> Fetched:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._with_retries(url, current, conditional)
            if response.status in REDIRECT_STATUSES:
                target = urljoin(current, response.location or "")
                self._check_url(url, target)  # file://, or a private address: refused, whatever the host
                if urlsplit(target).netloc != urlsplit(url).netloc:
                    raise FetchError(url, "offsite_redirect", f"redirects to another host ({target}); not followed")
                current = target
                continue
            return self._fetched(url, current, response, conditional)
        raise FetchError(url, "too_many_redirects", f"more than {MAX_REDIRECTS} redirects")

    def _check_url(self, url: str, target: str) -> None:
        """Refuse `target` (the URL asked for, or a redirect hop of it) when the guard does."""
        try:
            self.guard.check(target)
        except RefusedURL as exc:
            hop = "" if target == url else f"redirects to {target[:200]}: "
            raise FetchError(url, "refused_url", f"not fetched: {hop}{exc.reason}") from exc

    def _fetched(self, url: str, final_url: str, response: _Response, conditional: bool) -> Fetched:
        now = dt.datetime.now(dt.UTC)
        known = self.validators.get(url) if conditional else None
        if response.status == 304 and known is not None:
            data = self.cache.get(known.sha256) if self.cache is not None else None
            if data is None:  # the caller asks again without validators
                return Fetched(url, final_url, 304, b"", "", response.content_type, now, known)
            with self._seen_lock:
                self.not_modified += 1
            validators = Validators(
                response.etag or known.etag, response.last_modified or known.last_modified, known.sha256
            )
            return Fetched(url, final_url, 304, data, known.sha256, response.content_type, now, validators)
        if response.status == 304:
            raise FetchError(url, "http_304", "the server answered 304 Not Modified to an unconditional GET")
        sha = self.cache.put(response.data) if self.cache is not None else sha256_hex(response.data)
        validators = Validators(response.etag, response.last_modified, sha)
        return Fetched(url, final_url, response.status, response.data, sha, response.content_type, now, validators)

    def _with_retries(self, url: str, current: str, conditional: bool) -> _Response:
        attempt = 0
        while True:
            try:
                response = self._once(url, current, conditional)
            except FetchError as exc:
                if exc.error_type not in ("timeout", "network") or attempt >= self.settings.retries:
                    raise
                wait = self._backoff(attempt)
            else:
                if response.status not in RETRY_STATUSES:
                    return response
                if attempt >= self.settings.retries:
                    raise FetchError(url, f"http_{response.status}", _gave_up(response.status, attempt + 1))
                wait = response.retry_after if response.retry_after is not None else self._backoff(attempt)
                if wait > self.settings.max_wait:
                    raise FetchError(
                        url, f"http_{response.status}",
                        f"HTTP {response.status}; the server asks to wait {wait:.0f} s, "
                        f"more than the {self.settings.max_wait:.0f} s limit",
                    )
            attempt += 1
            self.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return float(min(self.settings.backoff * 2**attempt * random.uniform(0.8, 1.2), self.settings.max_wait))

    def _once(self, url: str, current: str, conditional: bool) -> _Response:
        headers: dict[str, str] = {}
        known = self.validators.get(url) if conditional else None
        if known is not None and self.cache is not None:
            if known.etag:
                headers["If-None-Match"] = known.etag
            if known.last_modified:
                headers["If-Modified-Since"] = known.last_modified
        host = urlsplit(current).netloc
        with self.limiter.slot(host):
            with self._seen_lock:  # counters shared by the scrape's threads
                self.requests += 1
            try:
                with self.client.stream("GET", current, headers=headers) as response:
                    return _Response.read(url, response, self.settings.max_bytes)
            except httpx.TimeoutException as exc:
                reason = f"no answer within {self.settings.timeout:g} s ({_name(exc)})"
                raise FetchError(url, "timeout", reason) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                raise FetchError(url, "network", f"{_name(exc)}: {exc}"[:200]) from exc


@dataclass(frozen=True)
class _Response:
    status: int
    data: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    location: str | None
    retry_after: float | None

    @classmethod
    def read(cls, url: str, response: httpx.Response, max_bytes: int) -> _Response:
        headers = response.headers
        status = response.status_code
        data = b""
        if status == 200:
            data = _read_capped(url, response, max_bytes)
        elif status >= 400 and status not in RETRY_STATUSES:
            raise FetchError(url, f"http_{status}", f"HTTP {status} {response.reason_phrase}".strip())
        elif status not in RETRY_STATUSES | REDIRECT_STATUSES | {304}:
            raise FetchError(url, f"http_{status}", f"unexpected HTTP {status}; foidata expects 200")
        return cls(
            status=status,
            data=data,
            content_type=headers.get("content-type"),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            location=headers.get("location"),
            retry_after=parse_retry_after(headers.get("retry-after")),
        )


def _read_capped(url: str, response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, "too_large", f"the file is {int(declared):,} bytes; the limit is {max_bytes:,}")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, "too_large", f"the download passed the {max_bytes:,}-byte limit; stopped")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or unreadable.

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", dt.datetime(2015, 10, 21, 7, 28, tzinfo=dt.UTC))
    10.0
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - (now or dt.datetime.now(dt.UTC))).total_seconds(), 0.0)


def _gave_up(status: int, tries: int) -> str:
    return f"HTTP {status} on each of {tries} tries; gave up"


def _name(exc: BaseException) -> str:
    return type(exc).__name__

