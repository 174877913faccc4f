"""The step before a commit that needs the whole dataset: request groups for the run's new responses (against
the responses already stored), and the count of the bodies the register did not know."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping, MutableMapping, Set
from dataclasses import dataclass, field

import pyarrow as pa
from pydantic import BaseModel

from foidata.extractors.bodies import tidy_name
from foidata.output import DatasetNotFound, open_dataset
from foidata.output.groups import Firsts, GroupMember, Keyed, assign_keyed, keyed
from foidata.output.staging import Staging
from foidata.schemas import ResponseRecord

_BATCH_ROWS = 4096
_COLUMNS = ("source", "response_id", "request_text", "title", "request_group_id", "body", "body_id")


@dataclass(frozen=True)
class RunBodies:
    """What the run's new responses said about bodies: names not in the register, with their responses."""

    unknown: Mapping[str, int] = field(default_factory=dict)
    grouped: int = 0


def prepare_responses(
    out_dir: str | os.PathLike[str],
    rows: MutableMapping[str, list[BaseModel]],
    staging: Staging | None,
    replaced_sources: Set[str],
) -> RunBodies:
    """Set request_group_id on the run's new responses, in `rows["responses"]` and in the staged parts, and
    count the unknown bodies among them. The stored responses of `replaced_sources` are left out: their
    new rows stand for them.

    Memory stays a key per new response and one per stored group: parts and stored rows are read a part, or a
    record batch, at a time."""
    parts = staging.parts("responses") if staging is not None else []
    fresh: list[Keyed] = []
    unknown: Counter[str] = Counter()
    for row in _new_rows(rows, staging, parts):
        if (key := keyed(_member(row))) is not None:
            fresh.append(key)
        if row["body_id"] is None and isinstance(row["body"], str) and (name := tidy_name(row["body"])):
            unknown[name] += 1
    groups = assign_keyed(fresh, _stored(out_dir, replaced_sources))

    rows["responses"] = [
        r.model_copy(update={"request_group_id": groups.get(r.response_id)}) if isinstance(r, ResponseRecord) else r
        for r in rows.get("responses", [])
    ]
    for path in parts:
        assert staging is not None  # there are parts only when there is a staging
        _rewrite_groups(staging, path, groups)
    return RunBodies(unknown=dict(unknown.most_common()), grouped=len(groups))


def _new_rows(
    rows: Mapping[str, list[BaseModel]], staging: Staging | None, parts: list[str]
) -> Iterator[dict[str, object]]:
    """The grouping columns of the run's new responses: those in memory, then each staged part in turn."""
    for record in rows.get("responses", []):
        if isinstance(record, ResponseRecord):
            yield record.model_dump(include=set(_COLUMNS))
    for path in parts:
        assert staging is not None  # there are parts only when there is a staging
        yield from staging.read_part(path, _COLUMNS).to_pylist()


def _member(row: Mapping[str, object]) -> GroupMember:
    def text(name: str) -> str | None:
        value = row.get(name)
        return value if isinstance(value, str) else None

    return GroupMember(str(row["response_id"]), text("request_text"), text("title"), text("request_group_id"))


def _stored(out_dir: str | os.PathLike[str], replaced: Set[str]) -> Firsts:
    firsts = Firsts()
    try:
        dataset = open_dataset(out_dir)
    except DatasetNotFound:
        return firsts
    have = set(dataset.schema("responses").names)
    table = dataset.read("responses", columns=[c for c in _COLUMNS if c in have])  # older versions lack new columns
    for batch in table.to_batches(max_chunksize=_BATCH_ROWS):
        for row in batch.to_pylist():
            if row["source"] not in replaced and (key := keyed(_member(row))) is not None:
                firsts.add(key)
    return firsts


def _rewrite_groups(staging: Staging, path: str, groups: Mapping[str, str]) -> None:
    """Replace a staged part's request_group_id column, atomically (a part is only ever whole; the staging may
    be on object storage)."""
    table = staging.read_part(path)
    group_ids = [groups.get(rid) for rid in table.column("response_id").to_pylist()]
    index = table.schema.get_field_index("request_group_id")
    table = table.set_column(index, table.schema.field(index), pa.array(group_ids, pa.string()))
    staging.replace_part(path, table)
