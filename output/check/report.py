"""A check's Report for people (format_report) and programs (report_dict)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from foidata.output.check.scan import Problem, Report


def format_report(report: Report) -> str:
    """What `foidata check` prints: what was checked, then the errors and warnings grouped by check."""
    version = f"version {report.run_id} (schema {report.schema_version})" if report.run_id else "no readable version"
    lines = [f"Dataset {report.dataset}: {version}"]
    for title, problems in (("Errors", report.errors), ("Warnings", report.warnings)):
        if problems:
            lines.append(f"{title}:")
            lines.extend(_problem_lines(problems))
    lines.append(f"Checked: {len(report.rows)} tables, {sum(report.rows.values())} rows, "
                 f"{report.files_hashed} files hashed; {_scrape_files(report)}")
    lines.append(_verdict(report))
    return "\n".join(lines)


def _scrape_files(report: Report) -> str:
    if not report.raw_total and not report.state_files:
        return "no raw cache or scrape state"
    hashed = "all" if report.raw_hashed == report.raw_total else f"{report.raw_hashed} of"
    return f"raw cache: {hashed} {report.raw_total} files hashed; {report.state_files} state files"


def _problem_lines(problems: Sequence[Problem]) -> list[str]:
    lines: list[str] = []
    for problem in sorted(problems, key=lambda p: (p.check, p.table or "")):
        where = f" ({problem.table})" if problem.table else ""
        lines.append(f"  {problem.check}{where}: {problem.message}")
        lines.extend(f"      e.g. {example}" for example in problem.examples)
    return lines


def _verdict(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors and not warnings:
        return "OK: no problems found."
    counted = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    if errors:
        return f"{counted}: the dataset is damaged (see the errors above)."
    return f"{counted}: the dataset is sound; the warnings are leftovers or oddities worth a look."


def report_dict(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (`foidata check --json`)."""
    return {
        "dataset": report.dataset,
        "run_id": report.run_id,
        "schema_version": report.schema_version,
        "ok": not report.errors,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "rows": report.rows,
        "files_hashed": report.files_hashed,
        "raw_hashed": report.raw_hashed,
        "raw_total": report.raw_total,
        "state_files": report.state_files,
        "problems": [asdict(p) for p in report.problems],
    }
