"""Round-robin requests: one question sent to 8 forces forms one group (an unrelated request with a similar
title does not join it), the group survives re-runs and later additions, and `foidata groups`, `compare`
and `report timeliness` show it."""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import foidata.output.groups
from foidata.cli import cli
from foidata.flows.ingest import run_ingest
from foidata.output import connect, read_table
from foidata.output.groups import GroupMember, assign_groups

GROUP = Path(__file__).parents[1] / "fixtures" / "bodies" / "group"
FORCES = ("cumbria", "durham", "essex", "kent", "lancashire", "norfolk", "surrey", "sussex")
QUESTION = ("Please provide the following information about body worn video cameras used by your force. 1. How many "
            "body worn video cameras did the force have in use at the end of each financial year?")


def _groups(data: Path) -> dict[str, str | None]:
    rows = read_table(data, "responses", ["source", "request_group_id"]).to_pylist()
    return {Path(r["source"]).stem: r["request_group_id"] for r in rows}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("compare") / "data"
    summary = run_ingest([str(GROUP)], str(data))
    assert summary.ok and summary.processed == 9
    return data


def test_doctests() -> None:
    assert doctest.testmod(foidata.output.groups).failed == 0


def test_one_question_to_eight_forces_is_one_group(dataset: Path) -> None:
    groups = _groups(dataset)
    ids = {groups[force] for force in FORCES}
    assert len(ids) == 1 and None not in ids
    assert groups["unrelated_thames_valley"] not in ids


def test_group_rows_carry_the_comparable_columns(dataset: Path) -> None:
    con = connect(dataset)
    rows = con.execute(
        """SELECT body_id, outcome, late FROM responses WHERE request_group_id IS NOT NULL
           AND body_id <> 'thames-valley-police' ORDER BY body_id"""
    ).fetchall()
    assert [r[0] for r in rows] == [f"{f}-police" for f in FORCES]
    assert sorted(r[0] for r in rows if r[1] == "refused") == ["cumbria-police", "norfolk-police"]
    assert sorted(r[0] for r in rows if r[2]) == ["cumbria-police", "surrey-police", "sussex-police"]
    years = con.execute(
        "SELECT DISTINCT fy_start FROM money JOIN responses USING (response_id) WHERE body_id = 'durham-police'"
    ).fetchall()
    assert sorted(y for (y,) in years) == [2020, 2021, 2022]
    kinds = con.execute(
        """SELECT spend_type, count(*) FROM money JOIN responses USING (response_id)
           WHERE body_id = 'lancashire-police' GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    assert kinds == [("capital", 3), ("revenue", 3)]


def test_groups_command_lists_the_group_with_its_bodies(dataset: Path) -> None:
    result = CliRunner().invoke(cli, ["groups", "--data", str(dataset)])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("rg-")]
    assert line.split()[1:5] == ["8", "8", "6", "2"]
    assert "(1 row)" in result.output
    everything = CliRunner().invoke(cli, ["groups", "--data", str(dataset), "--all"])
    assert "(2 rows)" in everything.output


def test_compare_shows_every_body_with_outcome_sections_and_sourced_figures(dataset: Path) -> None:
    gid = _groups(dataset)["kent"]
    assert gid is not None
    result = CliRunner().invoke(cli, ["compare", gid, "--data", str(dataset)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Group {gid}: 8 responses from 8 bodies" in out
    table = {line.split("  ")[0]: line for line in out.splitlines()}
    for name in ("Cumbria Constabulary", "Durham Constabulary", "Essex Police", "Kent Police",
                 "Lancashire Constabulary", "Norfolk Constabulary", "Surrey Police", "Sussex Police"):
        assert name in table, name
    assert "refused" in table["Cumbria Constabulary"] and "s.31(1)(a), s.43(2)" in table["Cumbria Constabulary"]
    assert "refused" in table["Norfolk Constabulary"] and "s.12(1)" in table["Norfolk Constabulary"]
    assert "full_disclosure" in table["Kent Police"] and "£412,000 [" in table["Kent Police"]
    header = next(line for line in out.splitlines() if line.startswith("body "))
    assert header.split()[-5:] == ["2020/21", "2021/22", "2022/23", "(no", "year)"]
    # Durham printed its years three ways; they land in the same columns as everyone else's.
    assert all(amount in table["Durham Constabulary"] for amount in ("£120,000", "£130,500", "£133,000"))
    assert "Thames Valley" not in out
    sources = [line for line in out.splitlines() if line.strip().startswith("[")]
    assert len(sources) == 22 and all("/group/" in line and " chars " in line for line in sources)


def test_compare_csv_has_a_line_per_figure_and_per_response_without_one(dataset: Path) -> None:
    gid = _groups(dataset)["kent"]
    assert gid is not None
    result = CliRunner().invoke(cli, ["compare", gid, "--data", str(dataset), "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("response_id,body,body_id,outcome,sections")
    assert len(lines) == 1 + 22 + 1  # 22 figures (Norfolk's £450 among them) and Cumbria without one


def test_compare_unknown_group_is_an_error(dataset: Path) -> None:
    result = CliRunner().invoke(cli, ["compare", "rg-nothing", "--data", str(dataset)])
    assert result.exit_code == 1 and "no responses in group" in result.output


def test_report_timeliness_per_body_and_year(dataset: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "timeliness", "--data", str(dataset)])
    assert result.exit_code == 0, result.output
    sussex = next(line for line in result.output.splitlines() if line.startswith("Sussex Police"))
    assert sussex.split()[2:] == ["2024", "1", "1", "25.0", "25", "1", "100.0"]
    by_year = CliRunner().invoke(cli, ["report", "timeliness", "--data", str(dataset), "--by", "year"])
    assert by_year.output.splitlines()[2].split() == ["2024", "9", "9", "20.0", "32", "3", "33.3"]


def test_groups_are_stable_across_runs_and_grow(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for path in GROUP.iterdir():
        target = first if path.stem in FORCES[:5] else second
        shutil.copy(path, target / path.name)
    data = tmp_path / "data"
    run_ingest([str(first)], str(data))
    before = _groups(data)
    assert len({before[f] for f in FORCES[:5]}) == 1
    run_ingest([str(first), str(second)], str(data))
    after = _groups(data)
    assert {after[f] for f in FORCES} == {before["kent"]}  # the later three joined the group already there
    assert after["unrelated_thames_valley"] != before["kent"]
    # A changed document is re-read and keeps its group.
    (first / "kent.html").write_text((first / "kent.html").read_text().replace("2,310", "2,311"))
    summary = run_ingest([str(first), str(second)], str(data))
    assert summary.processed == 1
    assert _groups(data) == after


def test_assign_groups_new_against_existing() -> None:
    new = [GroupMember("b2", QUESTION.replace("your force", "the force"), None),
           GroupMember("c3", "How many horses does the mounted branch keep, and at how many stables?", None),
           GroupMember("d4", None, "Short"),
           GroupMember("e5", None, None)]
    existing = [GroupMember("a1", QUESTION, None, "rg-a1")]
    assert assign_groups(new, existing) == {"b2": "rg-a1", "c3": "rg-c3"}


def test_assign_groups_by_title_needs_a_near_exact_title() -> None:
    title = "Body worn video cameras - numbers, spend and supplier"
    new = [GroupMember("a", None, title), GroupMember("b", None, title.upper()),
           GroupMember("c", None, "Body worn video cameras - footage retention and requests")]
    got = assign_groups(new)
    assert got["a"] == got["b"] == "rg-a" and got["c"] == "rg-c"
