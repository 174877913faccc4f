"""Golden tests: each fixture response (written for foidata, restating the facts of real pages in new
words) against its expected record. A new case is two files: `<name>.txt` and `<name>.json`.

The expected record uses the gold-label format of the dev corpus. A fixture whose JSON has
`"known_miss": "<field>: why"` is a strict xfail: it is noticed when fixed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests_support import comparable

from foidata.extractors import extract_response
from foidata.extractors.document import text_document
from foidata.flows.evaluate import facts_to_label

FIXTURES = Path(__file__).parents[1] / "fixtures" / "responses"
CASES = sorted(FIXTURES.glob("*.json"))


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path) -> None:
    expected = json.loads(case.read_text(encoding="utf-8"))
    text = case.with_suffix(".txt").read_text(encoding="utf-8")
    facts = extract_response(text_document(text, source=case.name))
    got = comparable(facts_to_label(case.stem, facts))
    want = comparable(expected)
    if expected.get("known_miss"):
        if got == want:
            pytest.fail(f"known miss now passes, remove it: {expected['known_miss']}")
        pytest.xfail(expected["known_miss"])
    assert got == want


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 10
