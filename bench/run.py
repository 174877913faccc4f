"""The scale benchmark: foidata end to end (Parquet written) on synthetic corpora of several sizes.

    python bench/run.py [--sizes 2000,10000] [--pdf-share 0.1] [--broken-share 0.05] [--workers N] [--work DIR]

For each size, in fresh child processes (so peak memory is the run's own):
  plain    run_ingest in a plain Python loop (worker processes, no Prefect): documents/s, PDF pages/s, MB/s,
           peak memory (the process and its workers);
  prefect  the same ingest as the Prefect flow, into another dataset; its wall time less the plain run's is
           orchestration; the ephemeral API server's start is measured apart (a no-op flow first);
  rerun    the plain ingest again over the unchanged corpus.
Prints a Markdown table; paste it into bench/RESULTS.md with the machine's description.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

CHILD = r"""
import json, resource, sys, time
mode, corpus, out, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
result = {}
if mode == "prefect":
    import os
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect import flow
    from foidata.flows.prefect_flow import ingest_flow, one_shot

    @flow
    def warm_up() -> None:
        return None

    with one_shot():  # as `foidata ingest` runs it
        started = time.monotonic()
        warm_up()
        result["server_start_s"] = time.monotonic() - started
        started = time.monotonic()
        summary = ingest_flow([corpus], out, workers=workers)
else:
    from foidata.flows import run_ingest
    started = time.monotonic()
    summary = run_ingest([corpus], out, workers=workers)
result["wall_s"] = time.monotonic() - started
result["processed"] = summary.processed
result["failed"] = summary.failed
result["rows"] = sum(summary.dataset_rows.values())
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
result["peak_rss_mb"] = max(me, children) / 1024
print(json.dumps(result))
"""


def run_child(mode: str, corpus: Path, out: Path, workers: int) -> dict[str, float]:
    env = {**os.environ, "PREFECT_HOME": str(out.parent / "prefect-home"), "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(corpus), str(out), str(workers)],
                          capture_output=True, text=True, env=env, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def pdf_pages(out: Path) -> int:
    import duckdb

    path = str(out / "current" / "responses.parquet").replace("'", "''")
    rows = duckdb.connect().execute(f"SELECT coalesce(sum(page_count), 0) FROM read_parquet('{path}')").fetchall()
    return int(rows[0][0])


def bench_size(work: Path, size: int, pdf_share: float, broken_share: float, workers: int) -> dict[str, float]:
    corpus = work / f"corpus-{size}"
    if not corpus.exists():
        generate(corpus, size, pdf_share, broken_share)
    megabytes = sum(f.stat().st_size for f in corpus.rglob("*") if f.is_file()) / 1e6
    for name in ("plain", "prefect"):
        shutil.rmtree(work / f"data-{size}-{name}", ignore_errors=True)
    plain = run_child("plain", corpus, work / f"data-{size}-plain", workers)
    rerun = run_child("plain", corpus, work / f"data-{size}-plain", workers)
    prefect = run_child("prefect", corpus, work / f"data-{size}-prefect", workers)
    pages = pdf_pages(work / f"data-{size}-plain")
    return {
        "size": size,
        "mb": megabytes,
        "docs_per_s": size / plain["wall_s"],
        "pdf_pages_per_s": pages / plain["wall_s"],
        "mb_per_s": megabytes / plain["wall_s"],
        "plain_s": plain["wall_s"],
        "prefect_s": prefect["wall_s"],
        "orchestration_share": max(prefect["wall_s"] - plain["wall_s"], 0.0) / prefect["wall_s"],
        "server_start_s": prefect["server_start_s"],
        "peak_rss_mb": plain["peak_rss_mb"],
        "prefect_peak_rss_mb": prefect["peak_rss_mb"],
        "rerun_s": rerun["wall_s"],
        "rerun_share": rerun["wall_s"] / plain["wall_s"],
        "failed": plain["failed"],
    }


def table(rows: list[dict[str, float]]) -> str:
    head = ("| documents | MB | docs/s | PDF pages/s | MB/s | plain s | Prefect s | orchestration | "
            "server start s | peak MB (plain / Prefect) | unchanged re-run s (share) | failed |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append(
            f"| {r['size']:,.0f} | {r['mb']:.1f} | {r['docs_per_s']:.0f} | {r['pdf_pages_per_s']:.0f} | "
            f"{r['mb_per_s']:.2f} | {r['plain_s']:.1f} | {r['prefect_s']:.1f} | {r['orchestration_share']:.1%} | "
            f"{r['server_start_s']:.1f} | {r['peak_rss_mb']:.0f} / {r['prefect_peak_rss_mb']:.0f} | "
            f"{r['rerun_s']:.2f} ({r['rerun_share']:.1%}) | {r['failed']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="foidata end-to-end scale benchmark")
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--pdf-share", type=float, default=0.1)
    parser.add_argument("--broken-share", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--work", type=Path, default=None, help="keep corpora and datasets here")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="foidata-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = [bench_size(work, int(s), args.pdf_share, args.broken_share, args.workers) for s in args.sizes.split(",")]
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, "
          f"{args.workers} worker processes; corpus: {args.pdf_share:.0%} PDF, {args.broken_share:.0%} broken")
    print(table(rows))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
