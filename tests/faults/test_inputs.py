"""Inputs are regular files under the folders given (issue 19): a link, a FIFO or a name that is not UTF-8
inside an input folder is an errors row; nothing outside the inputs is read, and the rest of the run commits."""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path

import pytest

from foidata.flows import run_ingest
from foidata.flows.ingest import Batch, Candidate, plan_ingest, process_batch
from foidata.flows.localfiles import RefusedInput, open_regular, printable_path
from foidata.output import read_table

SECRET = "FOIDATA_SECRET_TOKEN=hunter2 outside the inputs"


def _in_memory(batch: Batch) -> Batch:
    """The batch with its rows kept in memory, not staged, so a test can read them."""
    return dataclasses.replace(batch, out_dir=None)


def _errors(out: Path) -> dict[str, tuple[str, str]]:
    table = read_table(out, "errors").to_pylist()
    return {row["source"]: (row["stage"], row["error_type"]) for row in table}


def _texts(out: Path) -> str:
    return "\n".join(read_table(out, "responses").column("text").to_pylist())


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret" / "environ"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def test_symlink_to_a_file_outside_is_an_error_row_never_read(corpus: Path, outside: Path, tmp_path: Path) -> None:
    (corpus / "environ.txt").symlink_to(outside)
    out = tmp_path / "data"
    summary = run_ingest([str(corpus)], str(out))
    assert SECRET not in _texts(out)
    assert _errors(out)[(corpus / "environ.txt").as_posix()] == ("discover", "symlink")
    assert summary.dataset_rows["responses"] == 3  # the three real files still commit


def test_symlink_to_a_folder_outside_is_not_entered(corpus: Path, outside: Path, tmp_path: Path) -> None:
    (corpus / "etc").symlink_to(outside.parent, target_is_directory=True)
    out = tmp_path / "data"
    run_ingest([str(corpus)], str(out))
    assert SECRET not in _texts(out)
    assert _errors(out)[(corpus / "etc").as_posix()] == ("discover", "symlink")


def test_fifo_is_skipped_with_a_row_and_does_not_hang(corpus: Path, tmp_path: Path) -> None:
    os.mkfifo(corpus / "pipe.txt")
    out = tmp_path / "data"
    summary = run_ingest([str(corpus)], str(out))
    assert _errors(out)[(corpus / "pipe.txt").as_posix()] == ("discover", "not_a_file")
    assert summary.dataset_rows["responses"] == 3


def test_file_replaced_by_a_fifo_after_planning_is_refused_not_waited_on(corpus: Path, tmp_path: Path) -> None:
    plan = plan_ingest([str(corpus)], str(tmp_path / "data"))
    letter = corpus / "letter.txt"
    letter.unlink()
    os.mkfifo(letter)
    # A reader blocked on the FIFO would never return: the batch runs in a thread the test can give up on.
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(process_batch(_in_memory(plan.batches[0]))), daemon=True)
    worker.start()
    worker.join(60)
    assert results, "process_batch blocked on a FIFO"
    errors = [e for e in results[0].rows["errors"] if e.source == letter.as_posix()]  # type: ignore[attr-defined]
    assert [(e.stage, e.error_type) for e in errors] == [("read", "not_a_file")]


def test_file_replaced_by_a_symlink_after_planning_is_refused(corpus: Path, outside: Path, tmp_path: Path) -> None:
    plan = plan_ingest([str(corpus)], str(tmp_path / "data"))
    letter = corpus / "letter.txt"
    letter.unlink()
    letter.symlink_to(outside)
    result = process_batch(_in_memory(plan.batches[0]))
    assert [e.error_type for e in result.rows["errors"]] == ["outside_input"]  # type: ignore[attr-defined]
    assert all(SECRET not in getattr(r, "text", "") for r in result.rows["responses"])


def test_file_replaced_by_a_link_inside_the_root_is_still_not_followed(corpus: Path, tmp_path: Path) -> None:
    plan = plan_ingest([str(corpus)], str(tmp_path / "data"))
    letter = corpus / "letter.txt"
    letter.unlink()
    letter.symlink_to(corpus / "sub" / "reply.txt")
    result = process_batch(_in_memory(plan.batches[0]))
    assert [e.error_type for e in result.rows["errors"]] == ["symlink"]  # type: ignore[attr-defined]


def test_folder_swapped_for_a_link_after_planning_is_outside_the_root(corpus: Path, outside: Path,
                                                                     tmp_path: Path) -> None:
    plan = plan_ingest([str(corpus)], str(tmp_path / "data"))
    (outside.parent / "page.html").write_text(SECRET, encoding="utf-8")
    (corpus / "sub").rename(tmp_path / "moved")
    (corpus / "sub").symlink_to(outside.parent, target_is_directory=True)
    result = process_batch(_in_memory(plan.batches[0]))
    refused = {e.source.rsplit("/", 1)[-1]: e.error_type for e in result.rows["errors"]}  # type: ignore[attr-defined]
    assert refused["page.html"] == "outside_input"
    assert all(SECRET not in getattr(r, "text", "") for r in result.rows["responses"])


def test_non_utf8_file_name_is_an_error_row_and_the_rest_commits(corpus: Path, tmp_path: Path) -> None:
    bad = os.fsencode(corpus) + b"/caf\xe9.txt"
    with open(bad, "wb") as fh:
        fh.write(b"FOI 1234: not read")
    out = tmp_path / "data"
    summary = run_ingest([str(corpus)], str(out))
    assert summary.dataset_rows["responses"] == 3
    assert _errors(out)[printable_path(os.fsdecode(bad))] == ("discover", "bad_file_name")
    assert printable_path(os.fsdecode(bad)).endswith("caf\\xe9.txt")


def test_open_regular_refuses_links_and_fifos_directly(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("x", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    os.mkfifo(tmp_path / "fifo")
    for name, kind in (("link.txt", "symlink"), ("fifo", "not_a_file")):
        with pytest.raises(RefusedInput) as refused, open_regular(str(tmp_path / name)):
            pass
        assert refused.value.error_type == kind
    with open_regular(str(target), os.path.realpath(tmp_path)) as fh:
        assert fh.read() == b"x"


def test_candidate_outside_its_root_is_refused(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    candidate = Candidate(source=str(outside), path=str(outside), sha256=None, root=os.path.realpath(root))
    result = process_batch(Batch("r1", (candidate,)))
    assert [e.error_type for e in result.rows["errors"]] == ["outside_input"]  # type: ignore[attr-defined]
