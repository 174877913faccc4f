"""Checking a dataset: is the version `current` points at complete, unchanged since it was written, in the
schema, and consistent with itself? `foidata check --data DIR` prints what `inspect_dataset` finds.

Each Problem names its check:

    current       the pointer (`current` link, or `CURRENT` object) names a complete version
    manifest      manifest.json parses and agrees with itself and with the version's folder
    leftovers     (warnings) half-built versions, temp links, staging, versions that never became current
    missing_table a table the schema defines has no file
    file_hash     a file's size or SHA-256 is not what the manifest says
    row_count     a file's Parquet row count, the manifest's `files` and its `tables` disagree
    unreadable    a Parquet file (or a page of it) cannot be read
    schema        a table's Arrow schema is not the schema version's (or a compatible older one)
    nulls         nulls in columns that are never null
    values        values the row models forbid (enums, patterns, bounds, span_end < span_start)
    provenance    empty source / run id / extractor version; a response_id not derived from its source
    source_hash   one source with two content hashes across the tables: a half-replaced document
    mixed_runs    one source whose rows come from two runs or extractor versions
    orphans       child rows without their response; spans past the end of their response's text
    duplicate_key two different rows with one key; duplicate_row: the same row twice
    error_and_response  a source both read and failed (only unread pages and failed re-downloads may be both)
    datapackage   (warning) datapackage.json missing or disagreeing with the manifest
    state         DIR/state/*.json that do not parse
    raw_cache     DIR/raw files whose bytes do not hash to their name (every file, or `raw_sample` of them)

Tables are read by DuckDB and pyarrow a column or a row group at a time: no table is loaded whole, so a
50,000-document dataset is checked in flat memory. Works on local folders and object storage alike.

The checks live beside each other by what they read: files.py (the pointer, the manifest, the version's
files and schemas), rows.py (the rows, with DuckDB, within and across tables), scrape.py (scrape state and
raw cache); scan.py holds what they share and report.py prints the result."""

from __future__ import annotations

from pathlib import Path

from foidata.output.check.files import _check_version, _current, _leftovers, _manifest
from foidata.output.check.report import format_report, report_dict
from foidata.output.check.scan import Problem, Report, _Scan
from foidata.output.check.scrape import _raw_cache, _state
from foidata.output.storage import location


def check_dataset(out_dir: str | Path, *, raw_sample: int | None = None) -> list[Problem]:
    """Everything wrong with the dataset in `out_dir` (a folder or s3://...): errors and warnings; empty when
    all is well. Raises DatasetNotFound when there is no dataset at all (no `current`, no `CURRENT`)."""
    return list(inspect_dataset(out_dir, raw_sample=raw_sample).problems)


def inspect_dataset(out_dir: str | Path, *, raw_sample: int | None = None) -> Report:
    """`check_dataset` with what was checked. `raw_sample` hashes that many raw-cache files (chosen at random,
    reproducibly) instead of all of them."""
    scan = _Scan(location(out_dir))
    version = _current(scan)
    _leftovers(scan, version)
    if version is not None:
        manifest = _manifest(scan, version)
        if manifest is not None:
            _check_version(scan, version, manifest)
    _state(scan)
    _raw_cache(scan, raw_sample)
    manifest = scan.manifest
    return Report(
        dataset=scan.where.url,
        run_id=manifest.run_id if manifest else None,
        schema_version=manifest.schema_version if manifest else None,
        rows=dict(manifest.tables) if manifest else {},
        files_hashed=scan.files_hashed,
        raw_hashed=scan.raw_hashed,
        raw_total=scan.raw_total,
        state_files=scan.state_files,
        problems=tuple(scan.problems),
    )

__all__ = ["Problem", "Report", "check_dataset", "format_report", "inspect_dataset", "report_dict"]
