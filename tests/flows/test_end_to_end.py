"""End to end: the Prefect flow over the bundled sample corpus plus bad inputs, every table checked; and a
writer killed with SIGKILL in the middle of writing a new version."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

from foidata.output import open_dataset, read_table

SAMPLE = Path(__file__).resolve().parents[2] / "foidata" / "sample" / "texts"


def build_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    shutil.copytree(SAMPLE, corpus)
    pdf = (SAMPLE / "s010.pdf").read_bytes()
    (corpus / "bad").mkdir()
    (corpus / "bad" / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (corpus / "bad" / "junk.pdf").write_bytes(os.urandom(2048))
    (corpus / "bad" / "empty.html").write_bytes(b"")
    (corpus / "bad" / "no-content.html").write_bytes(b"<html><head><title></title></head><body></body></html>")
    letter = "Our Ref: 4411/23\nThe cost limit is £450 and the 2022/23 budget was £12,000.\nSection 43(2) applies."
    (corpus / "cp1252-letter.txt").write_bytes(letter.encode("cp1252"))
    return corpus


def test_prefect_flow_over_the_sample_corpus_fills_every_table(tmp_path: Path) -> None:
    from foidata.flows import ingest_flow

    corpus = build_corpus(tmp_path)
    out = tmp_path / "data"
    summary = ingest_flow([str(corpus)], str(out))
    readable = len(list(SAMPLE.iterdir())) + 1
    assert summary.processed == readable + 4 and summary.failed == 4

    responses = {Path(r["source"]).name: r for r in read_table(out, "responses").to_pylist()}
    assert len(responses) == readable
    essex = responses["s001.html"]
    assert (essex["primary_reference"], essex["publication_id"], essex["outcome"]) == ("15435", "PUB 1169",
                                                                                       "part_disclosure")
    assert essex["question_count"] == 4 and essex["body"] == "Essex Police"
    assert essex["content_sha256"] == hashlib.sha256((SAMPLE / "s001.html").read_bytes()).hexdigest()
    rid = essex["response_id"]

    def rows(table: str) -> list[dict[str, object]]:
        return [r for r in read_table(out, table).to_pylist() if r["response_id"] == rid]

    assert {(r["kind"], r["value"]) for r in rows("references")} == {
        ("primary", "15435"), ("publication", "PUB 1169"), ("cited", "14548")}
    assert list(dict.fromkeys(r["date"] for r in rows("dates"))) == [dt.date(2021, 4, 16), dt.date(2021, 4, 21)]
    assert sorted(r["provision"] for r in rows("exemptions")) == ["31(1)(a)", "31(1)(b)", "40(2)", "40(3A)(a)"]
    money = [(r["amount"], r["approximate"], r["period"], r["subject"]) for r in rows("money")]
    assert money == [(Decimal("6800000.00"), False, "2020/21", "capital programme"),
                     (Decimal("4900000.00"), True, "2021/22", "capital programme")]
    assert rows("attachments"), "the page links its attachments"
    for row in rows("money") + rows("exemptions"):
        assert row["extractor_version"] and row["run_id"] == summary.run_id and row["ingested_at"]

    cp1252 = responses["cp1252-letter.txt"]
    assert cp1252["primary_reference"] == "4411/23"

    errors = {Path(e["source"]).name: e for e in read_table(out, "errors").to_pylist()}
    assert set(errors) == {"truncated.pdf", "junk.pdf", "empty.html", "no-content.html"}
    for error in errors.values():
        assert error["stage"] == "read" and len(error["reason"]) > 10, error
    assert errors["empty.html"]["error_type"] == "empty"
    assert errors["truncated.pdf"]["error_type"] == "pdf_damaged"


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    import pyarrow.parquet as pq
    from foidata.flows import run_ingest

    real_close = pq.ParquetWriter.close
    written = []

    committer = os.getpid()

    def close_then_die(self, *args, **kwargs):
        real_close(self, *args, **kwargs)
        if os.getpid() != committer:  # a batch's child staging its rows: the kill is for the commit's writer
            return
        written.append(1)
        if len(written) == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)

    pq.ParquetWriter.close = close_then_die
    run_ingest([sys.argv[1]], sys.argv[2])
    """
)


def test_a_writer_killed_mid_write_leaves_the_previous_dataset_intact(tmp_path: Path) -> None:
    from foidata.flows import run_ingest

    corpus = build_corpus(tmp_path)
    out = tmp_path / "data"
    run_ingest([str(corpus)], str(out))
    before = open_dataset(out)
    snapshot = {t: read_table(out, t) for t in before.manifest.tables}

    (corpus / "new-letter.txt").write_text("Our Ref: 9999/24\nThe budget was £5m in 2023/24.")
    (corpus / "s008.txt").write_text("Our Ref: 3502_13\nChanged: the budget was £7m in 2023/24.")
    for tables_written in (1, 4):
        done = subprocess.run([sys.executable, "-c", KILLER, str(corpus), str(out), str(tables_written)],
                              capture_output=True, timeout=120)
        assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-2000:]
        after = open_dataset(out)
        assert after.run_id == before.run_id
        for table, data in snapshot.items():
            assert read_table(out, table).equals(data), table

    resumed = run_ingest([str(corpus)], str(out))
    assert resumed.version_written and resumed.processed == 2
    sources = {Path(s).name for s in read_table(out, "responses").column("source").to_pylist()}
    assert "new-letter.txt" in sources
