"""Round-robin requests: the same request sent to many bodies, found by near-identical request text (or,
without one, title), and given one `request_group_id`.

Grouping runs over the whole dataset at each commit, incrementally: a new response joins the group of the
most similar response already in the dataset, or forms a group with the other new responses like it, named
after its smallest response_id. Rows already written keep their ids, so an id never changes under its members.
Similarity is RapidFuzz's token-sort ratio over normalised text, computed only against the candidates a
MinHash LSH index (datasketch) proposes among one representative per group.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz, process

KeyKind = Literal["request", "title"]

# Scores (0-100) from which two texts count as one request. Request texts sent round-robin differ only in the
# body addressed, the requester's sign-off and layout; two requests on one subject share words but not
# sentences, and score well below these. Titles are short, so only a near-exact title will do.
REQUEST_SCORE = 85.0
TITLE_SCORE = 95.0
MIN_WORDS = 6  # shorter texts ("Freedom of Information request") say nothing about which request it is
MAX_KEY_CHARS = 1000  # bounds a comparison's cost; a thousand characters of a request tell it apart
NUM_PERM = 64  # MinHash permutations: enough to find texts sharing half their words, cheap to compute
LSH_THRESHOLD = 0.5  # word-set Jaccard from which LSH proposes a candidate; RapidFuzz then decides

_SALUTATION = re.compile(r"^.{0,40}?\bdear\b[^,.]{0,80}[,.]?", re.IGNORECASE)  # "Request: Dear Essex Police,"
_SIGN_OFF = re.compile(r"\b(?:yours\s+(?:faithfully|sincerely)|kind\s+regards|many\s+thanks)\b.*$", re.IGNORECASE)


@dataclass(frozen=True)
class GroupMember:
    """What grouping needs of one response."""

    response_id: str
    request_text: str | None
    title: str | None
    group_id: str | None = None  # the id it already has (responses in the dataset)


def group_key(request_text: str | None, title: str | None) -> tuple[KeyKind, str] | None:
    """The text a response is grouped by, normalised, and which kind it is; None if too short to tell.

    >>> group_key("Request: Dear Kent Police, Please tell me how many drones you own. Yours faithfully, A", None)
    ('request', 'drones how many me own please tell you')
    """
    kind: KeyKind
    if request_text:
        kind, text = "request", _SIGN_OFF.sub("", _SALUTATION.sub("", request_text, count=1))
    elif title:
        kind, text = "title", title
    else:
        return None
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    # Sorted, so that comparing two keys is RapidFuzz's token-sort ratio: word order and layout do not count.
    return (kind, " ".join(sorted(words))[:MAX_KEY_CHARS]) if len(words) >= MIN_WORDS else None


def new_group_id(response_ids: Iterable[str]) -> str:
    """The id a new group takes: from its smallest member, so the same members always give the same id."""
    return f"rg-{min(response_ids)}"


@functools.cache
def _blank_minhash() -> MinHash:
    # CRC-32 (zlib, in C) hashes the words: datasketch's default SHA-1 in Python took 40% of the signature's
    # cost. Stable across processes, as a signature must be; its quality is ample for proposing candidates,
    # which RapidFuzz then scores.
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32)


def _minhash(key: str) -> MinHash:
    # A copy of one blank signature: a new MinHash draws its permutations from the seed again, which was a
    # third of a commit's time (1.1 s for 5,700 new responses).
    signature = _blank_minhash().copy()
    signature.update_batch([word.encode("utf-8") for word in set(key.split())])
    return signature


class _Representatives:
    """One text per group, indexed by MinHash LSH on its words: a text is scored (RapidFuzz) only against the
    representatives LSH names as candidates, so grouping stays near-linear in the number of responses,
    however many share one request."""

    def __init__(self, cutoff: float) -> None:
        self.cutoff = cutoff
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.texts: dict[str, str] = {}  # representative key -> text
        self.group: dict[str, str] = {}  # representative key -> group id or new response id

    def best(self, text: str, signature: MinHash) -> str | None:
        """The group of the best-scoring representative at or over the cutoff (ties: the smallest key)."""
        candidates = sorted(self.lsh.query(signature))
        if not candidates:
            return None
        found = process.extract(
            text, [self.texts[c] for c in candidates], scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=None
        )
        if not found:
            return None
        _, _, index = min(found, key=lambda hit: (-hit[1], candidates[hit[2]]))
        return self.group[candidates[index]]

    def add(self, name: str, text: str, signature: MinHash, group: str) -> None:
        self.lsh.insert(name, signature)
        self.texts[name] = text
        self.group[name] = group


@dataclass(frozen=True)
class Keyed:
    """A response reduced to what grouping compares: its normalised key (a few hundred bytes at most)."""

    response_id: str
    kind: KeyKind
    key: str
    group_id: str | None = None


def keyed(member: GroupMember) -> Keyed | None:
    """The member's key, or None when its text is too short to tell one request from another."""
    found = group_key(member.request_text, member.title)
    return Keyed(member.response_id, found[0], found[1], member.group_id) if found else None


class Firsts:
    """The representative of every existing group, fed one response at a time: each group's member with the
    smallest response_id. Holds one key per group, so the dataset's responses can be streamed past it."""

    def __init__(self) -> None:
        self.by_group: dict[tuple[KeyKind, str], tuple[str, str]] = {}

    def add(self, member: Keyed) -> None:
        gid = member.group_id or new_group_id([member.response_id])
        held = self.by_group.get((member.kind, gid))
        if held is None or member.response_id < held[0]:
            self.by_group[member.kind, gid] = (member.response_id, member.key)


def assign_groups(new: Sequence[GroupMember], existing: Sequence[GroupMember] = ()) -> dict[str, str]:
    """response_id -> request_group_id for every new response that has a group key (see `assign_keyed`)."""
    firsts = Firsts()
    for member in existing:
        if (key := keyed(member)) is not None:
            firsts.add(key)
    return assign_keyed([key for m in new if (key := keyed(m)) is not None], firsts)


def assign_keyed(new: Iterable[Keyed], existing: Firsts) -> dict[str, str]:
    """response_id -> request_group_id for every new keyed response.

    Each existing group is represented by its member with the smallest response_id. New responses, in
    response_id order, join the group of their best-scoring representative at the threshold, else start a new
    group (named after their smallest member) that later ones may join. The keys are token-sorted, so the
    plain ratio is RapidFuzz's token-sort ratio."""
    fresh = sorted(new, key=lambda k: k.response_id)
    assigned: dict[str, str] = {}
    for kind, cutoff in (("request", REQUEST_SCORE), ("title", TITLE_SCORE)):
        reps = _Representatives(cutoff)
        for (group_kind, gid), (rid, text) in sorted(existing.by_group.items()):
            if group_kind == kind:
                reps.add(f"old:{rid}", text, _minhash(text), gid)
        for member in fresh:
            if member.kind != kind:
                continue
            signature = _minhash(member.key)
            group = reps.best(member.key, signature)
            if group is None:
                group = new_group_id([member.response_id])  # the smallest member: responses come in id order
                reps.add(f"new:{member.response_id}", member.key, signature, group)
            assigned[member.response_id] = group
    return assigned
