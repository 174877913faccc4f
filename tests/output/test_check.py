"""`foidata check` and output/check/: a freshly ingested dataset is clean, and each kind of damage is reported
by the check named for it (and, where the damage can be made precise, by that check alone).

One small dataset is ingested per module; each test damages its own copy. A table is damaged by rewriting its
Parquet file with pyarrow and fixing the manifest entry (rows, bytes, SHA-256) and the data package, so that
the file checks pass and only the check aimed at fires."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from tests_support import LETTER, PAGE, REPLY

from foidata.cli import cli
from foidata.flows import run_ingest
from foidata.output.check import (
    Problem,
    Report,
    check_dataset,
    format_report,
    inspect_dataset,
    report_dict,
)
from foidata.output.datapackage import DATAPACKAGE, datapackage_json
from foidata.output.dataset import CURRENT, MANIFEST, VERSIONS, Manifest
from foidata.output.errors import DatasetNotFound
from foidata.schemas import TABLES, arrow_schema

# ---- the dataset and its damage -------------------------------------------------------------------------------



@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset of three responses (a letter with references, dates, money and an exemption), ingested once."""
    corpus = tmp_path_factory.mktemp("check-corpus")
    (corpus / "letter.txt").write_text(LETTER, encoding="utf-8")
    (corpus / "page.html").write_text(PAGE, encoding="utf-8")
    (corpus / "reply.txt").write_text(REPLY, encoding="utf-8")
    out = tmp_path_factory.mktemp("check-dataset") / "data"
    summary = run_ingest([str(corpus)], str(out), 8, 1)
    assert summary.ok
    return out


@pytest.fixture
def data(pristine: Path, tmp_path: Path) -> Path:
    """A copy of the dataset of this test's own to damage (`current` stays a relative symlink)."""
    copy = tmp_path / "data"
    shutil.copytree(pristine, copy, symlinks=True)
    assert (copy / CURRENT).is_symlink()
    return copy


def version_dir(data: Path) -> Path:
    return (data / CURRENT).resolve()


def read_manifest(data: Path) -> Manifest:
    return Manifest.model_validate_json((version_dir(data) / MANIFEST).read_bytes())


def write_manifest(data: Path, manifest: Manifest) -> None:
    folder = version_dir(data)
    (folder / MANIFEST).write_bytes(manifest.model_dump_json(indent=2).encode() + b"\n")
    (folder / DATAPACKAGE).write_bytes(datapackage_json(manifest))


def read_table(data: Path, table: str) -> pa.Table:
    return pq.read_table(version_dir(data) / f"{table}.parquet")


def rewrite_table(data: Path, table: str, rows: pa.Table) -> None:
    """Replace `table` in the current version with `rows`, and make the manifest (and the data package) vouch
    for the new file: its size, SHA-256 and row count are then what they say."""
    path = version_dir(data) / f"{table}.parquet"
    pq.write_table(rows, path)
    body = path.read_bytes()
    manifest = read_manifest(data)
    for entry in manifest.files:
        if entry.table == table:
            entry.rows, entry.bytes, entry.sha256 = rows.num_rows, len(body), hashlib.sha256(body).hexdigest()
    manifest.tables[table] = rows.num_rows
    write_manifest(data, manifest)


def edit_table(data: Path, table: str, change: Callable[[list[dict]], list[dict]]) -> None:
    """Rewrite `table` with its rows (as dicts) passed through `change`, in the table's own schema."""
    schema = arrow_schema(TABLES[table], table)
    rows = read_table(data, table).to_pylist()
    rewrite_table(data, table, pa.Table.from_pylist(change(rows), schema=schema))


def checks(problems: list[Problem]) -> set[str]:
    return {p.check for p in problems}


def only(report: Report, check: str) -> list[Problem]:
    """The errors of `check`, after asserting that no other check reported an error or a warning."""
    assert {p.check for p in report.problems} == {check}, format_report(report)
    return report.errors


# ---- a sound dataset -------------------------------------------------------------------------------------------


def test_a_fresh_dataset_has_no_problems(data: Path) -> None:
    report = inspect_dataset(data)
    assert report.problems == (), format_report(report)
    assert check_dataset(data) == []
    manifest = read_manifest(data)
    assert report.run_id == manifest.run_id == version_dir(data).name
    assert report.rows == manifest.tables and set(report.rows) == set(TABLES)
    assert report.rows["responses"] == 3 and report.rows["references"] > 0 and report.rows["money"] > 0
    assert report.files_hashed == len(TABLES)
    assert format_report(report).endswith("OK: no problems found.")


def test_cli_check_of_a_sound_dataset_exits_0(data: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "OK: no problems found." in result.output
    assert f"{len(TABLES)} files hashed" in result.output

    result = CliRunner().invoke(cli, ["check", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["ok"] is True and found["errors"] == 0 and found["warnings"] == 0
    assert found["problems"] == [] and found["run_id"] == version_dir(data).name
    assert found["rows"] == read_manifest(data).tables


@pytest.mark.parametrize("where", ["empty", "absent"])
def test_no_dataset_exits_2(tmp_path: Path, where: str) -> None:
    folder = tmp_path / "nothing"
    if where == "empty":
        folder.mkdir()
    with pytest.raises(DatasetNotFound):
        inspect_dataset(folder)
    result = CliRunner().invoke(cli, ["check", "--data", str(folder)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: no dataset in") and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == "" and "Traceback" not in result.output


# ---- the pointer, the manifest, the files ----------------------------------------------------------------------


def test_a_dangling_current_link_is_an_error(data: Path) -> None:
    shutil.rmtree(version_dir(data))
    report = inspect_dataset(data)
    [problem] = only(report, "current")
    assert "does not exist" in problem.message and report.run_id is None
    result = CliRunner().invoke(cli, ["check", "--data", str(data)])
    assert result.exit_code == 1 and "no readable version" in result.output


def test_a_version_without_manifest_is_an_error(data: Path) -> None:
    (version_dir(data) / MANIFEST).unlink()
    [problem] = only(inspect_dataset(data), "current")
    assert MANIFEST in problem.message


def test_an_unparseable_manifest_is_an_error(data: Path) -> None:
    (version_dir(data) / MANIFEST).write_text("{not json", encoding="utf-8")
    only(inspect_dataset(data), "manifest")


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_changed_file_fails_its_hash(data: Path, damage: str) -> None:
    path = version_dir(data) / "money.parquet"
    body = bytearray(path.read_bytes())
    if damage == "flip":
        middle = len(body) // 2
        body[middle] ^= 0xFF
    else:
        del body[len(body) // 2:]
    path.write_bytes(bytes(body))
    report = inspect_dataset(data)
    hashes = [p for p in report.errors if p.check == "file_hash"]
    assert [p.table for p in hashes] == ["money"], format_report(report)
    assert "money.parquet" in hashes[0].message
    if damage == "truncate":  # no footer: the file cannot even be opened
        assert any(p.check == "unreadable" and p.table == "money" for p in report.errors)
    assert {p.table for p in report.problems} <= {"money", None}
    assert not report.warnings
    result = CliRunner().invoke(cli, ["check", "--data", str(data)])
    assert result.exit_code == 1
    assert "file_hash (money)" in result.output and "the dataset is damaged" in result.output


def test_a_column_name_damaged_in_the_footer_is_unreadable_not_a_crash(data: Path) -> None:
    # pyarrow raises UnicodeDecodeError (a ValueError, no ArrowException) for a name that is not UTF-8.
    path = version_dir(data) / "responses.parquet"
    body = bytearray(path.read_bytes())
    assert body.endswith(b"PAR1")
    footer = len(body) - 8 - int.from_bytes(body[-8:-4], "little")
    name = body.index(b"source", footer)
    body[name] = 0xFF
    path.write_bytes(bytes(body))
    report = inspect_dataset(data)
    assert {(p.check, p.table) for p in report.errors} == {("file_hash", "responses"), ("unreadable", "responses")}
    result = CliRunner().invoke(cli, ["check", "--data", str(data)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    assert "unreadable (responses)" in result.output


def test_a_missing_file_is_a_missing_table(data: Path) -> None:
    (version_dir(data) / "dates.parquet").unlink()
    [problem] = only(inspect_dataset(data), "missing_table")
    assert problem.table == "dates" and "dates.parquet" in problem.message


def test_a_table_the_manifest_does_not_list_is_missing(data: Path) -> None:
    manifest = read_manifest(data)
    manifest.files = [f for f in manifest.files if f.table != "pages"]
    del manifest.tables["pages"]
    write_manifest(data, manifest)
    (version_dir(data) / "pages.parquet").unlink()
    [problem] = only(inspect_dataset(data), "missing_table")
    assert problem.table == "pages"


def test_row_counts_that_disagree_are_an_error(data: Path) -> None:
    manifest = read_manifest(data)
    manifest.tables["references"] += 1
    write_manifest(data, manifest)
    [problem] = only(inspect_dataset(data), "row_count")
    assert problem.table == "references"


def test_a_file_holding_other_rows_than_its_entry_says_is_a_row_count_error(data: Path) -> None:
    manifest = read_manifest(data)
    entry = next(f for f in manifest.files if f.table == "references")
    entry.rows += 1
    manifest.tables["references"] += 1
    write_manifest(data, manifest)
    [problem] = only(inspect_dataset(data), "row_count")
    assert problem.table == "references" and "holds" in problem.message


def test_a_rewritten_file_without_a_fixed_manifest_fails_its_hash(data: Path) -> None:
    # The helper's counterpart: the same rows written again, the manifest untouched.
    path = version_dir(data) / "responses.parquet"
    pq.write_table(pq.read_table(path), path, compression="gzip")
    [problem] = only(inspect_dataset(data), "file_hash")
    assert problem.table == "responses"


# ---- schema and values -----------------------------------------------------------------------------------------


def test_a_column_of_another_type_is_a_schema_error(data: Path) -> None:
    rows = read_table(data, "responses")
    index = rows.schema.get_field_index("text_chars")
    assert pa.types.is_int64(rows.schema.field(index).type)
    changed = rows.set_column(index, pa.field("text_chars", pa.string(), nullable=False),
                              pc.cast(rows.column(index), pa.string()))
    rewrite_table(data, "responses", changed)
    [problem] = only(inspect_dataset(data), "schema")
    assert problem.table == "responses"
    assert problem.examples == ("text_chars is string, not int64",)


def test_a_missing_column_is_a_schema_error(data: Path) -> None:
    rows = read_table(data, "money")
    rewrite_table(data, "money", rows.drop_columns(["currency"]))
    [problem] = only(inspect_dataset(data), "schema")
    assert problem.table == "money" and "currency is missing" in problem.examples


def test_a_value_outside_its_enum_is_a_values_error(data: Path) -> None:
    def bogus(rows: list[dict]) -> list[dict]:
        rows[0]["kind"] = "bogus"
        return rows

    edit_table(data, "references", bogus)
    [problem] = only(inspect_dataset(data), "values")
    assert problem.table == "references" and "kind" in problem.message and problem.count == 1
    assert any("kind=bogus" in example for example in problem.examples)


def test_a_span_ending_before_it_starts_is_a_values_error(data: Path) -> None:
    def backwards(rows: list[dict]) -> list[dict]:
        rows[0]["span_start"], rows[0]["span_end"] = rows[0]["span_end"], rows[0]["span_start"]
        return rows

    edit_table(data, "money", backwards)
    [problem] = only(inspect_dataset(data), "values")
    assert problem.table == "money" and "span_end before span_start" in problem.message


# ---- rows against rows -----------------------------------------------------------------------------------------


def test_a_repeated_row_is_a_duplicate_row_error(data: Path) -> None:
    edit_table(data, "responses", lambda rows: [*rows, rows[0]])
    [problem] = only(inspect_dataset(data), "duplicate_row")
    assert problem.table == "responses" and problem.severity == "error" and problem.count == 1


def test_two_rows_with_one_key_are_a_duplicate_key_error(data: Path) -> None:
    def clash(rows: list[dict]) -> list[dict]:
        copy = dict(rows[0])
        copy["span_start"] += 1  # still inside the text: another row, the same (response_id, kind, value)
        return [*rows, copy]

    edit_table(data, "references", clash)
    [problem] = only(inspect_dataset(data), "duplicate_key")
    assert problem.table == "references" and "response_id, kind, value" in problem.message


def test_child_rows_without_their_response_are_orphans(data: Path) -> None:
    letter = next(r for r in read_table(data, "responses").to_pylist() if r["source"].endswith("letter.txt"))
    edit_table(data, "responses", lambda rows: [r for r in rows if r["response_id"] != letter["response_id"]])
    report = inspect_dataset(data)
    orphans = only(report, "orphans")
    children = {t for t in TABLES if t not in ("responses", "errors")
                and letter["response_id"] in read_table(data, t).column("response_id").to_pylist()}
    assert {"references", "money"} <= children
    assert {p.table for p in orphans} == children
    assert all(letter["response_id"] in p.examples[0] for p in orphans)


def test_a_span_past_the_end_of_its_response_is_an_orphan(data: Path) -> None:
    def shorter(rows: list[dict]) -> list[dict]:
        for row in rows:
            if row["source"].endswith("letter.txt"):
                row["text_chars"] = 1
        return rows

    edit_table(data, "responses", shorter)
    problems = only(inspect_dataset(data), "orphans")
    assert all("past the end" in p.message for p in problems)
    assert "money" in {p.table for p in problems}


def test_one_source_with_two_content_hashes_is_a_source_hash_error(data: Path) -> None:
    other = hashlib.sha256(b"a newer copy of the letter").hexdigest()

    def half_replaced(rows: list[dict]) -> list[dict]:
        for row in rows:
            if row["source"].endswith("letter.txt"):
                row["content_sha256"] = other
        return rows

    edit_table(data, "money", half_replaced)
    [problem] = only(inspect_dataset(data), "source_hash")
    assert problem.table is None and problem.count == 1
    [example] = problem.examples
    assert example.split(": ")[0].endswith("letter.txt")
    assert other[:12] in example and "money" in example and "responses" in example


def test_one_source_from_two_runs_is_a_mixed_runs_error(data: Path) -> None:
    def other_run(rows: list[dict]) -> list[dict]:
        for row in rows:
            row["run_id"] = "20200101T000000Z-abcdef"
        return rows

    edit_table(data, "money", other_run)
    [problem] = only(inspect_dataset(data), "mixed_runs")
    assert "20200101T000000Z-abcdef" in problem.examples[0]


# ---- leftovers: warnings, not errors ---------------------------------------------------------------------------


def test_a_stopped_commit_leaves_warnings_and_exit_0(data: Path) -> None:
    current = version_dir(data)
    shutil.copytree(current, data / VERSIONS / ".tmp-20990101T000000Z-abcdef-1234abcd")  # half-built
    os.symlink(f"{VERSIONS}/{current.name}", data / f".tmp-{CURRENT}-1234abcd")  # never swapped in
    shutil.copytree(current, data / VERSIONS / "20990101T000000Z-abcdef")  # renamed, never current
    report = inspect_dataset(data)
    assert report.errors == [] and checks(report.warnings) == {"leftovers"}
    examples = {e for p in report.warnings for e in p.examples}
    assert {f"{VERSIONS}/.tmp-20990101T000000Z-abcdef-1234abcd", ".tmp-current-1234abcd",
            f"{VERSIONS}/20990101T000000Z-abcdef"} <= examples
    result = CliRunner().invoke(cli, ["check", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "Warnings:" in result.output and "the dataset is sound" in result.output
    found = json.loads(CliRunner().invoke(cli, ["check", "--data", str(data), "--json"]).stdout)
    assert found["ok"] is True and found["warnings"] == len(report.warnings) and found["errors"] == 0


def test_a_stray_file_in_the_version_is_a_warning(data: Path) -> None:
    (version_dir(data) / "notes.txt").write_text("not the dataset's", encoding="utf-8")
    report = inspect_dataset(data)
    assert report.errors == [] and checks(report.warnings) == {"leftovers"}
    assert report.warnings[0].examples == ("notes.txt",)


def test_a_stale_data_package_is_a_warning(data: Path) -> None:
    (version_dir(data) / DATAPACKAGE).unlink()
    report = inspect_dataset(data)
    assert report.errors == [] and checks(report.warnings) == {"datapackage"}


# ---- scrape state and raw cache --------------------------------------------------------------------------------


def put_raw(data: Path, body: bytes, *, name: str | None = None) -> Path:
    """A file in RawCache's layout, raw/<first two hex digits>/<sha256>; `name` to file it wrongly."""
    sha = name or hashlib.sha256(body).hexdigest()
    path = data / "raw" / sha[:2] / sha
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def test_a_state_file_that_does_not_parse_is_an_error(data: Path) -> None:
    state = data / "state"
    state.mkdir()
    sha = hashlib.sha256(b"x").hexdigest()
    (state / "good.json").write_text(json.dumps({"urls": {"https://a.example/1": {"sha256": sha}}}))
    (state / "broken.json").write_text('{"urls": {"https://a.example/1": ')
    (state / "nohash.json").write_text(json.dumps({"urls": {"https://a.example/2": {"etag": "x"}}}))
    report = inspect_dataset(data)
    [problem] = only(report, "state")
    assert problem.count == 2 and report.state_files == 3
    assert {e.split(":")[0] for e in problem.examples} == {"state/broken.json", "state/nohash.json"}
    result = CliRunner().invoke(cli, ["check", "--data", str(data)])
    assert result.exit_code == 1 and "state/broken.json" in result.output


def test_a_raw_file_whose_bytes_do_not_match_its_name_is_an_error(data: Path) -> None:
    put_raw(data, b"a good copy")
    bad = put_raw(data, b"damaged on disk", name=hashlib.sha256(b"what was fetched").hexdigest())
    report = inspect_dataset(data)
    [problem] = only(report, "raw_cache")
    assert problem.examples == (bad.relative_to(data).as_posix(),)
    assert (report.raw_total, report.raw_hashed) == (2, 2)

    result = CliRunner().invoke(cli, ["check", "--data", str(data), "--json"])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found["ok"] is False and [p["check"] for p in found["problems"]] == ["raw_cache"]


def test_raw_sample_hashes_only_that_many_files(data: Path) -> None:
    for i in range(5):
        put_raw(data, f"copy {i}".encode())
    report = inspect_dataset(data, raw_sample=2)
    assert report.problems == () and (report.raw_total, report.raw_hashed) == (5, 2)
    assert "raw cache: 2 of 5 files hashed" in format_report(report)
    put_raw(data, b"damaged", name="ab" + "0" * 62)
    assert inspect_dataset(data, raw_sample=0).problems == ()  # nothing hashed, nothing found
    result = CliRunner().invoke(cli, ["check", "--data", str(data), "--json", "--raw-sample", "0"])
    assert result.exit_code == 0 and json.loads(result.stdout)["raw_hashed"] == 0
    result = CliRunner().invoke(cli, ["check", "--data", str(data), "--raw-sample", "100"])
    assert result.exit_code == 1 and "raw_cache" in result.output


def test_a_raw_file_not_named_by_its_hash_is_a_warning(data: Path) -> None:
    put_raw(data, b"a good copy")
    stray = data / "raw" / "ab" / ".tmp-download"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"half a download")
    report = inspect_dataset(data)
    assert report.errors == [] and checks(report.warnings) == {"leftovers"}
    assert report.warnings[0].examples == ("raw/ab/.tmp-download",)


# ---- the report --------------------------------------------------------------------------------------------------


def test_the_report_groups_problems_by_check_with_examples(data: Path) -> None:
    (version_dir(data) / "dates.parquet").unlink()
    (version_dir(data) / "notes.txt").write_text("stray", encoding="utf-8")
    report = inspect_dataset(data)
    text = format_report(report)
    assert text.index("Errors:") < text.index("missing_table (dates):") < text.index("Warnings:")
    assert "      e.g. notes.txt" in text
    assert text.endswith("1 error, 1 warning: the dataset is damaged (see the errors above).")
    found = report_dict(report)
    assert json.loads(json.dumps(found))["problems"][1]["examples"] == ["notes.txt"]
    assert found["ok"] is False and (found["errors"], found["warnings"]) == (1, 1)
    assert {(p["severity"], p["check"], p["table"]) for p in found["problems"]} == {
        ("error", "missing_table", "dates"), ("warning", "leftovers", None)}
