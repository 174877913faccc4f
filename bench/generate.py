"""A synthetic corpus of any size in the sample corpus's layouts, for the scale benchmark.

    python bench/generate.py OUT_DIR N [--pdf-share 0.1] [--broken-share 0.05] [--seed 1]

Each document is a sample response (foidata/sample/texts: police platform pages, a council table page, a
WhatDoTheyKnow thread, letters) with its reference, dates and amounts changed, so every file has its own
bytes and its own facts. PDFs (text and a ruled table) come from a few fpdf2 templates; broken files are
truncated PDFs, empty pages and random bytes. Generating is deterministic for a seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
from collections.abc import Iterator
from pathlib import Path

from fpdf import FPDF

SAMPLE = Path(__file__).resolve().parent.parent / "foidata" / "sample" / "texts"
AMOUNT = re.compile(r"£(\d[\d,]*(?:\.\d+)?)")
REFERENCE = re.compile(r"\b(\d{4,6})\b")
FIXED = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def html_templates() -> list[str]:
    return [p.read_text("utf-8") for p in sorted(SAMPLE.glob("*.html"))]


def vary(template: str, n: int, rng: random.Random) -> str:
    """The template with its amounts scaled and its numbers shifted, plus a marker that makes it unique."""
    factor = rng.uniform(0.5, 2.0)

    def amount(match: re.Match[str]) -> str:
        value = float(match.group(1).replace(",", "")) * factor
        return f"£{value:,.0f}"

    text = AMOUNT.sub(amount, template)
    text = REFERENCE.sub(lambda m: str(int(m.group(1)) + n) if not 1990 <= int(m.group(1)) <= 2030 else m.group(1),
                         text)
    return text.replace("</body>", f"<p>Document number {n}.</p></body>", 1)


def pdf_document(n: int, rng: random.Random) -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(FIXED)
    pdf.set_font("Helvetica", size=10)
    pages = rng.randint(1, 3)
    for page in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 5, f"Freedom of Information request FOI {20000 + n}. Date of response: "
                             f"{rng.randint(1, 28)} March 2024.", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 5, "The information you asked for is attached. Some details are withheld under "
                             "Section 43(2) of the Act.", new_x="LMARGIN", new_y="NEXT")
        if page == 0:
            pdf.cell(0, 8, "ICT capital programme (£000)", new_x="LMARGIN", new_y="NEXT")
            with pdf.table() as table:
                for values in (("Scheme", "2022/23", "2023/24"), ("Network", f"{rng.randint(100, 9000):,}",
                               f"{rng.randint(100, 9000):,}"), ("Devices", f"{rng.randint(100, 9000):,}",
                                                                  f"{rng.randint(100, 9000):,}")):
                    row = table.row()
                    for cell in values:
                        row.cell(cell)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def broken_document(n: int, rng: random.Random) -> tuple[str, bytes]:
    kind = n % 3
    if kind == 0:
        return "pdf", pdf_document(n, rng)[: rng.randint(200, 600)]  # truncated
    if kind == 1:
        return "html", b"<html><body><nav>Menu</nav></body></html>"
    return "pdf", rng.randbytes(2048)


def documents(count: int, pdf_share: float, broken_share: float, seed: int) -> Iterator[tuple[str, bytes]]:
    rng = random.Random(seed)
    templates = html_templates()
    for n in range(count):
        roll = rng.random()
        if roll < broken_share:
            suffix, data = broken_document(n, rng)
        elif roll < broken_share + pdf_share:
            suffix, data = "pdf", pdf_document(n, rng)
        else:
            suffix, data = "html", vary(templates[n % len(templates)], n, rng).encode("utf-8")
        yield f"doc-{n:07d}.{suffix}", data


def generate(out: Path, count: int, pdf_share: float = 0.1, broken_share: float = 0.05, seed: int = 1) -> int:
    """Write `count` documents into `out` (1,000 per subfolder); returns the bytes written."""
    written = 0
    for name, data in documents(count, pdf_share, broken_share, seed):
        folder = out / name[4:8]  # doc-0001234 -> 0001: a thousand files a folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        written += len(data)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int)
    parser.add_argument("--pdf-share", type=float, default=0.1)
    parser.add_argument("--broken-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    size = generate(args.out, args.count, args.pdf_share, args.broken_share, args.seed)
    print(f"{args.count} documents, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
