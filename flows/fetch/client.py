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
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from foidata.extractors.document import sha256_hex
from foidata.flows.fetch.cache import RawCache
from foidata.flows.fetch.guard import RefusedURL, UrlGuard
from foidata.flows.fetch.ratelimit import HostLimiter
from foidata.output.state import Validators
from foidata.schemas.errors import FoidataError
from foidata.schemas.limits import (
    MAX_CONTENT_ENCODINGS,
    MAX_CRAWL_DELAY_SECONDS,
    MAX_DOWNLOAD_SECONDS,
    MAX_ROBOTS_BYTES,
)
from foidata.schemas.versions import __version__

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
CHUNK = 64 * 1024
# Asked for explicitly, and decoded here (not by httpx), so that inflated bytes count against max_bytes as
# they come out of zlib: httpx inflates a whole network chunk at once, and gzip inside gzip turned 64 KiB
# into gigabytes before the cap saw a byte. br and zstd are not asked for, so a server has no reason to send them.
ACCEPT_ENCODING = "gzip, deflate"
_ZLIB_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


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
    max_seconds: float = MAX_DOWNLOAD_SECONDS  # one download whole: `timeout` alone lets 1 byte/s go on forever
    max_crawl_delay: float = MAX_CRAWL_DELAY_SECONDS  # a robots.txt asking for more puts the host off limits
    max_robots_bytes: int = MAX_ROBOTS_BYTES
    obey_robots: bool = True
    # `host:port` of hosts that may be on loopback or private addresses: the hosts the scrape was configured
    # with (the scrape flow fills it from the source). None checks no addresses at all: the client used
    # directly, on URLs its caller chose. Non-web schemes are refused either way.
    allow_private: frozenset[str] | None = None

    def __post_init__(self) -> None:
        # A CR or LF would end the User-Agent header and start another: refused, not sent.
        if self.contact is not None and contact_problem(self.contact):
            raise ValueError(f"contact: {contact_problem(self.contact)}")

    @property
    def user_agent(self) -> str:
        contact = f"; {self.contact}" if self.contact else ""
        return f"foidata/{__version__} (+https://pypi.org/project/foidata/{contact})"


def contact_problem(contact: str) -> str | None:
    """Why `contact` cannot go into a User-Agent header (control characters such as CR LF), or None.

    >>> contact_problem("foi@example.org\\r\\nX-Injected: 1")
    'must be one line of printable text (it has a control character such as CR or LF)'
    """
    if any(ord(char) < 32 or ord(char) == 127 for char in contact):
        return "must be one line of printable text (it has a control character such as CR or LF)"
    return None


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


class FetchError(FoidataError):
    """A URL that could not be fetched; `error_type` is short and machine-readable, `reason` is for people."""

    def __init__(self, url: str, error_type: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.error_type = error_type
        self.reason = reason


@dataclass
class _Robots:
    parser: Protego | None  # None: everything allowed (no robots.txt)
    blocked_reason: str | None = None  # robots.txt unreachable, too large or too slow: nothing allowed
    blocked_type: str = "robots_unavailable"


@dataclass
class Fetcher:
    """Shared by every thread of a scrape. `validators` (URL -> last fetch) makes every GET conditional."""

    settings: FetchSettings = field(default_factory=FetchSettings)
    cache: RawCache | None = None
    validators: dict[str, Validators] = field(default_factory=dict)
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic  # for the per-download deadline; tests pass a fake one

    def __post_init__(self) -> None:
        self.limiter = HostLimiter(self.settings.rate_per_host, self.settings.concurrency_per_host, sleep=self.sleep)
        timeout = httpx.Timeout(self.settings.timeout)
        self.client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
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
            raise FetchError(url, robots.blocked_type, robots.blocked_reason)
        if robots.parser is not None and not robots.parser.can_fetch(url, self.settings.user_agent):
            raise FetchError(url, "robots_disallowed", f"{origin}/robots.txt disallows this URL for foidata")

    def _load_robots(self, origin: str) -> _Robots:
        robots_url = f"{origin}/robots.txt"
        try:
            fetched = self._get(robots_url, conditional=True, max_bytes=self.settings.max_robots_bytes)
            with self._seen_lock:
                self.seen[robots_url] = fetched.validators
        except FetchError as exc:
            if exc.error_type.startswith("http_4"):  # RFC 9309: no robots.txt (4xx) means no limits
                return _Robots(parser=None)
            if exc.error_type == "too_large":  # parsing a 33 MB robots.txt took 5 GB: not read, nothing allowed
                return _Robots(None, f"robots.txt is larger than {self.settings.max_robots_bytes:,} bytes; "
                               "the host is off limits for this run", "robots_too_large")
            # ... and an unreachable one (5xx, network) means assume everything is disallowed.
            return _Robots(parser=None, blocked_reason=f"robots.txt could not be fetched ({exc.reason})")
        parser = Protego.parse(fetched.data.decode("utf-8", errors="replace"))
        delay = parser.crawl_delay(self.settings.user_agent)
        if delay and float(delay) > self.settings.max_crawl_delay:
            # Waiting as asked could stop the job for years; going faster than asked is impolite. Neither.
            return _Robots(None, f"robots.txt asks for a Crawl-delay of {float(delay):g} s, more than the "
                           f"{self.settings.max_crawl_delay:g} s foidata waits; the host is off limits for this run",
                           "crawl_delay_too_long")
        if delay:
            self.limiter.set_delay(urlsplit(origin).netloc, float(delay))
        return _Robots(parser=parser)

    # ---- one GET with redirects and retries ---------------------------------------------------------------

    def _get(self, url: str, conditional: bool, max_bytes: int | None = None) -> Fetched:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._with_retries(url, current, conditional, max_bytes or self.settings.max_bytes)
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

    def _with_retries(self, url: str, current: str, conditional: bool, max_bytes: int) -> _Response:
        attempt = 0
        while True:
            try:
                response = self._once(url, current, conditional, max_bytes)
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

    def _once(self, url: str, current: str, conditional: bool, max_bytes: int) -> _Response:
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
                deadline = self.clock() + self.settings.max_seconds
                with self.client.stream("GET", current, headers=headers) as response:
                    limits = _ReadLimits(max_bytes, deadline, self.settings.max_seconds, self.clock)
                    return _Response.read(url, response, limits)
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
    def read(cls, url: str, response: httpx.Response, limits: _ReadLimits) -> _Response:
        headers = response.headers
        status = response.status_code
        data = b""
        if status == 200:
            data = _read_capped(url, response, limits)
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


@dataclass(frozen=True)
class _ReadLimits:
    max_bytes: int
    deadline: float  # on `clock`
    max_seconds: float
    clock: Callable[[], float]


def _read_capped(url: str, response: httpx.Response, limits: _ReadLimits) -> bytes:
    """The body, decoded, stopped at `limits.max_bytes` decoded bytes or at the deadline, whichever comes
    first. The Content-Length (of the encoded body) is checked first: a declared 100 MB is never read."""
    max_bytes = limits.max_bytes
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, "too_large", f"the file is {int(declared):,} bytes; the limit is {max_bytes:,}")
    codings = content_codings(url, response.headers.get("content-encoding"))
    chunks: list[bytes] = []
    size = 0
    try:
        # iter_raw() without a size: a chunk size would make httpx wait for that many bytes, and a server
        # dripping 1 byte a second would never reach the deadline check.
        for chunk in decode_bounded(response.iter_raw(), codings):
            if limits.clock() > limits.deadline:
                raise FetchError(url, "too_slow", f"the download took longer than {limits.max_seconds:g} s; stopped")
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, "too_large", f"the download passed the {max_bytes:,}-byte limit; stopped")
            chunks.append(chunk)
    except zlib.error as exc:
        raise FetchError(url, "network", f"DecodingError: the {', '.join(codings)} body is damaged ({exc})") from exc
    if limits.clock() > limits.deadline:  # the last bytes came late too
        raise FetchError(url, "too_slow", f"the download took longer than {limits.max_seconds:g} s; stopped")
    return b"".join(chunks)


def content_codings(url: str, header: str | None) -> list[str]:
    """The Content-Encoding codings in the order they were applied ("identity" left out). More than
    MAX_CONTENT_ENCODINGS, or one foidata does not decode, is a FetchError.

    >>> content_codings("u", "gzip, identity")
    ['gzip']
    """
    codings = [c.strip().lower() for c in (header or "").split(",") if c.strip() and c.strip().lower() != "identity"]
    if len(codings) > MAX_CONTENT_ENCODINGS:
        raise FetchError(url, "too_many_encodings", f"the body is encoded {len(codings)} times ({header}); "
                         f"foidata decodes at most {MAX_CONTENT_ENCODINGS}")
    unknown = [c for c in codings if c not in _ZLIB_WBITS]
    if unknown:
        raise FetchError(url, "unsupported_encoding", f"the body is encoded as {', '.join(unknown)}, which foidata "
                         f"does not decode (it asks for {ACCEPT_ENCODING})")
    return codings


def decode_bounded(raw: Iterable[bytes], codings: list[str]) -> Iterator[bytes]:
    """`raw` with each coding undone (the last applied first), never more than CHUNK bytes out of zlib at a
    time, so whoever counts the output can stop an inflation bomb after one chunk past its limit."""
    chunks: Iterable[bytes] = raw
    for coding in reversed(codings):
        chunks = _inflate(chunks, coding)
    yield from chunks


def _inflate(chunks: Iterable[bytes], coding: str) -> Iterator[bytes]:
    inflater: zlib._Decompress | None = None
    for chunk in chunks:
        if inflater is None:
            inflater = zlib.decompressobj(_wbits(coding, chunk))
        data = chunk
        while data:
            out = inflater.decompress(data, CHUNK)
            if out:
                yield out
            data = inflater.unconsumed_tail
    if inflater is not None and (rest := inflater.flush()):
        yield rest


def _wbits(coding: str, first: bytes) -> int:
    # "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate: told apart by the header.
    zlib_header = len(first) >= 2 and (first[0] & 0x0F) == 8 and (first[0] << 8 | first[1]) % 31 == 0
    if coding == "deflate" and not zlib_header:
        return -zlib.MAX_WBITS
    return _ZLIB_WBITS[coding]


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

