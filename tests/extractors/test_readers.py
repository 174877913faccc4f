"""Readers: bytes -> Document, by detected type; every unreadable input is a ReadError."""

from __future__ import annotations

import codecs
import io
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from fpdf import FPDF
from tests_support import SHARED_PDFS, map_largest_first, shared_pdf_names

from foidata.extractors.document import MEDIA_HTML, MEDIA_PDF, MEDIA_TEXT, Document, Link, Page, sha256_hex
from foidata.extractors.readers import ReadError, read_bytes, read_path
from foidata.extractors.readers import pdf as pdf_reader
from foidata.extractors.readers.detect import sniff
from foidata.extractors.readers.html import list_marker
from foidata.extractors.readers.pdf import cid_share, unique_char_ids
from foidata.extractors.readers.text import decode_bytes, normalise_text
from foidata.schemas.limits import READ_LIMITS

SAMPLE_TEXTS = Path(__file__).resolve().parents[2] / "foidata" / "sample" / "texts"


def read_error(data: bytes, source: str = "x", **limits: int) -> ReadError:
    with pytest.raises(ReadError) as caught:
        read_bytes(data, source, **limits)
    return caught.value


# --- PDFs made at test time -------------------------------------------------------------------------


def make_pdf(*pages: Callable[[FPDF], None], encrypt: tuple[str, str | None] | None = None) -> bytes:
    """A PDF with one page per callable, each drawing on a fresh A4 page in Helvetica 12."""
    pdf = FPDF()
    if encrypt is not None:
        owner, user = encrypt
        pdf.set_encryption(owner_password=owner, user_password=user)
    for draw in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        draw(pdf)
    return bytes(pdf.output())


def lines(*text: str) -> Callable[[FPDF], None]:
    def draw(pdf: FPDF) -> None:
        pdf.multi_cell(0, 8, "\n".join(text))

    return draw


def table(rows: Sequence[tuple[str, ...]]) -> Callable[[FPDF], None]:
    def draw(pdf: FPDF) -> None:
        pdf.multi_cell(0, 8, "Postage spend by year")
        with pdf.table() as grid:
            for row in rows:
                cells = grid.row()
                for value in row:
                    cells.cell(value)

    return draw


def box_only(pdf: FPDF) -> None:
    pdf.rect(20, 20, 100, 60, style="F")


def fake_bold(pdf: FPDF) -> None:
    for _ in range(2):  # the same text drawn twice at the same place: "fake bold"
        pdf.text(20, 30, "Total 2019 £98,452")


LETTER = lines("Dear Applicant,", "FOI 12345: the cost was £1,250.50 in 2023/24.", "Yours sincerely")


@pytest.fixture
def letter_path(tmp_path: Path) -> Path:
    path = tmp_path / "letter.pdf"
    path.write_bytes(make_pdf(LETTER))
    return path


def test_pdf_letter_with_pound_amount(letter_path: Path) -> None:
    doc = read_path(letter_path)
    assert doc.media_type == MEDIA_PDF
    assert doc.source == str(letter_path)
    assert doc.content_sha256 == sha256_hex(letter_path.read_bytes())
    assert "FOI 12345: the cost was £1,250.50 in 2023/24." in doc.text
    assert doc.text.splitlines()[0] == "Dear Applicant,"
    assert doc.pages == (Page(number=1, start=0, end=len(doc.text)),)
    assert doc.title is None


def test_pdf_two_pages_offsets() -> None:
    doc = read_bytes(make_pdf(lines("First page: request"), lines("Second page: £300 response")), "two.pdf")
    first, second = doc.pages
    assert (first.number, second.number) == (1, 2)
    assert doc.text[first.start : first.end] == "First page: request"
    assert doc.text[second.start : second.end] == "Second page: £300 response"
    assert doc.text[first.end : second.start] == "\n\f\n"
    assert second.end == len(doc.text)


def test_pdf_table_kept_with_page_number() -> None:
    rows = [("Year", "Spend"), ("2022", "£512,030.50"), ("2023", "£466,364.52")]
    doc = read_bytes(make_pdf(lines("Cover letter"), table(rows)), "table.pdf")
    assert [t.page for t in doc.tables] == [2]
    assert doc.tables[0].rows == tuple(rows)
    assert "2022 £512,030.50" in doc.text  # pdfplumber keeps a row on one line


def test_pdf_fake_bold_characters_deduplicated() -> None:
    data = make_pdf(fake_bold)
    with pdfplumber.open(io.BytesIO(data)) as raw:
        assert "TToottaall" in (raw.pages[0].extract_text() or "")  # the fixture does double the text
    doc = read_bytes(data, "bold.pdf")
    assert doc.text == "Total 2019 £98,452"


def test_fast_dedupe_matches_pdfplumber(letter_path: Path) -> None:
    data = make_pdf(fake_bold, LETTER)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            expected = [id(c) for c in page.dedupe_chars().chars]
            kept = unique_char_ids(page.chars)
            assert [id(c) for c in page.chars if id(c) in kept] == expected


def test_pdf_truncated_is_damaged() -> None:
    data = make_pdf(LETTER, LETTER)
    error = read_error(data[: len(data) // 2], "cut.pdf")
    assert error.error_type == "pdf_damaged"
    assert error.reason


def test_pdf_with_user_password_is_encrypted() -> None:
    error = read_error(make_pdf(LETTER, encrypt=("owner-secret", "user-secret")), "locked.pdf")
    assert error.error_type == "pdf_encrypted"
    assert "password" in error.reason


def test_pdf_with_owner_password_only_opens() -> None:
    doc = read_bytes(make_pdf(LETTER, encrypt=("owner-secret", None)), "perm.pdf")
    assert "£1,250.50" in doc.text


def test_pdf_without_text_layer() -> None:
    error = read_error(make_pdf(box_only, box_only), "scan.pdf")
    assert error.error_type == "pdf_no_text"
    assert "OCR" in error.reason


def test_pdf_blank_page_among_text_pages_is_kept() -> None:
    doc = read_bytes(make_pdf(LETTER, box_only, lines("Annex")), "mixed.pdf")
    assert [p.end - p.start for p in doc.pages][1] == 0
    assert doc.text.endswith("\n\f\n\n\f\nAnnex")


def test_pdf_page_cap() -> None:
    data = make_pdf(LETTER, LETTER, LETTER)
    error = read_error(data, "long.pdf", max_pages=2)
    assert error.error_type == "too_large"
    assert read_bytes(data, "long.pdf", max_pages=3).page_count == 3


def test_pdf_bad_page_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pdf_reader._page_content

    def flaky(page: Any, number: int) -> Any:
        if number == 1:
            raise ValueError("broken content stream")
        return real(page, number)

    monkeypatch.setattr(pdf_reader, "_page_content", flaky)
    doc = read_bytes(make_pdf(LETTER, lines("Page two survives")), "flaky.pdf")
    assert doc.page_count == 2
    assert doc.pages[0].start == doc.pages[0].end
    assert doc.text[doc.pages[1].start : doc.pages[1].end] == "Page two survives"


def test_pdf_all_pages_failing_is_damaged(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(page: Any, number: int) -> Any:
        raise ValueError("broken content stream")

    monkeypatch.setattr(pdf_reader, "_page_content", broken)
    error = read_error(make_pdf(LETTER, LETTER), "broken.pdf")
    assert error.error_type == "pdf_damaged"
    assert "broken content stream" in error.reason


def test_pdf_text_of_cid_codes_is_unusable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "_page_content", lambda page, number: ("(cid:3)(cid:4)(cid:5) ab", []))
    error = read_error(make_pdf(LETTER), "garbled.pdf")
    assert error.error_type == "pdf_no_text"
    assert "cid" in error.reason
    assert cid_share("Total (cid:127) 2019") < 0.25


def test_pdfminer_logging_is_quiet() -> None:
    import logging

    assert logging.getLogger("pdfminer").getEffectiveLevel() >= logging.ERROR


# --- type detection and unreadable input --------------------------------------------------------------


def test_pdf_detected_by_content_not_name(letter_path: Path) -> None:
    doc = read_bytes(letter_path.read_bytes(), "download.txt")
    assert doc.media_type == MEDIA_PDF


def test_junk_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "response.pdf"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ReadError) as caught:
        read_path(path)
    assert caught.value.error_type == "binary"
    assert "not a PDF" in caught.value.reason


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(ReadError) as caught:
        read_path(path)
    assert caught.value.error_type == "empty"
    assert read_error(b" \r\n\t ").error_type == "empty"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as caught:
        read_path(tmp_path / "nope.pdf")
    assert caught.value.error_type == "unreadable_file"


def test_broken_zip_named_docx_is_damaged() -> None:
    # DOCX/XLSX are read now (tests/extractors/test_readers_office.py); a zip with no readable directory is damaged.
    error = read_error(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100, "reply.docx")
    assert error.error_type == "docx_damaged"
    assert "zip" in error.reason


def test_size_cap(tmp_path: Path) -> None:
    assert READ_LIMITS.max_bytes == 50 * 1024 * 1024 and READ_LIMITS.max_pdf_pages == 1000
    assert read_error(b"x" * 101, max_bytes=100).error_type == "too_large"
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(ReadError) as caught:
        read_path(path, max_bytes=100)
    assert caught.value.error_type == "too_large"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.4\n...", "a.bin", MEDIA_PDF),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html><body>x</body></html>", "page", MEDIA_HTML),
        (b"<?xml version='1.0'?>\n<!-- saved -->\n<html><p>x</p></html>", "page", MEDIA_HTML),
        (b"<div class='a'><p>Answer</p></div>", "fragment", MEDIA_HTML),
        (b"FOI 123: the answer is <b>yes</b>", "reply.txt", MEDIA_TEXT),
        (b"Dear Sir\nThe cost was \xa3450", "reply.pdf", MEDIA_TEXT),
        ("<html><body>x</body></html>".encode("utf-16"), "page", MEDIA_HTML),
    ],
    ids=["pdf-magic", "html-bom-doctype", "xhtml-preamble", "html-fragment", "text-with-tag", "text-named-pdf",
         "html-utf16"],
)
def test_sniff(data: bytes, name: str, expected: str) -> None:
    assert sniff(data, name) == expected


# --- plain text ---------------------------------------------------------------------------------------


def test_text_cp1252_pound() -> None:
    data = "Dear Sir,\r\nThe cost was £450 – “approximately”.\r\n".encode("cp1252")
    doc = read_bytes(data, "reply.txt")
    assert doc.media_type == MEDIA_TEXT
    assert doc.text == "Dear Sir,\nThe cost was £450 – “approximately”.\n"
    assert doc.content_sha256 == sha256_hex(data)


def test_text_utf16_with_bom() -> None:
    data = codecs.BOM_UTF16_LE + "FOI 2025/1202\nTotal £1,200".encode("utf-16-le")
    assert read_bytes(data, "reply.txt").text == "FOI 2025/1202\nTotal £1,200"


def test_text_utf8_bom_and_normalisation() -> None:
    data = codecs.BOM_UTF8 + "FOI 1: a\u00a0b\u2009c\rd\x00e\x07f\tg\fh\u200bi\r\nEnd".encode()
    assert read_bytes(data, "t.txt").text == "FOI 1: a b c\ndef\tg\fhi\nEnd"


def test_decode_bytes_fallbacks() -> None:
    assert decode_bytes("£450 café".encode()) == "£450 café"
    assert decode_bytes("£450".encode("cp1252")) == "£450"
    assert decode_bytes("price £5".encode("utf-16-le")) == "price £5"  # no BOM
    assert normalise_text("x\r\ny\u2028z") == "x\ny\nz"


@pytest.mark.skipif(not SAMPLE_TEXTS.is_dir(), reason="no sample texts")
def test_sample_texts_pass_through_unchanged() -> None:
    paths = sorted(SAMPLE_TEXTS.glob("*.txt"))
    assert paths
    for path in paths:
        doc = read_path(path)
        assert doc.media_type == MEDIA_TEXT
        assert doc.text == normalise_text(path.read_text(encoding="utf-8"))


# --- HTML ---------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Force IT spend | Example Police</title>
<script>var banner = "Leave this site";</script><style>.x { color: red }</style></head>
<body class="page">
<a class="govuk-skip-link" href="#main">Skip to main content</a>
<div id="cookie-banner"><p>We use some essential cookies to make our website work.</p></div>
<div class="quick-exit"><a href="https://www.bbc.co.uk/weather">Leave this site</a></div>
<header class="site-header"><a href="/">Example Police</a>
  <nav><ul><li><a href="/news">News</a></li><li><a href="/contact">Contact us</a></li></ul></nav></header>
<div role="search"><label>Search this site</label></div>
<ol class="breadcrumbs"><li><a href="/">Home</a></li><li>Previous FOI requests</li></ol>
<main id="main">
  <h1>Force IT   equipment and spend</h1>
  <p>FOI reference<br>FOI 1782531/23</p>
  <p>Q1) How many   <strong>computers</strong>
     run Windows&nbsp;XP?</p>



  <p>In 2022 we spent £471,332 on printers.</p>
  <div class="share-this-page"><a href="https://twitter.com/intent">Share on X</a></div>
</main>
<footer><p>Copyright Example Police</p></footer>
</body></html>
"""


def html_doc(body: str, source: str = "page.html", head: str = "") -> Document:
    page = f"<!DOCTYPE html><html><head>{head}</head><body><main>{body}</main></body></html>"
    return read_bytes(page.encode("utf-8"), source)


def test_html_main_content_without_chrome() -> None:
    doc = read_bytes(PAGE.encode("utf-8"), "https://www.example.police.uk/foi/it-spend")
    assert doc.media_type == MEDIA_HTML
    assert doc.title == "Force IT equipment and spend"
    assert doc.text == (
        "Force IT equipment and spend\n\n"
        "FOI reference\nFOI 1782531/23\n\n"
        "Q1) How many computers run Windows XP?\n\n"
        "In 2022 we spent £471,332 on printers."
    )
    for chrome in ("cookies", "Leave this site", "Skip to", "News", "Search", "Home", "Share", "Copyright"):
        assert chrome not in doc.text


def test_html_chrome_removed_when_body_is_the_content() -> None:
    page = PAGE.replace('<main id="main">', "<div>").replace("</main>", "</div>")
    doc = read_bytes(page.encode("utf-8"), "page.html")
    assert "In 2022 we spent £471,332 on printers." in doc.text
    for chrome in ("cookies", "Leave this site", "Skip to", "News", "Search this site", "Copyright"):
        assert chrome not in doc.text


def test_html_form_wrapping_the_page_is_kept() -> None:
    page = (
        '<html><body><form id="aspnetForm" action="/x"><div class="menu"><a href="/">Home</a></div>'
        "<h2>FOI 123</h2><p>The answer is £5.</p><input type=hidden value=1></form></body></html>"
    )
    assert read_bytes(page.encode(), "aspx.html").text == "FOI 123\n\nThe answer is £5."


def test_html_ordered_and_unordered_lists() -> None:
    doc = html_doc(
        "<p>I wish to obtain:</p>"
        "<ol><li>ICT strategy</li><li>Org <em>chart</em><ul><li>names</li><li>job titles</li></ul></li>"
        "<li><p>Annual plan</p></li></ol>"
        '<ol start="4"><li>Capital programme</li></ol>'
        '<ol type="a"><li>printers</li><li>scanners</li></ol>'
    )
    assert doc.text == (
        "I wish to obtain:\n\n"
        "1. ICT strategy\n2. Org chart\n- names\n- job titles\n3. Annual plan\n\n"
        "4. Capital programme\n\n"
        "a. printers\nb. scanners"
    )


def test_list_markers() -> None:
    assert [list_marker(n, "1") for n in (1, 10)] == ["1. ", "10. "]
    assert [list_marker(n, "a") for n in (1, 26, 27)] == ["a. ", "z. ", "aa. "]
    assert [list_marker(n, "I") for n in (4, 9, 14)] == ["IV. ", "IX. ", "XIV. "]


def test_html_table_rows_and_document_tables() -> None:
    doc = html_doc(
        "<p>The figures are below.</p>"
        "<table><caption>Postage spend</caption>"
        "<thead><tr><th>Year</th><th>Spend</th></tr></thead>"
        "<tbody><tr><td>2018</td><td>£512,030.50</td></tr>"
        "<tr><td>2019</td><td><p>£466,364.52</p><p>(estimate)</p></td></tr>"
        '<tr><td colspan="2">Total £978,395.02</td></tr>'
        "<tr><td> </td><td></td></tr></tbody></table>"
        "<p>End.</p>"
    )
    assert doc.text == (
        "The figures are below.\n\n"
        "Postage spend\n"
        "| Year | Spend |\n"
        "| 2018 | £512,030.50 |\n"
        "| 2019 | £466,364.52 (estimate) |\n"
        "| Total £978,395.02 | |\n\n"
        "End."
    )
    assert len(doc.tables) == 1
    assert doc.tables[0].rows == (
        ("Year", "Spend"),
        ("2018", "£512,030.50"),
        ("2019", "£466,364.52 (estimate)"),
        ("Total £978,395.02", ""),
    )
    assert doc.tables[0].page is None


def test_html_layout_table_is_not_data() -> None:
    doc = html_doc(
        '<table role="presentation"><tr><td><p>Request</p><p>Please send the policy.</p></td></tr></table>'
    )
    assert doc.text == "Request\n\nPlease send the policy."
    assert doc.tables == ()


def test_html_links_resolved_against_http_source() -> None:
    body = (
        '<p><a href="docs/FOI%2015435.pdf">FOI 15435 Strategy.pdf</a> '
        '<a href="/files/chart.pdf"><img src="c.png" alt="Org chart"></a> '
        '<a href="https://other.gov.uk/x">Elsewhere</a> '
        '<a href="mailto:foi@example.gov.uk">email</a> <a href="javascript:print()">print</a> '
        '<a href="">empty</a> <a href="#top">top</a></p>'
    )
    doc = html_doc(body, source="https://www.example.gov.uk/foi/2024/reply")
    assert doc.links == (
        Link("FOI 15435 Strategy.pdf", "https://www.example.gov.uk/foi/2024/docs/FOI%2015435.pdf"),
        Link("Org chart", "https://www.example.gov.uk/files/chart.pdf"),
        Link("Elsewhere", "https://other.gov.uk/x"),
    )


def test_html_links_use_base_href_and_keep_relative_for_files() -> None:
    body = '<p><a href="a.pdf">A</a></p>'
    based = html_doc(body, source="saved/page.html", head='<base href="https://cdn.example.gov.uk/foi/">')
    assert based.links == (Link("A", "https://cdn.example.gov.uk/foi/a.pdf"),)
    assert html_doc(body, source="saved/page.html").links == (Link("A", "a.pdf"),)


def test_html_links_urllib_cannot_split_are_dropped_not_fatal() -> None:
    body = '<p>FOI 77 <a href="https://[::1/x.pdf">broken</a> <a href="b.pdf">B</a></p>'
    doc = html_doc(body, source="https://www.example.gov.uk/foi/", head='<base href="http://[bad/">')
    assert doc.links == (Link("B", "https://www.example.gov.uk/foi/b.pdf"),)
    assert "FOI 77" in doc.text


def test_html_title_falls_back_to_title_tag() -> None:
    assert html_doc("<p>No heading here</p>", head="<title> FOI 99 </title>").title == "FOI 99"
    assert html_doc("<p>No heading or title</p>").title is None


def test_html_cp1252_declared_and_undeclared() -> None:
    declared = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    for head in (declared, "<html><head>"):
        page = f"{head}</head><body><p>Total \u201cspend\u201d \u00a3450</p></body></html>"
        assert read_bytes(page.encode("cp1252"), "old.html").text == "Total “spend” £450"


def test_html_falls_back_to_body_when_main_is_nearly_empty() -> None:
    page = (
        "<html><body><main><p>Hi</p></main>"
        "<div><p>The force spent £2,262,101.41 on postage between 2018 and 2022.</p></div></body></html>"
    )
    assert "£2,262,101.41" in read_bytes(page.encode(), "p.html").text


def test_html_pre_and_line_breaks() -> None:
    doc = html_doc("<p>one<br/>two</p><pre>Year   Spend\n2018   £5\n\n\n2019   £6</pre>")
    assert doc.text == "one\ntwo\n\nYear   Spend\n2018   £5\n\n2019   £6"


def test_html_deeply_nested_unclosed_tags() -> None:
    page = "<html><body>" + "<font>x " * 3000 + "</body></html>"
    doc = read_bytes(page.encode(), "deep.html")
    assert doc.text.count("x") == 3000


def test_html_without_visible_text() -> None:
    page = b"<html><head><title>t</title></head><body><script>var a = 1;</script><nav>Menu</nav></body></html>"
    assert read_error(page, "blank.html").error_type == "empty"


# --- the shared real-world PDFs (absent on a fresh clone) -----------------------------------------------

# Files whose outcome the manifest makes certain: error type expected.
EXPECTED_ERRORS = {
    "india-health-outlay-encrypted-userpass.pdf": "pdf_encrypted",
    "foi-manchester-cc-sol-aycbwb-2018-garbled-text.pdf": "pdf_no_text",
    "cipfa-library-return-blaenau-gwent-p1-scanned-rotated.pdf": "pdf_no_text",
    "companies-house-accounts-thales-uk-scanned-58p.pdf": "pdf_no_text",
    "companies-house-accounts-total-uk-2016-scanned.pdf": "pdf_no_text",
    "foi-bristol-think-family-pid-scanned-redacted.pdf": "pdf_no_text",
    "foi-durham-constabulary-checkpoint-script-scanned.pdf": "pdf_no_text",
    "sutton-coldfield-statement-of-accounts-2016-17-scanned.pdf": "pdf_no_text",
}


# Read by bench/pdf.py, not here: its 18 pages of dense ruled tables take pdfplumber 90 s, half of this sweep.
# nhs-ncl-ccg-payments-over-30k-2020-04.pdf, in the same layout, stays.
SWEEP_SKIPS = frozenset({"nhs-sel-ccg-expenditure-over-25k-2020-09.pdf"})


def _read_shared_pdf(name: str) -> tuple[str, list[str]]:
    """(what reading the file gave, the problems with that); runs in a child process."""
    os.environ["FOIDATA_OCR"] = "0"  # the text-layer sweep: scans stay pdf_no_text (their OCR: test_pdf_ocr.py)
    began = time.perf_counter()
    problems: list[str] = []
    try:
        doc = read_path(SHARED_PDFS / name)
        outcome = f"ok: {doc.page_count} pages, {len(doc.text)} chars, {len(doc.tables)} tables"
        if not doc.text.strip():
            problems.append(f"{name}: empty text")
        if name in EXPECTED_ERRORS:
            problems.append(f"{name}: expected {EXPECTED_ERRORS[name]}, got a document")
    except ReadError as exc:
        outcome = f"ReadError {exc.error_type}: {exc.reason}"
        if EXPECTED_ERRORS.get(name) != exc.error_type:
            problems.append(f"{name}: unexpected {outcome}")
    except Exception as exc:
        outcome = f"CRASH {type(exc).__name__}: {exc}"
        problems.append(f"{name}: {outcome}")
    return f"{time.perf_counter() - began:7.2f}s  {name}: {outcome}", problems


@pytest.mark.skipif(not (SHARED_PDFS / "MANIFEST.tsv").is_file(), reason="shared PDF corpus not present")
def test_shared_pdfs_read_or_raise_read_error() -> None:
    names = [name for name in shared_pdf_names() if name not in SWEEP_SKIPS]
    started = time.perf_counter()
    results = map_largest_first(_read_shared_pdf, names)
    for line, _ in results:
        print(line)
    print(f"total {time.perf_counter() - started:.1f}s for {len(names)} PDFs")
    problems = [problem for _, found in results for problem in found]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[1] / "fixtures" / "fuzz").glob("crash-pdf-*.pdf")),
                         ids=lambda p: p.name)
def test_pdfs_the_fuzzer_broke_read_or_raise_read_error(path: Path) -> None:
    """Inputs bench/fuzz.py once crashed the PDF reader with (pdfplumber raising as it closed a damaged file)."""
    try:
        doc = read_bytes(path.read_bytes(), path.name)
    except ReadError:
        return
    assert doc.media_type == "application/pdf"
