"""The same response rendered as text, as an HTML page and as a PDF gives the same facts."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from tests_support import comparable_facts

from foidata.pipeline import process_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "responses"
CASES = sorted(p for p in FIXTURES.glob("*.txt") if '"known_miss"' not in p.with_suffix(".json").read_text())


def _render_module() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "render.py"
    spec = importlib.util.spec_from_file_location("foidata_bench_render", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENDER = _render_module()


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
