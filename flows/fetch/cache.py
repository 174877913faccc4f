"""Fetched bytes kept by their SHA-256, so re-extraction never needs the network again."""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
from pathlib import Path

from foidata.extractors.document import sha256_hex
from foidata.output.storage import location

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RawCache:
    """Content-addressed files under `root/<first two hex digits>/<sha256>`, written atomically. `root` may
    be a folder or an object-storage URL (s3://bucket/data/raw), like the dataset it sits in."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.where = location(root)
        self.root = Path(root) if self.where.is_local else None

    def path(self, sha256: str) -> Path:
        """The local file of a digest (local caches only)."""
        if self.root is None:
            raise ValueError(f"{self.where.url} is on object storage: it has no local files")
        return Path(self._key(sha256))

    def _key(self, sha256: str) -> str:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        if self.root is not None:
            return str(self.root / sha256[:2] / sha256)
        return posixpath.join(self.where.root, sha256[:2], sha256)

    def put(self, data: bytes) -> str:
        sha = sha256_hex(data)
        if self.root is None:
            key = self._key(sha)
            if not self.where.fs.exists(key):
                self.where.fs.pipe_file(key, data)  # one PUT: whole or absent
            return sha
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
            key = self._key(sha256)
            data = Path(key).read_bytes() if self.root is not None else self.where.fs.cat_file(key)
        except (OSError, ValueError):
            return None
        return data if isinstance(data, bytes) and sha256_hex(data) == sha256 else None

    def __contains__(self, sha256: str) -> bool:
        return self.get(sha256) is not None
