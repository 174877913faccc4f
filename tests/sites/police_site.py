"""A fixture force website in the shape of the UK police forces' shared platform.

    /robots.txt
    /foi-ai/af/accessing-information/published-items/?q=&dt=...[&page=N]   listing, 20 results a page
    /foi-ai/essex-police/disclosure-2021/<month>/foi-<ref>/                 an item page
    /SysSiteAssets/foi-media/essex/docs/disclosure-2021/foi-<ref>.pdf        an item's attachment

Items are invented: each has its own reference, dates, outcome, exemptions and money, so a test can tell
every document apart. `write_files` puts the same bytes on disk for the scrape-vs-ingest comparison.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fpdf import FPDF

from foidata.flows.sources.police import DATE_FROM_PARAM, LISTING_PATH, LISTING_QUERY
from sites.server import FixtureSite

FORCE_SITE = "essex-police"
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
OUTCOMES = (
    ("Full Disclosure", None),
    ("Part Disclosure with Section 31(1)(a)(b) and Section 40(2) Exemptions", "31(1)(a)"),
    ("Refused - Section 12(1) Cost of Compliance Exceeded", "12(1)"),
    ("Information not held", None),
)
ROBOTS = "User-agent: *\nDisallow: /search/\nDisallow: /foi-ai/af/private/\n"


@dataclass(frozen=True)
class FixtureItem:
    number: int
    reference: str
    publication: str
    published: dt.date
    path: str
    title: str
    outcome: str
    amount_m: str  # e.g. "6.8": the page says £6.8m
    pdf_path: str | None
    pdf_amount: int | None

    @property
    def html(self) -> str:
        return item_page(self)


def make_items(count: int, first: dt.date = dt.date(2021, 1, 4), pdf_every: int = 2) -> list[FixtureItem]:
    """`count` items a week apart; every `pdf_every`-th has a PDF attachment (0: none has)."""
    items = []
    for i in range(count):
        published = first + dt.timedelta(days=7 * i)
        reference = f"{15400 + i}"
        slug = f"foi-{reference}-ict-spend"
        path = f"/foi-ai/{FORCE_SITE}/disclosure-{published.year}/{MONTHS[published.month - 1]}/{slug}/"
        has_pdf = pdf_every > 0 and i % pdf_every == 0
        items.append(
            FixtureItem(
                number=i,
                reference=reference,
                publication=f"PUB {1100 + i}",
                published=published,
                path=path,
                title=f"ICT spending and contracts {i + 1}",
                outcome=OUTCOMES[i % len(OUTCOMES)][0],
                amount_m=f"{2 + i % 7}.{i % 10}",
                pdf_path=f"/SysSiteAssets/foi-media/essex/docs/disclosure-{published.year}/foi-{reference}.pdf"
                if has_pdf else None,
                pdf_amount=250_000 + 1_000 * i if has_pdf else None,
            )
        )
    return items


def item_page(item: FixtureItem) -> str:
    received = item.published - dt.timedelta(days=20)
    attachment = (
        f'<ul class="attachments"><li><a href="{item.pdf_path}">FOI {item.reference} Capital Programme.pdf</a>'
        f"</li></ul>" if item.pdf_path else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><title>{item.title} | Essex Police</title></head>
<body>
<div class="cookie-banner"><p>We use some essential cookies to make our website work.</p></div>
<header><nav><a href="/">Home</a> <a href="/foi-ai/{FORCE_SITE}/">Freedom of information</a></nav></header>
<main id="main-content">
<h1>{item.title}</h1>
<dl class="foi-meta">
<dt>Publication number</dt><dd>{item.publication}</dd>
<dt>Reference number</dt><dd>{item.reference}</dd>
<dt>Date of request</dt><dd>{received:%d %B %Y}</dd>
<dt>Date of response</dt><dd>{item.published:%d %B %Y}</dd>
<dt>Decision</dt><dd>{item.outcome}</dd>
</dl>
<h2>Request</h2>
<p>1. Please provide the force's ICT capital programme budget for each year.</p>
<h2>Response</h2>
<p>Essex Police holds information relating to your request.</p>
<p>The ICT capital programme for 2021/22 was £{item.amount_m}m.</p>
{attachment}
</main>
<footer><p>Essex Police, PO Box 2, Chelmsford</p><a href="/SysSiteAssets/media/privacy-notice.pdf">Privacy</a></footer>
</body></html>
"""


def listing_page(items: list[FixtureItem], page: int, pages: int, query: dict[str, str]) -> str:
    results = "\n".join(
        f"""<li class="search-result"><h3><a href="{item.path}">{item.title}</a></h3>
<p class="meta">Freedom of information request | Published {item.published:%d/%m/%Y}</p>
<p>Request about ICT spending ({item.reference}).</p></li>"""
        for item in items
    )
    next_link = (
        f'<nav class="pagination"><a rel="next" href="{LISTING_PATH}?{urlencode({**query, "page": page + 1})}">'
        f"Next</a></nav>" if page < pages else ""
    )
    return f"""<!doctype html>
<html><head><title>Published items | Essex Police</title></head>
<body><header><nav><a href="/foi-ai/{FORCE_SITE}/">FOI home</a>
<a href="/foi-ai/{FORCE_SITE}/other-information/about/">About</a></nav></header>
<main><h1>Published items</h1><ul class="search-results">{results}</ul>{next_link}</main></body></html>
"""


def make_pdf(item: FixtureItem) -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in (
        "Essex Police - ICT Capital Programme",
        f"Freedom of Information request {item.reference}",
        f"The ICT capital programme for 2022/23 is £{item.pdf_amount:,}.",
        "Figures are as at 31 March 2021.",
    ):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def build_site(
    items: list[FixtureItem], per_page: int = 20, since: dt.date | None = None
) -> tuple[FixtureSite, dict[str, bytes]]:
    """The site, and every file it serves by path (pages and PDFs) for writing to disk."""
    site = FixtureSite()
    files: dict[str, bytes] = {}
    site.add("/robots.txt", ROBOTS, "text/plain")
    query = dict(LISTING_QUERY)
    if since is not None:
        query[DATE_FROM_PARAM] = since.isoformat()
    listed = [item for item in items if since is None or item.published >= since]
    listed.sort(key=lambda item: item.published, reverse=True)
    pages = max(1, -(-len(listed) // per_page))
    for page in range(1, pages + 1):
        chunk = listed[(page - 1) * per_page : page * per_page]
        page_query = query if page == 1 else {**query, "page": str(page)}
        site.add(f"{LISTING_PATH}?{urlencode(page_query)}", listing_page(chunk, page, pages, query))
    for item in items:
        files[item.path] = item.html.encode("utf-8")
        site.add(item.path, files[item.path])
        if item.pdf_path:
            files[item.pdf_path] = make_pdf(item)
            site.add(item.pdf_path, files[item.pdf_path], "application/pdf")
    return site, files


def write_files(files: dict[str, bytes], root: Path) -> None:
    for path, data in files.items():
        target = root / path.strip("/").replace("/", "__")
        target = target.with_suffix(".pdf") if path.endswith(".pdf") else target.with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
