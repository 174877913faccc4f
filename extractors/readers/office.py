"""Office Open XML packages (DOCX, XLSX): which kind a zip is, and whether it is safe to open.

DOCX and XLSX files are zip archives. The kind is read from the archive's entry names (the central
directory only, so it is cheap), never from the file name alone. Before a reader decompresses anything,
`check_zip` refuses archives whose declared sizes could exhaust memory (zip bombs): Python's zipfile stops
at the size an entry declares, so checking the declared sizes bounds what decompression can produce.
Legacy binary Office files (OLE2 compound files: .doc, .xls) are refused with a reason a person can act on.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TypeVar
from urllib.parse import urlsplit

from foidata.extractors.readers.errors import ReadError
from foidata.schemas import limits

MEDIA_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected DOCX/XLSX is an OLE2 file holding a stream with this name (UTF-16 in the directory).
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# Zip-bomb limits are READ_LIMITS': the entries' count, the total they declare, and one entry both large and
# absurdly compressed (the ratio is only asked of entries over this size).
RATIO_CHECK_OVER_BYTES = 10 * 1024 * 1024

DOCX_MAIN = "word/document.xml"
XLSX_MAIN = "xl/workbook.xml"
DOCX_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm")
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")

# Other zip-based formats foidata recognises but does not read: (entry name, reason).
OTHER_PACKAGES: tuple[tuple[str, str], ...] = (
    ("xl/workbook.bin", "Excel binary workbooks (.xlsb) are not supported; save it as .xlsx"),
    ("ppt/presentation.xml", "PowerPoint files (.pptx) are not supported yet"),
    ("mimetype", "OpenDocument files (.odt/.ods) are not supported; save it as .docx/.xlsx"),
)

T = TypeVar("T")


def file_name(source: str) -> str:
    """The file name of a path or URL, lower-cased, without any query string.

    >>> file_name("https://example.gov.uk/files/Reply.DOCX?download=1")
    'reply.docx'
    """
    path = urlsplit(source).path if "://" in source else source
    return PurePosixPath(path.replace("\\", "/")).name.lower()


def _damaged_type(name: str) -> str:
    """The error type for an archive that cannot be opened: the name is the only clue left."""
    if name.endswith(DOCX_SUFFIXES):
        return "docx_damaged"
    if name.endswith(XLSX_SUFFIXES):
        return "xlsx_damaged"
    return "zip_damaged"


def damaged_type(media_type: str) -> str:
    """docx_damaged / xlsx_damaged for a package of that media type."""
    return "docx_damaged" if media_type == MEDIA_DOCX else "xlsx_damaged"


def short_reason(exc: BaseException, limit: int = 160) -> str:
    """One short line naming an exception, for a ReadError reason."""
    detail = " ".join(str(exc).split())
    text = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return text[:limit]


def open_zip(data: bytes, error_type: str) -> zipfile.ZipFile:
    """The archive, reading only its central directory; ReadError(error_type) when that is broken."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # BadZipFile, but also struct/OSError/ValueError on mangled headers
        raise ReadError(error_type, f"the zip archive is damaged or truncated ({short_reason(exc)})") from exc


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse archives whose declared sizes are too large to decompress safely (a zip bomb)."""
    entries = archive.infolist()
    bound = limits.READ_LIMITS
    if len(entries) > bound.max_zip_entries:
        raise ReadError("too_large",
                        f"the archive has {len(entries):,} entries; the limit is {bound.max_zip_entries:,}")
    total = sum(entry.file_size for entry in entries)
    if total > bound.max_zip_uncompressed_bytes:
        raise ReadError(
            "zip_bomb",
            f"the archive would expand to {total:,} bytes; the limit is {bound.max_zip_uncompressed_bytes:,}",
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECK_OVER_BYTES and ratio > bound.max_zip_entry_ratio:
            raise ReadError(
                "zip_bomb",
                f"entry {entry.filename[:80]!r} expands {ratio:,.0f} times to {entry.file_size:,} bytes",
            )


def package_type(data: bytes, name: str) -> str:
    """MEDIA_DOCX or MEDIA_XLSX for a zip archive, from its entry names; ReadError for anything else."""
    with open_zip(data, _damaged_type(name)) as archive:
        entries = {entry.lower() for entry in archive.namelist()}
    if DOCX_MAIN in entries:
        return MEDIA_DOCX
    if XLSX_MAIN in entries:
        return MEDIA_XLSX
    for entry, reason in OTHER_PACKAGES:
        if entry in entries:
            raise ReadError("unsupported_type", reason)
    if name.endswith(DOCX_SUFFIXES + XLSX_SUFFIXES):
        kind = "Word" if name.endswith(DOCX_SUFFIXES) else "Excel"
        raise ReadError(_damaged_type(name), f"the file is named as a {kind} document but its main part is missing")
    raise ReadError("unsupported_type", "zip archives are not read; unpack it and ingest the files inside")


def legacy_office_error(data: bytes, name: str) -> ReadError:
    """Why an OLE2 compound file cannot be read: an encrypted DOCX/XLSX, or a legacy binary format."""
    if ENCRYPTED_PACKAGE in data:
        return ReadError(
            "office_encrypted", "the Office document is password-protected (encrypted); foidata cannot read it"
        )
    if name.endswith(".msg"):
        return ReadError("unsupported_format", "Outlook messages (.msg) are not supported; save the text as a file")
    return ReadError("unsupported_format", "legacy Word/Excel binary format; save as .docx/.xlsx")


def guarded(media_type: str, data: bytes, read: Callable[[io.BytesIO], T]) -> T:
    """Run `read` over the package bytes after the zip-bomb check; any failure but ReadError and
    MemoryError (left for the isolation layer's memory limit) becomes docx_damaged / xlsx_damaged."""
    error_type = damaged_type(media_type)
    with open_zip(data, error_type) as archive:
        check_zip(archive)
    try:
        return read(io.BytesIO(data))
    except (ReadError, MemoryError):
        raise
    except Exception as exc:  # the libraries raise KeyError, ValueError, XMLSyntaxError, ... on bad parts
        raise ReadError(error_type, f"cannot read the document's contents ({short_reason(exc)})") from exc
