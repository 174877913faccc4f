"""Word, Excel and CSV attachments: DOCX/XLSX/CSV bytes -> Document, every bad input a ReadError.

Every fixture is generated here with python-docx, openpyxl, csv and zipfile.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import random
import re
import time
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from tests_support import set_read_limits

from foidata.extractors import extract_response
from foidata.extractors.document import MEDIA_HTML, MEDIA_TEXT, Document, Table, sha256_hex
from foidata.extractors.readers import (
    MEDIA_CSV,
    MEDIA_DOCX,
    MEDIA_TSV,
    MEDIA_XLSX,
    ReadError,
    read_bytes,
)
from foidata.extractors.readers.detect import sniff
from foidata.extractors.readers.html import read_html
from foidata.extractors.readers.spreadsheet import format_cell, parse_number_format
from foidata.extractors.readers.tabular import CELLS_CAP_NOTE, ROWS_CAP_NOTE, pipe_row, square
from foidata.flows.pipeline import process_bytes

CAPITAL_ROWS = (
    ("Programme (£000)", "2020/21", "2021/22"),
    ("ICT capital programme", "450", "520"),
    ("Estates", "1,200", "980"),
)
CAPITAL_LINES = (
    "| Programme (£000) | 2020/21 | 2021/22 |\n"
    "| ICT capital programme | 450 | 520 |\n"
    "| Estates | 1,200 | 980 |"
)


def read_error(data: bytes, source: str) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_bytes(data, source)
    return caught.value


def money_found(doc: Document) -> list[tuple[Decimal, str | None, str | None, str]]:
    return [(m.amount, m.subject, m.period, m.span.text) for m in extract_response(doc).money]


# --- fixture generators ---------------------------------------------------------------------------------


def docx_bytes(build: Callable[[Any], None]) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_table(document: Any, rows: Sequence[Sequence[str]]) -> Any:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return table


def foi_letter(document: Any) -> None:
    document.add_heading("Freedom of Information request FOI 2023/0457", level=1)
    document.add_paragraph("Date: 14 March 2023")
    document.add_paragraph("Dear Applicant,")
    document.add_paragraph("Thank you for your request for information received on 20 February 2023.")
    document.add_paragraph("You asked:")
    document.add_paragraph("How much did the council spend on its ICT capital programme?", style="List Number")
    document.add_paragraph("How much did it spend on estates?", style="List Number")
    document.add_paragraph("Our response: the capital programme is set out below.")
    add_table(document, CAPITAL_ROWS)
    document.add_paragraph(
        "The consultancy contract cost £12,500 in 2022/23. Some information is withheld under Section 43(2) "
        "of the Act (commercial interests)."
    )
    document.add_paragraph("Yours sincerely")
    document.sections[0].header.paragraphs[0].text = "Example Borough Council"
    document.sections[0].footer.paragraphs[0].text = "Our ref: FOI 2023/0457"


LETTER_TEXT = (
    "Freedom of Information request FOI 2023/0457\n\n"
    "Date: 14 March 2023\n\n"
    "Dear Applicant,\n\n"
    "Thank you for your request for information received on 20 February 2023.\n\n"
    "You asked:\n\n"
    "1. How much did the council spend on its ICT capital programme?\n"
    "2. How much did it spend on estates?\n\n"
    "Our response: the capital programme is set out below.\n\n"
    f"{CAPITAL_LINES}\n\n"
    "The consultancy contract cost £12,500 in 2022/23. Some information is withheld under Section 43(2) "
    "of the Act (commercial interests).\n\n"
    "Yours sincerely\n\n"
    "Example Borough Council\n\n"
    "Our ref: FOI 2023/0457"
)


def xlsx_bytes(build: Callable[[Any], None]) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def capital_workbook(workbook: Any) -> None:
    sheet = workbook.active
    sheet.title = "Capital programme"
    sheet.append(["Programme (£000)", "2020/21", "2021/22"])
    sheet.append(["ICT capital programme", 450, 520])
    sheet.append(["Estates", 1200, 980.5])
    contracts = workbook.create_sheet("Contracts")
    contracts.append(["Supplier", "Value", "Start", "Share"])
    contracts.append(["Acme Ltd", 12500, dt.datetime(2023, 3, 14), 0.25])
    contracts["B2"].number_format = '"£"#,##0.00'
    contracts["D2"].number_format = "0%"


CAPITAL_SHEETS = (
    "Capital programme\n"
    "| Programme (£000) | 2020/21 | 2021/22 |\n"
    "| ICT capital programme | 450 | 520 |\n"
    "| Estates | 1200 | 980.5 |\n\n"
    "Contracts\n"
    "| Supplier | Value | Start | Share |\n"
    "| Acme Ltd | £12,500.00 | 2023-03-14 | 25% |"
)


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def replace_entry(package: bytes, name: str, data: bytes) -> bytes:
    """The package with one entry's bytes replaced (the others copied as they are)."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    entries[name] = data
    return zip_bytes(entries)


def w_body_xml(inner: str) -> Any:
    vml = 'xmlns:v="urn:schemas-microsoft-com:vml"'
    return parse_xml(f"<w:body {nsdecls('w')} {vml}>{inner}</w:body>")


# --- DOCX -----------------------------------------------------------------------------------------------


def test_docx_letter_text_in_document_order() -> None:
    data = docx_bytes(foi_letter)
    doc = read_bytes(data, "letter.docx")
    assert doc.media_type == MEDIA_DOCX
    assert doc.content_sha256 == sha256_hex(data)
    assert doc.text == LETTER_TEXT
    assert doc.title == "Freedom of Information request FOI 2023/0457"
    assert doc.tables == (Table(rows=CAPITAL_ROWS),)


def test_docx_tables_render_like_html_tables() -> None:
    html = "<html><body><main><table>" + "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in CAPITAL_ROWS
    ) + "</table></main></body></html>"
    assert read_html(html.encode(), "t.html").text == CAPITAL_LINES
    assert read_bytes(docx_bytes(lambda d: add_table(d, CAPITAL_ROWS)), "t.docx").text == CAPITAL_LINES


def test_docx_letter_extraction() -> None:
    facts = extract_response(read_bytes(docx_bytes(foi_letter), "letter.docx"))
    assert [(r.kind, r.value) for r in facts.references][:1] == [("primary", "2023/0457")]
    assert [(d.value, d.role) for d in facts.dates] == [
        (dt.date(2023, 3, 14), "response"),
        (dt.date(2023, 2, 20), "request"),
    ]
    assert [(e.law, e.provision) for e in facts.exemptions] == [("FOIA", "43(2)")]
    assert facts.question_count == 2
    assert facts.body == "Example Borough Council"
    assert [(m.amount, m.subject, m.period, m.span.text) for m in facts.money] == [
        (Decimal("450000.00"), "ICT capital programme", "2020/21", "450"),
        (Decimal("520000.00"), "ICT capital programme", "2021/22", "520"),
        (Decimal("1200000.00"), "Estates", "2020/21", "1,200"),
        (Decimal("980000.00"), "Estates", "2021/22", "980"),
        (Decimal("12500.00"), "consultancy contract", "2022/23", "£12,500"),
    ]


def test_docx_merged_cells_written_once() -> None:
    def build(document: Any) -> None:
        table = add_table(document, [("Year", "Q1", "Q2"), ("2022", "£5", "£6"), ("2023", "£7", "£8")])
        table.cell(0, 1).merge(table.cell(0, 2)).text = "Spend"
        table.cell(1, 0).merge(table.cell(2, 0)).text = "2022-23"

    doc = read_bytes(docx_bytes(build), "merged.docx")
    assert doc.text == "| Year | Spend | |\n| 2022-23 | £5 | £6 |\n| | £7 | £8 |"
    assert doc.tables[0].rows[0] == ("Year", "Spend", "")


def test_docx_layout_tables_are_read_as_blocks() -> None:
    def build(document: Any) -> None:
        box = document.add_table(rows=1, cols=1)
        box.cell(0, 0).text = "Request"
        box.cell(0, 0).add_paragraph("Please send the policy.")
        outer = document.add_table(rows=1, cols=2)
        outer.cell(0, 0).text = "Our ref: FOI 99"
        outer.cell(0, 1).add_table(rows=1, cols=2).rows[0].cells[0].text = "inner"

    doc = read_bytes(docx_bytes(build), "layout.docx")
    assert doc.text == "Request\n\nPlease send the policy.\n\nOur ref: FOI 99\n\n| inner |"
    assert doc.tables == (Table(rows=(("inner",),)),)


def test_docx_content_controls_insertions_text_boxes_and_breaks() -> None:
    body = w_body_xml(
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Inside a content control</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t xml:space='preserve'>Cost </w:t></w:r><w:del><w:r><w:delText>£9</w:delText></w:r>"
        "</w:del><w:ins><w:r><w:t>£10</w:t></w:r></w:ins><w:r><w:br/><w:t>second line</w:t><w:tab/>"
        "<w:t>tabbed</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent>"
        "<w:p><w:r><w:t>Text box line</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"
    )

    def build(document: Any) -> None:
        target = document.element.body
        for child in list(body):
            target.insert(len(target) - 1, child)  # before the final sectPr

    doc = read_bytes(docx_bytes(build), "controls.docx")
    assert doc.text == (
        "Inside a content control\n\nCost £10\nsecond line tabbed\n\nAnchor\n\nText box line"
    )


def test_docx_numbering_levels_and_bullets() -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Intro")
        document.add_paragraph("first", style="List Number")
        document.add_paragraph("second", style="List Number")
        document.add_paragraph("point", style="List Bullet")

    text = read_bytes(docx_bytes(build), "lists.docx").text
    assert text == "Intro\n\n1. first\n2. second\n- point"


def test_docx_headers_and_footers_come_last_once() -> None:
    def build(document: Any) -> None:
        document.add_paragraph("Body text")
        document.sections[0].header.paragraphs[0].text = "Letterhead"
        second = document.add_section()
        second.header.is_linked_to_previous = False
        second.header.paragraphs[0].text = "Letterhead"  # the same again: kept once
        document.add_paragraph("More body")

    assert read_bytes(docx_bytes(build), "hf.docx").text == "Body text\n\nMore body\n\nLetterhead"


def test_docx_without_text_is_empty() -> None:
    assert read_error(docx_bytes(lambda d: None), "blank.docx").error_type == "empty"


# --- XLSX -----------------------------------------------------------------------------------------------


def test_xlsx_sheets_as_blocks_and_tables() -> None:
    data = xlsx_bytes(capital_workbook)
    doc = read_bytes(data, "capital.xlsx")
    assert doc.media_type == MEDIA_XLSX
    assert doc.content_sha256 == sha256_hex(data)
    assert doc.text == CAPITAL_SHEETS
    assert [t.rows[0] for t in doc.tables] == [
        ("Programme (£000)", "2020/21", "2021/22"),
        ("Supplier", "Value", "Start", "Share"),
    ]


def test_xlsx_extraction() -> None:
    doc = read_bytes(xlsx_bytes(capital_workbook), "capital.xlsx")
    assert money_found(doc) == [
        (Decimal("450000.00"), "ICT capital programme", "2020/21", "450"),
        (Decimal("520000.00"), "ICT capital programme", "2021/22", "520"),
        (Decimal("1200000.00"), "Estates", "2020/21", "1200"),
        (Decimal("980500.00"), "Estates", "2021/22", "980.5"),
        (Decimal("12500.00"), "Acme Ltd", None, "£12,500.00"),
    ]
    assert [d.value for d in extract_response(doc).dates] == [dt.date(2023, 3, 14)]


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (12500, '"£"#,##0.00', "£12,500.00"),
        (12500.0, "[$£-809]#,##0.00", "£12,500.00"),
        (-1250, "£#,##0;[Red]-£#,##0", "-£1,250"),
        (1234.5, '_-[$£-809]* #,##0.00_-;-[$£-809]* #,##0.00_-;_-[$£-809]* "-"??_-;_-@_-', "£1,234.50"),
        (99.5, "[$€-1809]#,##0.00", "€99.50"),
        (1250, "#,##0", "1,250"),
        (2.345, "0.00", "2.35"),
        (0.125, "0.0%", "12.5%"),
        (5, "[$-809]0", "5"),
        (0.1 + 0.2, "General", "0.3"),
        (2000.0, "General", "2000"),
        (1e-05, "General", "0.00001"),
        (7, None, "7"),
        (True, "General", "TRUE"),
        (dt.datetime(2023, 3, 14), "dd/mm/yyyy", "2023-03-14"),
        (dt.datetime(2023, 3, 14, 9, 30), "dd/mm/yyyy hh:mm", "2023-03-14 09:30"),
        (dt.date(2023, 3, 14), "dd/mm/yyyy", "2023-03-14"),
        (None, "General", ""),
        ("  Estates\nand | facilities ", "@", "Estates and ¦ facilities"),
        (float("nan"), "General", "nan"),
    ],
)
def test_xlsx_cells_as_a_person_reads_them(value: Any, number_format: str | None, expected: str) -> None:
    assert format_cell(value, number_format) == expected


def test_number_format_parsing() -> None:
    assert parse_number_format('"£"#,##0.00').currency == "£"
    assert parse_number_format("[$-809]dd mmmm yyyy").currency is None
    assert parse_number_format('0" GBP"').currency is None


def test_xlsx_formulas_give_cached_values_or_nothing() -> None:
    def build(workbook: Any) -> None:
        workbook.active.append(["Total", "=1+2"])

    # openpyxl stores no cached result, so the formula reads as empty (Excel-saved files have one)
    assert read_bytes(xlsx_bytes(build), "formula.xlsx").text == "Sheet\n| Total |"


def test_xlsx_false_dimension_does_not_pad() -> None:
    data = xlsx_bytes(capital_workbook)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)
    started = time.perf_counter()
    doc = read_bytes(replace_entry(data, "xl/worksheets/sheet1.xml", sheet), "wide.xlsx")
    assert time.perf_counter() - started < 5
    assert doc.text == CAPITAL_SHEETS


def test_xlsx_row_cap_keeps_what_was_read(monkeypatch: pytest.MonkeyPatch) -> None:
    set_read_limits(monkeypatch, max_rows_per_sheet=2)
    doc = read_bytes(xlsx_bytes(capital_workbook), "capital.xlsx")
    assert doc.text.split("\n\n")[0] == (
        "Capital programme\n| Programme (£000) | 2020/21 | 2021/22 |\n| ICT capital programme | 450 | 520 |\n"
        + ROWS_CAP_NOTE
    )
    assert "Acme Ltd" in doc.text  # the next sheet is read


def test_xlsx_cell_cap_stops_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    set_read_limits(monkeypatch, max_table_cells=7)
    doc = read_bytes(xlsx_bytes(capital_workbook), "capital.xlsx")
    assert doc.text.endswith("| ICT capital programme | 450 | 520 |\n" + CELLS_CAP_NOTE)
    assert "Contracts" not in doc.text
    assert not re.search(r"\d", CELLS_CAP_NOTE + ROWS_CAP_NOTE)  # no figure for the extractors to take


def test_xlsx_without_cells_is_empty() -> None:
    assert read_error(xlsx_bytes(lambda wb: None), "blank.xlsx").error_type == "empty"


# --- CSV and TSV ----------------------------------------------------------------------------------------


def test_csv_semicolons_cp1252() -> None:
    data = "Service;Budget (£);Year\r\nLibraries;12 500,50;2022/23\r\n\r\n\"Parks; open spaces\";£9,000;2023/24\r\n"
    doc = read_bytes(data.encode("cp1252"), "budget.csv")
    assert doc.media_type == MEDIA_CSV
    assert doc.text == (
        "| Service | Budget (£) | Year |\n"
        "| Libraries | 12 500,50 | 2022/23 |\n"
        "| Parks; open spaces | £9,000 | 2023/24 |"
    )
    assert doc.tables[0].rows[2] == ("Parks; open spaces", "£9,000", "2023/24")
    # What the extractors make of it today: "12 500,50" (a decimal comma) is read as the bare figure 12 under
    # the "(£)" header, so the table pass takes it as £12. Recorded here, not fixed in the reader.
    assert money_found(doc) == [
        (Decimal("12.00"), "Libraries", None, "12"),
        (Decimal("9000.00"), "Parks open spaces", "2023/24", "£9,000"),
    ]


def test_csv_quoted_newlines_pipes_and_ragged_rows() -> None:
    data = b'Name,Note\n"Acme","two\nlines | here",extra\nSolo\n'
    doc = read_bytes(data, "notes.csv")
    assert doc.text == "| Name | Note | |\n| Acme | two lines ¦ here | extra |\n| Solo | | |"


def test_tsv_and_content_type() -> None:
    assert read_bytes(b"Year\tSpend\n2022\t\xa3450\n", "spend.tsv").text == "| Year | Spend |\n| 2022 | £450 |"
    assert read_bytes(b"Year\tSpend\n2022\t450\n", "spend.tsv").media_type == MEDIA_TSV
    url = "https://x.gov.uk/download?id=7"
    by_type = read_bytes(b"a,b\n1,\xa32\n", url, content_type="text/csv; charset=cp1252")
    assert (by_type.media_type, by_type.text) == (MEDIA_CSV, "| a | b |\n| 1 | £2 |")


def test_one_column_csv_falls_back_to_commas() -> None:
    assert read_bytes(b"Name\nAcme\nBeta\n", "names.csv").text == "| Name |\n| Acme |\n| Beta |"


def test_csv_needs_name_or_content_type() -> None:
    data = b"Year,Spend\n2022,450\n"
    assert read_bytes(data, "spend.txt").media_type == MEDIA_TEXT
    assert read_bytes(data, "spend").text == "Year,Spend\n2022,450\n"
    assert read_bytes(b"<!DOCTYPE html><html><body><p>Error</p></body></html>", "x.csv").media_type == MEDIA_HTML


def test_csv_with_an_oversized_field_is_damaged() -> None:
    data = b'a,b\n"' + b"x" * 200_000 + b'",1\n'
    assert read_error(data, "big.csv").error_type == "csv_damaged"


def test_pipe_rows_and_squaring() -> None:
    assert pipe_row(["a", "", "b"]) == "| a | | b |"
    assert square([["", "a", ""], ["", "", ""], ["", "b", "c", ""]]) == [("a", ""), ("b", "c")]


# --- detection, damage and zip bombs --------------------------------------------------------------------


def test_detection_reads_content_not_name() -> None:
    assert sniff(docx_bytes(foi_letter), "attachment.bin") == MEDIA_DOCX
    assert sniff(xlsx_bytes(capital_workbook), "letter.docx") == MEDIA_XLSX
    assert read_bytes(docx_bytes(foi_letter), "https://x.gov.uk/file?id=3").media_type == MEDIA_DOCX


def test_zip_bomb_ratio() -> None:
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (11 * 1024 * 1024)})
    assert len(bomb) < 100_000
    error = read_error(bomb, "bomb.docx")
    assert error.error_type == "zip_bomb"
    assert "word/document.xml" in error.reason


def test_zip_bomb_total(monkeypatch: pytest.MonkeyPatch) -> None:
    set_read_limits(monkeypatch, max_zip_uncompressed_bytes=10_000)
    error = read_error(xlsx_bytes(capital_workbook), "big.xlsx")
    assert error.error_type == "zip_bomb"
    assert "limit" in error.reason


@pytest.mark.parametrize(
    ("make", "name", "error_type"),
    [
        (lambda: docx_bytes(foi_letter)[:3000], "cut.docx", "docx_damaged"),
        (lambda: xlsx_bytes(capital_workbook)[:3000], "cut.xlsx", "xlsx_damaged"),
        (lambda: docx_bytes(foi_letter)[:3000], "cut.bin", "zip_damaged"),
        (lambda: b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "reply.docx", "docx_damaged"),
        (lambda: replace_entry(docx_bytes(foi_letter), "word/document.xml", b"<w:document"), "x.docx",
         "docx_damaged"),
        (lambda: replace_entry(xlsx_bytes(capital_workbook), "xl/workbook.xml", b"not xml"), "x.xlsx",
         "xlsx_damaged"),
        (lambda: zip_bytes({"readme.txt": b"hello"}), "reply.docx", "docx_damaged"),
        (lambda: zip_bytes({"readme.txt": b"hello"}), "bundle.zip", "unsupported_type"),
        (lambda: zip_bytes({"ppt/presentation.xml": b"<p/>"}), "slides.pptx", "unsupported_type"),
        (lambda: b"PK\x05\x06" + b"\x00" * 18, "empty.zip", "unsupported_type"),
    ],
    ids=["truncated-docx", "truncated-xlsx", "truncated-unnamed", "zip-header-only", "bad-document-xml",
         "bad-workbook-xml", "docx-without-main-part", "plain-zip", "pptx", "empty-zip"],
)
def test_damaged_and_unsupported_packages(make: Callable[[], bytes], name: str, error_type: str) -> None:
    error = read_error(make(), name)
    assert error.error_type == error_type
    assert error.reason


def test_legacy_office_binary() -> None:
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    error = read_error(ole2, "reply.doc")
    assert (error.error_type, error.reason) == (
        "unsupported_format", "legacy Word/Excel binary format; save as .docx/.xlsx"
    )
    encrypted = ole2 + "EncryptedPackage".encode("utf-16-le")
    assert read_error(encrypted, "locked.docx").error_type == "office_encrypted"


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_mangled_packages_only_raise_read_error(kind: str) -> None:
    data = docx_bytes(foi_letter) if kind == "docx" else xlsx_bytes(capital_workbook)
    rng = random.Random(5)
    for _ in range(60):
        mangled = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            mangled[rng.randrange(len(mangled))] = rng.randrange(256)
        with contextlib.suppress(ReadError):  # anything else escaping fails the test
            read_bytes(bytes(mangled), f"m.{kind}")


# --- through the pipeline -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "media_type"),
    [("letter.docx", lambda: docx_bytes(foi_letter), MEDIA_DOCX),
     ("capital.xlsx", lambda: xlsx_bytes(capital_workbook), MEDIA_XLSX)],
)
def test_pipeline_rows(name: str, make: Callable[[], bytes], media_type: str) -> None:
    done = process_bytes(name, make(), run_id="run-1", at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert not done.failed, done.rows.get("errors")
    response = done.rows["responses"][0]
    assert response.media_type == media_type  # type: ignore[attr-defined]
    assert len(done.rows["money"]) >= 5
    if name.endswith(".docx"):
        assert response.primary_reference == "2023/0457"  # type: ignore[attr-defined]
        assert [e.provision for e in done.rows["exemptions"]] == ["43(2)"]  # type: ignore[attr-defined]


def test_pipeline_records_a_zip_bomb_as_an_error() -> None:
    bomb = zip_bytes({"word/document.xml": b"\0" * (11 * 1024 * 1024)})
    done = process_bytes("bomb.docx", bomb, run_id="run-1")
    assert done.failed
    assert done.rows["errors"][0].error_type == "zip_bomb"  # type: ignore[attr-defined]
