"""The spend comparison as CSV: one row per figure (tidy), exact amounts, the sentence and the source link."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from foidata.output.report.figures import relative_link
from foidata.output.report.spend import SpendReport

COLUMNS = (
    "topic", "body", "kind", "period", "year", "amount", "amount_high", "currency", "approximate", "printed",
    "charted", "others_in_cell", "subject", "sentence", "title", "reference", "source", "link", "response_id",
)


def write_csv(report: SpendReport, out: TextIO, base: Path | None = None) -> None:
    """Every figure; `link` relative to `base` (the CSV file's folder, or the current one for stdout) for
    local sources, so a folder of documents and its CSV can move together."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for entry in report.entries:
        f = entry.figure
        writer.writerow([
            report.topic.name, f.body_label, entry.kind, f.period or "", f.year if f.year is not None else "",
            f"{f.amount:f}", f"{f.amount_high:f}" if f.amount_high is not None else "", f.currency,
            "true" if f.approximate else "false", f.printed, "true" if entry.headline else "false",
            entry.others if entry.headline else "", f.subject or "", f.quote.text, f.title or "",
            f.reference or "", f.source, relative_link(f.link, base), f.response_id,
        ])
