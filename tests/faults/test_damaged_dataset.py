"""A commit verifies the version it builds on (issue 19): a `current` pointing at a missing version, or a
table file missing, cut or changed, is refused in one line naming `foidata check`; no version is pruned; and
`foidata check --repair` makes the newest sound version current."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from foidata.cli import cli
from foidata.flows import run_ingest
from foidata.output import DamagedDataset, open_dataset, read_table, roll_back, verify_current
from foidata.output.staging import STAGING


def _three_versions(corpus: Path, out: Path) -> list[str]:
    """A dataset with three versions (each run changes one file)."""
    run_ingest([str(corpus)], str(out))
    for n in (1, 2):
        (corpus / f"extra{n}.txt").write_text(f"FOI 99{n}: the cost was £{n}00.", encoding="utf-8")
        run_ingest([str(corpus)], str(out))
    return sorted(os.listdir(out / "versions"))


def _current(out: Path) -> str:
    return os.path.basename(os.readlink(out / "current"))


def test_current_pointing_at_a_missing_version_is_refused_and_nothing_is_pruned(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    versions = _three_versions(corpus, out)
    (out / "current").unlink()
    (out / "current").symlink_to(os.path.join("versions", "20991231T000000Z-gone00"))
    (corpus / "new.txt").write_text("FOI 777: new.", encoding="utf-8")
    with pytest.raises(DamagedDataset) as refused:
        run_ingest([str(corpus)], str(out))
    assert "foidata check" in str(refused.value) and "\n" not in str(refused.value)
    assert sorted(os.listdir(out / "versions")) == versions  # nothing pruned, nothing added


@pytest.mark.parametrize("damage", ["missing", "truncated", "flipped"])
def test_damaged_table_file_is_refused_not_read_as_empty(corpus: Path, tmp_path: Path, damage: str) -> None:
    out = tmp_path / "data"
    versions = _three_versions(corpus, out)
    table = out / "current" / "responses.parquet"
    data = table.read_bytes()
    if damage == "missing":
        table.unlink()
    elif damage == "truncated":
        table.write_bytes(data[: len(data) // 2])
    else:
        table.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    (corpus / "new.txt").write_text("FOI 777: new.", encoding="utf-8")
    with pytest.raises(DamagedDataset, match="foidata check"):
        run_ingest([str(corpus)], str(out))
    assert sorted(os.listdir(out / "versions")) == versions
    assert not (out / STAGING).exists() or not os.listdir(out / STAGING)


def test_commit_itself_refuses_when_the_damage_comes_after_planning(corpus: Path, tmp_path: Path) -> None:
    from foidata.flows.ingest import finish_ingest, plan_ingest, process_batches

    out = tmp_path / "data"
    versions = _three_versions(corpus, out)
    (corpus / "new.txt").write_text("FOI 777: new.", encoding="utf-8")
    plan = plan_ingest([str(corpus)], str(out))
    results = process_batches(plan.batches)
    (out / "current" / "money.parquet").unlink()
    with pytest.raises(DamagedDataset):
        finish_ingest(plan, results)
    assert sorted(os.listdir(out / "versions")) == versions


def test_roll_back_makes_the_newest_sound_version_current(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    versions = _three_versions(corpus, out)
    newest = _current(out)
    previous = open_dataset(out).manifest.previous_run_id  # run ids of one second do not sort by time
    (out / "current" / "responses.parquet").unlink()
    assert roll_back(out) == (newest, previous)
    assert _current(out) == previous
    assert sorted(os.listdir(out / "versions")) == versions  # the damaged one is kept for inspection
    assert verify_current(out) is not None
    run_ingest([str(corpus)], str(out))  # and ingest works again on top of it
    assert len(read_table(out, "responses")) == 5


def test_check_repair_on_the_command_line(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    versions = _three_versions(corpus, out)
    newest = _current(out)
    (out / "current").unlink()
    (out / "current").symlink_to(os.path.join("versions", "20991231T000000Z-gone00"))
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "foidata check" in result.output
    result = CliRunner().invoke(cli, ["check", "--data", str(out), "--repair"])
    assert result.exit_code == 0, result.output
    assert _current(out) == newest and newest in result.output and newest in versions
    assert open_dataset(out).run_id == _current(out)


def _flip_footer(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-40] ^= 0xFF  # inside the Thrift footer: pyarrow and DuckDB cannot open the file at all
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("command", [["query", "SELECT count(*) FROM money"], ["export", "csv", "CSV"]])
def test_byte_flipped_parquet_is_one_line_naming_check(corpus: Path, tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "data"
    run_ingest([str(corpus)], str(out))
    _flip_footer(out / "current" / "money.parquet")
    args = [*command[:-1], "--data", str(out), command[-1]] if command[0] == "query" else \
        [*command[:-1], "--data", str(out), str(tmp_path / command[-1])]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.strip().count("\n") == 0 and "foidata check" in result.output
    assert "money.parquet" in result.output


def test_read_table_of_a_flipped_file_raises_the_dataset_error(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    run_ingest([str(corpus)], str(out))
    _flip_footer(out / "current" / "money.parquet")
    with pytest.raises(DamagedDataset, match="foidata check"):
        read_table(out, "money")
