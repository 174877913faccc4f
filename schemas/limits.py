"""Every bound foidata reads and fetches within, in one place, so that RELIABILITY.md, the code and the tests
quote the same figures.

READ_LIMITS is the one settings object for reading and parsing a document: the readers, the isolation of
risky documents and the ingest read it at call time (`limits.READ_LIMITS.max_bytes`), so a test or a caller
swaps it whole with `dataclasses.replace`. The fetch bounds below it guard the scrape.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    """How much of a document foidata reads, and for how long, before it becomes an errors row (or, for the
    table and row caps, a note that the rest was not kept)."""

    # Any one document. The largest real FOI attachment in the corpus is a 259-page table PDF of 4 MB.
    max_bytes: int = 50 * 1024**2
    max_pdf_pages: int = 1000
    # Table cells kept per document, whatever its type (HTML, DOCX, CSV, XLSX). A 512 KB HTML page of empty
    # <td>s made 1.6 million cells and 3.6 GB before this.
    max_table_cells: int = 100_000
    max_rows_per_sheet: int = 20_000
    # Cells a spreadsheet reader may look at (empty ones included) while finding those to keep.
    max_cells_scanned: int = 5_000_000
    # HTML: lxml's parser is superlinear in one element's attributes (80,000 on one tag took 30+ s), and a
    # tree nested deeper than this is no page (Python's recursion would end first in the walk).
    max_attributes_per_element: int = 1_000
    max_html_depth: int = 2_048
    # Word and Excel files are zips: a zip bomb inflates past any of these long before it is read.
    max_zip_uncompressed_bytes: int = 200 * 1024**2
    max_zip_entry_ratio: int = 100
    max_zip_entries: int = 10_000
    # PDF content streams, decoded: one stream, and all of a document's.
    max_pdf_stream_bytes: int = 128 * 1024**2
    max_pdf_streams_total_bytes: int = 512 * 1024**2
    # OCR: a page image larger than this is scaled down; a document's OCR stops after this long.
    max_ocr_pixels: int = 18_000_000
    ocr_budget_seconds: float = 90.0
    # PDFs, zips and anything this large are parsed in a fresh child process of their own, with their own clock
    # and memory cap (foidata.flows.isolation): parsing them is slow and can blow up.
    isolate_over_bytes: int = 2 * 1024**2
    isolated_seconds: float = 120.0
    isolated_memory_bytes: int = 4 * 1024**3
    # Every other document is parsed in one long-lived child per batch, with a clock per document and a cap on
    # the child's address space. A text, HTML or CSV file under 2 MiB normally takes milliseconds (the
    # 2,000-document bench averages under 10 ms), so 30 s is thousands of times the usual cost and still well
    # under a batch's worth of work lost to a hang; kept below the isolated 120 s, as PDFs with OCR are the
    # slow documents. The 4 GiB is the isolated children's: RLIMIT_AS counts the address space the child
    # inherits (the loaded parsers and pyarrow reserve several hundred MiB unused), so a tight cap would fail
    # ordinary documents, and 4 GiB still stops a runaway parse long before it takes the machine.
    document_seconds: float = 30.0
    document_memory_bytes: int = 4 * 1024**3


READ_LIMITS = ReadLimits()

# Fetching.
MAX_DOWNLOAD_SECONDS = 300.0  # one download whole, headers to last byte: a server sending 1 byte/s is cut off
MAX_CONTENT_ENCODINGS = 2  # stacked codings beyond this are refused (gzip, gzip is legal but never needed)
MAX_CRAWL_DELAY_SECONDS = 60.0  # a robots.txt Crawl-delay is obeyed up to this, and capped there
MAX_ROBOTS_BYTES = 512 * 1024  # Google reads the first 500 KiB of a robots.txt; the rest is ignored
MAX_ATTACHMENTS_PER_PAGE = 200  # attachments followed from one page; the rest are one errors row
