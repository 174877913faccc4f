"""A commit sorts each table a range of sources at a time (memory stays flat for wide tables): the ranges,
written one after another, must be exactly the table a single sort gives."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from foidata.flows import run_ingest
from foidata.output import merge
from foidata.schemas import TABLES


def _ingest(out: Path, partition_bytes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from foidata.cli.ingest import sample_texts

    monkeypatch.setattr(merge, "PARTITION_BYTES", partition_bytes)
    summary = run_ingest([str(sample_texts())], str(out), batch_size=4, workers=1)
    assert summary.processed == 13


def test_many_source_ranges_write_the_same_rows_in_the_same_order_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    ranges = merge._source_ranges

    def counted(*args: object) -> list[str]:
        found = ranges(*args)  # type: ignore[arg-type]
        calls.append(len(found))
        return found

    monkeypatch.setattr(merge, "_source_ranges", counted)
    _ingest(tmp_path / "one", 1 << 40, monkeypatch)
    assert set(calls) == {1}
    calls.clear()
    _ingest(tmp_path / "many", 1, monkeypatch)  # one byte a range: a range per source
    assert max(calls) >= 13

    for table in TABLES:
        one = pq.read_table(tmp_path / "one" / "current" / f"{table}.parquet")
        many = pq.read_table(tmp_path / "many" / "current" / f"{table}.parquet")
        volatile = [c for c in ("run_id", "ingested_at", "occurred_at") if c in one.column_names]
        assert one.drop(volatile).equals(many.drop(volatile)), table
        sources = one.column("source").to_pylist()
        assert sources == sorted(sources), table


def test_a_second_run_merges_the_previous_version_by_ranges_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "data"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(6):
        (corpus / f"r{n}.txt").write_text(f"Our ref: FOI {1000 + n}\nThe contract cost £{n + 1},000 in 2022/23.\n")
    monkeypatch.setattr(merge, "PARTITION_BYTES", 1)
    run_ingest([str(corpus)], str(out), batch_size=2)
    (corpus / "r2.txt").write_text("Our ref: FOI 2002\nThe contract cost £9,500 in 2023/24.\n")
    (corpus / "r9.txt").write_text("Our ref: FOI 2009\nThe lease cost £700 in 2021/22.\n")
    run_ingest([str(corpus)], str(out), batch_size=2)

    money = pq.read_table(out / "current" / "money.parquet").to_pylist()
    by_source = {Path(str(row["source"])).name: row["amount"] for row in money}
    assert by_source == {"r0.txt": 1000, "r1.txt": 2000, "r2.txt": 9500, "r3.txt": 4000, "r4.txt": 5000,
                         "r5.txt": 6000, "r9.txt": 700}
    assert [row["source"] for row in money] == sorted(row["source"] for row in money)
