"""The spend report's HTML page in headless Chromium (Debian's `chromium` package): the chart renders with
every body and year, each bar leads to its figure's row, and each row's link opens the row's own source at
the figure. Skipped where chromium is not installed (`.ci/run` installs it when it can)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from click.testing import CliRunner
from lxml import html
from PIL import Image
from publish_support import sample_dataset

from foidata.cli import cli
from foidata.output import read_table
from foidata.output.report import SpendReport, load_topics, read_figures, spend_report
from foidata.output.report.chart_svg import period_colour

CHROMIUM = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

# Flags for a headless run that never reaches the network or needs a display, a GPU or a sandbox.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def chromium(profile: Path, *args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, SpendReport]:
    root = tmp_path_factory.mktemp("browser")
    data = sample_dataset(root)
    target = root / "ict.html"
    result = CliRunner().invoke(cli, ["report", "spend", "--topic", "ict", "--data", str(data), "--quiet",
                                      "--html", str(target)])
    assert result.exit_code == 0, result.output
    return target, data, spend_report(read_figures(data), load_topics()["ict"])


def test_the_chart_renders_with_every_body_and_year(page: tuple[Path, Path, SpendReport], tmp_path: Path) -> None:
    target, _data, report = page
    shot = tmp_path / "report.png"
    chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,4000", target.as_uri())
    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20) or []
    counts = {"#{:02X}{:02X}{:02X}".format(*rgb): n for n, rgb in colours}
    for index, period in enumerate(report.periods):
        assert counts.get(period_colour(index), 0) > 100, f"no bars drawn for {period}"

    dom = html.fromstring(chromium(tmp_path / "profile2", "--dump-dom", target.as_uri()))
    for kind in report.kinds:
        (svg,) = dom.xpath(f'//*[local-name()="svg"][@data-kind="{kind}"]')
        bars = svg.xpath('.//*[local-name()="rect"][@class="bar"]')
        drawn = {(r.get("data-body"), r.get("data-period")) for r in bars}
        wanted = {e.cell[0::2] for e in report.headlines if e.kind == kind}
        assert drawn == wanted, kind
        labels = set(svg.xpath('.//*[local-name()="text"][@class="body-label"]/text()'))
        assert labels == set(report.bodies(kind))
        legend = svg.xpath('.//*[local-name()="text"][@class="legend-period"]/text()')
        assert legend == report.periods_for(kind)
    essex = dom.xpath("//*[@data-body='Essex Police'][@data-amount]")
    assert {(r.get("data-period"), r.get("data-amount")) for r in essex} == {
        ("2020/21", "6800000.00"), ("2021/22", "4900000.00")}


def test_links_resolve_to_the_rows_sources(page: tuple[Path, Path, SpendReport], tmp_path: Path) -> None:
    target, data, _report = page
    dom = html.fromstring(chromium(tmp_path / "profile", "--dump-dom", target.as_uri()))
    sources = set(read_table(data, "responses", ["source"]).column("source").to_pylist())
    rows = dom.xpath('//table[@class="figures"]//tr[@id]')
    assert rows
    for row in rows:
        (link,) = row.xpath('.//a[@class="source"]')
        assert urlsplit(link.get("href")).scheme == ""  # relative to the page: the two can move together
        href = urlsplit(urljoin(target.as_uri(), link.get("href")))
        path = Path(unquote(href.path))
        assert href.scheme == "file" and path.is_file()
        assert str(path) == row.get("data-source") and row.get("data-source") in sources
    # Every bar leads to the row of the figure it draws.
    ids = {row.get("id"): row for row in rows}
    for bar in dom.xpath('//*[local-name()="rect"][@class="bar"]'):
        anchor = bar.getparent().get("href")
        row = ids[anchor.lstrip("#")]
        assert (row.get("data-body"), row.get("data-period")) == (bar.get("data-body"), bar.get("data-period"))

    # Essex's source opened through its link holds the sentence the report quotes.
    (essex,) = [r for r in rows if r.get("data-body") == "Essex Police" and "£6.8m" in r.text_content()]
    link = urljoin(target.as_uri(), essex.xpath('.//a[@class="source"]')[0].get("href"))
    quoted = essex.xpath('.//td[@class="sentence"]')[0].text_content()
    source_dom = html.fromstring(chromium(tmp_path / "profile3", "--dump-dom", link))
    assert quoted.rstrip(".") in " ".join(source_dom.text_content().split())
