"""The step before a commit that needs the whole dataset: request groups for the run's new responses (against
the responses already stored), and the count of the bodies the register did not know."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, MutableMapping, Sequence, Set
from dataclasses import dataclass, field

import pyarrow as pa
from pydantic import BaseModel

from foidata.bodies import tidy_name
from foidata.groups import GroupMember, assign_groups
from foidata.output import DatasetNotFound, open_dataset
from foidata.output.staging import Staging
from foidata.schemas import ResponseRecord

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
    new rows stand for them."""
    in_memory = [r for r in rows.get("responses", []) if isinstance(r, ResponseRecord)]
    parts = staging.parts("responses") if staging is not None else []
    staged = [staging.read_part(p, _COLUMNS).to_pylist() for p in parts] if staging is not None else []
    new = [_member(r.model_dump()) for r in in_memory] + [_member(r) for part in staged for r in part]
    groups = assign_groups(new, _stored(out_dir, replaced_sources))

    rows["responses"] = [
        r.model_copy(update={"request_group_id": groups.get(r.response_id)}) if isinstance(r, ResponseRecord) else r
        for r in rows.get("responses", [])
    ]
    for path, part in zip(parts, staged, strict=True):
        assert staging is not None  # there are parts only when there is a staging
        _rewrite_groups(staging, path, [groups.get(r["response_id"]) for r in part])

    names = [r.body for r in in_memory if r.body_id is None] + [
        r["body"] for part in staged for r in part if r["body_id"] is None
    ]
    unknown = Counter(n for n in (tidy_name(name) for name in names) if n)
    return RunBodies(unknown=dict(unknown.most_common()), grouped=len(groups))


def _member(row: Mapping[str, object]) -> GroupMember:
    def text(name: str) -> str | None:
        value = row.get(name)
        return value if isinstance(value, str) else None

    return GroupMember(str(row["response_id"]), text("request_text"), text("title"), text("request_group_id"))


def _stored(out_dir: str | os.PathLike[str], replaced: Set[str]) -> Sequence[GroupMember]:
    try:
        dataset = open_dataset(out_dir)
    except DatasetNotFound:
        return []
    have = set(dataset.schema("responses").names)
    table = dataset.read("responses", columns=[c for c in _COLUMNS if c in have])  # older versions lack new columns
    return [_member(row) for row in table.to_pylist() if row["source"] not in replaced]


def _rewrite_groups(staging: Staging, path: str, group_ids: list[str | None]) -> None:
    """Replace a staged part's request_group_id column, atomically (a part is only ever whole; the staging may
    be on object storage)."""
    table = staging.read_part(path)
    index = table.schema.get_field_index("request_group_id")
    table = table.set_column(index, table.schema.field(index), pa.array(group_ids, pa.string()))
    staging.replace_part(path, table)
