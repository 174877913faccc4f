"""`foidata eval` over the bundled sample corpus (its own gold labels) and the scorer's arithmetic."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from foidata.cli import cli
from foidata.flows.evaluate import Counts, evaluate

SAMPLE = Path(__file__).resolve().parents[2] / "foidata" / "sample"


def test_sample_corpus_scores_and_predictions(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "--gold", str(SAMPLE), "--json", "--predictions", str(tmp_path)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["documents"] >= 10 and not scores["failed_documents"]
    for field in ("references", "dates", "exemptions", "money"):
        assert scores[field]["f1"] >= 0.95, field
    for field in ("primary_reference", "outcome", "date_roles", "questions", "money_period"):
        assert scores[field] >= 0.9, field
    predictions = sorted(tmp_path.glob("*.json"))
    assert len(predictions) == scores["documents"]
    essex = json.loads((tmp_path / "s001.json").read_text())
    assert essex["references"] == {"primary": "15435", "publication_id": "PUB 1169", "others": ["14548"]}


def test_eval_counts_misses_and_extras(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "labels").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("Our Ref: 1234/21\nThe budget is £5m. Section 43(2) applies.")
    label = {
        "id": "a", "references": {"primary": "1234/21", "publication_id": None, "others": []},
        "dates": {"request": None, "response": None, "published": None, "all": ["2021-01-01"]},
        "outcome": "part_disclosure", "exemptions": [{"law": "FOIA", "section": "43", "provisions": ["43(2)"]}],
        "money": [{"text": "£5m", "value_gbp": 5000000, "approximate": False, "subject": None, "period": None}],
        "questions": 0,
    }
    (tmp_path / "labels" / "a.json").write_text(json.dumps(label))
    report = evaluate(tmp_path).as_dict()
    assert report["references"]["f1"] == 1.0
    assert report["dates"] == {"precision": 1.0, "recall": 0.0, "f1": 0.0}
    assert report["exemptions"]["f1"] == 1.0 and report["money"]["f1"] == 1.0


def test_counts_arithmetic() -> None:
    counts = Counts()
    counts.add(Counter({"a": 1, "b": 1}), Counter({"a": 1, "c": 1}))
    assert counts.scores() == {"precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_eval_without_labels_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "--gold", str(tmp_path)])
    assert result.exit_code == 1
    assert "labels" in result.output


def _label(doc_id: str, primary: str) -> dict[str, object]:
    return {
        "id": doc_id, "references": {"primary": primary, "publication_id": None, "others": []},
        "dates": {"request": None, "response": None, "published": None, "all": []},
        "outcome": None, "exemptions": [], "money": [], "questions": 0,
    }


def test_eval_reads_any_format_ingest_reads(tmp_path: Path) -> None:
    import docx

    (tmp_path / "texts").mkdir()
    (tmp_path / "labels").mkdir()
    letter = docx.Document()
    letter.add_paragraph("Our ref: FOI 7781/24")
    letter.add_paragraph("Thank you for your request.")
    letter.save(str(tmp_path / "texts" / "w.docx"))
    (tmp_path / "texts" / "m.md").write_text("Reference: FOI-2021-0456\n\nPlease find our reply below.\n")
    for doc_id, primary in (("w", "7781/24"), ("m", "FOI-2021-0456")):
        (tmp_path / "labels" / f"{doc_id}.json").write_text(json.dumps(_label(doc_id, primary)))
    report = evaluate(tmp_path)
    assert not report.failures
    assert report.as_dict()["primary_reference"] == 1.0


def test_eval_prefers_the_text_rendering_of_an_id(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "labels").mkdir()
    (tmp_path / "texts" / "d.txt").write_text("Our ref: 5512/23\n")
    (tmp_path / "texts" / "d.md").write_text("Our ref: 9999/99\n")
    (tmp_path / "labels" / "d.json").write_text(json.dumps(_label("d", "5512/23")))
    assert evaluate(tmp_path).as_dict()["primary_reference"] == 1.0
