"""Any site: a list of page URLs, or a sitemap, plus the files each page links on its own host."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from lxml import etree

from foidata.extractors.document import Document, Link
from foidata.flows.fetch import Fetcher
from foidata.flows.sources.base import Item, file_links

MAX_SITEMAPS = 100  # a sitemap index may nest; more than this is a loop or an abuse
_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class UrlListSource:
    """Pages named by URL; a URL ending in .xml (or named as `sitemaps`) is read as a sitemap of pages."""

    name = "urls"

    def __init__(self, urls: Sequence[str] = (), sitemaps: Sequence[str] = ()) -> None:
        self.pages = [u for u in urls if not _looks_like_sitemap(u)]
        self.sitemaps = [*sitemaps, *(u for u in urls if _looks_like_sitemap(u))]

    @property
    def start_urls(self) -> tuple[str, ...]:
        """The pages and sitemaps the user listed (not the pages a sitemap lists: those are the site's word)."""
        return (*self.pages, *self.sitemaps)

    def list_items(self, http: Fetcher, since: dt.date | None) -> Iterator[Item]:
        for url in self.pages:
            yield Item(url=url)
        queue = list(self.sitemaps)
        read = 0
        while queue and read < MAX_SITEMAPS:
            sitemap = queue.pop(0)
            read += 1
            pages, nested = parse_sitemap(http.get(sitemap).data)
            queue.extend(nested)
            for url, modified in pages:
                if since is None or modified is None or modified >= since:
                    yield Item(url=url, published=modified)

    def attachments(self, item: Item, page: Document) -> Iterable[Link]:
        return list(file_links(page))


def parse_sitemap(data: bytes) -> tuple[list[tuple[str, dt.date | None]], list[str]]:
    """(page URL, lastmod) of a urlset, and the sitemap URLs of a sitemap index. Entities are never resolved."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return [], []
    pages: list[tuple[str, dt.date | None]] = []
    nested: list[str] = []
    for entry in root:
        loc = entry.findtext(f"{_NS}loc") or entry.findtext("loc")
        if not loc:
            continue
        tag = etree.QName(entry).localname
        if tag == "sitemap":
            nested.append(loc.strip())
        elif tag == "url":
            pages.append((loc.strip(), _lastmod(entry.findtext(f"{_NS}lastmod") or entry.findtext("lastmod"))))
    return pages, nested


def _lastmod(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _looks_like_sitemap(url: str) -> bool:
    return url.split("?")[0].lower().endswith((".xml", ".xml.gz")) and "sitemap" in url.lower()
