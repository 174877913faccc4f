"""Floors on the held-out gold set (20 responses written after the extractors, in layouts the dev corpus
lacks). A regression in any general rule shows up here before it shows up on real pages."""

from __future__ import annotations

from pathlib import Path

from foidata.flows.evaluate import evaluate

HELDOUT = Path(__file__).parents[1] / "fixtures" / "heldout"
F1_FLOOR = {"references": 0.95, "dates": 0.95, "exemptions": 0.95, "money": 0.97}
ACCURACY_FLOOR = {"primary_reference": 0.95, "outcome": 0.9, "date_roles": 0.95, "questions": 0.85,
                  "money_approximate": 0.97, "money_period": 0.85}


def test_heldout_scores_stay_above_their_floors() -> None:
    scores = evaluate(HELDOUT).as_dict()
    assert scores["documents"] == 20 and not scores["failed_documents"]
    low = {k: scores[k]["f1"] for k, floor in F1_FLOOR.items() if scores[k]["f1"] < floor}
    low |= {k: scores[k] for k, floor in ACCURACY_FLOOR.items() if scores[k] < floor}
    assert not low, low
