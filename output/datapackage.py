"""datapackage.json: a Frictionless Data Package describing a dataset's files, generated from the schemas.

Every version directory gets one beside manifest.json, so the Parquet files carry their data dictionary
(table and column descriptions, types, keys) in a form other tools read; `foidata export csv` writes one for
its CSV files. Validate either with `frictionless validate DIR/current/datapackage.json`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from foidata.schemas import SCHEMA_VERSION, TABLES, arrow_schema
from foidata.schemas.versions import __version__

DATAPACKAGE = "datapackage.json"
Format = Literal["parquet", "csv"]
MEDIA_TYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}
KEY = "response_id"  # every table but errors points at its response


@dataclass(frozen=True)
class ResourceFile:
    """One table's file: its name in the package folder, size and SHA-256 (hex)."""

    table: str
    path: str
    bytes: int
    sha256: str


def field_type(arrow: pa.DataType) -> tuple[str, dict[str, Any]]:
    """The Table Schema type (and extra field properties) of an Arrow column type."""
    if pa.types.is_string(arrow) or pa.types.is_large_string(arrow):
        return "string", {}
    if pa.types.is_boolean(arrow):
        return "boolean", {}
    if pa.types.is_integer(arrow):
        return "integer", {}
    if pa.types.is_floating(arrow):
        return "number", {}
    if pa.types.is_decimal(arrow):
        return "number", {}  # exact decimal text in CSV; decimal128 in Parquet
    if pa.types.is_date(arrow):
        return "date", {}
    if pa.types.is_timestamp(arrow):
        return "datetime", {}
    if pa.types.is_list(arrow) or pa.types.is_large_list(arrow):
        return "array", {}
    raise TypeError(f"no Table Schema type for {arrow}")


# frictionless reads Parquet through pandas, which turns a null in an integer column into NaN and a timestamp
# into NaT; its field readers compare str(cell) with the missing values, so these spell pandas' nulls. Only
# non-text columns get them: a string column may hold the text "nan".
PANDAS_NULLS = ["nan", "NaT", "<NA>"]


def table_schema(table: str, schema: pa.Schema, fmt: Format) -> dict[str, Any]:
    fields = []
    for fld in schema:
        kind, extra = field_type(fld.type)
        if fmt == "parquet" and kind == "array":
            # pandas hands a Parquet list to frictionless as a numpy array, which its array type rejects; the
            # Parquet file's own schema keeps the list type (arrowType says it).
            kind, extra = "any", {"arrowType": str(fld.type)}
        entry: dict[str, Any] = {"name": fld.name, "type": kind, **extra}
        description = (fld.metadata or {}).get(b"description", b"").decode()
        if description:
            entry["description"] = description
        # CSV has one empty cell for null and for "", so a required text column could not hold an empty cell.
        if not fld.nullable and not (fmt == "csv" and kind == "string"):
            entry["constraints"] = {"required": True}
        if fmt == "parquet" and fld.nullable and kind not in ("string", "any"):
            entry["missingValues"] = PANDAS_NULLS
        fields.append(entry)
    out: dict[str, Any] = {"fields": fields}
    names = set(schema.names)
    if table == "responses":
        out["primaryKey"] = [KEY]
    elif KEY in names and "responses" in TABLES:
        out["foreignKeys"] = [{"fields": [KEY], "reference": {"resource": "responses", "fields": [KEY]}}]
    out["missingValues"] = [""] if fmt == "csv" else []
    return out


def descriptor(files: Sequence[ResourceFile], fmt: Format, *, run_id: str, created: dt.datetime,
               schemas: Mapping[str, pa.Schema] | None = None) -> dict[str, Any]:
    """The package for `files` (one per table), with each table's schema and descriptions."""
    resources = []
    listed = {f.table for f in files}
    for f in files:
        model = TABLES[f.table]
        schema = schemas[f.table] if schemas is not None else arrow_schema(model, f.table)
        resource: dict[str, Any] = {
            "name": f.table,
            "path": f.path,
            "profile": "tabular-data-resource",
            "format": fmt,
            "mediatype": MEDIA_TYPES[fmt],
            "hash": f"sha256:{f.sha256}",
            "description": " ".join((model.__doc__ or "").split()),
            "schema": table_schema(f.table, schema, fmt),
        }
        if fmt == "csv":
            # Not for Parquet: frictionless reads it whole through pyarrow, counts no bytes, and would report
            # every size as wrong. The manifest keeps each file's size; the hash stays for `foidata check`.
            resource["bytes"] = f.bytes
            resource["encoding"] = "utf-8"
        if "responses" not in listed:
            resource["schema"].pop("foreignKeys", None)  # a package of some tables only
        resources.append(resource)
    return {
        "profile": "tabular-data-package",
        "name": "foidata-dataset",
        "title": "UK Freedom of Information responses (foidata)",
        "description": "Published FOI responses read by foidata: one row per response, with the references, "
        "dates, exemptions, money, attachments, pages and tables printed in it, and the documents that could "
        "not be read. Every row keeps its source, the SHA-256 of the document and the extractor version. "
        "Column meanings are in each field's description.",
        "version": SCHEMA_VERSION,
        "created": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "contributors": [{"title": f"foidata {__version__}", "role": "author"}],
        "foidata": {"run_id": run_id, "schema_version": SCHEMA_VERSION, "foidata_version": __version__},
        "resources": resources,
    }


def write_datapackage(folder: Path, package: Mapping[str, Any]) -> Path:
    """Write `folder/datapackage.json` and fsync it."""
    path = folder / DATAPACKAGE
    data = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return path


def datapackage_json(manifest: Any) -> bytes:
    """datapackage.json for one dataset version, from its manifest (run_id, created_at and the files'
    table, path, bytes and sha256): written beside manifest.json by every commit."""
    resources = [ResourceFile(f.table, posixpath.basename(f.path), f.bytes, f.sha256) for f in manifest.files]
    package = descriptor(resources, "parquet", run_id=manifest.run_id, created=manifest.created_at)
    return json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
