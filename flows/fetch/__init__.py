"""Polite HTTP for live sources: one shared client, robots.txt obeyed, a rate limit per host, retries that
honour Retry-After, conditional GET, a size cap, a guard against server-side request forgery (no file://,
no private addresses but the configured hosts'), and a raw cache of fetched bytes by content hash.

Sources (`foidata.flows.sources`) only call `Fetcher.get(url)`; everything else about the web lives here.
"""

from foidata.flows.fetch.cache import RawCache
from foidata.flows.fetch.client import Fetched, Fetcher, FetchError, FetchSettings
from foidata.flows.fetch.guard import RefusedURL, UrlGuard, hosts_of, is_public
from foidata.flows.fetch.ratelimit import HostLimiter
from foidata.output.state import Validators

__all__ = ["FetchError", "FetchSettings", "Fetched", "Fetcher", "HostLimiter", "RawCache", "RefusedURL", "UrlGuard",
           "Validators", "hosts_of", "is_public"]
