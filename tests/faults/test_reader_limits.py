"""Limits on every reader (issue 19): table cells capped in HTML and DOCX as in CSV and Excel, crowded tags
refused before libxml2, a CSV row wider than the cell limit read in part, UTF-32 without a BOM read as text,
and a run that fails leaving no staging behind."""

from __future__ import annotations

import io
import multiprocessing
import os
from pathlib import Path

import docx
import pytest
from tests_support import set_read_limits

from foidata.extractors.readers import ReadError, read_bytes
from foidata.extractors.readers.tabular import CELLS_CAP_NOTE
from foidata.flows import ingest as ingest_module
from foidata.flows import isolation, run_ingest
from foidata.output.staging import STAGING
from foidata.schemas.limits import READ_LIMITS


def _html_table(rows: int, cells: str) -> bytes:
    return f"<html><body><p>FOI 1: figures below.</p><table>{('<tr>' + cells + '</tr>') * rows}</table>" \
           "<table><tr><td>Later</td><td>£9</td></tr></table></body></html>".encode()


def test_html_cells_are_capped_counting_colspans() -> None:
    # 20 cells of colspan 50 a row: 1,000 cells from 400 bytes of markup; 1,000 rows would be a million.
    page = _html_table(1000, '<td colspan="50"></td>' * 19 + "<td>1</td>")
    doc = read_bytes(page, "wide.html")
    assert sum(len(row) for table in doc.tables for row in table.rows) <= READ_LIMITS.max_table_cells
    assert CELLS_CAP_NOTE in doc.text and "Later" not in doc.text


def test_html_under_the_cap_reads_every_table(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = read_bytes(_html_table(3, "<td>Item</td><td>£5</td>"), "small.html")
    assert CELLS_CAP_NOTE not in doc.text and "Later" in doc.text and len(doc.tables) == 2
    set_read_limits(monkeypatch, max_table_cells=4)
    capped = read_bytes(_html_table(3, "<td>Item</td><td>£5</td>"), "small.html")
    assert capped.text.count("| Item | £5 |") == 2 and capped.text.endswith(CELLS_CAP_NOTE)


def test_html_tag_with_too_many_attributes_is_refused_before_parsing() -> None:
    crowded = " ".join(f"a{n}=1" for n in range(80_000))
    with pytest.raises(ReadError) as refused:
        read_bytes(f"<html><body><p {crowded}>FOI 1</p></body></html>".encode(), "crowded.html")
    assert refused.value.error_type == "too_many_attributes"


def test_html_with_many_words_in_one_attribute_is_still_read() -> None:
    title = " ".join(["word"] * 5_000)  # many tokens, one attribute
    doc = read_bytes(f'<html><body><p title="{title}">FOI 1234: the cost was £5.</p></body></html>'.encode(), "t.html")
    assert "FOI 1234" in doc.text


def _docx_with_tables(rows: int) -> bytes:
    document = docx.Document()
    document.add_paragraph("FOI 1: the figures.")
    table = document.add_table(rows=rows, cols=3)
    for r in range(rows):
        for c in range(3):
            table.cell(r, c).text = f"r{r}c{c}"
    document.add_paragraph("After the table.")
    later = document.add_table(rows=1, cols=2)
    later.cell(0, 0).text, later.cell(0, 1).text = "Later", "£9"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_cells_are_capped_like_excel(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _docx_with_tables(5)
    assert CELLS_CAP_NOTE not in read_bytes(data, "t.docx").text
    set_read_limits(monkeypatch, max_table_cells=7)
    doc = read_bytes(data, "t.docx")
    assert "| r1c0 | r1c1 | r1c2 |" in doc.text and "r2c0" not in doc.text
    assert CELLS_CAP_NOTE in doc.text and "Later" not in doc.text
    assert "After the table." in doc.text  # paragraphs are still read


def test_csv_row_wider_than_the_cell_limit_keeps_its_first_cells() -> None:
    row = ",".join(str(n) for n in range(READ_LIMITS.max_table_cells + 50_000))
    doc = read_bytes(f"Year,Spend\n{row}\n".encode(), "wide.csv")
    assert doc.text.endswith(CELLS_CAP_NOTE)
    assert "| 0 | 1 | 2 |" in doc.text
    kept = sum(1 for table in doc.tables for r in table.rows for cell in r if cell)
    assert kept == READ_LIMITS.max_table_cells


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_utf32_without_a_bom_is_text(encoding: str) -> None:
    letter = "FOI 1234: the cost was £450.\nYours sincerely,\nInformation Rights Team\n"
    doc = read_bytes(letter.encode(encoding), "letter.txt")
    assert doc.text.strip() == letter.strip()


def test_a_failed_run_removes_its_staging(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "data"
    run_ingest([str(corpus)], str(out))
    (corpus / "new.txt").write_text("FOI 4242: new.", encoding="utf-8")

    real = ingest_module.Staging.write

    def disk_full(self: object, rows: object, part: str) -> dict[str, int]:
        real(self, rows, part)  # type: ignore[arg-type]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ingest_module.Staging, "write", disk_full)
    # Batches stage from a child: a forked one, so that it has the patched write (a fork server's would not).
    monkeypatch.setattr(isolation, "batch_context", lambda: multiprocessing.get_context("fork"))
    with pytest.raises(OSError, match="No space"):
        run_ingest([str(corpus)], str(out))
    assert not (out / STAGING).exists() or os.listdir(out / STAGING) == []
