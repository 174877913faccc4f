"""Scrapes of the fixture force site while chosen URLs misbehave, checked against a scrape of the clean site.

Each `Scenario` sets faults on the `FaultServer`, scrapes into a fresh dataset, checks it, heals the server
and scrapes again into the same dataset. `run_scenario` returns what happened and every problem found:

- the dataset opens, holds what its manifest says, and has no duplicate rows (`compare.invariants`);
- every document the faults did not touch has exactly the rows of the clean scrape;
- every lasting fault is one row in `errors` with the stage and error type the fault calls for, and nothing
  else is; a document behind a failed page (a PDF whose page failed, items of a failed listing page) is
  simply absent, to be found next time;
- the fetcher asked each faulted URL exactly as often as its retry policy says (one try plus `retries` for a
  lasting fault, one more than the fault's count for a passing one): no give-up too early, no hammering;
- after the server heals, one more scrape makes the dataset equal to the clean one, `errors` included.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from faultkit.compare import RUN_COLUMNS, differences, invariants, sources
from faultkit.server import REQUEST_FAULTS, ROBOTS_PATH, Fault, FaultServer, ForceSite, page_key
from foidata.flows.fetch import FetchSettings
from foidata.flows.scrape import ScrapeOptions, ScrapeSummary, run_scrape
from foidata.flows.sources import PoliceSource
from foidata.output import open_dataset

# Quick to retry, so a scenario takes seconds. A lasting stall costs (1 + retries) x timeout; four requests
# at a time let the others go on meanwhile. The timeout stays well above what a busy machine can add to a
# local answer: a good page that timed out would be retried and miscounted.
SETTINGS = FetchSettings(
    rate_per_host=200.0, concurrency_per_host=4, timeout=1.0, retries=2, backoff=0.02, max_wait=5.0
)
STALL_SECONDS = 3.0  # longer than SETTINGS.timeout: the client must give up first
# request_group_id is named after a member of the group, which depends on which documents came first; the
# groups themselves are compared instead (`_groups`).
VOLATILE = RUN_COLUMNS | {"request_group_id"}
GARBAGE = random.Random(8).randbytes(3000)


@dataclass(frozen=True)
class Scenario:
    name: str
    what: str  # one line for RELIABILITY.md
    faults: dict[str, Fault]

    def fault(self, key: str) -> Fault:
        return {page_key(path): fault for path, fault in self.faults.items()}[key]


def scenarios(site: ForceSite) -> list[Scenario]:
    """The fault scenarios over `ForceSite.build()` (10 items, listed 4 a page: 9-6, 5-2, 1-0; PDFs on the
    even ones). A count (x1, x2) within SETTINGS.retries is a passing fault the scrape must ride out."""
    page, pdf, listing = site.page, site.pdf, site.listings
    garbage_pdf = Fault("body", body=GARBAGE, content_type="application/pdf", expect=("read", "binary"))
    return [
        Scenario("dropped", "connections closed before the headers, or after them with no body", {
            page(1): Fault("drop_before_headers"),
            page(3): Fault("drop_before_headers", times=1),
            pdf(4): Fault("drop_after_headers"),
            page(5): Fault("drop_after_headers", times=2),
        }),
        Scenario("stalled", "no byte (or half a body, then nothing) for longer than the timeout", {
            page(7): Fault("stall"),
            pdf(8): Fault("stall_body", times=1),
            pdf(2): Fault("stall", times=1),
            pdf(6): Fault("stall_body"),
        }),
        Scenario("rate_limited", "429 with and without Retry-After, then OK; one 429 that never ends", {
            page(9): Fault("status", status=429, retry_after="1", times=1),
            page(6): Fault("status", status=429, times=2),
            page(5): Fault("status", status=429),
            pdf(0): Fault("status", status=503, retry_after="0", times=1),
        }),
        Scenario("server_errors", "500 and 502 that last, 500 and 503 that pass", {
            page(1): Fault("status", status=500),
            page(2): Fault("status", status=500, times=2),
            pdf(4): Fault("status", status=503, times=1),
            pdf(8): Fault("status", status=502),
        }),
        Scenario("listing_broken", "the last listing page fails; another is dropped once", {
            listing[2]: Fault("status", status=500),
            listing[1]: Fault("drop_before_headers", times=1),
        }),
        Scenario("truncated", "bodies shorter than their Content-Length", {
            pdf(0): Fault("truncated"),
            page(3): Fault("truncated", times=1),
            pdf(6): Fault("truncated", times=2),
            page(9): Fault("truncated"),
        }),
        Scenario("wrong_types", "PDFs as text/html, pages as application/pdf, garbage as application/pdf", {
            pdf(0): Fault("content_type", content_type="text/html; charset=utf-8"),
            page(1): Fault("content_type", content_type="application/pdf"),
            pdf(2): garbage_pdf,
            page(3): Fault("content_type", content_type="text/plain"),
            pdf(4): Fault("content_type", content_type="application/octet-stream"),
            pdf(6): Fault("body", body=b"%PDF-1.4\n" + GARBAGE, content_type="application/pdf",
                          expect=("read", "pdf_damaged")),
        }),
        Scenario("robots_unavailable", "robots.txt answers 503: the whole host is off limits for the run", {
            ROBOTS_PATH: Fault("status", status=503),
        }),
        Scenario("everything", "all of the above at once, on different URLs", {
            ROBOTS_PATH: Fault("status", status=429, retry_after="0", times=1),
            listing[2]: Fault("drop_before_headers", times=1),
            page(1): Fault("drop_before_headers"),
            pdf(0): garbage_pdf,
            page(2): Fault("stall", times=1),
            page(3): Fault("status", status=429, retry_after="1", times=1),
            pdf(4): Fault("truncated"),
            page(5): Fault("status", status=500, times=2),
            pdf(6): Fault("content_type", content_type="text/html"),
            page(7): Fault("drop_after_headers", times=1),
            pdf(8): Fault("status", status=503),
            page(9): Fault("content_type", content_type="application/pdf"),
        }),
    ]


@dataclass(frozen=True)
class Expected:
    errors: dict[str, tuple[str, str]]  # page key -> (stage, error_type) of its row in `errors`
    missing: set[str]  # page keys never reached: behind a failed page or listing page
    requests: dict[str, int]  # faulted page key -> requests the fetcher must make


def lasting(fault: Fault, retries: int) -> bool:
    """Whether the fault outlasts the fetcher's retries (content faults are 200s: never retried)."""
    if fault.kind not in REQUEST_FAULTS:
        return True
    return fault.times is None or fault.times > retries


def fetch_error_type(fault: Fault) -> str:
    if fault.kind == "status":
        return f"http_{fault.status}"
    return "timeout" if fault.kind in ("stall", "stall_body") else "network"


def expected(site: ForceSite, scenario: Scenario, retries: int) -> Expected:
    """What the faults must cost a scrape with `retries` retries."""
    faults = {page_key(path): fault for path, fault in scenario.faults.items()}
    errors: dict[str, tuple[str, str]] = {}
    missing: set[str] = set()
    requests: dict[str, int] = {}

    def reach(key: str) -> bool:
        """Ask for `key` as the scrape does; True when the scrape gets (some) bytes for it."""
        fault = faults.get(key)
        if fault is None:
            return True
        if fault.kind not in REQUEST_FAULTS:
            requests[key] = 1
            if fault.expect is not None:
                errors[key] = fault.expect
            return True
        if lasting(fault, retries):
            requests[key] = 1 + retries
            errors[key] = ("fetch", fetch_error_type(fault))
            return False
        requests[key] = 1 + (fault.times or 0)
        return True

    every = {key for item in site.items for key in site.documents(item)}
    if not reach(ROBOTS_PATH):
        # An unreachable robots.txt blocks the host: the first listing page is refused, nothing is listed.
        del errors[ROBOTS_PATH]
        errors[site.listings[0]] = ("fetch", "robots_unavailable")
        return Expected(errors, every, requests)
    for n, listing in enumerate(site.listings):
        if not reach(listing):
            missing |= {key for later in range(n, len(site.listings)) for item in site.listed_on(later)
                        for key in site.documents(item)}
            break
        for item in site.listed_on(n):
            if not reach(item.path) or item.path in errors:
                missing |= set(site.documents(item)[1:])  # its attachment is linked from the page that failed
            elif item.pdf_path is not None:
                reach(item.pdf_path)
    return Expected(errors, missing, requests)


@dataclass
class ScenarioReport:
    name: str
    what: str
    faulted_urls: int
    injected: dict[str, int]  # requests answered with a fault, by kind (both runs)
    errors: list[tuple[str, str, str]]  # (path, stage, error_type) recorded by the faulty run
    missing: int  # documents the faulty run could not reach
    filled: int  # documents the healed run added
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def scrape(server: FaultServer, out: Path, settings: FetchSettings = SETTINGS) -> ScrapeSummary:
    return run_scrape(PoliceSource("essex", base_url=server.base), str(out), ScrapeOptions(settings=settings))


def scrape_reference(server: FaultServer, out: Path) -> list[str]:
    """A scrape of the clean site into `out`; returns its problems (there should be none)."""
    server.heal()
    summary = scrape(server, out)
    want = sum(len(server.site.documents(item)) for item in server.site.items)
    problems = invariants(out)
    if summary.failed or len(sources(out)) != want:
        problems.append(f"the clean scrape read {len(sources(out))} of {want} documents, {summary.failed} failed")
    return problems


def run_scenario(server: FaultServer, scenario: Scenario, workdir: Path, reference: Path) -> ScenarioReport:
    started = time.monotonic()
    out = workdir / scenario.name
    base = server.base
    want = expected(server.site, scenario, SETTINGS.retries)
    problems: list[str] = []

    server.set_faults(scenario.faults)
    first = scrape(server, out)
    injected = server.injected()
    for key, count in sorted(want.requests.items()):
        asked = server.requests_to(key)
        if asked != count:
            problems.append(f"{key} was requested {asked} times, {count} expected ({scenario.fault(key).label()})")
    problems += [f"faulty run: {p}" for p in invariants(out)]

    recorded = {}
    for row in open_dataset(out).read("errors").to_pylist():
        key = page_key(row["source"].removeprefix(base))
        recorded[key] = (row["stage"], row["error_type"])
        if not row["reason"].strip():
            problems.append(f"the error row of {key} gives no reason")
    if recorded != want.errors:
        problems.append(f"errors recorded {_sorted(recorded)}, expected {_sorted(want.errors)}")
    if first.failed != len(want.errors):
        problems.append(f"the summary counts {first.failed} failed documents, {len(want.errors)} expected")

    unreached = {base + key for key in set(want.errors) | want.missing}
    good = sources(reference) - unreached
    if sources(out) != good:
        problems.append(f"faulty run: {len(sources(out))} documents read, {len(good)} expected")
    problems += [f"faulty run against the clean scrape: {p}" for p in differences(out, reference, VOLATILE, good)]
    before = len(sources(out))

    server.heal()
    healed = scrape(server, out)
    injected += server.injected()
    problems += [f"healed run: {p}" for p in invariants(out)]
    problems += [f"healed run against the clean scrape: {p}" for p in differences(out, reference, VOLATILE)]
    if _groups(out) != _groups(reference):
        problems.append("healed run: the request groups differ from the clean scrape's")
    if (want.errors or want.missing) and not healed.version_written:
        problems.append("healed run: no new version although documents had failed")
    return ScenarioReport(
        name=scenario.name,
        what=scenario.what,
        faulted_urls=len(scenario.faults),
        injected=dict(injected),
        errors=[(key, *found) for key, found in sorted(recorded.items())],
        missing=len(want.missing),
        filled=len(sources(out)) - before,
        problems=problems,
        seconds=round(time.monotonic() - started, 2),
    )


def _groups(out: Path) -> set[frozenset[str]]:
    """The request groups as sets of their members' sources: what must not depend on the order of runs."""
    members: dict[str, set[str]] = defaultdict(set)
    for row in open_dataset(out).read("responses", columns=["source", "request_group_id"]).to_pylist():
        if row["request_group_id"] is not None:
            members[row["request_group_id"]].add(row["source"])
    return {frozenset(group) for group in members.values()}


def _sorted(errors: dict[str, tuple[str, str]]) -> list[tuple[str, str, str]]:
    return [(key, *found) for key, found in sorted(errors.items())]
