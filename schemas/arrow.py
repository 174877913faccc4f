"""Arrow schemas derived from the pydantic row models, so the two can never disagree."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel

from foidata.schemas.versions import SCHEMA_VERSION

_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    bool: pa.bool_(),
    float: pa.float64(),
    dt.date: pa.date32(),
    dt.datetime: pa.timestamp("us", tz="UTC"),
    Decimal: pa.decimal128(18, 2),
}


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def arrow_type(annotation: Any) -> pa.DataType:
    """Arrow type of one (non-optional) pydantic annotation."""
    if typing.get_origin(annotation) is typing.Annotated:
        return arrow_type(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is Literal:
        return pa.string()
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        return pa.list_(arrow_type(item))
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"no Arrow type for {annotation!r}")


def arrow_schema(model: type[BaseModel], table: str = "") -> pa.Schema:
    """The Arrow schema of a row model: same columns, same order, descriptions as field metadata."""
    fields = []
    for name, info in model.model_fields.items():
        annotation, nullable = _unwrap_optional(info.annotation)
        metadata = {"description": info.description or ""}
        fields.append(pa.field(name, arrow_type(annotation), nullable=nullable, metadata=metadata))
    meta = {"foidata.schema_version": SCHEMA_VERSION, "foidata.table": table, "description": model.__doc__ or ""}
    return pa.schema(fields, metadata=meta)


def data_dictionary(tables: Mapping[str, type[BaseModel]]) -> str:
    """Markdown tables describing every column of every table (used for the README and `foidata schema`)."""
    out: list[str] = []
    for table, model in tables.items():
        schema = arrow_schema(model, table)
        out.append(f"### `{table}`\n\n{(model.__doc__ or '').strip()}\n")
        out.append("| column | type | nullable | meaning |\n|---|---|---|---|")
        for fld in schema:
            description = (fld.metadata or {}).get(b"description", b"").decode()
            out.append(f"| `{fld.name}` | {fld.type} | {'yes' if fld.nullable else 'no'} | {description} |")
        out.append("")
    return "\n".join(out)
