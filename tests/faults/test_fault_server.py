"""Scrapes of a force site that drops connections, stalls, rate-limits, errs, truncates and mislabels: the
dataset stays whole, every lasting fault is an error row, and a scrape after the site heals completes it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from faultkit.compare import differences, invariants
from faultkit.scrapes import (
    SETTINGS,
    STALL_SECONDS,
    VOLATILE,
    Scenario,
    expected,
    run_scenario,
    scenarios,
    scrape_reference,
)
from faultkit.server import Fault, FaultServer, ForceSite

from foidata.output import current_version_dir

SITE = ForceSite.build()
SCENARIOS = {scenario.name: scenario for scenario in scenarios(SITE)}


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    with FaultServer(SITE, stall_seconds=STALL_SECONDS) as running:
        yield running


@pytest.fixture(scope="module")
def reference(server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "data"
    assert scrape_reference(server, out) == []
    return out


@pytest.mark.parametrize("name", [name for name in SCENARIOS if name != "everything"])
def test_faults_cost_only_what_they_touch_and_a_healed_site_fills_the_gaps(
    name: str, server: FaultServer, reference: Path, tmp_path: Path
) -> None:
    report = run_scenario(server, SCENARIOS[name], tmp_path, reference)
    assert report.problems == []
    assert sum(report.injected.values()) >= len(SCENARIOS[name].faults)


def test_every_fault_at_once(server: FaultServer, reference: Path, tmp_path: Path) -> None:
    report = run_scenario(server, SCENARIOS["everything"], tmp_path, reference)
    assert report.problems == []
    assert set(report.injected) == {"status", "drop_before_headers", "stall", "truncated", "drop_after_headers",
                                    "content_type", "body"}
    assert report.errors == sorted([
        (SITE.page(1), "fetch", "network"),  # dropped before the headers, every time
        (SITE.pdf(0), "read", "binary"),  # garbage served as application/pdf
        (SITE.pdf(4), "fetch", "network"),  # truncated, every time
        (SITE.pdf(8), "fetch", "http_503"),
    ])
    assert report.missing == 0  # item 1 has no PDF: nothing sits behind the failed page
    assert report.filled == 4  # the healed run reads every one of them


def test_a_failed_page_hides_its_attachment_until_it_is_read() -> None:
    scenario = Scenario("t", "", {SITE.page(2): Fault("stall"), SITE.pdf(4): Fault("status", status=500, times=9)})
    want = expected(SITE, scenario, SETTINGS.retries)
    assert want.errors == {SITE.page(2): ("fetch", "timeout"), SITE.pdf(4): ("fetch", "http_500")}
    assert want.missing == {SITE.pdf(2)}
    assert want.requests == {SITE.page(2): 1 + SETTINGS.retries, SITE.pdf(4): 1 + SETTINGS.retries}


def test_the_checks_see_a_duplicated_row_and_a_lost_one(reference: Path, tmp_path: Path) -> None:
    """The invariants and the comparison must fail on a damaged dataset, or the scenarios prove nothing."""
    copy = tmp_path / "copy"
    shutil.copytree(reference, copy, symlinks=True)
    money = current_version_dir(copy) / "money.parquet"
    table = pq.read_table(money)
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), money)
    assert any("duplicate rows" in p for p in invariants(copy))
    assert any(p.startswith("money: 0 rows missing and 1 extra") for p in differences(copy, reference, VOLATILE))
    pq.write_table(table.slice(1), money)
    assert any(p.startswith("money: 1 rows missing") for p in differences(copy, reference, VOLATILE))
