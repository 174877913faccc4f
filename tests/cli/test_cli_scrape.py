"""`foidata scrape` and `foidata serve` from the command line; the scrape runs through the Prefect flow."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from sites import serve
from sites.police_site import build_site, make_items

from foidata.cli import cli
from foidata.output import read_table


def test_scrape_police_through_prefect_then_nothing_new(httpserver: HTTPServer, tmp_path: Path) -> None:
    site, _ = build_site(make_items(6, pdf_every=3))
    base = serve(httpserver, site)
    args = ["scrape", "police", "--force", "essex", "--base-url", base, "--out", str(tmp_path / "data"),
            "--rate", "20", "--contact", "desk@example.org"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "Source police:essex: 6 items listed" in first.output
    assert "8 processed, 0 failed" in first.output
    assert len(read_table(tmp_path / "data", "responses")) == 8
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 0, second.output
    assert "unchanged, no new version written" in second.output
    assert "10 requests (10 answered 304 Not Modified)" in second.output  # robots.txt, listing, 6 pages, 2 PDFs
    assert all("desk@example.org" in hit.headers["user-agent"] for hit in site.hits())


def test_scrape_reports_failures_with_exit_3(httpserver: HTTPServer, tmp_path: Path) -> None:
    site, _ = build_site(make_items(2, pdf_every=0))
    site.add("/robots.txt", f"User-agent: *\nDisallow: {make_items(2)[1].path}\n", "text/plain")
    base = serve(httpserver, site)
    result = CliRunner().invoke(
        cli, ["scrape", "police", "--force", "essex", "--base-url", base, "--out", str(tmp_path), "--rate", "20"]
    )
    assert result.exit_code == 3, result.output
    assert "fetch/robots_disallowed" in result.output


def test_scrape_checks_its_arguments(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli, ["scrape", "police", "--force", "atlantis", "--out", str(tmp_path)])
    assert unknown.exit_code == 2 and "unknown force 'atlantis'" in unknown.output
    both = runner.invoke(cli, ["scrape", "wdtk", "--out", str(tmp_path)])
    assert both.exit_code == 2 and "exactly one of --body or --search" in both.output
    forces = runner.invoke(cli, ["scrape", "forces"])
    assert forces.exit_code == 0 and "www.essex.police.uk" in forces.output


def test_serve_dry_run_shows_the_schedule(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("https://example.org/foi/1  # a page\n\nhttps://example.org/sitemap.xml\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["serve", "police:essex", "wdtk-search:ICT budget", f"urls:{urls}", "--out", "data/x",
              "--cron", "30 1 * * *", "--dry-run"],
    )
    assert result.exit_code == 0, result.output
    plans = json.loads(result.output)
    assert [p["name"] for p in plans] == ["scrape-police-essex", "scrape-wdtk-search-ICT-budget", plans[2]["name"]]
    assert {p["cron"] for p in plans} == {"30 1 * * *"}
    assert plans[1]["parameters"]["source_options"] == {"search": "ICT budget"}
    assert plans[2]["parameters"]["source_options"]["urls"] == [
        "https://example.org/foi/1", "https://example.org/sitemap.xml"
    ]
    bad = CliRunner().invoke(cli, ["serve", "ftp:thing", "--out", "x", "--dry-run"])
    assert bad.exit_code == 2 and "unknown source 'ftp'" in bad.output
