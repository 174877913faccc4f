"""Datasette metadata for an exported database: the data dictionary (table and column descriptions), facets,
the bodies table described, the full-text table hidden, and a canned search query.
`datasette serve foi.db --metadata foi.metadata.json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from foidata.output import open_dataset
from foidata.output.export.sqlite import BODIES_TABLE, FTS_TABLE, SqliteExport, data_first
from foidata.schemas import TABLES
from foidata.schemas.versions import __version__

SEARCH_SQL = f"""SELECT r.response_id, r.body, r.title, r.published_date, r.outcome,
       snippet({FTS_TABLE}, -1, '[', ']', '…', 16) AS snippet, r.source
FROM {FTS_TABLE} JOIN responses AS r ON r.rowid = {FTS_TABLE}.rowid
WHERE {FTS_TABLE} MATCH :q
ORDER BY rank LIMIT 200"""


# Columns with few distinct values worth counting at a glance, offered as facets wherever a table has them.
FACETS = ("body", "outcome", "law", "period", "body_kind", "body_nation")
BODIES = {
    "description": "One row per named body, with how many responses it published. A body's responses link here.",
    "columns": {
        "body": "The body's name, as in responses.body.",
        "body_id": "The body's identifier in foidata's register of public bodies, when it is in the register.",
        "body_kind": "The kind of body the register gives.",
        "body_nation": "The UK nation the register gives for the body.",
        "responses": "How many responses in this dataset version the body published.",
    },
    "facets": ["body_kind", "body_nation"],
    "sort_desc": "responses",
}


def facets(columns: list[str]) -> list[str]:
    return [c for c in FACETS if c in columns]


def metadata_path(database: Path) -> Path:
    return database.with_name(database.stem + ".metadata.json")


def datasette_metadata(export: SqliteExport, data_dir: str | Path) -> dict[str, Any]:
    dataset = open_dataset(data_dir)
    tables: dict[str, Any] = {}
    for table in dataset.tables:
        schema = data_first(pq.read_schema(dataset.path(table)))
        columns = {f.name: (f.metadata or {}).get(b"description", b"").decode() for f in schema}
        model = TABLES.get(table)
        entry: dict[str, Any] = {
            "description": " ".join(((model.__doc__ if model else None) or "").split()),
            "columns": {name: text for name, text in columns.items() if text},
        }
        if wanted := facets(schema.names):
            entry["facets"] = wanted
        if table == "responses" and export.fts_columns:
            entry["fts_table"] = FTS_TABLE
            entry["searchmode"] = "raw"  # FTS5 syntax: "capital programme", ICT AND budget, ransom*
        tables[table] = entry
    if export.bodies is not None:
        tables[BODIES_TABLE] = BODIES
    tables[FTS_TABLE] = {"hidden": True}
    queries = {"search": {"sql": SEARCH_SQL, "title": "Search the responses' full text",
                          "description": "FTS5 syntax: words, \"a phrase\", AND / OR / NOT, prefix*"}}
    return {
        "title": "FOI responses (foidata)",
        "description": f"Published UK Freedom of Information responses read by foidata {__version__}; dataset "
        f"version {export.run_id}. Every row keeps its source (path or URL) and the SHA-256 of the document.",
        "source": "foidata",
        "databases": {export.path.stem: {"tables": tables, "queries": queries}},
    }


def write_metadata(export: SqliteExport, data_dir: str | Path) -> Path:
    path = metadata_path(export.path)
    path.write_text(json.dumps(datasette_metadata(export, data_dir), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path
