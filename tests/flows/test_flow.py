"""Ingest: discovery, skipping unchanged documents, replacing changed ones, error rows; and the Prefect flow.

All but the last test run the orchestration-free core (`run_ingest`), which the Prefect flow wraps step by step.
Assertions are on row counts and schemas: what the extractors find is tested in their own tests.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pyarrow.parquet as pq
from dataset_support import assert_table_schema

from foidata.flows import run_ingest
from foidata.flows.ingest import (
    DEFAULT_BATCH_SIZE,
    MAX_AUTO_BATCH_SIZE,
    auto_batch_size,
    finish_ingest,
    plan_ingest,
    process_batch,
)
from foidata.output import known_documents, open_dataset, read_table
from foidata.schemas import TABLES
from foidata.schemas.versions import EXTRACTOR_VERSION


def sources(out: Path, table: str) -> list[str]:
    return sorted(read_table(out, table).column("source").to_pylist())


def posix(path: Path) -> str:
    return Path(os.path.abspath(path)).as_posix()


def test_ingest_writes_every_table_and_skips_hidden_files(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    summary = run_ingest([str(corpus)], str(out))

    assert (summary.documents_seen, summary.processed, summary.failed, summary.skipped_unchanged) == (3, 3, 0, 0)
    assert summary.ok and summary.version_written and summary.failures == []
    assert sources(out, "responses") == [posix(corpus / n) for n in ("letter.txt", "sub/page.html", "sub/reply.txt")]
    assert summary.dataset_rows == open_dataset(out).manifest.tables
    assert summary.rows_added["responses"] == 3 and summary.dataset_rows["errors"] == 0
    for table in TABLES:
        assert_table_schema(pq.read_schema(out / "current" / f"{table}.parquet"), table)
    assert set(known_documents(out).values()) == {
        (read_table(out, "responses").column("content_sha256")[i].as_py(), EXTRACTOR_VERSION) for i in range(3)
    }


def test_same_inputs_twice_write_no_new_version(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    first = run_ingest([str(corpus), str(corpus / "letter.txt")], str(out))  # a file named twice counts once
    versions = sorted(os.listdir(out / "versions"))
    link = os.readlink(out / "current")

    second = run_ingest([str(corpus)], str(out))
    assert (second.documents_seen, second.skipped_unchanged, second.processed) == (3, 3, 0)
    assert not second.version_written and second.ok
    assert sorted(os.listdir(out / "versions")) == versions and os.readlink(out / "current") == link
    assert second.dataset_rows == first.dataset_rows
    assert second.rows_added == {table: 0 for table in TABLES}


def test_a_changed_document_replaces_its_rows_in_every_table(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    first = run_ingest([str(corpus)], str(out))
    letter = posix(corpus / "letter.txt")
    (corpus / "letter.txt").write_text("Our ref: FOI 777\nThe total was £9,000 in 2023/24.\n", encoding="utf-8")

    second = run_ingest([str(corpus)], str(out))
    assert (second.skipped_unchanged, second.processed) == (2, 1)
    assert second.run_id != first.run_id
    for table in TABLES:
        rows = read_table(out, table).to_pydict()
        for source, run_id in zip(rows["source"], rows["run_id"], strict=True):
            assert run_id == (second.run_id if source == letter else first.run_id), (table, source)
    assert sources(out, "responses").count(letter) == 1

    # Changed again, now unreadable: its response goes, an error row takes its place.
    (corpus / "letter.txt").write_bytes(b"")
    third = run_ingest([str(corpus)], str(out))
    assert third.failed == 1 and not third.ok
    assert letter not in sources(out, "responses") and sources(out, "errors") == [letter]
    assert all(letter not in sources(out, table) for table in TABLES if table != "errors")


def test_missing_path_junk_and_empty_files_become_error_rows(corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.bin").write_bytes(b"\x00\xff\xfe\x00\x89PNG\r\n\x1a\n\x00junk\x00" * 8)
    missing = tmp_path / "no-such-folder"
    out = tmp_path / "data"

    summary = run_ingest([str(corpus), str(missing)], str(out))
    assert (summary.documents_seen, summary.processed, summary.failed) == (6, 6, 3)
    assert not summary.ok
    errors = read_table(out, "errors").to_pylist()
    by_source = {e["source"]: e for e in errors}
    assert sorted(by_source) == sorted([posix(corpus / "empty.txt"), posix(corpus / "junk.bin"), posix(missing)])
    assert (by_source[posix(missing)]["stage"], by_source[posix(missing)]["error_type"]) == ("discover", "not_found")
    assert by_source[posix(missing)]["content_sha256"] is None
    for name in ("empty.txt", "junk.bin"):
        error = by_source[posix(corpus / name)]
        assert error["stage"] == "read" and error["content_sha256"] and error["reason"], error
    assert read_table(out, "responses").num_rows == 3
    assert sum(group.documents for group in summary.failures) == 3
    assert {(g.stage, g.documents) for g in summary.failures} >= {("discover", 1)}

    again = run_ingest([str(corpus), str(missing)], str(out))  # nothing changed, failures included
    assert not again.version_written and again.skipped_unchanged == 6
    assert again.still_failing_unchanged == 3 and not again.ok


def test_file_unreadable_when_its_batch_runs_becomes_a_read_error(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    plan = plan_ingest([str(corpus)], str(out), batch_size=2)
    assert [len(batch.documents) for batch in plan.batches] == [2, 1]
    (corpus / "letter.txt").unlink()  # gone between planning and reading

    summary = finish_ingest(plan, [process_batch(batch) for batch in plan.batches])
    error = read_table(out, "errors").to_pylist()[0]
    expected = (posix(corpus / "letter.txt"), "read", "unreadable")
    assert (error["source"], error["stage"], error["error_type"]) == expected
    assert error["content_sha256"] is None and summary.failed == 1


def test_the_dataset_folder_inside_an_input_folder_is_not_ingested(corpus: Path) -> None:
    out = corpus / "data"
    run_ingest([str(corpus)], str(out))
    second = run_ingest([str(corpus)], str(out))
    assert second.documents_seen == 3 and not second.version_written


def test_an_empty_input_still_creates_an_empty_dataset(tmp_path: Path) -> None:
    (tmp_path / "empty-folder").mkdir()
    summary = run_ingest([str(tmp_path / "empty-folder")], str(tmp_path / "data"))
    assert summary.version_written and summary.documents_seen == 0
    assert open_dataset(tmp_path / "data").manifest.tables == {table: 0 for table in TABLES}


def test_prefect_flow_end_to_end(corpus: Path, tmp_path: Path) -> None:
    from foidata.flows import ingest_flow  # imports Prefect; the session fixture has set PREFECT_HOME

    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "data"
    started = time.monotonic()
    summary = ingest_flow([str(corpus), str(tmp_path / "missing.pdf")], str(out), batch_size=2)
    print(f"Prefect flow end to end: {time.monotonic() - started:.1f} s")  # shown with pytest -s

    assert (summary.documents_seen, summary.processed, summary.failed) == (5, 5, 2)
    dataset = open_dataset(out)
    assert dataset.run_id == summary.run_id
    assert dataset.manifest.tables["responses"] == 3 and dataset.manifest.tables["errors"] == 2
    for table in TABLES:
        assert_table_schema(dataset.read(table).schema, table)
    assert os.listdir(Path(os.environ["PREFECT_HOME"]))  # Prefect's database went to the session's home


def test_two_worker_processes_and_staged_batches_give_the_same_dataset(tmp_path: Path) -> None:
    from foidata.cli.ingest import sample_texts
    from foidata.output.staging import STAGING

    one = run_ingest([str(sample_texts())], str(tmp_path / "one"), batch_size=100, workers=1)
    two = run_ingest([str(sample_texts())], str(tmp_path / "two"), batch_size=3, workers=2)
    assert one.processed == two.processed == 13 and two.ok
    assert one.rows_added == two.rows_added
    for table in TABLES:
        first, second = read_table(tmp_path / "one", table), read_table(tmp_path / "two", table)
        run_columns = [c for c in ("run_id", "ingested_at", "occurred_at") if c in first.column_names]
        assert first.drop(run_columns).equals(second.drop(run_columns)), table
    assert not any((tmp_path / "two" / STAGING).iterdir())  # the run's staged parts are gone after the commit


def test_stale_staging_of_a_crashed_run_is_removed_and_a_live_one_kept(corpus: Path, tmp_path: Path) -> None:
    from foidata.output.staging import STAGING, STALE_SECONDS

    out = tmp_path / "data"
    crashed, live = out / STAGING / "crashed-run", out / STAGING / "live-run"
    for folder in (crashed, live):
        (folder / "money").mkdir(parents=True)
        (folder / "money" / "batch-000000.parquet").write_bytes(b"partial")
    old = time.time() - STALE_SECONDS - 60
    os.utime(crashed, (old, old))
    run_ingest([str(corpus)], str(out))
    assert not crashed.exists() and live.exists()


def test_a_run_with_nothing_new_does_not_start_prefect(corpus: Path, tmp_path: Path) -> None:
    import pytest

    import foidata.flows.prefect_flow as prefect_flow
    from foidata.cli.ingest import _run_flow

    out = tmp_path / "data"
    run_ingest([str(corpus)], str(out))

    def no_prefect(*_args: object) -> None:
        raise AssertionError("Prefect was started for a run with nothing to do")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prefect_flow, "ingest_flow", no_prefect)
        summary = _run_flow([str(corpus)], str(out), 100)
    assert not summary.version_written and summary.skipped_unchanged == 3


def test_batches_grow_in_large_runs_so_the_task_count_stays_near_a_hundred() -> None:
    assert auto_batch_size(0) == auto_batch_size(7) == auto_batch_size(25_000) == DEFAULT_BATCH_SIZE
    assert auto_batch_size(50_000) == 500
    assert auto_batch_size(10_000_000) == MAX_AUTO_BATCH_SIZE


def test_plan_uses_the_batch_size_asked_for_or_the_automatic_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(7):
        (corpus / f"r{n}.txt").write_text(f"Our reference: FOI {n}. No information is held.", encoding="utf-8")
    assert [len(b.documents) for b in plan_ingest([str(corpus)], str(tmp_path / "a"), 3).batches] == [3, 3, 1]
    assert [len(b.documents) for b in plan_ingest([str(corpus)], str(tmp_path / "b")).batches] == [7]
