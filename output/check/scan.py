"""What every check shares: the Problem and Report it makes, and the scan of one dataset that collects them."""

from __future__ import annotations

import posixpath
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb

from foidata.output.dataset import (
    Manifest,
)
from foidata.output.storage import Location

Severity = Literal["error", "warning"]


RAW_DIR = "raw"  # the scrape's raw cache beside the dataset (flows/scrape.py keeps its bytes there)


EXAMPLES = 3


CHUNK = 1 << 20


_TMP = ".tmp-"


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a dataset: which check found it, in which table (None: the dataset as a whole),
    what, how many rows or files, and a few examples (keys, sources, paths)."""

    severity: Severity
    check: str
    table: str | None
    message: str
    count: int = 1
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """What a check looked at, and what it found."""

    dataset: str
    run_id: str | None
    schema_version: str | None
    rows: dict[str, int]
    files_hashed: int
    raw_hashed: int
    raw_total: int
    state_files: int
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class _Scan:
    where: Location
    problems: list[Problem] = field(default_factory=list)
    manifest: Manifest | None = None
    files_hashed: int = 0
    raw_hashed: int = 0
    raw_total: int = 0
    state_files: int = 0

    def error(self, check: str, table: str | None, message: str, count: int = 1,
              examples: Sequence[str] = ()) -> None:
        self.problems.append(Problem("error", check, table, message, count, tuple(examples[:EXAMPLES])))

    def warn(self, check: str, table: str | None, message: str, count: int = 1,
             examples: Sequence[str] = ()) -> None:
        self.problems.append(Problem("warning", check, table, message, count, tuple(examples[:EXAMPLES])))

    def ls(self, path: str) -> list[str]:
        """Names in a folder (or under a prefix), [] when there is none."""
        try:
            found = self.where.fs.ls(path, detail=False)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(posixpath.basename(str(p).rstrip("/")) for p in found)

    def relative(self, path: str) -> str:
        return posixpath.relpath(path, self.where.root)


def _literal_values(annotation: Any) -> list[str]:
    """The values a Literal column may hold (`Outcome | None` too); [] for other columns."""
    if typing.get_origin(annotation) is Literal:
        return [str(v) for v in typing.get_args(annotation)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [v for arg in typing.get_args(annotation) for v in _literal_values(arg)]
    return []


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    row = con.execute(sql).fetchone()
    return tuple(row) if row is not None else ()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _short(value: Any, limit: int = 80) -> str:
    text = "NULL" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
