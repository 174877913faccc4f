"""The README stays true: its data dictionary matches the schemas, and it mentions every command."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_data_dictionary_is_current() -> None:
    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "scripts" / "update_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render(README) == README, "run: python scripts/update_readme.py"


def test_quick_start_has_exactly_two_command_lines() -> None:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert "foidata demo" in lines[0] and "pytest" in lines[1]


def test_every_command_is_documented() -> None:
    from foidata.cli import all_commands

    for name in all_commands():
        assert f"foidata {name}" in README, name
