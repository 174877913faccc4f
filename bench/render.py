"""Render a gold corpus of `.txt` pages as HTML pages and as PDFs, labels copied, so that `foidata eval`
can check the same facts come out of every rendering.

    python bench/render.py GOLD_DIR OUT_DIR      -> OUT_DIR/html/{texts,labels}, OUT_DIR/pdf/{texts,labels}
    foidata eval --gold OUT_DIR/html ; foidata eval --gold OUT_DIR/pdf

Needs fpdf2 (a dev dependency). PDF lines wrap at the page width, as real letters do.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import sys
from pathlib import Path

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def to_html(text: str, title: str = "Disclosure log") -> str:
    # A paragraph per block of lines, its lines kept apart by <br> as a page prints a letter's wrapped lines.
    paragraphs = (p for p in re.split(r"\n[ \t]*\n", text) if p.strip())
    body = "\n".join("<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/foi'>Freedom of information</a></nav></header>"
        "<div class='cookie-banner'>We use cookies to make this site work.</div>"
        f"<main>{body}</main><footer>Copyright and accessibility statement</footer></body></html>"
    )


def to_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    font = next((f for f in FONT_CANDIDATES if f.exists()), None)
    if font:
        pdf.add_font("body", fname=str(font))
        pdf.set_font("body", size=10)
    else:
        pdf.set_font("helvetica", size=10)
        text = text.encode("latin-1", "replace").decode("latin-1")
    pdf.add_page()
    for line in text.split("\n"):
        pdf.multi_cell(0, 5, line if line.strip() else " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render(gold_dir: Path, out_dir: Path) -> None:
    for kind in ("html", "pdf"):
        shutil.rmtree(out_dir / kind, ignore_errors=True)
        (out_dir / kind / "texts").mkdir(parents=True)
        shutil.copytree(gold_dir / "labels", out_dir / kind / "labels")
    for path in sorted((gold_dir / "texts").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        (out_dir / "html" / "texts" / f"{path.stem}.html").write_text(to_html(text), encoding="utf-8")
        (out_dir / "pdf" / "texts" / f"{path.stem}.pdf").write_bytes(to_pdf(text))


if __name__ == "__main__":
    render(Path(sys.argv[1]), Path(sys.argv[2]))
