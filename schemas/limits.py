"""The bounds added for hostile inputs and damaged datasets (issue 19), in one place so that RELIABILITY.md,
the code and the tests quote the same figures. Older limits still live beside the code they guard
(readers.DEFAULT_MAX_BYTES, isolation.DEFAULT_TIMEOUT_SECONDS, ...); issue 21 gathers them all."""

from __future__ import annotations

# Readers: table cells kept per document, as CSV and Excel files already had (readers/tabular.py). A 512 KB
# HTML page of empty <td>s made 1.6 million cells and 3.6 GB before this.
MAX_TABLE_CELLS = 100_000
# HTML: attributes on one element. lxml's parser is superlinear in them: 80,000 on one tag took 30+ s.
MAX_ATTRIBUTES_PER_ELEMENT = 1_000

# Fetching.
MAX_DOWNLOAD_SECONDS = 300.0  # one download whole, headers to last byte: a server sending 1 byte/s is cut off
MAX_CONTENT_ENCODINGS = 2  # stacked codings beyond this are refused (gzip, gzip is legal but never needed)
MAX_CRAWL_DELAY_SECONDS = 60.0  # a robots.txt Crawl-delay is obeyed up to this, and capped there
MAX_ROBOTS_BYTES = 512 * 1024  # Google reads the first 500 KiB of a robots.txt; the rest is ignored
MAX_ATTACHMENTS_PER_PAGE = 200  # attachments followed from one page; the rest are one errors row

# Parsing: every document not sent to a fresh child of its own (PDFs, zips, anything over 2 MiB; see
# foidata.flows.isolation) is parsed in one long-lived child per batch, with a clock per document and a cap on the
# child's address space. A text, HTML or CSV file under 2 MiB normally takes milliseconds (the 2,000-document
# bench averages under 10 ms), so 30 s is thousands of times the usual cost and still well under a batch's
# worth of work lost to a hang. Kept well below isolation's 120 s: PDFs with OCR are the slow documents.
DOCUMENT_SECONDS = 30.0
# The same 4 GiB as isolation's children: RLIMIT_AS counts the address space the child inherits from its
# parent (the loaded parsers and pyarrow, several hundred MiB of it reserved but unused), so a tight cap would
# fail ordinary documents; 4 GiB still stops a runaway parse long before it takes the machine.
DOCUMENT_MEMORY_BYTES = 4 * 1024**3
