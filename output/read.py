"""Reading the current dataset version: Arrow tables, DuckDB views, and what has been ingested already.

The dataset may be a local folder or on object storage (s3://bucket/prefix, ...): see foidata.output.storage.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from foidata.extractors.bodies import register_table
from foidata.output.dataset import Manifest, current_version, read_manifest, repair_hint
from foidata.output.errors import DamagedDataset, DatasetError, DatasetNotFound
from foidata.output.storage import Location, location

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Dataset:
    """One version of a dataset, pinned when opened: later commits do not change what it reads."""

    where: Location
    version: str  # the version's folder, as a path in `where.fs`
    manifest: Manifest

    @property
    def root(self) -> str:
        """The dataset as the caller named it (a folder or a URL)."""
        return self.where.url

    @property
    def version_dir(self) -> Path:
        """The version's local folder; a dataset on object storage has none (use `uri` or `read`)."""
        if not self.where.is_local:
            raise DatasetError(f"{self.root} is on object storage: it has no local folder (use uri() or read())")
        return Path(self.version)

    @property
    def run_id(self) -> str:
        run_id: str = self.manifest.run_id
        return run_id

    @property
    def tables(self) -> list[str]:
        return list(self.manifest.tables)

    def path(self, table: str) -> Path:
        """A table's local file (local datasets only; `uri` names it anywhere)."""
        self._check(table)
        return self.version_dir / f"{table}.parquet"

    def uri(self, table: str) -> str:
        """A table's file as DuckDB or pyarrow names it: a local path, or s3://bucket/.../<table>.parquet."""
        self._check(table)
        return self.where.uri(posixpath.join(self.version, f"{table}.parquet"))

    def read(self, table: str, columns: Sequence[str] | None = None) -> pa.Table:
        wanted = list(columns) if columns is not None else None
        with self._damage_reported(table):
            if self.where.is_local:
                return pq.read_table(self.path(table), columns=wanted)
            self._check(table)
            return pq.read_table(self._key(table), columns=wanted, filesystem=self.where.fs)

    def schema(self, table: str) -> pa.Schema:
        """A table's Arrow schema as stored (an older version may lack columns added since)."""
        with self._damage_reported(table):
            if self.where.is_local:
                return pq.read_schema(self.path(table))
            self._check(table)
            return pq.read_schema(self._key(table), filesystem=self.where.fs)

    @contextlib.contextmanager
    def _damage_reported(self, table: str) -> Iterator[None]:
        """A table file that is missing or not Parquet any more (a flipped byte in its footer) is one line
        naming `foidata check`, not pyarrow's traceback."""
        try:
            yield
        except FileNotFoundError:
            raise damaged_table(self, table, "is missing") from None
        except pa.ArrowInvalid as exc:
            raise damaged_table(self, table, f"cannot be read as Parquet ({_first_line(exc)})") from None
        except OSError as exc:
            if not self.where.is_local or isinstance(exc, PermissionError):  # the network, or the user's rights
                raise
            raise damaged_table(self, table, f"cannot be read as Parquet ({_first_line(exc)})") from None

    def _key(self, table: str) -> str:
        return posixpath.join(self.version, f"{table}.parquet")

    def _check(self, table: str) -> None:
        if table not in self.manifest.tables:
            raise DatasetError(f"no table {table!r} in {self.root}; tables: {', '.join(self.tables)}")


def open_dataset(out_dir: PathLike) -> Dataset:
    """The current version of the dataset in `out_dir` (a folder or an s3://, gs://, az:// URL).
    Raises DatasetNotFound if there is none."""
    where = location(out_dir)
    version = current_version(where)
    return Dataset(where=where, version=version, manifest=read_manifest(version, where))


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
    """An in-memory DuckDB connection with one view per table of the current version, and `bodies`: foidata's
    register of bodies (id, kind, nation, area, name, aliases, hosts, wdtk).

    `references` is an SQL keyword, so that view must be quoted: `SELECT * FROM "references"`.
    """
    dataset = open_dataset(out_dir)
    con = duckdb.connect()
    if not dataset.where.is_local:
        # The views read s3://... through foidata's fsspec filesystem: DuckDB's httpfs needs a download.
        con.register_filesystem(dataset.where.fs)
    for table in dataset.tables:
        uri = dataset.uri(table).replace("'", "''")
        try:
            con.execute(f"CREATE VIEW {_identifier(table)} AS SELECT * FROM read_parquet('{uri}')")
        except duckdb.Error as exc:  # DuckDB reads the footer here: a damaged file fails now, not in a query
            raise damaged_table(dataset, table, f"cannot be read as Parquet ({_first_line(exc)})") from None
    # The register of bodies beside the data, so a query can name them: JOIN bodies ON bodies.id = body_id.
    con.register("bodies", register_table())
    return con


def damaged_table(dataset: Dataset, table: str, problem: str) -> DamagedDataset:
    return DamagedDataset(f"{dataset.uri(table)} {problem}: {repair_hint(dataset.root)}")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
