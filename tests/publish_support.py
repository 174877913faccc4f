"""The sample corpus ingested once (plain Python, no Prefect), for the report, export and browser tests."""

from __future__ import annotations

from pathlib import Path

from foidata.cli.ingest import sample_texts
from foidata.flows import run_ingest


def sample_dataset(root: Path) -> Path:
    """`foidata demo`'s dataset, built in `root/data`."""
    out = root / "data"
    summary = run_ingest([str(sample_texts())], str(out), 100, 1)
    assert summary.ok, summary.failures
    return out
