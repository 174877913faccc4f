"""`foidata run` and foidata.toml: the nightly job as one command, its summary, and its errors in one line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from foidata.cli import cli
from foidata.cli import ingest as cli_ingest
from foidata.cli.config import ConfigError, load_config
from foidata.cli.ingest import sample_texts
from foidata.flows import IngestSummary, run_ingest


@pytest.fixture(autouse=True)
def without_prefect(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever else the flow takes (workers, a cluster), the plain ingest in this process answers the same.
    def run(paths: Sequence[str], out_dir: str, batch_size: int, *_more: object, **_named: object) -> IngestSummary:
        return run_ingest(list(paths), out_dir, batch_size, 1)

    monkeypatch.setattr(cli_ingest, "_run_flow", run)


def write_config(folder: Path, body: str) -> Path:
    path = folder / "foidata.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_dry_run_prints_each_step_as_a_command(tmp_path: Path) -> None:
    config = write_config(tmp_path, """
contact = "me@example.org"
[limits]
rate = 0.5
[output]
data = "data/essex"
sqlite = "exports/essex.db"
reports = "reports"
[[sources]]
police = "essex"
since = "2021-01-01"
[[sources]]
wdtk_search = "ICT capital programme"
""")
    result = CliRunner().invoke(cli, ["run", "--config", str(config), "--dry-run"])
    assert result.exit_code == 0, result.output
    data = tmp_path / "data" / "essex"  # paths are relative to the file, wherever cron starts
    assert result.output.splitlines() == [
        f"foidata scrape police --force essex --out {data} --rate 0.5 --workers 4 --since 2021-01-01 "
        "--contact me@example.org",
        f"foidata scrape wdtk --search 'ICT capital programme' --out {data} --rate 0.5 --workers 4 "
        "--contact me@example.org",
        f"foidata export sqlite {tmp_path / 'exports' / 'essex.db'} --data {data}",
        f"foidata report spend --topic ict --data {data} --quiet --html {tmp_path / 'reports' / 'spend-ict.html'} "
        f"--csv {tmp_path / 'reports' / 'spend-ict.csv'} --png {tmp_path / 'reports' / 'spend-ict.png'}",
    ]


def test_run_ingests_exports_and_reports(tmp_path: Path) -> None:
    config = write_config(tmp_path, f"""
[output]
data = "data"
sqlite = "out/foi.db"
csv = "out/csv"
reports = "out/reports"
[[sources]]
files = ["{sample_texts()}"]
""")
    result = CliRunner().invoke(cli, ["run", "--config", str(config)])
    assert result.exit_code == 0, result.output
    for made in ("data/current/money.parquet", "out/foi.db", "out/foi.metadata.json", "out/csv/datapackage.json",
                 "out/reports/spend-ict.html", "out/reports/spend-ict.csv", "out/reports/spend-ict.png"):
        assert (tmp_path / made).is_file(), made
    summary = result.output.split("Run summary: 4 steps", 1)[1].splitlines()[1:]
    assert [line.split()[0] for line in summary] == ["files:" + str(sample_texts()), "export", "export",
                                                     "report"]
    assert all(" ok " in line for line in summary)
    # The same file gives --data to the other commands.
    again = CliRunner().invoke(cli, ["report", "spend", "--quiet", "--csv", str(tmp_path / "x.csv")],
                               env={"FOIDATA_CONFIG": str(config)})
    assert again.exit_code == 0, again.output


def test_a_failing_step_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "unreadable").mkdir()
    (tmp_path / "unreadable" / "empty.txt").write_bytes(b"")
    config = write_config(tmp_path, """
[output]
data = "data"
csv = "out/csv"
[[sources]]
files = ["unreadable"]
""")
    result = CliRunner().invoke(cli, ["run", "--config", str(config)])
    assert result.exit_code == 3, result.output  # the empty file is an error row, like ingest's
    assert "export csv" in result.output and (tmp_path / "out" / "csv" / "errors.csv").is_file()


@pytest.mark.parametrize(("body", "message"), [
    ("[output]\ndata = 1\n", "output.data: Input should be a valid string"),
    ('[[sources]]\npolice = "essex"\nwdtk = "x"\n', "exactly one of"),
    ("[limits]\nrate = -1\n", "limits.rate"),
    ("[output\n", "not valid TOML"),
    ("[surprise]\n", "surprise: Extra inputs are not permitted"),
])
def test_config_errors_name_the_file_and_setting(tmp_path: Path, body: str, message: str) -> None:
    config = write_config(tmp_path, body)
    with pytest.raises(ConfigError, match=r"foidata\.toml"):
        load_config(config)
    result = CliRunner().invoke(cli, ["run", "--config", str(config)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {config}") and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_run_without_a_config_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FOIDATA_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 1 and "no foidata.toml here" in result.output
