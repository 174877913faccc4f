"""What a live source is: it lists the items a site publishes and picks the attachments of an item's page.

Fetching, politeness, caching, extraction and the dataset belong to `foidata.flows.scrape`; a source only
knows one platform's addresses and page structure, kept together at the top of its own file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from foidata.extractors.document import Document, Link
from foidata.flows.fetch import Fetcher

ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".xlsx", ".xls", ".doc", ".csv", ".odt", ".ods", ".txt", ".rtf")


@dataclass(frozen=True)
class Item:
    """One published response: the page to fetch and what the listing already told us about it."""

    url: str
    title: str | None = None
    published: dt.date | None = None
    body: str | None = None  # the body that answered, where the source knows it better than the text does
    platform_status: str | None = None  # the platform's own status (Alaveteli's described_state)


class Source(Protocol):
    """A site foidata can scrape. `name` is its key in the scrape state and in each row's `origin`."""

    @property
    def name(self) -> str: ...

    def list_items(self, http: Fetcher, since: dt.date | None) -> Iterator[Item]:
        """The items published on or after `since` (all when None), newest listing page first."""
        ...

    def attachments(self, item: Item, page: Document) -> Iterable[Link]:
        """The files of the item's page to fetch and extract too (PDF, Word, spreadsheets)."""
        ...


def configured_urls(source: object) -> tuple[str, ...]:
    """The URLs the user configured a source with (`start_urls`: its site, its list of pages). Only their
    hosts may be on private or loopback addresses; a source without `start_urls` gets none."""
    urls = getattr(source, "start_urls", ())
    return tuple(url for url in urls if isinstance(url, str))


def same_host(url: str, other: str) -> bool:
    return urlsplit(url).netloc.lower() == urlsplit(other).netloc.lower()


def file_links(page: Document, allowed: tuple[str, ...] = ATTACHMENT_SUFFIXES) -> Iterator[Link]:
    """Links of the page to files on the page's own host, by their path's suffix, each URL once."""
    seen: set[str] = set()
    for link in page.links:
        path = urlsplit(link.url).path.lower()
        if link.url in seen or not same_host(link.url, page.source) or not path.endswith(allowed):
            continue
        seen.add(link.url)
        yield link
