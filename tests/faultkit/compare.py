"""Datasets compared row for row, and the invariants every dataset must keep whatever happened to its writer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from foidata.output import DatasetNotFound, has_dataset, open_dataset
from foidata.schemas import TABLES

# Columns that say when and by which run a row was written: they differ between two runs over the same inputs.
RUN_COLUMNS = frozenset({"run_id", "ingested_at", "fetched_at", "occurred_at"})

Row = tuple[tuple[str, str], ...]


def rows(
    out: Path, table: str, drop: Collection[str] = RUN_COLUMNS, sources: Collection[str] | None = None
) -> list[Row]:
    """The table's rows without the `drop` columns (of the documents in `sources` only, if given), each a tuple
    of (column, repr of value), sorted: two datasets with the same content give equal lists."""
    found = open_dataset(out).read(table).to_pylist()
    kept = (row for row in found if sources is None or row["source"] in sources)
    return sorted(tuple((k, repr(v)) for k, v in sorted(row.items()) if k not in drop) for row in kept)


def differences(out: Path, reference: Path, drop: Collection[str] = RUN_COLUMNS,
                sources: Collection[str] | None = None) -> list[str]:
    """What differs between two datasets, table by table; empty when they hold the same rows."""
    problems = []
    for table in TABLES:
        got, want = rows(out, table, drop, sources), rows(reference, table, drop, sources)
        if got != want:
            missing, extra = Counter(want) - Counter(got), Counter(got) - Counter(want)
            example = next(iter(missing or extra))
            problems.append(
                f"{table}: {sum(missing.values())} rows missing and {sum(extra.values())} extra against the "
                f"reference, e.g. {'missing' if missing else 'extra'} {_brief(example)}"
            )
    return problems


def invariants(out: Path) -> list[str]:
    """Problems with the dataset in `out` as it stands: it must open (when it exists at all), every table must
    hold the rows the manifest says, no row may appear twice and no document may have two responses."""
    if not has_dataset(out):
        if (out / "current").is_symlink():
            return [f"{out}/current is a dangling link"]
        return []
    try:
        dataset = open_dataset(out)
    except (DatasetNotFound, OSError, ValueError) as exc:
        return [f"the dataset does not open: {exc}"]
    problems = []
    for table, count in dataset.manifest.tables.items():
        try:
            found = dataset.read(table).to_pylist()
        except (OSError, ValueError) as exc:
            problems.append(f"{table}: unreadable: {exc}")
            continue
        if len(found) != count:
            problems.append(f"{table}: {len(found)} rows, the manifest says {count}")
        repeated = _repeated(tuple(sorted((k, repr(v)) for k, v in row.items())) for row in found)
        if repeated:
            problems.append(f"{table}: {repeated} duplicate rows")
        if table == "responses":
            twice = _repeated(row["source"] for row in found)
            if twice:
                problems.append(f"responses: {twice} documents with more than one response")
    problems += external_check(out)
    return problems


def external_check(out: Path) -> list[str]:
    """The errors `foidata check` finds in the dataset, where that command exists (it is written alongside
    this). Its warnings are left out: leftovers of a killed run are expected until the next commit."""
    try:
        from foidata.output.check import check_dataset
    except ImportError:
        return []
    return [
        f"foidata check: {problem.check}: {problem.message} {list(problem.examples)}"
        for problem in check_dataset(out)
        if problem.severity == "error"
    ]


def sources(out: Path, table: str = "responses") -> set[str]:
    if not has_dataset(out):
        return set()
    return set(open_dataset(out).read(table, columns=["source"]).column("source").to_pylist())


def _repeated(values: Iterable[Any]) -> int:
    return sum(n - 1 for n in Counter(values).values() if n > 1)


def _brief(row: Row) -> str:
    shown = dict(row)
    keep = ("source", "stage", "error_type", "value", "text", "amount", "section", "page", "response_id")
    return ", ".join(f"{k}={shown[k][:60]}" for k in keep if k in shown)
