"""`foidata report spend` on the sample corpus: Essex Police's ICT capital programme (£6.8m in 2020/21, c£4.9m
in 2021/22) beside other bodies' figures, in all four forms; and the rules behind it (topics, never summing)."""

from __future__ import annotations

import csv
import doctest
import io
import itertools
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from click.testing import CliRunner
from PIL import Image
from publish_support import sample_dataset

from foidata.cli import cli
from foidata.output.report import Entry, SpendReport, load_topics, read_figures, spend_report
from foidata.output.report.money import compact
from foidata.output.report.topics import TopicError, term_pattern

ESSEX = "Essex Police"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_dataset(tmp_path_factory.mktemp("spend"))


@pytest.fixture(scope="module")
def report(data: Path) -> SpendReport:
    return spend_report(read_figures(data), load_topics()["ict"])


def headline(report: SpendReport, body: str, period: str, kind: str = "capital") -> Entry:
    entry = report.cell(body, kind, period)
    assert entry is not None, (body, kind, period)
    return entry


def test_essex_capital_programme_beside_other_bodies(report: SpendReport) -> None:
    first, second = headline(report, ESSEX, "2020/21"), headline(report, ESSEX, "2021/22")
    assert (first.figure.amount, first.figure.approximate) == (Decimal("6800000.00"), False)
    assert (second.figure.amount, second.figure.approximate) == (Decimal("4900000.00"), True)
    assert "capital programme" in first.figure.quote.text and first.figure.quote.figure == "£6.8m"
    others = [b for b in report.bodies("capital") if b != ESSEX]
    assert len(others) >= 5 and "Kent Police" in others and "Merseyside Police" in others
    assert {"2020/21", "2021/22"} <= set(report.periods)


def test_figures_are_never_summed_the_largest_stands_for_its_cell(report: SpendReport) -> None:
    # Lincolnshire's table (£000) prints five lines and their total for each year: the total is shown.
    lincs = headline(report, "Lincolnshire Police", "2021/22")
    assert lincs.figure.amount == Decimal("2290000.00") and lincs.others == 5
    assert lincs.figure.quote.text == "ICT capital programme (£000) — Total, 2021/22: 2,290"
    # Kent's revenue budget is a different kind, never mixed into its capital cell.
    assert headline(report, "Kent Police", "2021/22").figure.amount == Decimal("5200000.00")
    assert headline(report, "Kent Police", "2021/22", "revenue").figure.amount == Decimal("14380000.00")


def test_cost_limits_and_ransoms_are_not_ict_spending(report: SpendReport) -> None:
    printed = {e.figure.printed for e in report.entries}
    assert "£450" not in printed and "£25" not in printed and "£10,000" not in printed


def test_terms_in_capitals_match_only_in_capitals() -> None:
    pattern = term_pattern(["IT", "information technology", "IM&T"])
    assert pattern is not None
    assert pattern.search("the IT budget") and pattern.search("Information Technology") and pattern.search("IM&T")
    assert not pattern.search("it cost") and not pattern.search("ITEM") and not pattern.search("IM&TX")


def test_a_bad_topics_table_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "topics.toml"
    bad.write_text('[ict]\nterms = ["IT"]\nmatch_in = ["nowhere"]\n', encoding="utf-8")
    with pytest.raises(TopicError, match="match_in"):
        load_topics(bad)
    result = CliRunner().invoke(cli, ["report", "spend", "--topics", str(bad), "--data", str(tmp_path)])
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "match_in" in result.output


@pytest.mark.parametrize(("body", "message"), [
    (None, "cannot read the topics table: No such file"), ("[ict\n", "not valid TOML"),
])
def test_an_unreadable_topics_table_names_the_file(tmp_path: Path, body: str | None, message: str) -> None:
    table = tmp_path / "topics.toml"
    if body is not None:
        table.write_text(body, encoding="utf-8")
    with pytest.raises(TopicError, match=f"^{re.escape(str(table))}: {message}"):
        load_topics(table)


@pytest.mark.parametrize(("amount", "approximate", "text"), [
    ("6800000", False, "£6.8m"), ("4900000", True, "c£4.9m"), ("3904210", False, "£3.9m"),
    ("412950", False, "£413k"), ("450", False, "£450"), ("25.5", False, "£25.50"), ("1500000000", False, "£1.5bn"),
])
def test_compact_money(amount: str, approximate: bool, text: str) -> None:
    assert compact(Decimal(amount), approximate=approximate) == text


def test_the_four_forms(data: Path, tmp_path: Path) -> None:
    files = {kind: tmp_path / f"ict.{kind}" for kind in ("csv", "html", "png")}
    result = CliRunner().invoke(cli, [
        "report", "spend", "--topic", "ict", "--data", str(data),
        "--csv", str(files["csv"]), "--html", str(files["html"]), "--png", str(files["png"]),
    ])
    assert result.exit_code == 0, result.output

    # Terminal: Essex's row holds both figures, beside other bodies' rows.
    essex = next(line for line in result.output.splitlines() if ESSEX in line and "capital" in line)
    assert "£6.8m" in essex and "c£4.9m" in essex
    assert "Kent Police" in result.output and "Merseyside Police" in result.output

    # CSV: every figure, exact, with its sentence and source.
    rows = list(csv.DictReader(io.StringIO(files["csv"].read_text(encoding="utf-8"))))
    essex_rows = {r["period"]: r for r in rows if r["body"] == ESSEX and r["charted"] == "true"}
    assert essex_rows["2020/21"]["amount"] == "6800000.00" and essex_rows["2020/21"]["approximate"] == "false"
    assert essex_rows["2021/22"]["amount"] == "4900000.00" and essex_rows["2021/22"]["approximate"] == "true"
    assert all(r["printed"] in r["sentence"] for r in rows)
    assert essex_rows["2020/21"]["source"].endswith("s001.html")

    # HTML: the chart has Essex's two bars; the sentence is quoted with the figure marked.
    page = files["html"].read_text(encoding="utf-8")
    assert 'data-body="Essex Police" data-period="2020/21" data-amount="6800000.00"' in page
    assert 'data-body="Essex Police" data-period="2021/22" data-amount="4900000.00"' in page
    assert "<mark>£6.8m</mark>" in page and "<script" not in page and "http" not in page.split("<body>")[0]

    # PNG: a real image, wide enough for an article.
    with Image.open(files["png"]) as image:
        assert image.format == "PNG" and image.width >= 1200 and image.height >= 600


def test_csv_to_stdout_and_quiet(data: Path) -> None:
    runner = CliRunner()
    as_csv = runner.invoke(cli, ["report", "spend", "--data", str(data), "--csv", "-", "--kind", "capital",
                                 "--body", "essex"])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [r["printed"] for r in rows] == ["£6.8m", "c£4.9m"]
    quiet = runner.invoke(cli, ["report", "spend", "--data", str(data), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_data_defaults_to_foidata_toml(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "foidata.toml").write_text(f'[output]\ndata = "{data}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["report", "spend", "--kind", "capital"])
    assert result.exit_code == 0, result.output
    assert "£6.8m" in result.output


def test_an_unnamed_body_is_labelled_by_its_response_and_listed_last(report: SpendReport) -> None:
    # s005 and s013 name no body: each is labelled by its own reference, apart from the other, after the
    # named bodies; no label is a bare file name.
    labels = report.bodies()
    assert labels[-2:] == ["Unnamed body (ref. 1187-23)", "Unnamed body (ref. FOI-2024-04156)"]
    assert not any(label.startswith("(unnamed") or ".html" in label for label in labels)
    assert headline(report, "Unnamed body (ref. FOI-2024-04156)", "2021/22", "revenue").figure.amount == Decimal(
        "9860000.00")


def test_a_body_the_register_resolved_is_labelled_by_its_register_name(report: SpendReport) -> None:
    figure = replace(report.entries[0].figure, body=None, register_name="Essex Police")
    assert figure.named and figure.body_label == "Essex Police"
    unnamed = replace(figure, register_name=None, source="https://www.example.gov.uk/foi/1", reference="X1")
    assert not unnamed.named and unnamed.body_label == "Unnamed body (www.example.gov.uk)"


def test_source_links_are_relative_to_the_page_and_the_csv(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "site" / "reports"
    result = CliRunner().invoke(cli, ["report", "spend", "--data", str(data), "--quiet",
                                      "--html", str(out / "ict.html"), "--csv", str(out / "ict.csv")])
    assert result.exit_code == 0, result.output
    page = (out / "ict.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'class="source" href="([^"]+)"', page)
    rows = list(csv.DictReader(io.StringIO((out / "ict.csv").read_text(encoding="utf-8"))))
    assert hrefs and "file:" not in page and all(not r["link"].startswith("file:") for r in rows)
    for href, row in zip(hrefs, rows, strict=True):  # the page lists the figures in the CSV's order
        target = urlsplit(urljoin((out / "ict.html").as_uri(), href))
        assert Path(unquote(target.path)) == Path(row["source"]).resolve()
        assert href == row["link"]


def test_figures_doctests() -> None:
    import foidata.output.report.figures

    assert doctest.testmod(foidata.output.report.figures).failed == 0


def test_svg_bars_are_packed_and_centred_on_their_body_label(report: SpendReport) -> None:
    from xml.etree import ElementTree

    from foidata.output.report.chart_svg import BAR, BAR_GAP, chart_svg

    uneven = False
    for kind in report.kinds:
        svg = ElementTree.fromstring(chart_svg(report, kind, {}))
        groups = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "body"]
        assert [g.get("data-body") for g in groups] == report.bodies(kind)
        for group in groups:
            (label,) = [t for t in group.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "body-label"]
            middle = float(label.get("y", "")) - 4  # the label's baseline sits 4px below the row's middle
            tops = sorted(float(r.get("y", "")) for r in group.iter("{http://www.w3.org/2000/svg}rect"))
            uneven |= 0 < len(tops) < len(report.periods_for(kind))
            centres = [top + BAR / 2 for top in tops]
            assert abs(sum(centres) / len(centres) - middle) < 0.5, group.get("data-body")
            assert all(b - a == BAR + BAR_GAP for a, b in itertools.pairwise(tops)), group.get("data-body")  # packed
    assert uneven  # the sample has a body lacking some years, the case that drifted


def test_png_bars_are_packed_and_centred_on_their_body_row(report: SpendReport) -> None:
    from foidata.output.report.render_png import bar_layout, bar_width

    uneven = False
    for kind in report.kinds:
        rows: dict[int, list[float]] = {}
        for row, _period, _entry, y in bar_layout(report, kind):
            rows.setdefault(row, []).append(y)
        assert sorted(rows) == list(range(len(report.bodies(kind))))
        width = bar_width(report, kind)
        for row, ys in rows.items():
            uneven |= len(ys) < len(report.periods_for(kind))
            assert abs(sum(ys) / len(ys) - row) < 1e-9, (kind, row)
            assert all(abs(b - a - width) < 1e-9 for a, b in itertools.pairwise(ys)), (kind, row)
    assert uneven
