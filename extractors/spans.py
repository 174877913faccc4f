"""A span: where in the document text a value was found, kept for audit."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Character offsets into `Document.text` and the text they cover."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, match: re.Match[str], group: int | str = 0) -> Span:
        return cls(match.start(group), match.end(group), match.group(group))
