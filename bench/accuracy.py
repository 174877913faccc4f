"""foidata against what a researcher would reach for without it, on the same gold corpus.

    python bench/accuracy.py [GOLD_DIR]   (default ../shared/corpus/dev; needs `pip install -e '.[bench]'`)

Baselines: dateparser's `search_dates` (day-first) for dates, price-parser on every currency sign for
money, a plain "Section N(...)" regex for exemptions and a "Ref/FOI + number" regex for references.
Scores are micro-averaged F1 with the matching rules of `foidata eval`. Prints a Markdown table.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from foidata.extractors.exemptions import split_provisions
from foidata.extractors.readers import read_bytes
from foidata.flows.evaluate import Counts, _exemption_items, _money_value, _reference_items, evaluate, find_text

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
SECTION = re.compile(r"\bsection\s+(\d{1,3})((?:\s?\(\w{1,4}\))*)", re.I)
REFERENCE = re.compile(r"\b(?:FOI|Ref(?:erence)?)\s*(?:No\.?|Number)?\s*:?\s*([A-Z0-9][\w/.-]*\d[\w/.-]*)", re.I)


def baseline_dates(text: str) -> Counter[str]:
    from dateparser.search import search_dates

    found = search_dates(text, languages=["en"], settings={"DATE_ORDER": "DMY"}) or []
    return Counter(dict.fromkeys((d.date().isoformat() for _, d in found), 1))


def baseline_money(text: str) -> Counter[Decimal]:
    from price_parser import Price

    values: Counter[Decimal] = Counter()
    for m in re.finditer(r"£", text):
        price = Price.fromstring(text[m.start():m.start() + 20])
        if price.amount is not None:
            values[Decimal(price.amount).quantize(Decimal("0.01"))] += 1
    return values


def baseline_exemptions(text: str) -> Counter[tuple[str, str]]:
    items: Counter[tuple[str, str]] = Counter()
    for m in SECTION.finditer(text):
        for provision in split_provisions(m.group(1), m.group(2).replace(" ", "")):
            items[("FOIA", provision)] = 1
    return items


def baseline_references(text: str) -> Counter[tuple[str, str]]:
    values = [m.group(1) for m in REFERENCE.finditer(text)]
    refs: dict[str, Any] = {"primary": values[0] if values else None, "publication_id": None,
                            "others": list(dict.fromkeys(values[1:]))}
    return _reference_items(refs)


def score_baselines(gold_dir: Path) -> dict[str, dict[str, float]]:
    counts = {name: Counts() for name in ("references", "dates", "exemptions", "money")}
    for label_path in sorted((gold_dir / "labels").glob("*.json")):
        gold = json.loads(label_path.read_text(encoding="utf-8"))
        text_path = find_text(gold_dir / "texts", label_path.stem)
        if text_path is None:
            continue
        # The generic tools take text; HTML and PDF are turned into text by foidata's own readers.
        text = read_bytes(text_path.read_bytes(), str(text_path)).text
        counts["references"].add(_reference_items(gold["references"]), baseline_references(text))
        counts["dates"].add(Counter(gold["dates"]["all"]), baseline_dates(text))
        counts["exemptions"].add(_exemption_items(gold["exemptions"]), baseline_exemptions(text))
        counts["money"].add(Counter(_money_value(m) for m in gold["money"]), baseline_money(text))
    return {name: c.scores() for name, c in counts.items()}


def main() -> None:
    gold_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_GOLD
    started = time.perf_counter()
    ours = evaluate(gold_dir).as_dict()
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    theirs = score_baselines(gold_dir)
    theirs_seconds = time.perf_counter() - started
    tools = {"references": "regex FOI/Ref + number", "dates": "dateparser search_dates (DMY)",
             "exemptions": "regex Section N(...)", "money": "price-parser on each £"}
    print(f"Gold: {gold_dir} ({ours['documents']} documents)\n")
    print("| field | foidata P / R / F1 | generic tool | tool P / R / F1 |")
    print("|---|---|---|---|")
    for name, tool in tools.items():
        a, b = ours[name], theirs[name]
        print(f"| {name} | {a['precision']:.3f} / {a['recall']:.3f} / **{a['f1']:.3f}** | {tool} | "
              f"{b['precision']:.3f} / {b['recall']:.3f} / **{b['f1']:.3f}** |")
    print(f"\nfoidata: {ours_seconds:.2f} s for the corpus; generic tools: {theirs_seconds:.2f} s.")
    print("Accuracies (foidata only; the generic tools have no notion of them): " + ", ".join(
        f"{k} {ours[k]:.3f}" for k in ("primary_reference", "outcome", "date_roles", "questions",
                                        "money_approximate", "money_period") if ours[k] is not None))


if __name__ == "__main__":
    main()
