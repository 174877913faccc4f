"""The topics table (`topics.toml`): which money figures belong to a subject, and what kind of spending each is."""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from foidata.output.tomlfile import read_toml
from foidata.schemas.errors import FoidataError

FIELDS = ("subject", "sentence", "paragraph", "title", "keywords")
OTHER = "other"


class TopicError(FoidataError, ValueError):
    """The topics table is unreadable or names something it should not; the message says where."""


@dataclass(frozen=True)
class Topic:
    name: str
    label: str
    terms: re.Pattern[str] | None
    match_in: tuple[str, ...]
    exclude: re.Pattern[str] | None
    kinds: tuple[tuple[str, re.Pattern[str]], ...]

    @property
    def kind_names(self) -> tuple[str, ...]:
        return (*(name for name, _ in self.kinds), OTHER)

    def matches(self, fields: Mapping[str, str | None]) -> bool:
        """True when one of the `match_in` fields names a term and neither subject nor sentence is excluded."""
        if self.exclude is not None and any(
            self.exclude.search(fields.get(name) or "") for name in ("subject", "sentence")
        ):
            return False
        if self.terms is None:  # a topic without terms takes every figure: `--topic all`
            return True
        return any(self.terms.search(fields.get(name) or "") for name in self.match_in)

    def kind(self, *texts: str | None) -> str:
        """The first kind named by the first of `texts` that names exactly one; OTHER if none does.

        Asking the nearest text first (subject, then sentence, then paragraph) keeps "revenue" in the next
        sentence from relabelling a capital figure; a text naming two kinds settles nothing."""
        for text in texts:
            named = [name for name, pattern in self.kinds if text and pattern.search(text)]
            if len(named) == 1:
                return named[0]
        return OTHER


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for whole-word terms; all-capital terms (IT, ICT) match only in capitals."""
    parts = []
    for term in terms:
        words = r"\s+".join(re.escape(word) for word in term.split())
        caps = term.upper() == term and any(ch.isalpha() for ch in term)
        parts.append(words if caps else f"(?i:{words})")
    if not parts:
        return None
    # \w lookarounds, not \b: a term may start or end with a non-word character ("IM&T").
    return re.compile(r"(?<![\w&])(?:" + "|".join(parts) + r")(?![\w&])")


def default_topics_path() -> Path:
    path = importlib.resources.files("foidata.output.report") / "topics.toml"
    return Path(str(path))


def load_topics(path: Path | None = None) -> dict[str, Topic]:
    """Every topic in the table (the bundled one unless `path`), plus `all` (every figure, by kind)."""
    path = path or default_topics_path()
    raw = read_toml(path, TopicError, "the topics table")
    topics = {name: _topic(path, name, entry) for name, entry in raw.items()}
    if "all" not in topics:
        ict = topics.get("ict")
        topics["all"] = Topic("all", "All money", None, FIELDS, None, ict.kinds if ict else ())
    return topics


def _topic(path: Path, name: str, entry: Any) -> Topic:
    where = f"{path}: [{name}]"
    if not isinstance(entry, dict):
        raise TopicError(f"{where} must be a table")
    unknown = set(entry) - {"label", "terms", "match_in", "exclude", "kinds"}
    if unknown:
        raise TopicError(f"{where}: unknown keys {sorted(unknown)}")
    match_in = tuple(_strings(where, entry, "match_in") or FIELDS)
    bad = [field for field in match_in if field not in FIELDS]
    if bad:
        raise TopicError(f"{where}: match_in may hold {', '.join(FIELDS)}, not {', '.join(bad)}")
    kinds_raw = entry.get("kinds", {})
    if not isinstance(kinds_raw, dict):
        raise TopicError(f"{where}: kinds must be a table of kind = [terms]")
    kinds = []
    for kind, terms in kinds_raw.items():
        pattern = term_pattern(_strings(f"{where} kinds", {kind: terms}, kind))
        if kind == OTHER or pattern is None:
            raise TopicError(f"{where}: kind {kind!r} needs terms and may not be called {OTHER!r}")
        kinds.append((kind, pattern))
    terms = term_pattern(_strings(where, entry, "terms"))
    if terms is None:
        raise TopicError(f"{where}: terms is empty")
    label = entry.get("label", name)
    return Topic(name, str(label), terms, match_in, term_pattern(_strings(where, entry, "exclude")), tuple(kinds))


def _strings(where: str, entry: Mapping[str, Any], key: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TopicError(f"{where}: {key} must be a list of words or phrases")
    return list(value)
