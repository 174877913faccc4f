"""The dataset on disk: layout, schemas, replacement by source, atomic commits, retention, reading."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from dataset_support import assert_table_schema
from pydantic import BaseModel

from foidata.output import (
    DatasetError,
    DatasetNotFound,
    commit,
    connect,
    failed_sources,
    known_documents,
    open_dataset,
    read_table,
)
from foidata.output.dataset import tables as dataset_module
from foidata.output.dataset import write as dataset_write
from foidata.schemas import TABLES, ErrorRecord, MoneyRecord, ResponseRecord
from foidata.schemas.versions import EXTRACTOR_VERSION

AT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def provenance(source: str, run_id: str, content: str = "v1") -> dict[str, Any]:
    return {
        "source": source,
        "content_sha256": sha(source + content),
        "extractor_version": EXTRACTOR_VERSION,
        "ingested_at": AT,
        "run_id": run_id,
    }


def response(source: str, run_id: str = "r1", content: str = "v1", body: str | None = "Essex Police") -> ResponseRecord:
    return ResponseRecord(
        **provenance(source, run_id, content), response_id=sha(source)[:16], media_type="text/plain", body=body,
        title=None, primary_reference="12345", publication_id=None, request_date=None,
        response_date=dt.date(2024, 3, 3), published_date=None, outcome="refused", question_count=2,
        keywords=["vehicles"], page_count=0, text_chars=100,
    )


def money(source: str, start: int, amount: str, run_id: str = "r1", content: str = "v1") -> MoneyRecord:
    return MoneyRecord(
        **provenance(source, run_id, content), span_start=start, span_end=start + 5, response_id=sha(source)[:16],
        amount=Decimal(amount), amount_high=None, currency="GBP", approximate=False, subject=None,
        period="2020/21", text="£6.8m",
    )


def error(source: str, run_id: str = "r1", content_sha256: str | None = None) -> ErrorRecord:
    return ErrorRecord(
        source=source, content_sha256=content_sha256, stage="read", error_type="empty", reason="the file is empty",
        extractor_version=EXTRACTOR_VERSION, occurred_at=AT, run_id=run_id,
    )


def two_documents(run_id: str = "r1") -> dict[str, list[BaseModel]]:
    return {
        "responses": [response("b.txt", run_id), response("a.txt", run_id)],
        "money": [
            money("b.txt", 40, "2.00", run_id), money("a.txt", 90, "1.00", run_id), money("a.txt", 10, "3.00", run_id)
        ],
        "errors": [error("c.txt", run_id, sha("c"))],
    }


def snapshot(out: Path) -> dict[str, Any]:
    """Everything a reader could see: where current points and the bytes of every file in it."""
    current = out / "current"
    return {"link": os.readlink(current), "files": {p.name: p.read_bytes() for p in sorted(current.iterdir())}}


def test_layout_manifest_and_schemas(tmp_path: Path) -> None:
    manifest = commit(tmp_path, two_documents(), {"a.txt", "b.txt", "c.txt"}, "r1")

    assert os.readlink(tmp_path / "current") == os.path.join("versions", "r1")  # relative: the folder can move
    version = tmp_path / "versions" / "r1"
    expected = [f"{t}.parquet" for t in TABLES] + ["manifest.json", "datapackage.json"]
    assert sorted(p.name for p in version.iterdir()) == sorted(expected)
    on_disk = json.loads((version / "manifest.json").read_text())
    assert on_disk["run_id"] == "r1" and on_disk["previous_run_id"] is None
    assert on_disk["tables"] == {**{t: 0 for t in TABLES}, "responses": 2, "money": 3, "errors": 1}
    for entry in manifest.files:
        assert hashlib.sha256((version / entry.path).read_bytes()).hexdigest() == entry.sha256
    for table in TABLES:  # empty tables too: full schema, descriptions included
        assert_table_schema(pq.read_schema(tmp_path / "current" / f"{table}.parquet"), table)
        assert pq.ParquetFile(version / f"{table}.parquet").metadata.row_group(0).column(0).compression == "ZSTD"


def test_rows_are_sorted_so_the_same_rows_give_the_same_files(tmp_path: Path) -> None:
    rows = two_documents()
    commit(tmp_path / "one", rows, set(), "r1")
    commit(tmp_path / "two", {table: list(reversed(table_rows)) for table, table_rows in rows.items()}, set(), "r1")
    for table in TABLES:
        one = (tmp_path / "one" / "current" / f"{table}.parquet").read_bytes()
        assert one == (tmp_path / "two" / "current" / f"{table}.parquet").read_bytes(), table
    spans = read_table(tmp_path / "one", "money").select(["source", "span_start"]).to_pylist()
    assert spans == [{"source": "a.txt", "span_start": 10}, {"source": "a.txt", "span_start": 90},
                     {"source": "b.txt", "span_start": 40}]


def test_replaced_sources_lose_their_rows_in_every_table(tmp_path: Path) -> None:
    commit(tmp_path, two_documents(), {"a.txt", "b.txt", "c.txt"}, "r1")
    # a.txt changed and now fails; b.txt is untouched; c.txt (failed before) now reads.
    new = {"errors": [error("a.txt", "r2", sha("a2"))], "responses": [response("c.txt", "r2")]}
    commit(tmp_path, new, {"a.txt", "c.txt"}, "r2")

    responses = read_table(tmp_path, "responses").to_pydict()
    assert sorted(zip(responses["source"], responses["run_id"], strict=True)) == [("b.txt", "r1"), ("c.txt", "r2")]
    assert read_table(tmp_path, "money").column("source").to_pylist() == ["b.txt"]
    assert read_table(tmp_path, "errors").column("source").to_pylist() == ["a.txt"]
    assert known_documents(tmp_path) == {
        "a.txt": (sha("a2"), EXTRACTOR_VERSION),
        "b.txt": (sha("b.txtv1"), EXTRACTOR_VERSION),
        "c.txt": (sha("c.txtv1"), EXTRACTOR_VERSION),
    }
    assert failed_sources(tmp_path) == {"a.txt"}


def test_known_documents_keeps_unreadable_documents_without_a_hash(tmp_path: Path) -> None:
    assert known_documents(tmp_path) == {} and failed_sources(tmp_path) == set()
    commit(tmp_path, {"errors": [error("gone.txt")]}, {"gone.txt"}, "r1")
    assert known_documents(tmp_path) == {"gone.txt": (None, EXTRACTOR_VERSION)}


def test_crash_while_writing_leaves_the_old_version_current_and_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(tmp_path, two_documents(), set(), "r1")
    before = snapshot(tmp_path)
    real_write = dataset_module.write_merged
    written: list[str] = []

    def crash_on_third_table(path: Path, table: str, *args: Any) -> Any:
        if len(written) == 2:
            raise OSError("disk full (simulated)")
        written.append(table)
        return real_write(path, table, *args)

    monkeypatch.setattr(dataset_module, "write_merged", crash_on_third_table)
    with pytest.raises(OSError, match="simulated"):
        commit(tmp_path, {"responses": [response("new.txt", "r2")]}, {"a.txt"}, "r2")

    assert snapshot(tmp_path) == before
    assert read_table(tmp_path, "responses").num_rows == 2
    assert connect(tmp_path).execute("SELECT count(*) FROM money").fetchall() == [(3,)]
    leftovers = [p.name for p in (tmp_path / "versions").iterdir() if p.name.startswith(".tmp-")]
    assert len(leftovers) == 1

    monkeypatch.setattr(dataset_module, "write_merged", real_write)
    commit(tmp_path, {"responses": [response("new.txt", "r3")]}, {"new.txt"}, "r3")
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == ["r1", "r3"]
    assert read_table(tmp_path, "responses").num_rows == 3


def test_crash_before_the_swap_leaves_the_old_version_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(tmp_path, two_documents(), set(), "r1")
    before = snapshot(tmp_path)

    def crash(out: Path, version_dir: Path) -> None:
        raise KeyboardInterrupt  # killed after the new version was complete, before it became current

    monkeypatch.setattr(dataset_write, "_swap_current", crash)
    with pytest.raises(KeyboardInterrupt):
        commit(tmp_path, {}, {"a.txt"}, "r2")
    assert snapshot(tmp_path) == before
    assert open_dataset(tmp_path).run_id == "r1"

    monkeypatch.undo()
    manifest = commit(tmp_path, {}, set(), "r3")
    assert manifest.previous_run_id == "r1"  # r2 never became current: not kept as a previous version
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == ["r1", "r3"]


def test_current_and_two_previous_versions_are_kept(tmp_path: Path) -> None:
    for n in range(1, 6):
        commit(tmp_path, {"responses": [response(f"{n}.txt", f"r{n}")]}, set(), f"r{n}")
    assert sorted(p.name for p in (tmp_path / "versions").iterdir()) == ["r3", "r4", "r5"]
    assert open_dataset(tmp_path).manifest.tables["responses"] == 5
    assert not list(tmp_path.glob(".tmp-*"))


def _vouch_for(version: Path, name: str) -> None:
    """Set a rewritten file's size and SHA-256 in its version's manifest (commits check them)."""
    manifest = json.loads((version / "manifest.json").read_text())
    data = (version / name).read_bytes()
    for entry in manifest["files"]:
        if entry["path"] == name:
            entry.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    (version / "manifest.json").write_text(json.dumps(manifest))


def test_older_version_without_a_nullable_column_is_carried_forward_with_nulls(tmp_path: Path) -> None:
    commit(tmp_path, {"responses": [response("a.txt")]}, set(), "r1")
    path = tmp_path / "current" / "responses.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["title"]), path)  # as if written before `title` existed
    _vouch_for(tmp_path / "current", "responses.parquet")  # as that older foidata's manifest would
    commit(tmp_path, {"responses": [response("b.txt", "r2")]}, set(), "r2")
    table = read_table(tmp_path, "responses")
    assert_table_schema(table.schema, "responses")
    assert table.column("title").to_pylist() == [None, None]


def test_connect_gives_a_view_per_table(tmp_path: Path) -> None:
    commit(tmp_path, two_documents(), set(), "r1")
    con = connect(tmp_path)
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in TABLES}
    assert counts == {**{t: 0 for t in TABLES}, "responses": 2, "money": 3, "errors": 1}
    assert con.execute("SELECT sum(amount) FROM money").fetchall() == [(Decimal("6.00"),)]


def test_mistakes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetNotFound, match="no dataset"):
        open_dataset(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="run_id"):
        commit(tmp_path, {}, set(), "../escape")
    with pytest.raises(ValueError, match="unknown tables"):
        commit(tmp_path, {"nonsense": []}, set(), "r1")
    with pytest.raises(TypeError, match="ResponseRecord"):
        commit(tmp_path, {"responses": [error("a.txt")]}, set(), "r1")
    commit(tmp_path, {}, set(), "r1")
    with pytest.raises(DatasetError, match="already exists"):
        commit(tmp_path, {}, set(), "r1")
    with pytest.raises(DatasetError, match="no table"):
        read_table(tmp_path, "nonsense")
