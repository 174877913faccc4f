"""UK police forces' shared website platform: the published-items listing, item pages, files they link.

Item pages live under `/foi-ai/<force site>/...`, the searchable listing under
`/foi-ai/af/accessing-information/published-items/` and the files under `/SysSiteAssets/foi-media/...`.
Everything this source knows about the platform's markup is in the block below; when the platform changes,
this block is the one place to edit.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.resources
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from foidata.extractors.dates import parse_date
from foidata.extractors.document import Document, Link
from foidata.flows.fetch import Fetcher
from foidata.flows.sources.base import Item, file_links, same_host

# ---- the platform's structure (the one place to change) ------------------------------------------------------
LISTING_PATH = "/foi-ai/af/accessing-information/published-items/"
LISTING_QUERY = {"q": "", "dt": "Freedom of information request"}  # the document-type filter the site offers
DATE_FROM_PARAM = "datefrom"
DATE_TO_PARAM = "dateto"
ITEM_PATH_PREFIX = "/foi-ai/"
NOT_ITEM_PATH_PREFIX = "/foi-ai/af/"  # the platform's own pages (the listing, forms), not a force's items
ITEM_MIN_DEPTH = 3  # /foi-ai/essex-police/<...>: the force's FOI home page itself is not an item
RESULTS_AREA = "main"  # results are read inside <main> when the page has one, so menus are never items
RESULT_CONTAINERS = ("li", "article", "tr")  # the element around one result holds its title link and date
NEXT_PAGE = 'a[rel~="next"], link[rel~="next"]'
NEXT_PAGE_TEXT = ("next", "next page", "›", "»")
FILES_PATH_PREFIX = "/SysSiteAssets/"
MAX_LISTING_PAGES = 500  # a listing that never ends is a site fault, not a reason to fetch forever
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Force:
    force: str
    name: str
    host: str
    evidence: str


@cache
def forces() -> dict[str, Force]:
    """The forces on the platform, by foidata's id (`--force essex`), from the table shipped with foidata."""
    text = importlib.resources.files("foidata.flows.sources").joinpath("police_forces.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["force"]: Force(**row) for row in rows}


class PoliceSource:
    """One force's published FOI items. `base_url` overrides the force's host (tests, mirrors)."""

    def __init__(self, force: str, base_url: str | None = None) -> None:
        known = forces()
        if force not in known:
            raise ValueError(f"unknown force {force!r}; known: {', '.join(sorted(known))}")
        self.force = known[force]
        self.base_url = (base_url or f"https://{self.force.host}").rstrip("/")

    @property
    def name(self) -> str:
        return f"police:{self.force.force}"

    @property
    def start_urls(self) -> tuple[str, ...]:
        """The force's site: the one host the scrape may reach even on a private address."""
        return (self.base_url,)

    def listing_url(self, since: dt.date | None, until: dt.date | None = None) -> str:
        query = dict(LISTING_QUERY)
        if since is not None:
            query[DATE_FROM_PARAM] = since.isoformat()
        if until is not None:
            query[DATE_TO_PARAM] = until.isoformat()
        return f"{self.base_url}{LISTING_PATH}?{urlencode(query)}"

    def list_items(self, http: Fetcher, since: dt.date | None) -> Iterator[Item]:
        url: str | None = self.listing_url(since)
        visited: set[str] = set()
        while url is not None and url not in visited and len(visited) < MAX_LISTING_PAGES:
            visited.add(url)
            page = http.get(url)
            soup = BeautifulSoup(page.data, "lxml")
            for item in listing_items(soup, page.final_url, self.force.name):
                # The site filters by date already; this keeps `since` true if it ignores the parameter.
                if since is None or item.published is None or item.published >= since:
                    yield item
            url = next_page(soup, page.final_url)

    def attachments(self, item: Item, page: Document) -> Iterable[Link]:
        return [link for link in file_links(page) if urlsplit(link.url).path.startswith(FILES_PATH_PREFIX)]


def listing_items(soup: BeautifulSoup, page_url: str, body: str) -> Iterator[Item]:
    """Each result of a listing page: its item link, title and the first date printed beside it."""
    seen: set[str] = set()
    results = soup.select_one(RESULTS_AREA) or soup
    for anchor in results.select("a[href]"):
        url = urljoin(page_url, str(anchor["href"])).split("#")[0]
        path = urlsplit(url).path
        if not _is_item_path(path):
            continue
        if not same_host(url, page_url) or url in seen:
            continue
        seen.add(url)
        container = anchor.find_parent(RESULT_CONTAINERS) or anchor.parent
        text = container.get_text(" ", strip=True) if isinstance(container, Tag) else ""
        title = " ".join(anchor.get_text(" ").split()) or None
        yield Item(url=url, title=title, published=parse_date(text), body=body)


def _is_item_path(path: str) -> bool:
    """/foi-ai/<force site>/<section>/.../: deep enough to be an item, not the force's FOI home page."""
    if not path.startswith(ITEM_PATH_PREFIX) or path.startswith(NOT_ITEM_PATH_PREFIX):
        return False
    return len([part for part in path.split("/") if part]) >= ITEM_MIN_DEPTH


def next_page(soup: BeautifulSoup, page_url: str) -> str | None:
    """The listing's next page: a rel=next link, else a link whose text says Next."""
    found = soup.select_one(NEXT_PAGE)
    if found is None:
        found = next(
            (a for a in soup.select("a[href]") if " ".join(a.get_text(" ").split()).lower() in NEXT_PAGE_TEXT),
            None,
        )
    if found is None or not found.get("href"):
        return None
    return urljoin(page_url, str(found["href"]))
