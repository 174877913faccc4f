"""Helpers shared by the tests."""

from __future__ import annotations

import csv
import importlib.util
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from foidata.extractors.facts import ResponseFacts
from foidata.extractors.periods import normalise_period
from foidata.flows.evaluate import facts_to_label

T = TypeVar("T")

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench(name: str) -> ModuleType:
    """A bench/ script, imported by path: bench/ is not a package, and its scripts are tested as written."""
    spec = importlib.util.spec_from_file_location(f"foidata_bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

# The shared real-world PDFs (absent on a fresh clone: the tests that read them are skipped there).
SHARED_PDFS = Path("/work/shared/corpus/pdfs")


def shared_pdf_names() -> list[str]:
    """The files MANIFEST.tsv lists, in its order."""
    with (SHARED_PDFS / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        return [row["file"] for row in csv.DictReader(manifest, delimiter="\t")]


def map_largest_first(function: Callable[[str], T], names: list[str]) -> list[T]:
    """`function` on each shared PDF name, one child process per core, biggest file first (the dense spend
    tables take minutes in one process); results in that order. `function` must be a module-level function."""
    names = sorted(names, key=lambda name: (SHARED_PDFS / name).stat().st_size, reverse=True)
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as workers:
        return list(workers.map(function, names))


# Three small responses the dataset tests ingest: a letter, an HTML page, a nil return.
LETTER = """Our ref: FOI 12345
Date of response: 3 March 2024

Dear requester,
The capital programme cost £6.8m in 2020/21. Some details are withheld under Section 43(2) of the Act.
"""

PAGE = """<!doctype html>
<html><head><title>FOI 999 - Vehicle spending</title></head>
<body><main><h1>FOI 999</h1><p>Spending on vehicles was £1,200 in 2022.</p></main></body></html>
"""

REPLY = """Reference: 2024/0042
We do not hold the information you asked for.
"""


def comparable(label: dict[str, Any]) -> dict[str, Any]:
    """The fields foidata must get exactly right (names and subjects are free text, left out)."""
    return {
        "references": {
            "primary": label["references"]["primary"],
            "publication_id": label["references"]["publication_id"],
            "others": sorted(label["references"]["others"]),
        },
        "dates": label["dates"],
        "outcome": label["outcome"],
        "exemptions": sorted((e["law"], p) for e in label["exemptions"] for p in e["provisions"]),
        "money": [
            (round(float(m["value_gbp"]), 2), m["approximate"], normalise_period(m["period"]))
            for m in label["money"]
        ],
        "questions": label["questions"],
    }


def comparable_facts(facts: ResponseFacts) -> dict[str, Any]:
    return comparable(facts_to_label("doc", facts))


def set_read_limits(monkeypatch: Any, **changes: Any) -> None:
    """Swap READ_LIMITS (foidata.schemas.limits) for one with `changes`, for the test's duration: the readers
    read it at call time, so every reader in this process sees the new bounds."""
    import dataclasses

    from foidata.schemas import limits

    monkeypatch.setattr(limits, "READ_LIMITS", dataclasses.replace(limits.READ_LIMITS, **changes))
