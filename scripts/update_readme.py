"""Regenerate the README's data dictionary from the schemas: python scripts/update_readme.py"""

from __future__ import annotations

import re
from pathlib import Path

from foidata.schemas import TABLES, data_dictionary

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- data-dictionary:start -->", "<!-- data-dictionary:end -->"


def render(readme: str) -> str:
    block = f"{START}\n{data_dictionary(TABLES)}\n{END}"
    return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, readme, flags=re.S)


if __name__ == "__main__":
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
