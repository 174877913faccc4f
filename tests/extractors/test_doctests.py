"""The examples in the extractors' docstrings are run, so each stays true of the code beside it."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import foidata.extractors

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(foidata.extractors.__path__, prefix="foidata.extractors.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"


def test_the_parsers_have_examples() -> None:
    """The parsers people read first carry examples; an empty doctest run would pass for nothing."""
    for name in ("money.amounts", "dates", "references", "exemptions", "fiscal"):
        module = importlib.import_module(f"foidata.extractors.{name}")
        assert doctest.testmod(module, verbose=False).attempted > 0, name
