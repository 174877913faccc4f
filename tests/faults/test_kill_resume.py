"""Ingests SIGKILLed mid-run: the dataset is always the previous version or the new one, whole, and a plain
ingest afterwards gives exactly what an uninterrupted run gives. `bench/faults.py --kills 200` runs many more."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from faultkit.kills import STAGES, KillLab, Phase, Snapshot, landed

SEED = 20261125


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> KillLab:
    return KillLab.prepare(tmp_path_factory.mktemp("kills") / "lab")


@pytest.mark.parametrize(
    ("step", "phase", "stage", "state"),
    [
        ("tables", "incremental", "writing the new version", "previous version"),
        ("renamed", "first", "version renamed, not yet current", "no dataset"),
        ("renamed", "incremental", "version renamed, not yet current", "previous version"),
        ("swapped", "first", "committed, not yet cleaned up", "new version"),
    ],
)
def test_a_kill_at_each_step_of_the_commit(lab: KillLab, step: str, phase: Phase, stage: str, state: str) -> None:
    trial = lab.trial(0, "python", phase, step)
    assert trial.problems == []
    assert (trial.stage, trial.state_after_kill) == (stage, state)


def test_kills_at_random_moments(lab: KillLab) -> None:
    rng = random.Random(SEED)
    phases: list[Phase] = ["first", "incremental", "first"]
    trials = [lab.trial(n, "python", phase, rng.uniform(0.0, lab.durations["python"]))
              for n, phase in enumerate(phases, start=1)]
    assert [t.problems for t in trials] == [[], [], []]
    assert all(t.stage in STAGES for t in trials)


@pytest.mark.slow
def test_a_kill_of_the_prefect_command(lab: KillLab) -> None:
    """`foidata ingest` runs the batches in worker processes under Prefect: the kill takes them all."""
    trial = lab.trial(9, "cli", "incremental", "renamed")
    assert trial.problems == []
    assert (trial.stage, trial.state_after_kill) == ("version renamed, not yet current", "previous version")


def test_where_a_kill_landed_is_read_from_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "data"
    (out / "versions" / "r1").mkdir(parents=True)
    (out / "current").symlink_to("versions/r1")
    before = Snapshot.of(out)
    assert landed(before, Snapshot.of(out)) == "nothing written yet"
    (out / ".staging" / "r2").mkdir(parents=True)
    assert landed(before, Snapshot.of(out)) == "batches staged"
    (out / "versions" / ".tmp-r2-1a2b3c4d").mkdir()
    assert landed(before, Snapshot.of(out)) == "writing the new version"
    (out / "versions" / ".tmp-r2-1a2b3c4d").rename(out / "versions" / "r2")
    assert landed(before, Snapshot.of(out)) == "version renamed, not yet current"
    (out / "current").unlink()
    (out / "current").symlink_to("versions/r2")
    assert landed(before, Snapshot.of(out)) == "committed, not yet cleaned up"
    (out / ".staging" / "r2").rmdir()
    assert landed(before, Snapshot.of(out)) == "committed and cleaned up"
