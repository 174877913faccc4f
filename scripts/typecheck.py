"""Run mypy over the installed layout: `foidata.flows` lives in `flows/`, and so on (setuptools package-dir).

mypy resolves modules by folders, so this links the folders into a temporary `foidata/` tree that looks
like the installed package, then checks it strictly. Usage: python scripts/typecheck.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    mapping = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "foidata"
        package.mkdir()
        for entry in (ROOT / "foidata").iterdir():
            os.symlink(entry, package / entry.name)
        for name, folder in mapping.items():
            parts = name.split(".")
            if len(parts) == 2 and not (package / parts[1]).exists():
                os.symlink(ROOT / folder, package / parts[1])
        cmd = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "-p", "foidata"]
        return subprocess.call(cmd, cwd=tmp, env={**os.environ, "MYPYPATH": tmp})


if __name__ == "__main__":
    sys.exit(main())
