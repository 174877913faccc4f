"""The same response rendered as text, as an HTML page and as a PDF gives the same facts."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests_support import comparable_facts, load_bench

from foidata.flows.pipeline import process_bytes

FIXTURES = Path(__file__).parents[1] / "fixtures" / "responses"
CASES = sorted(p for p in FIXTURES.glob("*.txt") if '"known_miss"' not in p.with_suffix(".json").read_text())


RENDER = load_bench("render")


def facts_of(name: str, data: bytes) -> dict[str, object]:
    processed = process_bytes(name, data, run_id="test")
    assert processed.facts is not None, processed.rows
    return comparable_facts(processed.facts)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_text_html_and_pdf_agree(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    from_text = facts_of(case.name, text.encode("utf-8"))
    from_html = facts_of(case.stem + ".html", RENDER.to_html(text).encode("utf-8"))
    from_pdf = facts_of(case.stem + ".pdf", RENDER.to_pdf(text))
    assert from_html == from_text
    assert from_pdf == from_text
