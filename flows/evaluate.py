"""`foidata eval`: score the extraction `ingest` runs against gold labels (format: LABELS.md).

Plain Python, no Prefect. Set fields (references, dates, exemptions, money) get micro-averaged precision,
recall and F1 over all documents; single-valued fields get accuracy.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from foidata.extractors.facts import ResponseFacts
from foidata.extractors.periods import normalise_period
from foidata.flows.isolation import LimitedParser, process_safely
from foidata.flows.pipeline import Processed, process_bytes

# Tried first, in this order, when one id has several renderings; any other file named after the id (a
# .docx letter, a .md email, a spreadsheet) is read as ingest would read it.
TEXT_SUFFIXES = (".txt", ".html", ".htm", ".pdf")
SET_FIELDS = ("references", "dates", "exemptions", "money")
ACCURACY_FIELDS = (
    "primary_reference",
    "publication_id",
    "outcome",
    "date_roles",
    "questions",
    "money_approximate",
    "money_period",
    "money_subject",
)


def _ws(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def facts_to_label(doc_id: str, facts: ResponseFacts) -> dict[str, Any]:
    """Predictions in the LABELS.md format."""
    by_section: dict[tuple[str, str], dict[str, Any]] = {}
    for e in facts.exemptions:
        entry = by_section.setdefault(
            (e.law, e.section), {"law": e.law, "section": e.section, "provisions": [], "name": e.name}
        )
        if e.provision not in entry["provisions"]:
            entry["provisions"].append(e.provision)
    seen_dates: list[str] = []
    for d in facts.dates:
        if d.value.isoformat() not in seen_dates:
            seen_dates.append(d.value.isoformat())
    role = {r: facts.date_for(r) for r in ("request", "response", "published")}
    return {
        "id": doc_id,
        "body": facts.body,
        "title": facts.title,
        "references": {
            "primary": facts.reference("primary"),
            "publication_id": facts.reference("publication"),
            "others": [r.value for r in facts.references if r.kind == "cited"],
        },
        "dates": {**{k: (v.isoformat() if v else None) for k, v in role.items()}, "all": seen_dates},
        "outcome": facts.outcome,
        "exemptions": list(by_section.values()),
        "money": [
            {
                "text": m.span.text,
                "value_gbp": float(m.amount) if m.amount != m.amount.to_integral() else int(m.amount),
                "approximate": m.approximate,
                "subject": m.subject,
                "period": m.period,
            }
            for m in facts.money
        ],
        "questions": facts.question_count,
    }


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Counter[Any], pred: Counter[Any]) -> None:
        common = sum((gold & pred).values())
        self.tp += common
        self.fp += sum(pred.values()) - common
        self.fn += sum(gold.values()) - common

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def score(self) -> float | None:
        return round(self.right / self.total, 4) if self.total else None


@dataclass
class Report:
    documents: int = 0
    sets: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in SET_FIELDS})
    accuracy: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in ACCURACY_FIELDS})
    failures: dict[str, str] = field(default_factory=dict)
    mistakes: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "failed_documents": self.failures,
            **{k: v.scores() for k, v in self.sets.items()},
            **{k: v.score() for k, v in self.accuracy.items()},
        }


def _reference_items(refs: dict[str, Any]) -> Counter[tuple[str, str]]:
    items: Counter[tuple[str, str]] = Counter()
    if refs.get("primary"):
        items[("primary", _ws(refs["primary"]))] += 1
    if refs.get("publication_id"):
        items[("publication", _ws(refs["publication_id"]))] += 1
    for other in refs.get("others") or []:
        items[("cited", _ws(other))] += 1
    return items


def _exemption_items(exemptions: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter({(e["law"], _ws(p).replace(" ", "")): 1 for e in exemptions for p in e["provisions"]})


def _money_value(item: dict[str, Any]) -> Decimal:
    return Decimal(str(item["value_gbp"])).quantize(Decimal("0.01"))


_FILLER = {"the", "of", "and", "a", "for", "on"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower())) - _FILLER


def _norm(value: Any) -> Any:
    return _ws(value) if isinstance(value, str) else value


def _subject_match(gold: str | None, pred: str | None) -> bool:
    if not gold or not pred:
        return gold == pred
    g, p = _words(gold), _words(pred)
    return bool(g & p) and len(g & p) / min(len(g), len(p)) >= 0.5


def score_document(report: Report, doc_id: str, gold: dict[str, Any], pred: dict[str, Any]) -> None:
    notes: list[str] = []

    def check_set(name: str, g: Counter[Any], p: Counter[Any]) -> None:
        report.sets[name].add(g, p)
        if g != p:
            notes.append(
                f"{name}: missing {sorted(map(str, (g - p).elements()))} extra {sorted(map(str, (p - g).elements()))}"
            )

    check_set("references", _reference_items(gold["references"]), _reference_items(pred["references"]))
    check_set("dates", Counter(gold["dates"]["all"]), Counter(pred["dates"]["all"]))
    check_set("exemptions", _exemption_items(gold["exemptions"]), _exemption_items(pred["exemptions"]))
    gold_money = Counter(_money_value(m) for m in gold["money"])
    pred_money = Counter(_money_value(m) for m in pred["money"])
    check_set("money", gold_money, pred_money)

    def check(name: str, g: Any, p: Any) -> None:
        ok = g == p
        report.accuracy[name].add(ok)
        if not ok:
            notes.append(f"{name}: want {g!r} got {p!r}")

    check("primary_reference", _norm(gold["references"]["primary"]), _norm(pred["references"]["primary"]))
    check("publication_id", _norm(gold["references"]["publication_id"]), _norm(pred["references"]["publication_id"]))
    check("outcome", gold["outcome"], pred["outcome"])
    for role in ("request", "response", "published"):
        check("date_roles", gold["dates"][role], pred["dates"][role])
    check("questions", gold["questions"], pred["questions"])
    unmatched = list(pred["money"])
    for g in gold["money"]:
        match = next((p for p in unmatched if _money_value(p) == _money_value(g)), None)
        if match is None:
            continue
        unmatched.remove(match)
        check("money_approximate", g["approximate"], match["approximate"])
        check("money_period", normalise_period(g["period"]), normalise_period(match["period"]))
        report.accuracy["money_subject"].add(_subject_match(g["subject"], match["subject"]))
    if notes:
        report.mistakes[doc_id] = notes


def find_text(texts: Path, doc_id: str) -> Path | None:
    """The document a label scores: `texts/<id>.<any suffix>`, the usual renderings first."""
    for suffix in TEXT_SUFFIXES:
        candidate = texts / f"{doc_id}{suffix}"
        if candidate.exists():
            return candidate
    others = sorted(p for p in texts.glob(f"{doc_id}.*") if p.is_file() and p.stem == doc_id)
    return others[0] if others else None


def evaluate(gold_dir: Path, predictions_dir: Path | None = None, limited: bool = True) -> Report:
    """Run the ingest extraction over `gold_dir/texts` and score it against `gold_dir/labels`.

    Each document is parsed under ingest's time and memory limits (a child process), so one that hangs or
    blows up is scored as a failure to read and the rest are still scored; `limited=False` parses in this
    process (for profiling)."""
    report = Report()
    if predictions_dir:
        predictions_dir.mkdir(parents=True, exist_ok=True)
    with LimitedParser() as parser:
        for label_path in sorted((gold_dir / "labels").glob("*.json")):
            gold = json.loads(label_path.read_text(encoding="utf-8"))
            doc_id = gold.get("id") or label_path.stem
            text_path = find_text(gold_dir / "texts", label_path.stem)
            report.documents += 1
            facts = _read_facts(report, doc_id, text_path, parser if limited else None)
            pred = facts_to_label(doc_id, facts)
            score_document(report, doc_id, gold, pred)
            if predictions_dir:
                (predictions_dir / f"{doc_id}.json").write_text(
                    json.dumps(pred, indent=2, ensure_ascii=False) + "\n"
                )
    return report


def _read_facts(report: Report, doc_id: str, text_path: Path | None, parser: LimitedParser | None) -> ResponseFacts:
    """The facts ingest would extract from one document; empty ones (and a failure noted) if it cannot be read."""
    if text_path is None:
        report.failures[doc_id] = "no text file"
        return ResponseFacts()
    data = text_path.read_bytes()
    processed: Processed
    if parser is None:
        processed = process_bytes(str(text_path), data, run_id="eval")
    else:
        processed = process_safely(str(text_path), data, run_id="eval", parser=parser)
    if processed.facts is None:
        report.failures[doc_id] = processed.reason
        return ResponseFacts()
    return processed.facts


def format_report(report: Report, show_mistakes: bool = False) -> str:
    lines = [f"documents: {report.documents}  failed to read: {len(report.failures)}", ""]
    lines.append(f"{'field':<20} {'precision':>9} {'recall':>7} {'f1':>7}")
    for name, counts in report.sets.items():
        s = counts.scores()
        lines.append(f"{name:<20} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>7.3f}")
    lines.append("")
    lines.append(f"{'field':<20} {'accuracy':>9} {'n':>5}")
    for name, tally in report.accuracy.items():
        score = tally.score()
        lines.append(f"{name:<20} {'-' if score is None else f'{score:.3f}':>9} {tally.total:>5}")
    if show_mistakes and report.mistakes:
        lines.append("")
        for doc_id, notes in report.mistakes.items():
            lines.append(f"{doc_id}:")
            lines.extend(f"  {n}" for n in notes)
    for doc_id, reason in report.failures.items():
        lines.append(f"{doc_id}: not read: {reason}")
    return "\n".join(lines)
