"""The register of bodies (bodies.csv beside this file) and the resolution of a printed name, a website host,
a WhatDoTheyKnow url_name or a document's text to one body's id."""

from __future__ import annotations

import csv
import functools
import importlib.resources
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast
from urllib.parse import urlsplit

import pyarrow as pa

BodyKind = Literal["police", "pcc", "fire", "council", "nhs", "other"]
Nation = Literal["england", "wales", "scotland", "northern_ireland", "uk"]

LETTERHEAD_CHARS = 600  # the part of a document where the answering body's own name usually stands
MAX_TEXT_CHARS = 200_000  # enough to count a body's mentions; a 500-page PDF need not be read to the end


@dataclass(frozen=True)
class Body:
    """One row of the register."""

    id: str
    kind: BodyKind
    nation: Nation
    area: str
    name: str
    aliases: tuple[str, ...]
    hosts: tuple[str, ...]
    wdtk: str | None


@dataclass(frozen=True)
class BodyMatch:
    """A resolved body, and what resolved it (name, wdtk, host, letterhead or text)."""

    body_id: str
    name: str
    kind: BodyKind
    nation: Nation
    via: str


# Words that name the same thing differently from body to body ("Essex Constabulary" is "Essex Police"). Each
# with a piece of text every match holds, tested first: a literal is found in C far faster than a pattern that
# starts with \b is scanned for. Wrapping that does not tell bodies apart ("the", "Office of the ...") is
# dropped after them, word by word.
_SAME_WORDS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("police service", re.compile(r"\bpolice service\b"), "police"),
    ("police force", re.compile(r"\bpolice force\b"), "police"),
    ("constabulary", re.compile(r"\bconstabulary\b"), "police"),
    ("fire and rescue service", re.compile(r"\bfire and rescue service\b"), "fire and rescue"),
)


def normalise_name(name: str) -> str:
    """The form names are compared in: lower case, '&' as 'and', no punctuation or 'the', one word for the
    police ("Constabulary", "Police Service", "Police").

    >>> normalise_name("The Essex Constabulary")
    'essex police'
    >>> normalise_name("Essex County Fire & Rescue Service")
    'essex county fire and rescue'
    >>> normalise_name("Office of the Police, Fire and Crime Commissioner for Essex")
    'police fire and crime commissioner for essex'
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("&", " and ")
    text = text.replace("'", "").replace("`", "")  # "Mayor's" and "Mayors" are one name (’ went with NFKD)
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
    for literal, pattern, replacement in _SAME_WORDS:
        if literal in text:
            text = " ".join(pattern.sub(replacement, text).split())
    words = [word for word in text.split() if word != "the"]
    if words[:2] == ["office", "of"]:
        words = words[2:]
    return " ".join(words)


def tidy_name(name: str | None) -> str | None:
    """A printed name with its spacing and a leading 'The' tidied: how an unresolved body is reported."""
    if name is None:
        return None
    tidy = " ".join(name.split()).strip(" ,.;:-")
    tidy = re.sub(r"^the\s+", "", tidy, flags=re.IGNORECASE)
    return tidy or None


@functools.cache
def bodies() -> dict[str, Body]:
    """Every body of the register by id, in the register's order."""
    text = (importlib.resources.files("foidata.extractors.bodies") / "bodies.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    found: dict[str, Body] = {}
    for row in csv.DictReader(lines):
        found[row["id"]] = Body(
            id=row["id"],
            kind=cast(BodyKind, row["kind"]),
            nation=cast(Nation, row["nation"]),
            area=row["area"],
            name=row["name"],
            aliases=tuple(a for a in row["aliases"].split("|") if a),
            hosts=tuple(h for h in row["hosts"].split("|") if h),
            wdtk=row["wdtk"] or None,
        )
    return found


@functools.cache
def _by_name() -> dict[str, str]:
    """Normalised name or alias -> id. A name two bodies share would be ambiguous: it resolves to neither."""
    owners: dict[str, set[str]] = {}
    for body in bodies().values():
        for name in (body.name, *body.aliases):
            owners.setdefault(normalise_name(name), set()).add(body.id)
    return {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}


@functools.cache
def _by_host() -> dict[str, str]:
    return {_bare_host(host): body.id for body in bodies().values() for host in body.hosts}


@functools.cache
def _text_names() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Names of two words or more by their first word, longest first, so "West Mercia Police and Crime
    Commissioner" wins over "West Mercia Police" where both start. One-word names ("MPS", "GMP") are too
    easily other words to look for in running text."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for name in _by_name():
        words = tuple(name.split())
        if len(words) > 1:
            index.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(names, key=len, reverse=True)) for first, names in index.items()}


def _bare_host(host: str) -> str:
    host = host.lower().strip().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def body_for_host(host_or_url: str | None) -> Body | None:
    """The body whose website `host_or_url` is on (a subdomain counts: beta.northumbria.police.uk)."""
    if not host_or_url:
        return None
    host = urlsplit(host_or_url).hostname if "://" in host_or_url else host_or_url
    if not host:
        return None
    host = _bare_host(host)
    known = _by_host()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        found = known.get(".".join(parts[i:]))
        if found:
            return bodies()[found]
    return None


def body_for_name(name: str | None) -> Body | None:
    """The body a printed name or alias names; None for an unknown or ambiguous name ("Essex")."""
    if not name:
        return None
    found = _by_name().get(normalise_name(name))
    return bodies()[found] if found else None


def body_for_text(text: str | None) -> Body | None:
    """The body named most often in `text`, when one is named more often than any other."""
    if not text:
        return None
    counts = Counter(_by_name()[name] for name in _names_in(normalise_name(text[:MAX_TEXT_CHARS]).split()))
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return bodies()[ranked[0][0]]


def _first_named(text: str | None) -> Body | None:
    """The first body `text` names: in a letterhead or page banner, the one that wrote it."""
    found = _names_in(normalise_name(text).split()) if text else []
    return bodies()[_by_name()[found[0]]] if found else None


def _names_in(words: list[str]) -> list[str]:
    """The register's names in the words, left to right, each taking its words (the longest first)."""
    found: list[str] = []
    index = _text_names()
    free = 0  # the first word not taken by a name found
    for i in [i for i, word in enumerate(words) if word in index]:
        if i < free:
            continue
        match = next((n for n in index[words[i]] if tuple(words[i : i + len(n)]) == n), None)
        if match:
            found.append(" ".join(match))
            free = i + len(match)
    return found


def register_table() -> pa.Table:
    """The register as an Arrow table (id, kind, nation, area, name, aliases, hosts, wdtk): the `bodies` view
    of `foidata query`."""
    rows = list(bodies().values())
    return pa.table({
        "id": [b.id for b in rows],
        "kind": [b.kind for b in rows],
        "nation": [b.nation for b in rows],
        "area": [b.area for b in rows],
        "name": [b.name for b in rows],
        "aliases": [list(b.aliases) for b in rows],
        "hosts": [list(b.hosts) for b in rows],
        "wdtk": [b.wdtk for b in rows],
    })


def resolve_body(
    name: str | None = None,
    host: str | None = None,
    wdtk: str | None = None,
    text: str | None = None,
) -> BodyMatch | None:
    """The register's body for what a response says of itself, trying in turn: its WhatDoTheyKnow url_name,
    the website host (or URL), the letterhead (the start of `text`), the printed name, the whole text.

    >>> resolve_body(name="Essex Constabulary").body_id
    'essex-police'
    >>> resolve_body(host="https://transparency.essex-fire.gov.uk/information/x").body_id
    'essex-fire'
    >>> resolve_body(name="Essex") is None
    True
    """
    # The publisher's own address and banner say more than a name read from the text: the body named most
    # often in a Police and Crime Commissioner's letter is usually the force it oversees. Each attempt runs
    # only if the ones before it found nothing.
    attempts: tuple[tuple[str, Callable[[], Body | None]], ...] = (
        ("wdtk", lambda: next((b for b in bodies().values() if wdtk and b.wdtk == wdtk), None)),
        ("host", lambda: body_for_host(host)),
        ("letterhead", lambda: _first_named(text[:LETTERHEAD_CHARS] if text else None)),
        ("name", lambda: body_for_name(name)),
        ("text", lambda: body_for_text(text)),
    )
    for via, attempt in attempts:
        body = attempt()
        if body is not None:
            return _match(body, via)
    return None


def _match(body: Body, via: str) -> BodyMatch:
    return BodyMatch(body_id=body.id, name=body.name, kind=body.kind, nation=body.nation, via=via)
