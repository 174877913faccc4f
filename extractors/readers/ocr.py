"""OCR of scanned PDF pages: pypdfium2 renders the page, the Tesseract command-line program reads it.

No Python OCR package is needed: `tesseract` (Debian/Ubuntu package tesseract-ocr) runs as a subprocess on
a 300 dpi greyscale render and prints TSV, which gives each word with its confidence. Measured on the shared
corpus (2 cores): about 1-2 s per A4 page with one OpenMP thread per process, and 3x slower with Tesseract's
default threading, so each process is held to one thread and two pages are read at a time instead.

Page segmentation mode 6 (one uniform block, read line by line) keeps a table row on one line ("Annual
Precept 1,823,850 1,823,850"), as the text layer of a born-digital PDF does; the automatic mode splits the
row labels from their figures.

Set FOIDATA_OCR=0 to switch OCR off (scanned pages are then reported as unread).
"""

from __future__ import annotations

import functools
import io
import logging
import math
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import pypdfium2 as pdfium

from foidata.extractors.readers.text import normalise_text
from foidata.schemas import limits

DPI = 300
LANGUAGE = "eng"
PAGE_SEGMENTATION = "6"
PAGE_TIMEOUT_SECONDS = 60.0
ENV_SWITCH = "FOIDATA_OCR"
_OFF_VALUES = frozenset({"0", "false", "no", "off"})
_TSV_FIELDS = 12
# What Tesseract makes of ruling lines and cell borders.
_RULE_GLYPHS = "|¦[]{}_"
_WORD_LEVEL = "5"

log = logging.getLogger(__name__)
_warned_missing = False


@dataclass(frozen=True)
class OcrText:
    """What Tesseract read on one page: its text (one line per printed line) and mean word confidence."""

    text: str
    confidence: float | None
    words: int


class OcrFailed(Exception):
    """Tesseract could not read a page; the message is the reason recorded for that page."""


@functools.cache
def tesseract_path() -> str | None:
    """Where the tesseract program is, or None when it is not installed."""
    return shutil.which("tesseract")


def ocr_switched_on() -> bool:
    """False when FOIDATA_OCR is set to 0/false/no/off."""
    return os.environ.get(ENV_SWITCH, "").strip().lower() not in _OFF_VALUES


def warn_missing_once() -> None:
    """One warning per process that scanned pages are skipped because tesseract is missing."""
    global _warned_missing
    if not _warned_missing:
        _warned_missing = True
        log.warning("tesseract is not installed: scanned PDF pages are not read (apt-get install tesseract-ocr)")


def render_page(page: pdfium.PdfPage, dpi: int = DPI) -> bytes:
    """The page (with its /Rotate applied) as a greyscale PGM image; PGM costs nothing to encode. A page
    larger than READ_LIMITS.max_ocr_pixels at `dpi` (a poster, a plan) is rendered smaller instead."""
    width, height = page.get_size()
    scale = min(dpi / 72, math.sqrt(limits.READ_LIMITS.max_ocr_pixels / max(width * height, 1.0)))
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PPM")
        return buffer.getvalue()
    finally:
        bitmap.close()


def parse_tsv(tsv: str) -> OcrText:
    r"""Tesseract TSV -> text with one line per recognised line, and the mean confidence of its words.

    >>> header = "level page_num block_num par_num line_num word_num left top width height conf text"
    >>> rows = ["5 1 1 1 1 1 0 0 9 9 90 FOI", "5 1 1 1 1 2 0 0 9 9 80 2023/0457", "5 1 1 1 2 1 0 0 9 9 70 £12,500"]
    >>> parse_tsv("\n".join(line.replace(" ", "\t") for line in [header, *rows]))
    OcrText(text='FOI 2023/0457\n£12,500', confidence=80.0, words=3)
    """
    lines: dict[tuple[str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != _TSV_FIELDS or cells[0] != _WORD_LEVEL or not cells[11].strip():
            continue
        try:
            confidence = float(cells[10])
        except ValueError:
            continue
        word = _without_rules(cells[11])
        if confidence < 0 or not word:  # -1 marks layout rows, not words
            continue
        lines.setdefault((cells[2], cells[3], cells[4]), []).append(word)
        confidences.append(confidence)
    text = normalise_text("\n".join(" ".join(words) for words in lines.values()))
    mean = round(sum(confidences) / len(confidences), 1) if confidences else None
    return OcrText(text=text, confidence=mean, words=len(confidences))


def _without_rules(word: str) -> str:
    """A word without the table rules Tesseract reads as "|" or "[": a line starting "| " would pass for a
    pipe table, and a rule is no text.

    >>> _without_rules("|Box2"), _without_rules("|__|"), _without_rules("[Requester"), _without_rules("[")
    ('Box2', '', '[Requester', '')
    """
    word = word.strip().strip("|¦")
    return "" if all(ch in _RULE_GLYPHS for ch in word) else word


def run_tesseract(image: bytes, timeout: float = PAGE_TIMEOUT_SECONDS) -> OcrText:
    """OCR one image (any format leptonica reads); OcrFailed with a reason when tesseract fails."""
    program = tesseract_path()
    if program is None:
        raise OcrFailed("OCR needs the tesseract program, which is not installed")
    command = [program, "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(DPI), "--psm", PAGE_SEGMENTATION, "tsv"]
    # One OpenMP thread per process: Tesseract's own threading is slower than one page per core.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(command, input=image, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(f"OCR took longer than {timeout:.0f} s and was stopped") from exc
    except OSError as exc:
        raise OcrFailed(f"cannot run tesseract ({exc.strerror or exc})") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise OcrFailed(f"tesseract failed (exit {done.returncode}: {detail[-1][:120] if detail else 'no message'})")
    return parse_tsv(done.stdout.decode("utf-8", errors="replace"))


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def ocr_pages(
    render: Callable[[int], bytes],
    numbers: Sequence[int],
    budget: float | None = None,
    workers: int | None = None,
) -> dict[int, OcrText | str]:
    """OCR the given pages: each page number maps to what was read, or to the reason it was not.

    `render(number)` runs in the calling thread (pdfium is not thread-safe); tesseract processes run in
    worker threads, at most `workers` at a time, which also bounds the renders held in memory. Pages not
    started within `budget` seconds (READ_LIMITS.ocr_budget_seconds if None) are not read.
    """
    workers = workers or default_workers()
    budget = limits.READ_LIMITS.ocr_budget_seconds if budget is None else budget
    deadline = time.monotonic() + budget
    results: dict[int, OcrText | str] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: dict[Future[OcrText], int] = {}
        for number in numbers:
            while len(pending) >= workers:
                _collect(pending, results, wait(pending, return_when=FIRST_COMPLETED).done)
            left = deadline - time.monotonic()
            if left <= 0:
                results[number] = f"not OCRed: the document's OCR time budget ({budget:g} s) was used up"
                continue
            try:
                image = render(number)
            except Exception as exc:  # a page pdfium cannot draw must not stop the others
                results[number] = f"OCR failed: cannot render the page ({type(exc).__name__})"
                continue
            pending[pool.submit(run_tesseract, image, min(PAGE_TIMEOUT_SECONDS, max(left, 5.0)))] = number
        _collect(pending, results, set(pending))
    return results


def _collect(pending: dict[Future[OcrText], int], results: dict[int, OcrText | str],
             done: set[Future[OcrText]]) -> None:
    for future in done:
        number = pending.pop(future)
        try:
            results[number] = future.result()
        except OcrFailed as exc:
            results[number] = str(exc)
        except Exception as exc:
            results[number] = f"OCR failed ({type(exc).__name__}: {exc})"[:160]
