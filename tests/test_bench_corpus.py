"""bench/split_corpus.py keeps each body on one side; bench/agreement.py scores two label folders."""

from __future__ import annotations

import json
from pathlib import Path

from tests_support import load_bench


def _label(doc_id: str, primary: str, outcome: str) -> dict[str, object]:
    return {
        "id": doc_id,
        "references": {"primary": primary, "publication_id": None, "others": []},
        "dates": {"request": None, "response": None, "published": None, "all": []},
        "outcome": outcome,
        "exemptions": [],
        "money": [],
        "questions": 0,
    }


def _batch(root: Path, name: str, bodies: list[str]) -> None:
    (root / name / "texts").mkdir(parents=True)
    (root / name / "labels").mkdir(parents=True)
    rows = []
    for i, body in enumerate(bodies):
        doc_id = f"{name}{i:03d}"
        (root / name / "texts" / f"{doc_id}.txt").write_text(f"Response {i} from {body}", encoding="utf-8")
        (root / name / "labels" / f"{doc_id}.json").write_text(json.dumps(_label(doc_id, str(i), "refused")))
        rows.append(f"{doc_id}\thttps://example.org/{i}\t{body}\tt\thtml\tengland\tFOIA")
    (root / name / "SOURCES.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_split_keeps_each_body_on_one_side(tmp_path: Path) -> None:
    split = load_bench("split_corpus")
    bodies = [f"Body number {n}" for n in range(30)]
    _batch(tmp_path / "corpus", "aa", bodies)
    _batch(tmp_path / "corpus", "bb", [b.upper() + "!" for b in bodies])  # same bodies, other spelling
    split.split(tmp_path / "corpus", tmp_path / "out", 0.34)
    rows = [line.split("\t") for line in (tmp_path / "out" / "MANIFEST.tsv").read_text().splitlines()[1:]]
    sides: dict[str, set[str]] = {}
    for row in rows:
        sides.setdefault(split.body_key(row[3]), set()).add(row[2])
    assert len(sides) == 30 and all(len(s) == 1 for s in sides.values())
    assert {"train", "test"} == set().union(*sides.values())
    test_ids = {p.stem for p in (tmp_path / "out" / "test" / "labels").glob("*.json")}
    assert test_ids == {row[0] for row in rows if row[2] == "test"}


def test_agreement_counts_disagreements(tmp_path: Path) -> None:
    agreement = load_bench("agreement")
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for doc_id, (p1, o1, p2, o2) in {"x1": ("12", "refused", "12", "refused"), "x2": ("7/24", "not_held", "7/24",
                                                                                  "refused")}.items():
        (first / f"{doc_id}.json").write_text(json.dumps(_label(doc_id, p1, o1)))
        (second / f"{doc_id}.json").write_text(json.dumps(_label(doc_id, p2, o2)))
    report = agreement.agreement(first, second).as_dict()
    assert report["documents"] == 2
    assert report["primary_reference"] == 1.0 and report["outcome"] == 0.5
