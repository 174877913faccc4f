"""Helpers for the dataset, flow and CLI tests."""

from __future__ import annotations

import pyarrow as pa

from foidata.schemas import TABLES, arrow_schema


def assert_table_schema(schema: pa.Schema, table: str) -> None:
    """`schema` is the table's derived Arrow schema: same columns, types, nullability and descriptions.
    (Parquet names a list's child `element` where Arrow says `item`; `equals` rightly ignores that.)"""
    expected = arrow_schema(TABLES[table], table)
    assert schema.equals(expected), f"{table}:\n{schema}\n!=\n{expected}"
    assert schema.metadata == expected.metadata, table
    for got, want in zip(schema, expected, strict=True):
        assert (got.name, got.nullable, got.metadata) == (want.name, want.nullable, want.metadata), table
