"""Fixture websites for the live-source tests (served on 127.0.0.1 by pytest-httpserver)."""

from __future__ import annotations

import re

from pytest_httpserver import HTTPServer

from sites.server import FixtureSite, Hit

__all__ = ["FixtureSite", "Hit", "serve"]


def serve(httpserver: HTTPServer, site: FixtureSite) -> str:
    """Route every request of `httpserver` to `site`; returns the base URL (http://127.0.0.1:PORT)."""
    httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(site)
    return httpserver.url_for("/").rstrip("/")
