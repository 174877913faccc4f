"""Exports of the sample dataset: SQLite served by Datasette with full-text search (queried over HTTP on
127.0.0.1), CSV with a datapackage.json the frictionless library validates, the datapackage.json of every
dataset version, and `foidata query --format parquet`."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import httpx
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from publish_support import sample_dataset

from foidata.cli import cli
from foidata.output import open_dataset, read_table


@pytest.fixture
def frictionless() -> Iterator[ModuleType]:
    """The frictionless library, with the process-wide csv.field_size_limit it raises on import put back:
    foidata's CSV reader relies on the default limit to report an oversized field as damage."""
    limit = csv.field_size_limit()
    try:
        yield pytest.importorskip("frictionless")
    finally:
        csv.field_size_limit(limit)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_dataset(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def database(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sqlite") / "foi.db"
    result = CliRunner().invoke(cli, ["export", "sqlite", str(target), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "datasette serve" in result.output
    return target


def test_sqlite_has_every_row_money_as_numbers_and_full_text(data: Path, database: Path) -> None:
    manifest = open_dataset(data).manifest
    with sqlite3.connect(database) as con:
        for table, rows in manifest.tables.items():
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone() == (rows,), table
        amounts = con.execute("SELECT amount, typeof(amount) FROM money").fetchall()
        assert {kind for _, kind in amounts} <= {"integer", "real"}  # sorts and sums as numbers
        exact = sorted(read_table(data, "money", ["amount"]).column("amount").to_pylist())
        assert sorted(Decimal(str(a)) for a, _ in amounts) == exact  # and loses nothing
        found = con.execute("SELECT r.body FROM responses_fts JOIN responses AS r ON r.rowid = responses_fts.rowid "
                            "WHERE responses_fts MATCH 'ransomware'").fetchall()
        assert found == [("Norfolk Constabulary",)]
        keys = con.execute("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('money')").fetchall()
        assert keys == [("responses", "response_id", "response_id")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def datasette(database: Path) -> Iterator[str]:
    if importlib.util.find_spec("datasette") is None:  # not imported here: it runs in its own process
        pytest.skip("datasette is not installed (pip install -e '.[dev]')")
    port = free_port()
    metadata = database.with_name("foi.metadata.json")
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(database), "--metadata", str(metadata),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"datasette did not start: {process.stderr.read() if process.stderr else ''}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_datasette_serves_full_text_search(datasette: str) -> None:
    search = httpx.get(f"{datasette}/foi/responses.json",
                       params={"_search": "ransomware", "_shape": "array", "_col": "body"}, timeout=10)
    assert search.status_code == 200, search.text
    assert [row["body"] for row in search.json()] == ["Norfolk Constabulary"]

    phrase = httpx.get(f"{datasette}/foi/search.json", params={"q": '"capital programme"', "_shape": "array"},
                       timeout=10)
    assert phrase.status_code == 200, phrase.text
    bodies = {row["body"] for row in phrase.json()}
    assert {"Essex Police", "Kent Police", "Lincolnshire Police"} <= bodies

    metadata = httpx.get(f"{datasette}/-/metadata.json", timeout=10).json()
    columns = metadata["databases"]["foi"]["tables"]["money"]["columns"]
    assert columns["amount"].startswith("The amount in its own currency")

    # The metadata's facets are counted on the table page, and the bodies table browses like any other.
    faceted = httpx.get(f"{datasette}/foi/responses.json", params={"_size": 1}, timeout=10).json()
    facet_results = faceted["facet_results"]
    facet_results = facet_results.get("results", facet_results)  # 1.0 nests them; 0.6x does not
    assert {"body", "outcome"} <= set(facet_results)
    essex = httpx.get(f"{datasette}/foi/bodies.json", params={"body": "Essex Police", "_shape": "array"},
                      timeout=10).json()
    assert [row["body"] for row in essex] == ["Essex Police"] and essex[0]["responses"] >= 1


def test_csv_export_is_a_valid_data_package(data: Path, tmp_path: Path, frictionless: ModuleType) -> None:
    result = CliRunner().invoke(cli, ["export", "csv", str(tmp_path / "csv"), "--data", str(data)])
    assert result.exit_code == 0, result.output
    report = frictionless.validate(str(tmp_path / "csv" / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:10]
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    money = next(r for r in package["resources"] if r["name"] == "money")
    assert {f["name"]: f["type"] for f in money["schema"]["fields"]}["amount"] == "number"


def test_every_version_has_a_datapackage_from_the_schemas(data: Path, frictionless: ModuleType) -> None:
    pytest.importorskip("pandas")  # frictionless reads Parquet through it
    dataset = open_dataset(data)
    path = dataset.version_dir / "datapackage.json"
    # The data too, not only the descriptor: every cell of every Parquet file against its field's type.
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["type", "note"])[:10]
    assert report.stats["tasks"] == len(dataset.manifest.files)
    package = json.loads(path.read_text(encoding="utf-8"))
    hashes = {f.table: f"sha256:{f.sha256}" for f in dataset.manifest.files}
    assert {r["name"]: r["hash"] for r in package["resources"]} == hashes
    for resource in package["resources"]:
        schema = pq.read_schema(dataset.path(resource["name"]))
        described = {f["name"]: f.get("description") for f in resource["schema"]["fields"]}
        assert described == {f.name: (f.metadata or {})[b"description"].decode() or None for f in schema}
    assert package["foidata"]["run_id"] == dataset.run_id


@pytest.mark.parametrize("package", ["version", "csv"])
def test_frictionless_validate_passes_on_the_command_line(data: Path, tmp_path: Path, package: str) -> None:
    """As a user runs it: `frictionless validate DIR/current/datapackage.json` and on the CSV export's."""
    if importlib.util.find_spec("frictionless") is None or importlib.util.find_spec("pandas") is None:
        pytest.skip("frictionless[pandas] is not installed (pip install -e '.[dev]')")
    if package == "csv":
        result = CliRunner().invoke(cli, ["export", "csv", str(tmp_path / "csv"), "--data", str(data)])
        assert result.exit_code == 0, result.output
        path = tmp_path / "csv" / "datapackage.json"
    else:
        path = open_dataset(data).version_dir / "datapackage.json"
    done = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json", str(path)],
                          capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["valid"], [t["errors"][:3] for t in report["tasks"] if t["errors"]]


def test_query_writes_parquet_and_files(data: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    sql = "SELECT body, amount, keywords FROM money JOIN responses USING (response_id) ORDER BY amount DESC"
    target = tmp_path / "out" / "money.parquet"
    result = runner.invoke(cli, ["query", sql, "--data", str(data), "--format", "parquet", "--output", str(target)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(target)
    assert str(table.schema.field("amount").type) == "decimal128(18, 2)"
    assert table.column("amount")[0].as_py() == Decimal("23118600.00")

    missing = runner.invoke(cli, ["query", sql, "--data", str(data), "--format", "parquet"])
    assert missing.exit_code == 2 and "--output" in missing.output

    as_csv = tmp_path / "money.csv"
    written = runner.invoke(cli, ["query", sql, "--data", str(data), "--format", "csv", "--output", str(as_csv)])
    assert written.exit_code == 0 and written.output == ""
    assert as_csv.read_text(encoding="utf-8").splitlines()[0] == "body,amount,keywords"


def test_the_readmes_saved_queries_answer_on_the_sample(data: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Saved queries", 1)[1].split("\n## ", 1)[0]
    queries = re.findall(r"```sql\n(.*?)```", section, re.S)
    assert len(queries) == 3
    answers = []
    for sql in queries:
        result = CliRunner().invoke(cli, ["query", sql, "--data", str(data), "--format", "json"])
        assert result.exit_code == 0, result.output
        answers.append(json.loads(result.output))
    per_force, largest, citing = answers
    assert {"body": "Essex Police", "year": 2021, "exemption": "FOIA s.31"}.items() <= per_force[0].items()
    assert len(largest) == 10 and all(Decimal(a["amount"]) >= Decimal(b["amount"]) for a, b in pairwise(largest))
    assert {(row["reference"], row["cites"]) for row in citing} >= {("15435", "14548")}


PROVENANCE_LAST = ["source", "content_sha256", "extractor_version", "ingested_at", "run_id"]


def test_sqlite_lists_each_tables_own_columns_before_provenance(data: Path, database: Path) -> None:
    with sqlite3.connect(database) as con:
        for table in open_dataset(data).manifest.tables:
            columns = [row[1] for row in con.execute(f"PRAGMA table_info(\"{table}\")")]
            tail = [c for c in columns if c in PROVENANCE_LAST]
            assert tail and columns[-len(tail):] == tail, (table, columns)  # provenance only at the end
            assert tail == [c for c in PROVENANCE_LAST if c in tail], table  # in its own order
        first = [row[1] for row in con.execute('PRAGMA table_info("responses")')][:2]
        assert first == ["response_id", "media_type"]  # the others keep their schema order


def test_sqlite_bodies_table_counts_each_bodys_responses(data: Path, database: Path) -> None:
    responses = read_table(data, "responses", ["body", "body_nation"]).to_pylist()
    wanted: dict[str, int] = {}
    for row in responses:
        if row["body"] is not None:
            wanted[row["body"]] = wanted.get(row["body"], 0) + 1
    with sqlite3.connect(database) as con:
        got = dict(con.execute('SELECT body, responses FROM bodies').fetchall())
        nations = dict(con.execute("SELECT body, body_nation FROM bodies").fetchall())
        keys = con.execute("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('responses')").fetchall()
    assert got == wanted and len(got) >= 5 and got["Essex Police"] >= 1
    assert nations == {r["body"]: r["body_nation"] for r in responses if r["body"] is not None}
    assert keys == [("bodies", "body", "body")]  # Datasette links a response's body to its row


def test_datasette_metadata_offers_facets_and_describes_bodies(database: Path) -> None:
    tables = json.loads(database.with_name("foi.metadata.json").read_text())["databases"]["foi"]["tables"]
    assert tables["responses"]["facets"] == ["body", "outcome", "body_kind", "body_nation"]
    assert tables["exemptions"]["facets"] == ["law"]
    assert tables["money"]["facets"] == ["period"]
    assert "facets" not in tables["references"]
    assert tables["bodies"]["facets"] == ["body_kind", "body_nation"]
    assert tables["bodies"]["columns"]["responses"].startswith("How many responses")
    assert list(tables["responses"]["columns"])[-1] == "run_id"
