"""Reading a settings file written in TOML (foidata.toml, topics.toml), with the one-line errors a user can act on.

Here, below the command line, so that output's own topics table and the command line's foidata.toml share it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from foidata.schemas.errors import FoidataError


def read_toml(path: Path, error: type[FoidataError], what: str | None = None) -> dict[str, Any]:
    """The file's TOML as a dict. A file that cannot be read or is not TOML raises `error`, its message naming the
    file (and `what` it should have held, e.g. "the topics table")."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        reading = f"cannot read {what}" if what else "cannot read"
        raise error(f"{path}: {reading}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
