"""The current dataset version as one CSV file per table, with a datapackage.json describing them."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from foidata.extractors.document import sha256_file
from foidata.output import open_dataset, verify_current
from foidata.output.datapackage import ResourceFile, descriptor, write_datapackage
from foidata.output.export.values import batches, cell, row_count

Tracker = Callable[[Iterable[Any], int], Iterable[Any]]


@dataclass
class CsvExport:
    folder: Path
    run_id: str
    rows: dict[str, int] = field(default_factory=dict)
    datapackage: Path | None = None


def export_csv(data_dir: str | Path, folder: str | Path, track: Tracker | None = None) -> CsvExport:
    """`folder/<table>.csv` for every table (UTF-8, header row, empty cell for null, lists as JSON, booleans
    true/false, money exact) and `folder/datapackage.json`."""
    # Every file is read anyway: checked against the manifest first, so a damaged one is one line, not a
    # Parquet traceback halfway through (and never a partial export that looks whole).
    verify_current(data_dir)
    dataset = open_dataset(data_dir)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = CsvExport(folder=folder, run_id=dataset.run_id)
    total = sum(row_count(dataset.path(t)) for t in dataset.tables)
    files: list[ResourceFile] = []
    schemas = {}
    for _ in (track or (lambda items, _n: items))(_write_all(dataset.tables, dataset.path, folder, result), total):
        pass
    for table in dataset.tables:
        path = folder / f"{table}.csv"
        schemas[table] = pq.read_schema(dataset.path(table))
        files.append(ResourceFile(table, path.name, path.stat().st_size, sha256_file(path)))
    package = descriptor(files, "csv", run_id=dataset.run_id, created=dt.datetime.now(dt.UTC), schemas=schemas)
    result.datapackage = write_datapackage(folder, package)
    return result


def _write_all(tables: list[str], path_of: Callable[[str], Path], folder: Path, result: CsvExport) -> Iterator[None]:
    for table in tables:
        source = path_of(table)
        names = pq.read_schema(source).names
        target = folder / f"{table}.csv"
        partial = target.with_name(f".{target.name}.tmp")
        count = 0
        with partial.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(names)
            for rows in batches(source):
                writer.writerows([_csv_cell(row[n]) for n in names] for row in rows)
                count += len(rows)
                for _ in rows:
                    yield None
        partial.replace(target)
        result.rows[table] = count


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell(value)
