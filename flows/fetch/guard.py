"""Which URLs foidata may fetch: no server-side request forgery.

A page foidata scrapes is written by someone else. A link, a sitemap entry or a redirect on it must not make
foidata read local files (`file://`), talk to other protocols (`ftp:`, `gopher:`, `data:`), or reach the
machine foidata runs on or its private network (loopback, RFC 1918, link-local addresses such as the cloud
metadata service at 169.254.169.254, IPv6 unique-local and link-local, ...). So every URL is checked before
it is fetched, and again at every redirect hop:

- the scheme is http or https, and the URL names a host;
- every address the host resolves to is public (`is_public`), unless the host is one the user named:
  `allow_private` holds the `host:port` of the URLs configured for the scrape (a force's site, a WDTK
  mirror, the pages of a URL list), so a scrape of an intranet site or a test server on 127.0.0.1 works,
  while a link from that site to another private host or port is still refused.

The check resolves the host itself; the connection resolves it again, so a DNS server that answers
differently the second time (DNS rebinding) is not stopped here.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from foidata.schemas.errors import FoidataError

WEB_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class RefusedURL(FoidataError):
    """A URL foidata will not fetch; `reason` says why, for the errors table."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet; False for loopback, private, link-local, shared (CGNAT),
    multicast, reserved, unspecified and documentation ranges, and for IPv6 forms that carry such an IPv4
    address (IPv4-mapped ::ffff:a.b.c.d, 6to4 2002::/16).

    >>> is_public(ipaddress.ip_address("93.184.216.34")), is_public(ipaddress.ip_address("169.254.169.254"))
    (True, False)
    >>> is_public(ipaddress.ip_address("::ffff:127.0.0.1")), is_public(ipaddress.ip_address("fd00::1"))
    (False, False)
    """
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4 address in IPv6 clothing is judged as the IPv4 address it reaches.
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address.sixtofour is not None and not is_public(address.sixtofour):
            return False
        if address.is_site_local:  # deprecated fec0::/10, still routed locally by some stacks
            return False
    # `is_global` alone lets multicast through (224.0.0.0/4 is neither private nor shared) and its exact
    # ranges vary between Python versions: the explicit flags make the rule the same everywhere.
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def host_key(url: str) -> str | None:
    """`host:port` of a URL (host lower-cased, default port filled in), or None when it names no host.

    >>> host_key("HTTPS://Example.org/a"), host_key("http://127.0.0.1:8000/x"), host_key("http://[::1]/")
    ('example.org:443', '127.0.0.1:8000', '[::1]:80')
    """
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    if not host:
        return None
    port = port or DEFAULT_PORTS.get(parts.scheme.lower())
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def hosts_of(urls: Iterable[str]) -> frozenset[str]:
    """The `host:port` keys of the given URLs: what `allow_private` takes."""
    return frozenset(key for key in map(host_key, urls) if key is not None)


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (a literal address resolves to itself); [] when it does not resolve."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return []
    return [str(info[4][0]) for info in found]


class UrlGuard:
    """Decides whether a URL may be fetched (see the module docstring). Thread-safe; resolutions are cached
    for the guard's lifetime (one scrape), so a host is looked up once, not once per request."""

    def __init__(self, allow_private: Iterable[str] | None = frozenset(), resolver: Resolver = resolve) -> None:
        # None: addresses are not checked at all (the client used directly, on URLs its caller chose).
        self.allow_private = None if allow_private is None else frozenset(allow_private)
        self._resolver = resolver
        self._resolved: dict[tuple[str, int], list[str]] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> None:
        """Return when `url` may be fetched; raise RefusedURL saying why not."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in WEB_SCHEMES:
            what = f"{scheme}: URLs" if scheme else "URLs without a scheme"
            raise RefusedURL(f"{what} are never fetched; only http:// and https://")
        key = host_key(url)
        if key is None or not parts.hostname:
            raise RefusedURL("the URL names no host (or a malformed port)")
        if self.allow_private is None or key in self.allow_private:
            return
        port = parts.port or DEFAULT_PORTS[scheme]
        for text in self._addresses(parts.hostname, port):
            try:
                address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
            except ValueError:
                continue
            if not is_public(address):
                raise RefusedURL(
                    f"{parts.hostname} is a {describe(address)} address ({address}); only hosts the scrape was "
                    f"configured with may be private"
                )
        # A host that does not resolve is left to the request, which fails as a network error (and is retried).

    def _addresses(self, host: str, port: int) -> list[str]:
        with self._lock:
            known = self._resolved.get((host, port))
        if known is None:
            known = self._resolver(host, port)
            with self._lock:
                self._resolved[(host, port)] = known
        return known


def describe(address: IPAddress) -> str:
    """A word for why an address is not public, for the refusal's reason.

    >>> describe(ipaddress.ip_address("10.1.2.3")), describe(ipaddress.ip_address("169.254.169.254"))
    ('private', 'link-local')
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return describe(address.ipv4_mapped)
    checks = (
        ("loopback", address.is_loopback),
        ("unspecified", address.is_unspecified),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    )
    return next((word for word, hit in checks if hit), "non-public")
