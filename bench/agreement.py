"""Inter-labeller agreement: two folders of labels for the same documents, scored field by field.

    python bench/agreement.py FIRST_LABELS SECOND_LABELS [--json]

The first labeller's labels play the gold, the second's the predictions, with the matching rules of
`foidata eval` (so set fields give F1 and single fields accuracy). Only ids present in both are scored.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from foidata.flows.evaluate import Report, format_report, score_document


def agreement(first: Path, second: Path) -> Report:
    report = Report()
    for path in sorted(second.glob("*.json")):
        other = first / path.name
        if not other.exists():
            continue
        report.documents += 1
        score_document(report, path.stem, json.loads(other.read_text("utf-8")), json.loads(path.read_text("utf-8")))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--mistakes", action="store_true")
    args = parser.parse_args()
    report = agreement(args.first, args.second)
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_report(report, args.mistakes))


if __name__ == "__main__":
    main()
