"""Live sources: one file per platform, one line each in `SOURCES`.

A source lists the items a site publishes (`list_items(http, since)`) and picks the files an item's page
links (`attachments(item, page)`); `foidata.flows.scrape` does the fetching, caching and extracting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from foidata.flows.sources.base import Item, Source, configured_urls, file_links, same_host
from foidata.flows.sources.police import PoliceSource, forces
from foidata.flows.sources.urls import UrlListSource
from foidata.flows.sources.wdtk import WdtkSource

SOURCES: dict[str, Callable[..., Source]] = {
    "police": PoliceSource,
    "urls": UrlListSource,
    "wdtk": WdtkSource,
}


def make_source(kind: str, **options: Any) -> Source:
    """A source by its registered name, e.g. make_source("police", force="essex")."""
    try:
        factory = SOURCES[kind]
    except KeyError:
        raise ValueError(f"unknown source {kind!r}; known: {', '.join(sorted(SOURCES))}") from None
    return factory(**options)


__all__ = ["SOURCES", "Item", "PoliceSource", "Source", "UrlListSource", "WdtkSource", "configured_urls",
           "file_links", "forces", "make_source", "same_host"]
