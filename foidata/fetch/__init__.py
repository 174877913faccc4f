"""Polite HTTP for live sources: one shared client, robots.txt obeyed, a rate limit per host, retries that
honour Retry-After, conditional GET, a size cap, a guard against server-side request forgery (no file://,
no private addresses but the configured hosts'), and a raw cache of fetched bytes by content hash.

Sources (`foidata.sources`) only call `Fetcher.get(url)`; everything else about the web lives here.
"""

from foidata.fetch.cache import RawCache
from foidata.fetch.client import Fetched, Fetcher, FetchError, FetchSettings, Validators
from foidata.fetch.guard import RefusedURL, UrlGuard, hosts_of, is_public
from foidata.fetch.ratelimit import HostLimiter

__all__ = ["FetchError", "FetchSettings", "Fetched", "Fetcher", "HostLimiter", "RawCache", "RefusedURL", "UrlGuard",
           "Validators", "hosts_of", "is_public"]
