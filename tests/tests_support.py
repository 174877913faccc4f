"""Helpers shared by the tests."""

from __future__ import annotations

from typing import Any

from foidata.evaluate import facts_to_label
from foidata.extractors.facts import ResponseFacts
from foidata.extractors.periods import normalise_period


def comparable(label: dict[str, Any]) -> dict[str, Any]:
    """The fields foidata must get exactly right (names and subjects are free text, left out)."""
    return {
        "references": {
            "primary": label["references"]["primary"],
            "publication_id": label["references"]["publication_id"],
            "others": sorted(label["references"]["others"]),
        },
        "dates": label["dates"],
        "outcome": label["outcome"],
        "exemptions": sorted((e["law"], p) for e in label["exemptions"] for p in e["provisions"]),
        "money": [
            (round(float(m["value_gbp"]), 2), m["approximate"], normalise_period(m["period"]))
            for m in label["money"]
        ],
        "questions": label["questions"],
    }


def comparable_facts(facts: ResponseFacts) -> dict[str, Any]:
    return comparable(facts_to_label("doc", facts))
