"""The fast PDF path: pypdfium2 text on every page, pdfplumber only for ruled pages, the same facts as the
previous all-pdfplumber reader (`read_pdf_plumber`), several times faster."""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from tests_support import SHARED_PDFS, map_largest_first, shared_pdf_names

from foidata.extractors import extract_response
from foidata.extractors.document import Document
from foidata.extractors.readers import ReadError
from foidata.extractors.readers import pdf as pdf_reader
from foidata.extractors.readers.pdf import read_pdf
from foidata.extractors.readers.pdf_plumber import read_pdf_plumber

SAMPLE_TEXTS = Path(__file__).resolve().parents[2] / "foidata" / "sample" / "texts"

LETTER = (
    "Dear Applicant,",
    "Request FOI 2024/1187: we spent £48,200.50 on agency staff in 2022/23, and c£1.2m in 2023/24.",
    "Some information is withheld under Section 43(2) of the Freedom of Information Act 2000.",
    "Date of response: 3 April 2024",
    "Yours sincerely",
)


def text_pdf(*pages: Sequence[str]) -> bytes:
    pdf = FPDF()
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 7, "\n".join(lines))
    return bytes(pdf.output())


def ruled_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 7, "Spend on postage (£)")
    with pdf.table() as grid:
        for row in (("Year", "Spend"), ("2021/22", "£12,030.50"), ("2022/23", "£14,364.52")):
            cells = grid.row()
            for value in row:
                cells.cell(value)
    return bytes(pdf.output())


def facts(doc: Document) -> dict[str, Counter[Any]]:
    found = extract_response(doc)
    return {
        "money": Counter((m.amount, m.currency, m.amount_high) for m in found.money),
        "dates": Counter(d.value for d in found.dates),
        "references": Counter((r.kind, r.value) for r in found.references),
        "exemptions": Counter(e.provision for e in found.exemptions),
    }


def differing(fast: Document, reference: Document) -> set[str]:
    a, b = facts(fast), facts(reference)
    return {field for field in a if a[field] != b[field]}


# --- text ----------------------------------------------------------------------------------------------------------


def test_text_is_normalised_pdfium_text() -> None:
    doc = read_pdf(text_pdf(LETTER, ("Annex A", "Costs: £300")), "letter.pdf")
    assert "\r" not in doc.text
    assert doc.text.split("\n\f\n") == ["\n".join(LETTER), "Annex A\nCosts: £300"]
    assert all(not line.endswith(" ") for line in doc.text.splitlines())


def test_same_text_and_facts_as_pdfplumber_on_a_letter() -> None:
    data = text_pdf(LETTER, ("Annex A", "Costs: £300"))
    fast, reference = read_pdf(data, "letter.pdf"), read_pdf_plumber(data, "letter.pdf")
    assert fast.text == reference.text
    assert fast.pages == reference.pages
    assert differing(fast, reference) == set()


@pytest.mark.skipif(not SAMPLE_TEXTS.is_dir(), reason="no sample texts")
def test_same_facts_as_pdfplumber_on_the_sample_pdfs() -> None:
    paths = sorted(SAMPLE_TEXTS.glob("*.pdf"))
    assert paths
    for path in paths:
        data = path.read_bytes()
        assert differing(read_pdf(data, path.name), read_pdf_plumber(data, path.name)) == set(), path.name


# --- which pages go to pdfplumber ------------------------------------------------------------------------------------


def opens_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    opened: list[int] = []
    real_open = pdfplumber.open

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(1)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(pdf_reader.pdfplumber, "open", counting)
    return opened


def test_text_pages_never_open_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = opens_counted(monkeypatch)
    doc = read_pdf(text_pdf(LETTER, LETTER, LETTER), "letter.pdf")
    assert doc.page_count == 3 and doc.tables == ()
    assert opened == []


def test_ruled_page_gets_its_tables_from_pdfium_without_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = opens_counted(monkeypatch)
    doc = read_pdf(ruled_pdf(), "table.pdf")
    assert opened == []
    assert doc.tables[0].rows == (("Year", "Spend"), ("2021/22", "£12,030.50"), ("2022/23", "£14,364.52"))
    assert doc.tables[0].page == 1
    assert "2021/22 £12,030.50" in doc.text  # pdfium keeps the row on one line too


def _rotated(data: bytes) -> bytes:
    pdf = pdfium.PdfDocument(data)
    pdf[0].set_rotation(90)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_ruled_page_turned_sideways_goes_to_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = opens_counted(monkeypatch)
    doc = read_pdf(_rotated(ruled_pdf()), "table.pdf")
    assert opened == [1]
    # pdfplumber reads the grid as it shows, turned: the same cells, rows and columns swapped.
    cells = {cell for row in doc.tables[0].rows for cell in row}
    assert cells == {"Year", "Spend", "2021/22", "£12,030.50", "2022/23", "£14,364.52"}


def test_tables_survive_pdfplumber_failing_to_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("pdfminer cannot parse this")

    monkeypatch.setattr(pdf_reader.pdfplumber, "open", broken)
    doc = read_pdf(_rotated(ruled_pdf()), "table.pdf")
    assert doc.tables == () and "£12,030.50" in doc.text


# --- the shared corpus -----------------------------------------------------------------------------------------------

# Differences from the previous reader that were investigated (see bench/RESULTS.md, "PDF reading"): file ->
# the fact fields allowed to differ. Every other file must give exactly the same facts.
KNOWN_DIFFERENCES: dict[str, set[str]] = {
    # pdfplumber splits "2,291,650" into "2 ,291,650" on this balance sheet; pypdfium2 reads the figures whole.
    "sutton-coldfield-statement-of-accounts-2017-18.pdf": {"money"},
    # Slides: pypdfium2 reads "Wave 1" then "January 2012" on the next line, which the date rule takes for
    # 1 January 2012 (pdfplumber puts all wave numbers on one line).
    "foi-manchester-troubled-families-evaluation-slides.pdf": {"dates"},
    # Three-column pages: pdfplumber interleaves the columns line by line and cuts dates wrapped across a
    # line; pypdfium2 keeps them.
    "us-federal-register-2020-17221.pdf": {"dates"},
    # Blank tax forms: "£ • 0 0" boxes give different junk amounts in either reading order.
    "hmrc-ct600-company-tax-return-2018.pdf": {"money"},
    "irs-f1040nr-fillable-form.pdf": {"money"},
    # A £0 table cell: the table reading is placed on the same "0" as the text reading and merged with it,
    # where the pdfplumber text placed it on a different "0" and counted it twice.
    "cipfa-library-return-blaenau-gwent-2016-17.pdf": {"money"},
}
# Files whose reference reading takes too long for a unit test (bench/pdf.py compares them all).
SLOW = {
    "chicago-cdot-aldermanic-menu-2011-259p.pdf", "nhs-sel-ccg-expenditure-over-25k-2020-09.pdf",
    "nhs-ncl-ccg-payments-over-30k-2020-04.pdf", "irs-i1040nr-instructions-50p.pdf",
    "nhs-barking-dagenham-ccg-invoices-over-25k-2014-15.pdf", "foi-nhs-solent-discharge-policy-disclosed-52p.pdf",
    "cipfa-library-return-bedford-2016-17.pdf",
}


def _compare_with_pdfplumber(name: str) -> str | None:
    """The fields on which read_pdf and the pdfplumber reader disagree beyond the known differences, if any;
    runs in a child process."""
    os.environ["FOIDATA_OCR"] = "0"  # the reference reader has no OCR
    data = (SHARED_PDFS / name).read_bytes()
    try:
        reference = read_pdf_plumber(data, name)
    except ReadError:
        try:
            read_pdf(data, name)
        except ReadError:
            return None
        return f"{name}: read, where the pdfplumber reader raised ReadError"
    extra = differing(read_pdf(data, name), reference) - KNOWN_DIFFERENCES.get(name, set())
    return f"{name}: {sorted(extra)} differ" if extra else None


@pytest.mark.skipif(not (SHARED_PDFS / "MANIFEST.tsv").is_file(), reason="shared PDF corpus not present")
def test_same_facts_as_pdfplumber_on_the_shared_corpus() -> None:
    names = [name for name in shared_pdf_names() if name not in SLOW]
    problems = [problem for problem in map_largest_first(_compare_with_pdfplumber, names) if problem is not None]
    assert not problems, "\n".join(problems)
