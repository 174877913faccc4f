"""Every document under a time and a memory limit (issue 19): text and HTML under 2 MiB too, which used to be
parsed in the run's own process with neither. A document past a limit is one errors row and the others commit.

The stubs stand for a pathological parse (catastrophic backtracking, a runaway allocation) that no small
real input reproduces reliably; the limits are lowered so that each case takes well under 2 s."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests_support import LETTER, REPLY, set_read_limits

from foidata.flows import ingest, isolation, run_ingest
from foidata.flows.pipeline import Origin, Processed, process_bytes
from foidata.output import read_table

SLOW_MARK = "LOOP-FOREVER"
GREEDY_MARK = "ALLOCATE-EVERYTHING"
CRASH_MARK = "CRASH-HARD"


def pathological(source: str, data: bytes, run_id: str, at: dt.datetime, origin: Origin | None) -> Processed:
    """The real pipeline, except on documents marked to hang, to allocate without end or to die."""
    if SLOW_MARK.encode() in data:
        while True:  # busy, not sleeping: a parse stuck in C does not wake for a signal either
            pass
    if GREEDY_MARK.encode() in data:
        hoard = bytearray(64 * 1024**3)  # far past any limit set below, refused at once: no pages to touch
        raise AssertionError(f"allocated {len(hoard)} bytes")
    if CRASH_MARK.encode() in data:
        os._exit(1)
    return process_bytes(source, data, run_id, at, origin=origin)


@pytest.fixture(autouse=True)
def forked_children(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stub lives in this test module, which a fork server's children may not import: fork, always."""
    monkeypatch.setattr(isolation, "_context", lambda: multiprocessing.get_context("fork"))


def _address_space_now() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


def _small_memory_limit() -> int:
    """What the forked child already maps, plus 256 MiB for an ordinary parse: RLIMIT_AS counts both."""
    return _address_space_now() + 256 * 1024**2


@pytest.fixture
def mixed_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "a-letter.txt").write_text(LETTER, encoding="utf-8")
    (root / "b-slow.txt").write_text(f"{LETTER}\n{SLOW_MARK}\n", encoding="utf-8")
    (root / "c-greedy.html").write_text(f"<html><body><p>{GREEDY_MARK}</p></body></html>", encoding="utf-8")
    (root / "d-crash.txt").write_text(f"{REPLY}\n{CRASH_MARK}\n", encoding="utf-8")
    (root / "e-reply.txt").write_text(REPLY, encoding="utf-8")
    return root


def _errors_by_file(out: Path) -> dict[str, str]:
    table = read_table(out, "errors").to_pylist()
    return {Path(row["source"]).name: row["error_type"] for row in table}


def _responses(out: Path) -> set[str]:
    return {Path(row["source"]).name for row in read_table(out, "responses").to_pylist()}


def test_documents_past_the_time_or_memory_limit_are_error_rows_and_the_rest_commit(
    mixed_corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "data"
    plan = ingest.plan_ingest([str(mixed_corpus)], str(out), batch_size=100)
    document_limits = ingest.DocumentLimits(seconds=0.5, memory_bytes=_small_memory_limit(), worker=pathological)
    done: list[int] = []
    started = time.monotonic()
    results = [ingest.process_batch(batch, done.append, document_limits) for batch in plan.batches]
    assert time.monotonic() - started < 10  # one 0.5 s clock and a few forks, not a hang
    ingest.finish_ingest(plan, results)
    assert _errors_by_file(out) == {
        "b-slow.txt": "timeout", "c-greedy.html": "resource_limit", "d-crash.txt": "resource_limit",
    }
    assert _responses(out) == {"a-letter.txt", "e-reply.txt"}  # before and after each failure
    assert sum(done) == 5  # each document reported once, though the batch was redone after the crash


def test_a_batch_kept_in_memory_keeps_the_rows_around_a_failure(mixed_corpus: Path) -> None:
    plan = ingest.plan_ingest([str(mixed_corpus)], str(mixed_corpus.parent / "data"), batch_size=100)
    (batch,) = plan.batches
    in_memory = ingest.Batch(batch.run_id, batch.documents, out_dir=None)
    result = ingest.process_batch(in_memory, None, ingest.DocumentLimits(0.5, _small_memory_limit(), pathological))
    assert result.processed == 5
    assert {Path(r.source).name for r in result.rows["responses"]} == {"a-letter.txt", "e-reply.txt"}
    assert len(result.rows["errors"]) == 3


def test_the_reason_states_the_limit(tmp_path: Path) -> None:
    with isolation.LimitedParser(timeout=1.0, memory_bytes=_small_memory_limit(), worker=pathological) as parser:
        slow = parser.process("slow.txt", SLOW_MARK.encode(), "run")
        greedy = parser.process("greedy.txt", GREEDY_MARK.encode(), "run")
        fine = parser.process("fine.txt", LETTER.encode(), "run")
    (slow_error,) = slow.rows["errors"]
    assert slow_error.reason == "parsing took longer than 1 s and was stopped"  # type: ignore[attr-defined]
    (greedy_error,) = greedy.rows["errors"]
    assert "MiB of memory" in greedy_error.reason  # type: ignore[attr-defined]
    assert not fine.failed and fine.facts is not None  # keep_document: the scrape needs the parsed page


def test_a_plain_ingest_puts_small_documents_under_the_limits(
    mixed_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default path, as `foidata ingest` runs it: the limits come from foidata.schemas.limits, the parse from the
    # default worker. Before, text and HTML under 2 MiB went straight to process_bytes in the run's process.
    # The greedy document stays out: the default 4 GiB limit would let it take 4 GiB first.
    for name in ("c-greedy.html", "d-crash.txt"):
        (mixed_corpus / name).unlink()
    set_read_limits(monkeypatch, document_seconds=0.5)
    monkeypatch.setattr(isolation, "default_worker", pathological)
    out = tmp_path / "data"
    summary = run_ingest([str(mixed_corpus)], str(out), workers=1)
    assert summary.failed == 1
    assert _errors_by_file(out) == {"b-slow.txt": "timeout"}
    assert _responses(out) == {"a-letter.txt", "e-reply.txt"}


def test_the_child_and_not_the_run_carries_the_memory_limit() -> None:
    before = resource.getrlimit(resource.RLIMIT_AS)
    with isolation.LimitedParser(memory_bytes=_small_memory_limit(), worker=pathological) as parser:
        assert not parser.process("fine.txt", LETTER.encode(), "run").failed
    assert resource.getrlimit(resource.RLIMIT_AS) == before


@pytest.fixture
def no_children() -> Iterator[None]:
    """No child the test started outlives it (the shared worker pool, started by earlier tests, may)."""
    before = {child.pid for child in multiprocessing.active_children()}
    yield
    assert [c for c in multiprocessing.active_children() if c.pid not in before] == []


def test_closing_the_parser_stops_its_child(no_children: None) -> None:
    parser = isolation.LimitedParser(worker=pathological)
    assert not parser.process("fine.txt", LETTER.encode(), "run").failed
    parser.close()


def test_eval_scores_the_rest_when_one_document_hangs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `foidata eval` runs over gold folders nobody here has seen: a document that hangs the parser must be
    # a failure to read, not a hung evaluation.
    import json

    from foidata.flows.evaluate import evaluate

    (tmp_path / "texts").mkdir()
    (tmp_path / "labels").mkdir()
    (tmp_path / "texts" / "ok.txt").write_text(REPLY, encoding="utf-8")
    (tmp_path / "texts" / "stuck.txt").write_text(f"{REPLY}\n{SLOW_MARK}\n", encoding="utf-8")
    for doc_id in ("ok", "stuck"):
        label = {
            "id": doc_id, "references": {"primary": "2024/0042", "publication_id": None, "others": []},
            "dates": {"request": None, "response": None, "published": None, "all": []},
            "outcome": "not_held", "exemptions": [], "money": [], "questions": 0,
        }
        (tmp_path / "labels" / f"{doc_id}.json").write_text(json.dumps(label), encoding="utf-8")
    set_read_limits(monkeypatch, document_seconds=0.5)
    monkeypatch.setattr(isolation, "default_worker", pathological)
    started = time.monotonic()
    report = evaluate(tmp_path)
    assert time.monotonic() - started < 10
    assert list(report.failures) == ["stuck"] and "longer than 0.5 s" in report.failures["stuck"]
    assert report.as_dict()["primary_reference"] == 0.5  # ok read right, stuck scored as read empty
