"""PDF reading over a folder of real PDFs: speed and peak memory of foidata's `read_pdf` against pdfplumber
alone, and whether the same facts come out as with the previous (all-pdfplumber) reader.

    python bench/pdf.py [PDF_DIR] [--ocr] [--details]     (PDF_DIR defaults to ../shared/corpus/pdfs)
    python bench/pdf.py [PDF_DIR] --end-to-end [--repeat N]

Each reader runs in its own child process over every file, so that peak memory (ru_maxrss) is its own:

- `pdfplumber`: `pdfplumber.open` and `page.extract_text()` on every page, nothing else;
- `previous`: the previous reader (`read_pdf_plumber`: pdfplumber text, duplicate characters removed, tables);
- `foidata`: `read_pdf` with OCR off (pypdfium2 text, pdfplumber tables on ruled pages);
- `ocr` (with --ocr): `read_pdf` with OCR on, timed on the files that have scanned pages.

--end-to-end times a whole `foidata ingest` (a fresh dataset, OCR off, its default workers) of the folder's
text-layer PDFs (MANIFEST.tsv: has_text_layer yes, neither damaged nor encrypted) against pypdfium2's raw
text (`get_text_range` on every page) and pdfplumber's `extract_text` alone, one process each, in one run,
and prints pages/s as bars.

"Text pages" are pages with a text layer that `read_pdf` did not send to pdfplumber; their per-page times are
compared with pdfplumber's `extract_text` on the same pages. Facts (money, dates, references, exemptions) are
`foidata.extractors.extract_response` over each Document; money is compared as (amount, currency, upper bound)
counts per file. Prints Markdown for bench/RESULTS.md.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "corpus" / "pdfs"
MODES = ("pdfplumber", "previous", "foidata", "ocr")
CHILD_TIMEOUT_SECONDS = 3600


# --- children: one reader over every file -------------------------------------------------------------------------


def _facts(doc: Any) -> dict[str, list[Any]]:
    from foidata.extractors import extract_response

    found = extract_response(doc)
    return {
        "money": sorted([str(m.amount), m.currency, str(m.amount_high)] for m in found.money),
        "dates": sorted(str(d.value) for d in found.dates),
        "references": sorted([r.kind, r.value] for r in found.references),
        "exemptions": sorted(e.provision for e in found.exemptions),
    }


def _run_pdfplumber(data: bytes) -> dict[str, Any]:
    import pdfplumber

    times: list[float] = []
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        for page in pdf.pages:
            started = time.perf_counter()
            with contextlib.suppress(Exception):  # a page pdfminer cannot parse costs its time all the same
                page.extract_text()
            times.append(time.perf_counter() - started)
            page.close()
    return {"pages": len(times), "page_seconds": times}


def _run_previous(data: bytes, name: str) -> dict[str, Any]:
    from foidata.extractors.readers.pdf_plumber import read_pdf_plumber

    doc = read_pdf_plumber(data, name)
    return {"pages": doc.page_count, "facts": _facts(doc)}


def _run_foidata(data: bytes, name: str, ocr: bool) -> dict[str, Any]:
    from foidata.extractors.readers import ReadError
    from foidata.extractors.readers import pdf as reader

    kinds: list[str] = []
    times: list[float] = []
    real = reader._page_content

    def timed(page: Any, number: int) -> Any:
        started = time.perf_counter()
        content = real(page, number)
        times.append(time.perf_counter() - started)
        table_page = page._plumber_page is not None
        kinds.append("table" if table_page else "text" if content.text.strip() else "empty")
        return content

    reader._page_content = timed
    try:
        doc = reader.read_pdf(data, name, ocr=ocr)
    except ReadError as exc:  # the pages were still looked at: keep their times
        return {"error": exc.error_type, "reason": exc.reason, "page_seconds": times, "page_kinds": kinds}
    finally:
        reader._page_content = real
    return {
        "pages": doc.page_count, "facts": _facts(doc), "page_seconds": times, "page_kinds": kinds,
        "ocr_pages": len(doc.ocr_pages), "unread_pages": len(doc.unread_pages), "redacted": doc.redacted_spans,
        "confidence": [p.ocr_confidence for p in doc.pages if p.ocr_confidence is not None],
    }


def child(mode: str, folder: Path) -> None:
    """Run one reader over every PDF in `folder`; print one JSON line of results."""
    from foidata.extractors.readers import ReadError

    files: dict[str, Any] = {}
    started = time.perf_counter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for path in sorted(folder.glob("*.pdf")):
        data = path.read_bytes()
        if mode == "ocr" and not _has_scanned_pages(data):
            continue
        began = time.perf_counter()
        try:
            if mode == "pdfplumber":
                result = _run_pdfplumber(data)
            elif mode == "previous":
                result = _run_previous(data, path.name)
            else:
                result = _run_foidata(data, path.name, ocr=mode == "ocr")
        except ReadError as exc:
            result = {"error": exc.error_type, "reason": exc.reason}
        except Exception as exc:  # pdfplumber alone raises its own errors
            result = {"error": type(exc).__name__, "reason": str(exc)[:120]}
        result["seconds"] = time.perf_counter() - began
        files[path.name] = result
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"mode": mode, "seconds": time.perf_counter() - started, "files": files,
                      "peak_rss_mb": peak_kb / 1024, "start_rss_mb": rss_before / 1024}))


def _has_scanned_pages(data: bytes) -> bool:
    from foidata.extractors.readers import pdf as reader

    try:
        return bool(reader.read_pdf(data, "probe", ocr=False).unread_pages)
    except Exception as exc:
        return "switched off" in str(exc)


# --- the parent: run the children, compare, print ---------------------------------------------------------------


def run_child(mode: str, folder: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(folder)], capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT_SECONDS, env=env, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _page_counts(runs: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Pages per file, the same for every reader: as pdfplumber or pypdfium2 counted them."""
    counts: dict[str, int] = {}
    for name in runs["foidata"]["files"]:
        plumber = runs["pdfplumber"]["files"].get(name, {})
        fast = runs["foidata"]["files"][name]
        counts[name] = len(plumber.get("page_seconds", [])) or len(fast.get("page_kinds", []))
    return counts


def _text_page_seconds(plumber: dict[str, Any], fast: dict[str, Any]) -> tuple[int, float, float]:
    """Pages read as text pages by foidata, with the time each reader spent on exactly those pages."""
    pages = 0
    slow_total = fast_total = 0.0
    for name, result in fast["files"].items():
        other = plumber["files"].get(name, {})
        if "page_kinds" not in result or "page_seconds" not in other:
            continue
        for number, kind in enumerate(result["page_kinds"]):
            if kind == "text" and number < len(other["page_seconds"]):
                pages += 1
                fast_total += result["page_seconds"][number]
                slow_total += other["page_seconds"][number]
    return pages, slow_total, fast_total


def speed_table(runs: dict[str, dict[str, Any]]) -> list[str]:
    labels = {
        "pdfplumber": "pdfplumber alone: `extract_text()` on every page",
        "previous": "previous reader: pdfplumber text (deduplicated) + tables on every page",
        "foidata": "foidata `read_pdf`: pypdfium2 text, pdfplumber tables on ruled pages only",
    }
    base_rate = None
    pages = sum(_page_counts(runs).values())
    rows = ["| reader | pages | seconds | pages/s | vs pdfplumber | peak RSS MB |", "|---|---|---|---|---|---|"]
    for mode, label in labels.items():
        run = runs[mode]
        seconds = sum(f["seconds"] for f in run["files"].values())
        rate = pages / seconds if seconds else 0.0
        base_rate = base_rate or rate
        rows.append(f"| {label} | {pages} | {seconds:.1f} | {rate:.1f} | {rate / base_rate:.1f}x | "
                    f"{run['peak_rss_mb']:.0f} |")
    text_pages, slow, fast = _text_page_seconds(runs["pdfplumber"], runs["foidata"])
    if text_pages:
        rows.append(f"| text pages only: pdfplumber `extract_text()` | {text_pages} | {slow:.1f} | "
                    f"{text_pages / slow:.1f} | 1.0x | |")
        rows.append(f"| text pages only: foidata (page scan, text, redaction check) | {text_pages} | {fast:.2f} | "
                    f"{text_pages / fast:.0f} | {slow / fast:.1f}x | |")
    table_pages = sum(r.get("page_kinds", []).count("table") for r in runs["foidata"]["files"].values())
    rows.append(f"\nPages sent to pdfplumber for tables by foidata: {table_pages}.")
    if "ocr" in runs:
        rows.extend(ocr_lines(runs["ocr"]))
    return rows


def ocr_lines(run: dict[str, Any]) -> list[str]:
    files = run["files"].values()
    pages = sum(f.get("ocr_pages", 0) for f in files)
    seconds = sum(f["seconds"] for f in files)
    unread = sum(f.get("unread_pages", 0) for f in files)
    confidence = [c for f in files for c in f.get("confidence", [])]
    mean = sum(confidence) / len(confidence) if confidence else 0.0
    return [f"OCR (tesseract, 300 dpi, 2 pages at a time): {pages} pages in {seconds:.1f} s "
            f"({pages / seconds if seconds else 0:.2f} pages/s), {unread} pages left unread, mean word confidence "
            f"{mean:.1f}, peak RSS {run['peak_rss_mb']:.0f} MB."]


def _diff(a: list[Any], b: list[Any]) -> tuple[int, int]:
    ca, cb = Counter(json.dumps(x) for x in a), Counter(json.dumps(x) for x in b)
    return sum((ca - cb).values()), sum((cb - ca).values())


def facts_table(runs: dict[str, dict[str, Any]]) -> list[str]:
    rows = ["| file | pages | table pages | money previous -> foidata | same money | other facts |",
            "|---|---|---|---|---|---|"]
    same = 0
    compared = 0
    for name, fast in sorted(runs["foidata"]["files"].items()):
        previous = runs["previous"]["files"].get(name, {})
        if "facts" not in fast or "facts" not in previous:
            outcome = fast.get("error") or "document"
            rows.append(f"| {name} | | | ReadError {previous.get('error', '-')} -> {outcome} | | |")
            continue
        compared += 1
        lost, gained = _diff(previous["facts"]["money"], fast["facts"]["money"])
        money_same = lost == gained == 0
        same += money_same
        others = []
        for field in ("dates", "references", "exemptions"):
            minus, plus = _diff(previous["facts"][field], fast["facts"][field])
            if minus or plus:
                others.append(f"{field} -{minus} +{plus}")
        tables = fast.get("page_kinds", []).count("table")
        money = f"{len(previous['facts']['money'])} -> {len(fast['facts']['money'])}"
        rows.append(f"| {name} | {fast['pages']} | {tables} | {money} | "
                    f"{'yes' if money_same else f'no (-{lost} +{gained})'} | {', '.join(others) or 'same'} |")
    rows.append(f"\nSame money values in {same} of {compared} documents read by both.")
    return rows


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()}"


# --- end to end: foidata ingest against the raw libraries ----------------------------------------------------------

RAW_CHILD = r"""
import io, sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
mode, folder = sys.argv[1], Path(sys.argv[2])
files = sorted(folder.glob("*.pdf"))
pages = 0
started = time.perf_counter()
if mode == "pypdfium2":
    import pypdfium2 as pdfium
    for path in files:
        pdf = pdfium.PdfDocument(path.read_bytes())
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        pdf.close()
else:
    import logging
    import pdfplumber
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    for path in files:
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
            for page in pdf.pages:
                try:
                    page.extract_text()
                except Exception:
                    pass
                page.close()
                pages += 1
print(pages, time.perf_counter() - started)
"""


def text_layer_files(folder: Path) -> list[Path]:
    manifest = folder / "MANIFEST.tsv"
    if not manifest.exists():
        return sorted(folder.glob("*.pdf"))
    rows = [line.split("\t") for line in manifest.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    return [folder / row[0] for row in rows
            if row[7] == "yes" and row[6] not in {"damaged", "encrypted"} and (folder / row[0]).exists()]


def _raw(mode: str, folder: Path) -> tuple[int, float]:
    done = subprocess.run([sys.executable, "-c", RAW_CHILD, mode, str(folder)], capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT_SECONDS, check=True)
    pages, seconds = done.stdout.split()
    return int(pages), float(seconds)


def _ingest(folder: Path, out: Path) -> float:
    """Wall time of `foidata ingest` into a fresh dataset, the command as a user runs it."""
    shutil.rmtree(out, ignore_errors=True)
    command = Path(sys.executable).with_name("foidata")
    env = {**os.environ, "FOIDATA_OCR": "0", "PREFECT_HOME": str(out.parent / "prefect-home")}
    started = time.perf_counter()
    subprocess.run([str(command), "ingest", str(folder), "--out", str(out)], capture_output=True, text=True,
                   timeout=CHILD_TIMEOUT_SECONDS, env=env, check=False)
    return time.perf_counter() - started


def bars(rates: dict[str, float], width: int = 50) -> list[str]:
    top = max(rates.values())
    name_width = max(len(name) for name in rates)
    return [f"{name:<{name_width}}  {'█' * max(1, round(width * rate / top)):<{width}}  {rate:7.1f} pages/s"
            for name, rate in rates.items()]


def end_to_end(folder: Path, repeat: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="foidata-pdf-") as work:
        corpus = Path(work) / "pdfs"
        corpus.mkdir()
        for path in text_layer_files(folder):
            shutil.copyfile(path, corpus / path.name)  # copies: inputs are read as regular files
        lines = [f"{len(list(corpus.iterdir()))} text-layer PDFs from {folder}; each figure the median of "
                 f"{repeat} run(s), taken in turn.", "", "```"]
        runs: dict[str, list[float]] = {"pypdfium2 raw text": [], "foidata ingest (end to end)": [],
                                        "pdfplumber extract_text": []}
        pages = 0
        for _ in range(repeat):
            pages, seconds = _raw("pypdfium2", corpus)
            runs["pypdfium2 raw text"].append(seconds)
            runs["foidata ingest (end to end)"].append(_ingest(corpus, Path(work) / "data"))
            runs["pdfplumber extract_text"].append(_raw("pdfplumber", corpus)[1])
        rates = {name: pages / statistics.median(times) for name, times in runs.items()}
        lines += bars(rates)
        fast, ours, slow = rates.values()
        lines += ["```", "", f"{pages} pages. foidata end to end: {fast / ours:.1f}x the time of pypdfium2's raw "
                  f"text (target <= 2x), {ours / slow:.1f}x faster than pdfplumber's extract_text (target >= 5x)."]
        return lines


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        child(argv[1], Path(argv[2]))
        return 0
    if "--end-to-end" in argv:
        folder = Path(next((a for a in argv if not a.startswith("--") and not a.isdigit()), DEFAULT_DIR))
        repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 1
        print("\n".join(end_to_end(folder, repeat)))
        return 0
    folder = Path(next((a for a in argv if not a.startswith("--")), DEFAULT_DIR))
    if not folder.is_dir():
        print(f"no PDF folder at {folder}", file=sys.stderr)
        return 2
    modes = [m for m in MODES if m != "ocr" or "--ocr" in argv]
    runs = {}
    for mode in modes:
        print(f"running {mode} ...", file=sys.stderr, flush=True)
        runs[mode] = run_child(mode, folder)
    print(f"Machine: {machine()}. Folder: {folder} ({len(runs['foidata']['files'])} PDFs). One run.\n")
    print("\n".join(speed_table(runs)))
    print()
    print("\n".join(facts_table(runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
