"""Risky documents are parsed in a child process: a hang becomes a timeout row, not a stuck run."""

from __future__ import annotations

import os
import time
from pathlib import Path

from foidata.flows import isolation
from foidata.flows.pipeline import Processed
from foidata.schemas.limits import READ_LIMITS

SAMPLE_PDF = Path(__file__).resolve().parents[2] / "foidata" / "sample" / "texts" / "s010.pdf"


def test_a_pdf_in_a_child_gives_the_same_rows_as_in_process() -> None:
    data = SAMPLE_PDF.read_bytes()
    isolated = isolation.process_isolated("s010.pdf", data, "run")
    assert isolated.facts is not None and not isolated.failed
    assert isolated.facts.reference("primary") == "2025/1202"


def hang(*_args: object) -> Processed:
    time.sleep(60)
    raise AssertionError("unreachable")


def die(*_args: object) -> Processed:
    os._exit(1)


def test_a_hanging_parser_is_stopped_and_recorded() -> None:
    started = time.monotonic()
    done = isolation.process_isolated("slow.pdf", b"%PDF-1.7 ...", "run", timeout=1.0, worker=hang)
    assert time.monotonic() - started < 10
    (error,) = done.rows["errors"]
    assert (error.error_type, error.stage) == ("timeout", "read")  # type: ignore[attr-defined]
    assert "longer than 1 s" in error.reason  # type: ignore[attr-defined]


def test_a_parser_that_dies_is_recorded() -> None:
    done = isolation.process_isolated("dies.pdf", b"%PDF-1.7", "run", timeout=30, worker=die)
    assert done.rows["errors"][0].error_type == "resource_limit"  # type: ignore[attr-defined]


def test_only_risky_documents_are_isolated() -> None:
    assert isolation.needs_isolation(b"%PDF-1.4\n...")
    assert not isolation.needs_isolation(b"<html><body>FOI 1</body></html>")
    assert isolation.needs_isolation(b"x" * (READ_LIMITS.isolate_over_bytes + 1))
    assert isolation.needs_isolation(b"PK\x03\x04" + b"\0" * 100)  # a DOCX or XLSX can inflate
