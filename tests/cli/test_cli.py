"""The `foidata` command: help, exit codes, one-line errors, query output. Ingest runs without Prefect here
(the flow is tested end to end in test_flow.py); `_run_flow` is swapped for the plain `run_ingest`."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from foidata.cli import EXIT_DOCUMENTS_FAILED, all_commands, cli
from foidata.cli import ingest as cli_ingest
from foidata.cli import runs as cli_runs
from foidata.flows import IngestSummary, run_ingest
from foidata.output import DatasetError
from foidata.schemas import TABLES


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def without_prefect(monkeypatch: pytest.MonkeyPatch) -> None:
    def run(paths: Sequence[str], out_dir: str, batch_size: int, workers: int | None = None) -> IngestSummary:
        return run_ingest(list(paths), out_dir, batch_size, workers or 1)

    monkeypatch.setattr(cli_ingest, "_run_flow", run)


@pytest.fixture
def dataset(corpus: Path, tmp_path: Path, runner: CliRunner) -> Path:
    out = tmp_path / "data"
    result = runner.invoke(cli, ["ingest", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("command", [[], *([name] for name in all_commands())])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example: foidata" in result.output


def test_ingest_help_documents_the_exit_status(runner: CliRunner) -> None:
    assert "3 if some failed" in " ".join(runner.invoke(cli, ["ingest", "--help"]).output.split())


def test_ingest_prints_a_summary_and_exits_0_when_every_document_is_read(dataset: Path, corpus: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(corpus), "--out", str(dataset)])
    assert result.exit_code == 0, result.output
    assert "unchanged, no new version written" in result.output
    assert "3 seen, 3 unchanged, 0 processed, 0 failed" in result.output


def test_ingest_exits_3_when_some_documents_fail(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.txt").write_bytes(b"")
    out = tmp_path / "data"
    result = runner.invoke(cli, ["ingest", str(corpus), "--out", str(out)])
    assert result.exit_code == EXIT_DOCUMENTS_FAILED, result.output
    assert "5 seen, 0 unchanged, 5 processed, 2 failed" in result.output
    again = runner.invoke(cli, ["ingest", str(corpus), "--out", str(out)])
    assert again.exit_code == EXIT_DOCUMENTS_FAILED  # same inputs, same answer, though nothing was redone
    assert "2 unchanged document(s) failed before" in again.output


@pytest.mark.parametrize("kind", ["missing", "empty folder", "only hidden files"])
def test_a_missing_path_or_an_empty_folder_is_refused_at_once(corpus: Path, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "inputs"
    if kind != "missing":
        (target / ".git").mkdir(parents=True)
        if kind == "only hidden files":
            (target / ".notes.txt").write_text("FOI 1234: £5", encoding="utf-8")
            (target / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    out = tmp_path / "data"
    # A real process: the refusal must come before Prefect, the parsers or pyarrow are imported.
    probe = (
        "import sys; from foidata.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n"
        "    heavy = [m for m in ('prefect', 'pyarrow', 'pdfplumber', 'duckdb', 'pydantic') if m in sys.modules]\n"
        "    print('imported:', heavy, file=sys.stderr); raise\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, "ingest", str(corpus), str(target), "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and str(target) in lines[0] and lines[0].startswith("Error: "), done.stderr
    assert lines[1] == "imported: []"
    assert not out.exists()


@pytest.mark.parametrize(
    "args", [["ingest", "x"], ["ingest", "--out", "d"], ["ingest", "x", "--out", "d", "--batch-size", "0"],
             ["query", "SELECT 1"], ["query", "SELECT 1", "--data", "d", "--format", "xml"], ["nonsense"]],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    assert runner.invoke(cli, args).exit_code == 2


def test_query_formats(runner: CliRunner, dataset: Path) -> None:
    sql = "SELECT media_type, count(*) AS n FROM responses GROUP BY ALL ORDER BY media_type"

    table = runner.invoke(cli, ["query", sql, "--data", str(dataset)])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].split() == ["media_type", "n"] and set(lines[1]) <= {"-", " "}
    assert lines[2].split() == ["text/html", "1"] and lines[3].split() == ["text/plain", "2"]
    assert lines[-1] == "(2 rows)"

    as_csv = runner.invoke(cli, ["query", sql, "--data", str(dataset), "--format", "csv"])
    expected = [["media_type", "n"], ["text/html", "1"], ["text/plain", "2"]]
    assert list(csv.reader(io.StringIO(as_csv.output))) == expected

    as_json = runner.invoke(cli, ["query", sql, "--data", str(dataset), "--format", "json"])
    assert json.loads(as_json.output) == [{"media_type": "text/html", "n": 1}, {"media_type": "text/plain", "n": 2}]


def test_query_sees_every_table_and_keeps_money_exact(runner: CliRunner, dataset: Path) -> None:
    sql = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM \"{t}\"" for t in TABLES)
    result = runner.invoke(cli, ["query", sql, "--data", str(dataset), "--format", "json"])
    assert [row["t"] for row in json.loads(result.output)] == list(TABLES)

    exact = runner.invoke(cli, ["query", "SELECT 6800000.10::DECIMAL(18,2) AS amount, NULL AS nothing, "
                                "[1, 2] AS list", "--data", str(dataset), "--format", "json"])
    assert json.loads(exact.output) == [{"amount": "6800000.10", "nothing": None, "list": [1, 2]}]


@pytest.mark.parametrize(
    ("sql", "message"),
    [("SELEC 1", "Error: SQL: Parser Error"), ("SELECT * FROM nosuch", "Error: SQL: Catalog Error")],
)
def test_bad_sql_is_one_line(runner: CliRunner, dataset: Path, sql: str, message: str) -> None:
    result = runner.invoke(cli, ["query", sql, "--data", str(dataset)])
    assert result.exit_code == 1
    assert result.output.startswith(message) and len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_dataset_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["query", "SELECT 1", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no dataset in") and len(result.output.strip().splitlines()) == 1


def test_schema_prints_the_data_dictionary(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    for table in TABLES:
        assert f"### `{table}`" in result.output


def test_demo_ingests_the_sample_corpus_and_summarises_it(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["demo", "--out", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    for heading in ("Responses per body", "Exemptions by section", "Money by body and period"):
        assert heading in result.output
    # Money is never summed: Lincolnshire's table prints five lines and their total (£2.29m) for 2021/22.
    money = result.output.split("Money by body and period", 1)[1]
    lincs = next(line for line in money.splitlines() if line.startswith("Lincolnshire Police") and "2021/22" in line)
    assert "2290000.00" in lincs and "4580000.00" not in lincs and " total " not in money.splitlines()[1]
    assert "Unnamed body (ref. FOI-2024-04156)" in money and "Unnamed body (ref. 1187-23)" in money
    assert (tmp_path / "demo" / "current" / "money.parquet").exists()


def test_prefect_env_defaults_do_not_override_the_user(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    runner.invoke(cli, ["schema"])
    assert os.environ["PREFECT_LOGGING_LEVEL"] == "DEBUG" and os.environ["DO_NOT_TRACK"] == "1"


def test_prefect_logs_of_errors_reported_in_one_line_are_dropped() -> None:
    def record(message: str, error: BaseException | None = None) -> logging.LogRecord:
        exc_info = (type(error), error, None) if error else None
        return logging.LogRecord("prefect.task_runs", logging.ERROR, __file__, 1, message, (), exc_info)

    quiet = cli_runs._ReportedErrorsFilter()
    locked = DatasetError("another foidata process is writing data")
    assert not quiet.filter(record("Task run failed with exception", locked))
    assert not quiet.filter(record(f"Finished in state Failed('DatasetError: {locked}')"))
    assert quiet.filter(record("Task run failed with exception", ZeroDivisionError("a bug")))
    assert quiet.filter(record("Finished in state Failed('ZeroDivisionError: a bug')"))
