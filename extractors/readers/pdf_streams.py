"""PDF decompression bombs: streams that inflate to gigabytes, refused before pdfium inflates them.

pdfium inflates a page's content stream whole, into memory, to read its text: a 2 MB stream of deflated
zeros becomes 2 GiB and takes it some 20 s. `check_streams` counts, with bounded memory (a chunk at a
time, nothing kept), how far each Flate stream of the file inflates, and refuses the file when one stream
passes READ_LIMITS.max_pdf_stream_bytes or all of them together pass max_pdf_streams_total_bytes (see
foidata.schemas.limits). Real content streams, fonts and object streams inflate to a few MB; pages drawn from
huge vector maps reach tens of MB.

Image streams are not counted: pdfium decodes them only to render a page for OCR, and a scanned document's
images legitimately inflate to hundreds of MB. An image bomb, a stream whose Flate data hides behind
another filter (ASCII85, ASCIIHex), or any other filter's bomb is left to the isolation layer
(`foidata.flows.isolation`): the child's memory and time limits turn it into an error row.
"""

from __future__ import annotations

import re
import zlib

from foidata.extractors.readers.errors import ReadError
from foidata.schemas import limits

STEP = 8 * 1024**2  # inflate at most this much at a time: the memory the check needs
INPUT_STEP = 64 * 1024
DICT_LOOKBACK = 4096  # a stream's dictionary is within this many bytes before its `stream` keyword

# The `stream` keyword starts a stream's data after the end of its dictionary (`>>`, whitespace between).
_STREAM_RE = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
# Image XObjects (`/Subtype /Image`) and embedded files: pdfium does not inflate them to read text.
_SKIPPED_RE = re.compile(rb"/(?:Image|EmbeddedFile)(?![A-Za-z0-9#])")


def _stream_dict(data: bytes, start: int) -> bytes:
    """The bytes of the dictionary before the `stream` keyword at `start`, from its object's `obj` on."""
    window_start = max(0, start - DICT_LOOKBACK)
    obj = data.rfind(b"obj", window_start, start)
    return data[obj if obj >= 0 else window_start : start]


def inflated_size(data: bytes, start: int, limit: int) -> int:
    """How many bytes the zlib stream at `start` inflates to, counted up to just past `limit`; 0 when there
    is no zlib stream there. A damaged stream counts what inflated before the damage."""
    inflater = zlib.decompressobj()
    position, total = start, 0
    try:
        while total <= limit and not inflater.eof:
            # Input a slice at a time (most streams end within the first), output at most STEP at a time.
            pending = inflater.unconsumed_tail
            if not pending:
                pending = data[position : position + INPUT_STEP]
                position += len(pending)
                if not pending:
                    break
            total += len(inflater.decompress(pending, STEP))
    except zlib.error:
        pass
    return total


def check_streams(data: bytes) -> None:
    """Raise ReadError("decompression_bomb") when a PDF's streams inflate past READ_LIMITS'."""
    per_stream = limits.READ_LIMITS.max_pdf_stream_bytes
    in_all = limits.READ_LIMITS.max_pdf_streams_total_bytes
    total = 0
    for match in _STREAM_RE.finditer(data):
        start = match.end()
        if _SKIPPED_RE.search(_stream_dict(data, match.start())):
            continue
        size = inflated_size(data, start, min(per_stream, in_all - total))
        if size > per_stream:
            raise ReadError(
                "decompression_bomb",
                f"a stream at byte {start:,} inflates past {per_stream:,} bytes; the limit per stream",
            )
        total += size
        if total > in_all:
            raise ReadError(
                "decompression_bomb", f"the streams inflate past {in_all:,} bytes in all; the limit"
            )
