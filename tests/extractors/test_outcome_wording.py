"""The outcome wording patterns run over casefolded text without re.IGNORECASE (for speed): they must find
exactly what the case-insensitive patterns find in the page as printed."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foidata.extractors.outcome import _FOLDED_WORDING, _WORDING

RESPONSES = sorted((Path(__file__).parents[1] / "fixtures" / "responses").glob("*.txt"))
PHRASES = [
    "We do NOT hold this information.",
    "Please find ATTACHED the spreadsheet.",
    "Q3 Response: yes",
    "This is outside the scope of the Act.",
    "You may complain to the Information Commissioner.",
    "Some Information Has Been Redacted.",
    "It would EXCEED THE APPROPRIATE LIMIT.",
]


def test_no_pattern_needs_upper_case() -> None:
    for name, pattern in _WORDING.items():
        assert not re.findall(r"(?<!\\)[A-Z]", pattern.pattern), name


@pytest.mark.parametrize("path", RESPONSES, ids=lambda p: p.stem)
def test_folded_search_agrees_on_real_layouts(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for name, pattern in _WORDING.items():
        assert bool(_FOLDED_WORDING[name].search(text.casefold())) == bool(pattern.search(text)), name


@given(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=4), st.randoms())
def test_folded_search_agrees_whatever_the_case(phrases: list[str], rnd: random.Random) -> None:
    text = "\n".join(phrases)
    mixed = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in text)
    for name, pattern in _WORDING.items():
        assert bool(_FOLDED_WORDING[name].search(mixed.casefold())) == bool(pattern.search(mixed)), name
