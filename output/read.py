"""Reading the current dataset version: Arrow tables, DuckDB views, and what has been ingested already."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from foidata.output.dataset import Manifest, current_version_dir, read_manifest
from foidata.output.errors import DatasetError, DatasetNotFound

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Dataset:
    """One version of a dataset, pinned when opened: later commits do not change what it reads."""

    root: Path
    version_dir: Path
    manifest: Manifest

    @property
    def run_id(self) -> str:
        run_id: str = self.manifest.run_id
        return run_id

    @property
    def tables(self) -> list[str]:
        return list(self.manifest.tables)

    def path(self, table: str) -> Path:
        if table not in self.manifest.tables:
            raise DatasetError(f"no table {table!r} in {self.root}; tables: {', '.join(self.tables)}")
        return self.version_dir / f"{table}.parquet"

    def read(self, table: str, columns: Sequence[str] | None = None) -> pa.Table:
        return pq.read_table(self.path(table), columns=list(columns) if columns is not None else None)


def open_dataset(out_dir: PathLike) -> Dataset:
    """The current version of the dataset in `out_dir`. Raises DatasetNotFound if there is none."""
    version_dir = current_version_dir(out_dir)
    return Dataset(root=Path(out_dir), version_dir=version_dir, manifest=read_manifest(version_dir))


def read_table(out_dir: PathLike, name: str, columns: Sequence[str] | None = None) -> pa.Table:
    """One table of the current version, e.g. `read_table("data/foi", "money").to_pandas()`."""
    return open_dataset(out_dir).read(name, columns)


def known_documents(out_dir: PathLike) -> dict[str, tuple[str | None, str]]:
    """source -> (content_sha256, extractor_version) of every document in the current version, read or
    failed; empty if there is no dataset yet. The sha is None where the bytes could not be read at all."""
    try:
        dataset = open_dataset(out_dir)
    except DatasetNotFound:
        return {}
    known: dict[str, tuple[str | None, str]] = {}
    for table in ("errors", "responses"):  # responses last: they win for a source that has both
        rows = dataset.read(table, columns=["source", "content_sha256", "extractor_version"]).to_pydict()
        for source, sha, version in zip(
            rows["source"], rows["content_sha256"], rows["extractor_version"], strict=True
        ):
            known[source] = (sha, version)
    return known


def failed_sources(out_dir: PathLike) -> set[str]:
    """Sources with at least one row in the current version's `errors` table."""
    try:
        dataset = open_dataset(out_dir)
    except DatasetNotFound:
        return set()
    return set(dataset.read("errors", columns=["source"]).column("source").to_pylist())


def error_types(out_dir: PathLike) -> dict[str, set[str]]:
    """source -> the error types recorded for it in the current version's `errors` table."""
    try:
        dataset = open_dataset(out_dir)
    except DatasetNotFound:
        return {}
    rows = dataset.read("errors", columns=["source", "error_type"]).to_pydict()
    found: dict[str, set[str]] = {}
    for source, error_type in zip(rows["source"], rows["error_type"], strict=True):
        found.setdefault(source, set()).add(error_type)
    return found


def connect(out_dir: PathLike) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table of the current version.

    `references` is an SQL keyword, so that view must be quoted: `SELECT * FROM "references"`.
    """
    dataset = open_dataset(out_dir)
    con = duckdb.connect()
    for table in dataset.tables:
        location = str(dataset.path(table)).replace("'", "''")
        con.execute(f"CREATE VIEW {_identifier(table)} AS SELECT * FROM read_parquet('{location}')")
    return con


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
