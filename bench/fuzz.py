"""Coverage-guided fuzzing (atheris, i.e. libFuzzer) of foidata's parsing entry points.

    python bench/fuzz.py [--seconds 60] [--target html|pdf|text] [--keep DIR]

Targets, each fed bytes that libFuzzer mutates from a seed corpus made here:
  html  `foidata.extractors.readers.read_bytes` on an HTML page, then what `ingest` does with the Document
        (`extract_response`, then `build_rows`, the pydantic validation of every row);
  pdf   the same on PDF bytes (pypdfium2 and pdfplumber underneath);
  text  `extract_response` on arbitrary unicode text, every extractor at once.

A crash is anything but the failures foidata promises: a `ReadError` for bytes that cannot be read. Any
other exception, a row that does not validate, a span outside the text or not covering its value's
characters, a deadly signal, a per-input timeout or running out of memory all count. Crashing inputs are
kept under `--keep` (default: a temporary folder, printed) to replay with
`python bench/fuzz.py --replay FILE --target NAME`.

atheris' Setup/Fuzz take over the process (libFuzzer exits when done), so each target runs in a child
process with `-max_total_time`; the parent reads libFuzzer's "Done N runs in S second(s)" line. Python
exceptions are caught in the harness and counted there, so one bug does not stop the run; a fatal signal,
timeout or OOM ends the child, which is restarted for the time left. Only foidata's own modules are
instrumented: instrumenting pdfium's wrappers, lxml or BeautifulSoup slows every execution for coverage of
code foidata does not own.

`run(seconds)` is what bench/faults.py calls for RELIABILITY.md: one FuzzResult per target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGETS = ("html", "pdf", "text")
MAX_LEN = {"html": 16384, "pdf": 32768, "text": 4096}
PER_INPUT_TIMEOUT = 20  # seconds; a parse this slow on a few KB is a hang worth reporting
RSS_LIMIT_MB = 3072
MAX_RESTARTS = 5  # after this many fatal stops the target's remaining time is given up
CRASH_FILE = "crashes.json"
_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_STATUS = re.compile(r"^#(\d+)\s", re.M)
_FATAL = re.compile(r"ERROR: libFuzzer: (deadly signal|timeout|out-of-memory|fuzz target exited)[^\n]*")


@dataclass(frozen=True)
class FuzzResult:
    """One target's figures: inputs executed, crashing inputs found, fuzzing time, and what crashed."""

    target: str
    executions: int
    crashes: int
    seconds: float
    detail: str


# ---- seed corpora ---------------------------------------------------------------------------------------------

SEED_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>FOI 15435 - ICT capital programme</title></head>
<body><nav><a href="/">Home</a></nav><main>
<h1>Freedom of Information request FOI 15435</h1>
<p>Publication Number: PUB 1169. Date of response: 3 March 2024. Your request received on 2 February 2024.</p>
<h2>Request</h2><ol><li>How much was spent on the ICT capital programme in 2020/21?</li>
<li>Please provide the revenue budget for 2021-22.</li></ol>
<h2>Response</h2>
<table><tr><th>Year</th><th>Capital (£000)</th><th>Revenue (£000)</th></tr>
<tr><td>2020/21</td><td>2,050</td><td>1,100</td></tr><tr><td>2021/22</td><td>450</td><td>(12)</td></tr></table>
<p>The programme cost c£6.8m. Some details are withheld under Section 43(2) and s.31(1)(a) of the Act;
regulation 12(4)(b) of the EIR applies to the rest.</p>
<p>Please find attached <a href="/SysSiteAssets/foi-media/reply.pdf">reply.pdf</a>.</p>
</main><footer>Essex Police</footer></body></html>
"""

SEED_TEXT = """Our ref: FOI 12345
Date of response: 3 March 2024

Dear requester,
Q1. What did the capital programme cost in 2020/21?
The capital programme cost £6.8m in 2020/21 and between £2-3m in FY22.
| Item | 2020-21 | 2021-22 |
| Mobile devices (£000) | 2050 | 1100 |
Some details are withheld under Section 43(2) of the Act. We do not hold the rest.
"""

_PDF_LINES = [
    "Our ref: FOI 2024/0042",
    "Date of response: 12 April 2024",
    "Dear Sir or Madam,",
    "Your request: how much did the force spend on body worn video in 2022/23?",
    "Response: the force spent £120,000 (capital) and c£95k revenue in the year ending 31 March 2023.",
    "Names of staff are withheld under Section 40(2) of the Freedom of Information Act 2000.",
]


def _fpdf_seed() -> bytes | None:
    """A one-page letter with a ruled table, through fpdf2 (a dev dependency), or None without it."""
    try:
        from fpdf import FPDF
    except ImportError:
        return None
    pdf = FPDF()
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))  # the same bytes on every run
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in _PDF_LINES:
        pdf.cell(0, 8, line.replace("£", "GBP "), new_x="LMARGIN", new_y="NEXT")
    for row in (("Year", "Capital", "Revenue"), ("2022/23", "120,000", "95,000")):
        for cell in row:
            pdf.cell(50, 8, cell, border=1)
        pdf.ln(8)
    return bytes(pdf.output())


def _minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF built by hand (catalog, pages, page, font, content stream, xref, trailer)."""
    body = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("£", "GBP ") + ") '"
        for line in lines
    ) + " ET"
    stream = body.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _sample_files(suffix: str) -> list[bytes]:
    """The bundled sample corpus' files of one type: real layouts, small enough to mutate."""
    folder = REPO / "foidata" / "sample" / "texts"
    return [p.read_bytes() for p in sorted(folder.glob(f"*{suffix}")) if p.stat().st_size <= 16384]


def seeds(target: str) -> list[bytes]:
    """The seed corpus of one target."""
    if target == "html":
        return [SEED_HTML.encode("utf-8"), *_sample_files(".html")]
    if target == "pdf":
        made = _fpdf_seed()
        return [_minimal_pdf(_PDF_LINES), *([made] if made else []), *_sample_files(".pdf")]
    if target == "text":
        return [SEED_TEXT.encode("utf-8"), *_sample_files(".txt")]
    raise ValueError(f"unknown target {target!r}; known: {', '.join(TARGETS)}")


# ---- the harness (child process) --------------------------------------------------------------------------------


class SpanError(AssertionError):
    """A value's span is outside the text, reversed, or does not cover the characters it says."""


def _check_spans(text: str, facts: Any) -> None:
    spans = [item.span for group in (facts.references, facts.dates, facts.exemptions, facts.money) for item in group]
    for span in spans:
        if not (0 <= span.start <= span.end <= len(text)) or text[span.start : span.end] != span.text:
            raise SpanError(f"span {span.start}-{span.end} {span.text[:40]!r} does not fit a text of {len(text)}")


def _harness(target: str) -> Callable[[bytes], None]:
    """The function libFuzzer calls with each input; it raises for a crash and returns otherwise."""
    import datetime as dt

    from foidata.extractors import extract_response
    from foidata.extractors.document import text_document
    from foidata.extractors.readers import ReadError, read_bytes
    from foidata.flows.pipeline import build_rows

    at = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    source = {"html": "https://example.org/foi/15435.html", "pdf": "https://example.org/foi/reply.pdf"}.get(target)

    def document(data: bytes) -> Any:
        if source is None:
            # UTF-8 rather than FuzzedDataProvider's unicode: the seeds stay readable text for the mutator
            return text_document(data.decode("utf-8", errors="replace"))
        try:
            return read_bytes(data, source)
        except ReadError:
            return None  # the promised failure: an error row in a real run

    def one_input(data: bytes) -> None:
        doc = document(data)
        if doc is None:
            return
        facts = extract_response(doc)
        _check_spans(doc.text, facts)
        build_rows(doc, facts, "fuzz", at)  # a pydantic ValidationError here is an invalid_value row: a bug

    return one_input


def _signature(exc: BaseException) -> str:
    """Exception type and the innermost frame in foidata's code (else the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    # foidata is installed editable, so its frames are the repository's files outside the venv
    ours = [f for f in frames if f.filename.startswith(str(REPO)) and "site-packages" not in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno} {ours[-1].name}" if ours else "?"
    return f"{type(exc).__name__} at {where}: {str(exc)[:120]}"


def child(target: str, keep: Path, libfuzzer_args: list[str]) -> None:
    """Run one target under atheris until libFuzzer stops it (it exits the process)."""
    import atheris

    with atheris.instrument_imports(include=["foidata"]):
        one_input = _harness(target)
    crashes: dict[str, int] = {}

    def test_one_input(data: bytes) -> None:
        try:
            one_input(data)
        except Exception as exc:  # counted here so one bug does not end the run (see the module docstring)
            sig = _signature(exc)
            if sig not in crashes:
                name = keep / f"crash-{target}-{hashlib.sha256(data).hexdigest()[:16]}"
                name.write_bytes(data)
                print(f"FOIDATA-CRASH {sig} (input {name})", file=sys.stderr, flush=True)
                traceback.print_exc()
            crashes[sig] = crashes.get(sig, 0) + 1
            # rewritten on every crash: libFuzzer ends the process with exit(), so no atexit hook would run
            (keep / CRASH_FILE).write_text(json.dumps(crashes), encoding="utf-8")

    atheris.Setup([sys.argv[0], *libfuzzer_args], test_one_input)
    atheris.Fuzz()


# ---- the driver (parent process) --------------------------------------------------------------------------------


@dataclass
class _Run:
    executions: int
    seconds: float
    fatal: str | None


def _child_run(target: str, corpus: Path, keep: Path, seconds: int) -> _Run:
    args = [
        f"-max_total_time={seconds}",
        f"-max_len={MAX_LEN[target]}",
        f"-timeout={PER_INPUT_TIMEOUT}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        f"-artifact_prefix={keep}/",
        "-print_final_stats=1",
        str(corpus),
    ]
    env = {**os.environ, "FOIDATA_OCR": "0", "PYTHONHASHSEED": "0"}  # no tesseract: fuzz the parser, not OCR
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", target, "--keep", str(keep), "--", *args],
        capture_output=True, text=True, errors="replace", env=env, check=False,
        timeout=seconds + PER_INPUT_TIMEOUT + 120,
    )
    wall = time.monotonic() - started
    log = proc.stderr + proc.stdout
    (keep / f"libfuzzer-{target}.log").open("a", encoding="utf-8").write(log)
    done = _DONE.search(log)
    fatal = _FATAL.search(log)
    if done:
        return _Run(int(done.group(1)), float(done.group(2)), None)
    statuses = _STATUS.findall(log)
    executions = int(statuses[-1]) if statuses else 0
    if fatal is None and proc.returncode != 0:
        tail = " | ".join(log.strip().splitlines()[-3:])
        return _Run(executions, wall, f"child exited {proc.returncode}: {tail[:300]}")
    return _Run(executions, wall, fatal.group(0) if fatal else None)


def fuzz_target(target: str, seconds: float, keep: Path | None = None) -> FuzzResult:
    """Fuzz one target for about `seconds` of fuzzing time (imports and restarts not counted)."""
    keep = keep or Path(tempfile.mkdtemp(prefix=f"foidata-fuzz-{target}-"))
    keep.mkdir(parents=True, exist_ok=True)
    (keep / CRASH_FILE).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"foidata-corpus-{target}-") as folder:
        corpus = Path(folder)
        for data in seeds(target):
            (corpus / hashlib.sha256(data).hexdigest()[:16]).write_bytes(data)
        executions, spent, fatal = 0, 0.0, []
        left = max(1.0, seconds)
        while left >= 1 and len(fatal) <= MAX_RESTARTS:
            run = _child_run(target, corpus, keep, max(1, round(left)))
            executions += run.executions
            spent += run.seconds
            left -= max(run.seconds, 1.0)
            if run.fatal is None:
                break
            fatal.append(run.fatal)
    caught = json.loads((keep / CRASH_FILE).read_text(encoding="utf-8")) if (keep / CRASH_FILE).exists() else {}
    crashes = sum(caught.values()) + len(fatal)
    found = [f"{n}x {sig}" for sig, n in caught.items()] + fatal
    detail = "; ".join(found) if found else "no crashes"
    if found:
        detail += f" (inputs in {keep})"
    return FuzzResult(target, executions, crashes, round(spent, 1), detail)


def run(seconds: float, targets: tuple[str, ...] = TARGETS, keep: Path | None = None) -> list[FuzzResult]:
    """Every target for `seconds` each: the figures bench/faults.py puts in RELIABILITY.md."""
    return [fuzz_target(t, seconds, keep / t if keep else None) for t in targets]


def replay(target: str, path: Path) -> int:
    """Run one saved input through a target's harness, with the full traceback: 1 when it still crashes."""
    one_input = _harness(target)
    try:
        one_input(path.read_bytes())
    except Exception:
        traceback.print_exc()
        return 1
    print(f"{path}: no crash")
    return 0


def table(results: list[FuzzResult]) -> str:
    lines = [
        "| target | executions | exec/s | crashes | seconds | detail |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        rate = r.executions / r.seconds if r.seconds else 0.0
        lines.append(f"| {r.target} | {r.executions:,} | {rate:,.0f} | {r.crashes} | {r.seconds:.0f} | {r.detail} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="fuzzing time per target [60]")
    parser.add_argument("--target", choices=TARGETS, action="append", help="only this target (repeatable)")
    parser.add_argument("--keep", type=Path, help="folder for crashing inputs and libFuzzer logs")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--replay", type=Path, help="run one saved input through --target's harness")
    parser.add_argument("--child", choices=TARGETS, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.child:
        child(args.child, args.keep, [a for a in rest if a != "--"])
        return 0
    targets = tuple(args.target or TARGETS)
    if args.replay:
        return replay(targets[0], args.replay)
    results = run(args.seconds, targets, args.keep)
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
    else:
        print(table(results))
    return 1 if any(r.crashes for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
