"""Scrape a live source into a dataset: the orchestration-free core that the Prefect scrape flow wraps.

    plan_scrape    list the source's items (listing pages fetched politely, conditionally)
    scrape_items   fetch each item's page and attachments, extract what changed (threads; a task per batch)
    finish_scrape  commit the new rows as one dataset version, save the scrape state, summarise
    run_scrape     the three in a row, without Prefect

A document's identity is the URL it was asked for. A document whose (URL, sha256, extractor_version) is
already in the dataset is not extracted again; a 304 Not Modified takes its bytes from the raw cache.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from pydantic import BaseModel

from foidata.extractors.document import Document
from foidata.extractors.readers import ReadError, read_bytes
from foidata.extractors.readers.detect import sniff
from foidata.flows.fetch import Fetched, Fetcher, FetchError, FetchSettings, RawCache, hosts_of
from foidata.flows.ingest import IngestSummary, group_failures, new_run_id
from foidata.flows.isolation import LimitedParser, process_safely
from foidata.flows.pipeline import Origin, error_row
from foidata.flows.sources import Item, Source, configured_urls
from foidata.output import commit, error_types, has_dataset, known_documents, open_dataset
from foidata.output.regroup import RunBodies, prepare_responses
from foidata.output.state import load_state, save_state
from foidata.schemas import TABLES, ErrorRecord
from foidata.schemas.limits import MAX_ATTACHMENTS_PER_PAGE
from foidata.schemas.versions import EXTRACTOR_VERSION

RAW_DIR = "raw"
DEFAULT_ITEMS_PER_BATCH = 50
DEFAULT_WORKERS = 4  # threads fetching at once; the per-host limiter keeps each site's rate whatever this is


@dataclass(frozen=True)
class ScrapeOptions:
    since: dt.date | None = None
    settings: FetchSettings = field(default_factory=FetchSettings)
    workers: int = DEFAULT_WORKERS
    items_per_batch: int = DEFAULT_ITEMS_PER_BATCH


@dataclass
class ScrapeContext:
    """What every batch of one run shares: the source, the fetcher (one rate limit) and the dataset's state."""

    source: Source
    out_dir: str
    run_id: str
    fetcher: Fetcher
    options: ScrapeOptions
    known: dict[str, tuple[str | None, str]]
    errors_before: dict[str, set[str]]
    _claimed: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self, url: str) -> bool:
        """True the first time a URL is claimed in this run: an attachment linked twice is fetched once."""
        with self._lock:
            if url in self._claimed:
                return False
            self._claimed.add(url)
            return True


@dataclass
class ScrapePlan:
    run_id: str
    out_dir: str
    started: float
    items: list[Item]
    listing_errors: list[ErrorRecord]
    has_dataset: bool
    listed: set[str] = field(default_factory=set)  # listing pages read this run (and the source, if it finished)

    def batches(self, size: int) -> list[list[Item]]:
        return [self.items[i : i + size] for i in range(0, len(self.items), size)]


@dataclass
class ScrapeResult:
    """What a batch of items gave: new rows, and which documents they replace in the dataset."""

    rows: dict[str, list[BaseModel]] = field(default_factory=lambda: defaultdict(list))
    replaced: set[str] = field(default_factory=set)
    replaced_errors: set[str] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)
    unchanged: set[str] = field(default_factory=set)
    still_failing: set[str] = field(default_factory=set)

    def merge(self, other: ScrapeResult) -> None:
        for table, table_rows in other.rows.items():
            self.rows[table].extend(table_rows)
        self.replaced |= other.replaced
        self.replaced_errors |= other.replaced_errors
        self.seen |= other.seen
        self.unchanged |= other.unchanged
        self.still_failing |= other.still_failing


@dataclass(frozen=True)
class ScrapeSummary(IngestSummary):
    source: str = ""
    items_listed: int = 0
    requests: int = 0
    not_modified: int = 0


def open_context(source: Source, out_dir: str, options: ScrapeOptions, run_id: str | None = None) -> ScrapeContext:
    fetcher = Fetcher(
        settings=guarded_settings(source, options.settings),
        cache=RawCache(f"{out_dir}/{RAW_DIR}"),
        validators=load_state(out_dir, source.name),
    )
    return ScrapeContext(
        source=source,
        out_dir=out_dir,
        run_id=run_id or new_run_id(),
        fetcher=fetcher,
        options=options,
        known=known_documents(out_dir),
        errors_before=error_types(out_dir),
    )


def guarded_settings(source: Source, settings: FetchSettings) -> FetchSettings:
    """The settings with addresses checked: only the hosts the source was configured with (and any the
    settings name already) may be private or loopback; a link or sitemap entry to any other such host, or
    to file://, is refused (no server-side request forgery from a page someone else wrote)."""
    allowed = hosts_of(configured_urls(source)) | (settings.allow_private or frozenset())
    return dataclasses.replace(settings, allow_private=allowed)


def plan_scrape(ctx: ScrapeContext) -> ScrapePlan:
    """The source's items since `options.since`; a listing page that fails ends the listing, recorded."""
    started = time.monotonic()
    items: dict[str, Item] = {}
    errors: list[ErrorRecord] = []
    listed: set[str] = set()
    try:
        for item in ctx.source.list_items(ctx.fetcher, ctx.options.since):
            items.setdefault(item.url, item)
        listed.add(_source_key(ctx))
    except FetchError as exc:
        errors.append(_fetch_error(ctx, exc))
    except Exception as exc:  # a source's bug or a page it cannot parse: recorded, the items so far kept
        reason = f"listing stopped: {type(exc).__name__}: {exc}"[:300]
        errors.append(error_row(_source_key(ctx), None, "fetch", "listing_failed", reason, ctx.run_id,
                                dt.datetime.now(dt.UTC)))
    listed |= set(ctx.fetcher.seen)  # only the listing has fetched anything yet: its pages and robots.txt
    return ScrapePlan(
        run_id=ctx.run_id,
        out_dir=ctx.out_dir,
        started=started,
        items=list(items.values()),
        listing_errors=errors,
        has_dataset=has_dataset(ctx.out_dir),  # a dangling link is no dataset
        listed=listed - set(items),
    )


def scrape_items(ctx: ScrapeContext, items: Sequence[Item]) -> ScrapeResult:
    """Fetch and extract a batch of items, `options.workers` at a time. Never raises for a bad page."""
    result = ScrapeResult()
    # One limited child parses the batch's documents for every thread: they took turns on the GIL anyway.
    with LimitedParser() as parser, ThreadPoolExecutor(max_workers=ctx.options.workers,
                                                       thread_name_prefix="scrape") as pool:
        for item_result in pool.map(lambda item: _scrape_item(ctx, item, parser), items):
            result.merge(item_result)
    return result


def finish_scrape(ctx: ScrapeContext, plan: ScrapePlan, results: Iterable[ScrapeResult]) -> ScrapeSummary:
    """Commit the changes as one new version (none when nothing changed), then save the scrape state."""
    total = ScrapeResult()
    for error in plan.listing_errors:
        total.seen.add(error.source)
        _record_error(ctx, total, error)
    for result in results:
        total.merge(result)
    # A listing page that failed last time and was read now: its old error row goes (items clear their own).
    total.replaced_errors |= {url for url in plan.listed if url in ctx.errors_before}
    rows: dict[str, list[BaseModel]] = {table: list(total.rows.get(table, [])) for table in TABLES}
    changed = bool(total.replaced or total.replaced_errors)
    write = changed or not plan.has_dataset
    bodies = RunBodies()
    if write:
        bodies = prepare_responses(ctx.out_dir, rows, None, total.replaced)  # request groups span the dataset
        dataset_rows = commit(
            ctx.out_dir, rows, total.replaced, ctx.run_id, replaced_errors=total.replaced_errors
        ).tables
    else:
        dataset_rows = open_dataset(ctx.out_dir).manifest.tables
    state = load_state(ctx.out_dir, ctx.source.name)
    state.update(ctx.fetcher.seen)
    save_state(ctx.out_dir, ctx.source.name, state)
    errors = [row for row in rows["errors"] if isinstance(row, ErrorRecord)]
    return ScrapeSummary(
        run_id=ctx.run_id,
        dataset=ctx.out_dir,
        version_written=write,
        documents_seen=len(total.seen),
        skipped_unchanged=len(total.unchanged),
        processed=len(total.replaced | total.replaced_errors),
        failed=len({e.source for e in errors}),
        still_failing_unchanged=len(total.still_failing),
        failures=group_failures(errors),
        rows_added={table: len(table_rows) for table, table_rows in rows.items()},
        dataset_rows=dataset_rows,
        seconds=round(time.monotonic() - plan.started, 3),
        unknown_bodies=dict(bodies.unknown),
        source=ctx.source.name,
        items_listed=len(plan.items),
        requests=ctx.fetcher.requests,
        not_modified=ctx.fetcher.not_modified,
    )


def run_scrape(source: Source, out_dir: str, options: ScrapeOptions | None = None) -> ScrapeSummary:
    """The whole scrape in plain Python, exactly as the Prefect flow runs it."""
    ctx = open_context(source, out_dir, options or ScrapeOptions())
    with ctx.fetcher:
        plan = plan_scrape(ctx)
        results = [scrape_items(ctx, batch) for batch in plan.batches(ctx.options.items_per_batch)]
        return finish_scrape(ctx, plan, results)


# ---- one item -----------------------------------------------------------------------------------------------


def _scrape_item(ctx: ScrapeContext, item: Item, parser: LimitedParser) -> ScrapeResult:
    result = ScrapeResult()
    if not ctx.claim(item.url):
        return result
    page = _fetch(ctx, result, item.url)
    if page is None:
        return result
    origin = Origin(ctx.source.name, page.fetched_at, body=item.body, platform_status=item.platform_status)
    document = _extract(ctx, result, page, origin, parser)
    if document is None:
        return result
    links = list(ctx.source.attachments(item, document))
    if len(links) > MAX_ATTACHMENTS_PER_PAGE:
        # One page must not turn into 100,000 downloads; the first are kept (pages list the reply first).
        reason = (f"the page links {len(links):,} attachments; foidata follows the first "
                  f"{MAX_ATTACHMENTS_PER_PAGE:,} attachments of a page")
        at = dt.datetime.now(dt.UTC)
        _record_error(ctx, result, error_row(item.url, None, "fetch", "too_many_attachments", reason, ctx.run_id, at))
    for link in links[:MAX_ATTACHMENTS_PER_PAGE]:
        if not ctx.claim(link.url):
            continue
        attachment = _fetch(ctx, result, link.url)
        if attachment is not None:
            linked = Origin(ctx.source.name, attachment.fetched_at, body=item.body, parent_source=item.url,
                            platform_status=item.platform_status)
            _extract(ctx, result, attachment, linked, parser)
    return result


def _fetch(ctx: ScrapeContext, result: ScrapeResult, url: str) -> Fetched | None:
    result.seen.add(url)
    try:
        return ctx.fetcher.get(url)
    except FetchError as exc:
        _record_error(ctx, result, _fetch_error(ctx, exc))
        return None


def _extract(ctx: ScrapeContext, result: ScrapeResult, fetched: Fetched, origin: Origin,
             parser: LimitedParser) -> Document | None:
    """Extract a fetched document unless the dataset holds these exact bytes already; return the parsed
    document when it is a page (its links lead to the attachments), else None."""
    url = fetched.url
    if ctx.known.get(url) == (fetched.sha256, EXTRACTOR_VERSION):
        result.unchanged.add(url)
        return _page_for_links(fetched)
    processed = process_safely(url, fetched.data, ctx.run_id, fetched.fetched_at, origin=origin, parser=parser)
    for table, table_rows in processed.rows.items():
        result.rows[table].extend(table_rows)
    result.replaced.add(url)
    return processed.document


def _page_for_links(fetched: Fetched) -> Document | None:
    """An unchanged page is parsed again only for its links (HTML is cheap); other files have none."""
    if sniff(fetched.data, fetched.url) != "text/html":
        return None
    try:
        return read_bytes(fetched.data, fetched.url)
    except ReadError:
        return None


def _source_key(ctx: ScrapeContext) -> str:
    """The errors table's `source` for a failure of the source's listing as a whole."""
    return f"source:{ctx.source.name}"


def _fetch_error(ctx: ScrapeContext, exc: FetchError) -> ErrorRecord:
    return error_row(exc.url, None, "fetch", exc.error_type, exc.reason, ctx.run_id, dt.datetime.now(dt.UTC))


def _record_error(ctx: ScrapeContext, result: ScrapeResult, error: ErrorRecord) -> None:
    """A new failure is recorded; the same failure as last run changes nothing (no new version for it)."""
    if error.error_type in ctx.errors_before.get(error.source, set()):
        result.still_failing.add(error.source)
        return
    result.rows["errors"].append(error)
    result.replaced_errors.add(error.source)
