"""WhatDoTheyKnow, and any other Alaveteli site: one body's requests (or a search's), each request's thread
page, and the files the body attached to its responses.

Verified in mysociety/alaveteli (snapshot of 2026-04, commit 351eb61):
- config/routes.rb: `/:feed/body/:url_name` and `/:feed/search/:query_array` (track#...; `.json` gives
  JSON), `/request/:url_title` (+ `.json`), `/body/:url_name`, response files at
  `/request/:url_title/response/:incoming_message_id/attach/:part/*file_name` (part is digits) and their HTML
  renderings at `.../attach/html/:part/*file_name`. Numeric `/request/<id>/...` URLs only redirect.
- app/controllers/track_controller.rb + application_controller.rb: a feed is a search of events, 25 a page,
  `?page=N`, newest first: a body's by event created_at, a search's by described_at (last_described_at, else
  created_at; acts_as_xapian sorts with Xapian's reverse flag set). JSON: a list of
  InfoRequestEvent#json_for_api(deep): event `created_at`, `last_described_at`, `event_type`, `info_request`
  {url_title, title, created_at, updated_at, described_state, display_status, ...}, `public_body` {name, ...}.
  Only sent / followup_sent / response / comment events are indexed, so a request appears once per event.
- app/controllers/request_controller.rb: `/request/<url_title>.json` is InfoRequest#json_for_api(true),
  with `public_body` and `info_request_events`.
- public/robots.txt (the default every site starts from) disallows `*/feed/*` and `*/search/*` for every
  robot. foidata obeys robots.txt, so where the feed is disallowed a body's requests are read from its page
  `/body/<url_name>` instead (public_body#show: `div.request_listing span.head a`, 25 a page, rel=next links,
  500 requests at most) with one `/request/<url_title>.json` per request for its state and dates. A search
  has no allowed fallback.
- app/views/request/_attachments.html.erb: each attachment is linked twice (icon, "Download") to the
  original and once ("View") to the HTML rendering.
Assumed (not checked against the live site): WhatDoTheyKnow serves those default robots.txt rules; a feed
past its last page answers `[]`. A request's date (Item.published, and what `since` compares) is its newest
listed event, usually the latest response: the key the feed is sorted by, so paging stops at `since`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup

from foidata.extractors.document import Document, Link
from foidata.flows.fetch import Fetched, Fetcher, FetchError
from foidata.flows.sources.base import Item, file_links, same_host

# ---- the platform's structure (the one place to change) ------------------------------------------------------
DEFAULT_BASE_URL = "https://www.whatdotheyknow.com"
BODY_FEED_PATH = "/feed/body/{url_name}.json"  # the JSON twin of the body's Atom feed
SEARCH_FEED_PATH = "/feed/search/{query}.json"
FEED_PAGE_PARAM = "page"  # page 1 is the feed's URL without it
# What each feed is sorted by, newest first (an event's described_at is last_described_at, else created_at).
BODY_FEED_ORDER = ("created_at",)
SEARCH_FEED_ORDER = ("last_described_at", "created_at")
MAX_FEED_PAGES = 400  # 10,000 events; a feed that never ends is a site fault, not a reason to fetch forever
FEED_REQUEST = "info_request"  # each feed entry is an event; these keys hold its request and body
FEED_BODY = "public_body"
INDEXED_EVENTS = frozenset({"sent", "followup_sent", "response", "comment"})  # the events feeds list
BODY_PAGE_PATH = "/body/{url_name}"  # the body's own page: its requests, when robots.txt forbids the feed
BODY_LISTING_LINKS = "div.request_listing span.head a[href]"
NEXT_PAGE = 'a[rel~="next"]'  # will_paginate's "Next" link
MAX_BODY_PAGES = 20  # Alaveteli answers 404 past 500 results (25 a page)
REQUEST_PATH = "/request/{url_title}"
REQUEST_JSON_PATH = "/request/{url_title}.json"
REQUEST_URL_TITLE = re.compile(r"^/request/(?P<url_title>[^/.#?]+)/?$")
# The original file; an HTML rendering has "html" where the part number is, so it never matches.
RESPONSE_FILE = re.compile(r"^/request/(?P<url_title>[^/]+)/response/\d+/attach/\d+/[^/]+")
ROBOTS_DISALLOWED = "robots_disallowed"  # FetchError.error_type of a URL robots.txt forbids
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A request as a listing names it; `state`, `body` and `date` are None where the listing does not say."""

    url_title: str
    title: str | None = None
    state: str | None = None
    body: str | None = None
    date: dt.date | None = None


class WdtkSource:
    """The requests to one public body (`body`, its url_name, e.g. essex_police), or those a search finds.

    `base_url` points at another Alaveteli site (or a test server); paths are the same on all of them.
    """

    def __init__(self, body: str | None = None, search: str | None = None, base_url: str = DEFAULT_BASE_URL) -> None:
        if (body is None) == (search is None):
            raise ValueError("give exactly one of body (an authority's url_name) or search (a query)")
        self.body = body
        self.search = search
        self.base_url = base_url.rstrip("/")

    @property
    def name(self) -> str:
        return f"wdtk:{self.body or 'search'}"

    @property
    def start_urls(self) -> tuple[str, ...]:
        """The Alaveteli site: the one host the scrape may reach even on a private address."""
        return (self.base_url,)

    # ---- addresses ----------------------------------------------------------------------------------------

    def feed_url(self, page: int = 1) -> str:
        if self.body is not None:
            path = BODY_FEED_PATH.format(url_name=quote(self.body, safe=""))
        else:
            path = SEARCH_FEED_PATH.format(query=quote(self.search or "", safe=""))
        query = f"?{urlencode({FEED_PAGE_PARAM: page})}" if page > 1 else ""
        return f"{self.base_url}{path}{query}"

    def body_page_url(self) -> str:
        return f"{self.base_url}{BODY_PAGE_PATH.format(url_name=quote(self.body or '', safe=''))}"

    def request_url(self, url_title: str) -> str:
        return f"{self.base_url}{REQUEST_PATH.format(url_title=url_title)}"

    def request_json_url(self, url_title: str) -> str:
        return f"{self.base_url}{REQUEST_JSON_PATH.format(url_title=url_title)}"

    # ---- the Source protocol ------------------------------------------------------------------------------

    def list_items(self, http: Fetcher, since: dt.date | None) -> Iterator[Item]:
        try:
            first = http.get(self.feed_url())
        except FetchError as exc:
            # Alaveteli's stock robots.txt forbids feeds to every robot; a body's own page is allowed.
            if exc.error_type != ROBOTS_DISALLOWED or self.body is None:
                raise
            listed = self._from_body_pages(http, since)
        else:
            order = BODY_FEED_ORDER if self.body is not None else SEARCH_FEED_ORDER
            listed = self._from_feed(http, since, first, order)
        for request in listed:
            yield self._item(http, request)

    def attachments(self, item: Item, page: Document) -> Iterable[Link]:
        url_title = _url_title(item.url)
        return [link for link in file_links(page) if _is_response_file(link.url, url_title)]

    # ---- the feed -----------------------------------------------------------------------------------------

    def _from_feed(
        self, http: Fetcher, since: dt.date | None, first: Fetched, order: tuple[str, ...]
    ) -> Iterator[Listed]:
        """Each request once, at its newest event (the feed lists events, newest first, 25 a page), dated by
        what the feed is sorted by, so that `since` can end the paging."""
        seen: set[str] = set()
        fetched, page = first, 1
        while True:
            recent = False
            for request in (_from_event(event, order) for event in _json_list(fetched)):
                if request is None or (since is not None and request.date is not None and request.date < since):
                    continue
                recent = True
                if request.url_title not in seen:
                    seen.add(request.url_title)
                    yield request
            # An empty page is the end; so is a page wholly before `since`, as later pages are older still.
            if not recent or page >= MAX_FEED_PAGES:
                return
            page += 1
            fetched = http.get(self.feed_url(page))

    # ---- the body's page, where robots.txt forbids the feed -----------------------------------------------

    def _from_body_pages(self, http: Fetcher, since: dt.date | None) -> Iterator[Listed]:
        url: str | None = self.body_page_url()
        visited: set[str] = set()
        seen: set[str] = set()
        while url is not None and url not in visited and len(visited) < MAX_BODY_PAGES:
            visited.add(url)
            page = http.get(url)
            soup = BeautifulSoup(page.data, "lxml")
            for listed in listing_requests(soup, page.final_url):
                if listed.url_title in seen:
                    continue
                seen.add(listed.url_title)
                # The listing prints no machine-readable date or state: the request's JSON has both.
                request = self._with_details(http, listed)
                if since is None or request.date is None or request.date >= since:
                    yield request
            url = next_page(soup, page.final_url)

    # ---- one request --------------------------------------------------------------------------------------

    def _item(self, http: Fetcher, request: Listed) -> Item:
        if request.state is None:  # a feed without the request's state: one more (polite) request for it
            request = self._with_details(http, request)
        return Item(
            url=self.request_url(request.url_title),
            title=request.title,
            published=request.date,
            body=request.body,
            platform_status=request.state,
        )

    def _with_details(self, http: Fetcher, request: Listed) -> Listed:
        """The listing's request completed from /request/<url_title>.json; unchanged if that cannot be read
        (the thread page itself is still fetched, and fails loudly if the request is gone)."""
        try:
            fetched = http.get(self.request_json_url(request.url_title))
            data = json.loads(fetched.data)
        except (FetchError, ValueError):
            return request
        if not isinstance(data, dict):
            return request
        return Listed(
            url_title=request.url_title,
            title=request.title or _text(data.get("title")),
            state=request.state or _text(data.get("described_state")),
            body=request.body or _body_name(data.get(FEED_BODY)),
            date=request.date or _latest_event_date(data),
        )


# ---- reading the platform's JSON and HTML -------------------------------------------------------------------


def _json_list(fetched: Fetched) -> list[Any]:
    """A feed page's events; a page that is not a JSON list ends the listing as a recorded fetch error."""
    try:
        data = json.loads(fetched.data)
    except ValueError:
        raise FetchError(fetched.url, "listing_unreadable", "the feed page is not JSON") from None
    if not isinstance(data, list):
        raise FetchError(fetched.url, "listing_unreadable", "the feed page is not a JSON list of events")
    return data


def _from_event(event: object, order: tuple[str, ...]) -> Listed | None:
    """The request a feed event belongs to, dated by the event's first timestamp of `order`."""
    if not isinstance(event, dict):
        return None
    request = event.get(FEED_REQUEST)
    if not isinstance(request, dict):
        return None
    url_title = _text(request.get("url_title"))
    if url_title is None:
        return None
    return Listed(
        url_title=url_title,
        title=_text(request.get("title")),
        state=_text(request.get("described_state")),
        body=_body_name(event.get(FEED_BODY)) or _body_name(request.get(FEED_BODY)),
        date=_first_date(event, order) or _date(request.get("updated_at")),
    )


def _first_date(event: Mapping[str, Any], keys: tuple[str, ...]) -> dt.date | None:
    """The date of the first of `keys` the event has (last_described_at is null until a response is
    classified, so a search's sort key falls back to created_at as Alaveteli's does)."""
    for key in keys:
        found = _date(event.get(key))
        if found is not None:
            return found
    return None


def _latest_event_date(request: Mapping[str, Any]) -> dt.date | None:
    """The newest listed event's date (what a feed would date the request by), else the request's own."""
    events = request.get("info_request_events")
    dates = [
        found
        for event in (events if isinstance(events, list) else [])
        if isinstance(event, dict) and event.get("event_type") in INDEXED_EVENTS
        and (found := _date(event.get("created_at"))) is not None
    ]
    return max(dates, default=None) or _date(request.get("updated_at")) or _date(request.get("created_at"))


def _body_name(body: object) -> str | None:
    return _text(body.get("name")) if isinstance(body, dict) else None


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _date(value: object) -> dt.date | None:
    """The date of a Rails timestamp ("2021-03-24T10:15:00.000+00:00") as the site printed it (its zone)."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def listing_requests(soup: BeautifulSoup, page_url: str) -> Iterator[Listed]:
    """The requests a body's page lists: the heading link of each result (it may point at a message in the
    thread, `#incoming-123`; the request is the same)."""
    for anchor in soup.select(BODY_LISTING_LINKS):
        url = urljoin(page_url, str(anchor["href"]))
        if not same_host(url, page_url):
            continue
        url_title = _url_title(url)
        if url_title is not None:
            yield Listed(url_title=url_title, title=" ".join(anchor.get_text(" ").split()) or None)


def next_page(soup: BeautifulSoup, page_url: str) -> str | None:
    found = soup.select_one(NEXT_PAGE)
    if found is None or not found.get("href"):
        return None
    return urljoin(page_url, str(found["href"]))


def _url_title(url: str) -> str | None:
    match = REQUEST_URL_TITLE.match(unquote(urlsplit(url).path))
    return match["url_title"] if match else None


def _is_response_file(url: str, url_title: str | None) -> bool:
    """An original file of this request's responses; not another request's file the requester linked."""
    match = RESPONSE_FILE.match(unquote(urlsplit(url).path))
    return match is not None and match["url_title"] == url_title
