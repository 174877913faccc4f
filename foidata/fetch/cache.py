"""Fetched bytes kept by their SHA-256, so re-extraction never needs the network again."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from foidata.document import sha256_hex

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RawCache:
    """Content-addressed files under `root/<first two hex digits>/<sha256>`, written atomically."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        sha = sha256_hex(data)
        final = self.path(sha)
        if not final.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, final)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return sha

    def get(self, sha256: str) -> bytes | None:
        """The bytes, or None when they are not cached (or were damaged: their hash no longer matches)."""
        try:
            data = self.path(sha256).read_bytes()
        except (OSError, ValueError):
            return None
        return data if sha256_hex(data) == sha256 else None

    def __contains__(self, sha256: str) -> bool:
        return self.get(sha256) is not None
