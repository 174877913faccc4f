"""Plain text: decode bytes robustly and normalise whitespace, so extractors see one kind of text.

Decoding order: a BOM; a declared charset (HTML only); strict UTF-8; UTF-32 or UTF-16 without a BOM; mixed UTF-8 and
cp1252; strict cp1252; charset-normalizer's best guess; cp1252 with replacement. cp1252 is tried before
charset-normalizer on purpose: on short Windows-1252 text (a UK letter with "£450") charset-normalizer guesses
cp932 or cp1250 and turns "£" into "｣" or "Ł", and cp1252 is by far the commonest non-UTF-8 encoding of UK
public bodies.

Mixed bytes are common where a page is pasted together from several systems (a UTF-8 template around a
cp1252 database field): valid UTF-8 sequences stay UTF-8 and each byte that is not part of one is read as
cp1252, so neither half turns into mojibake ("Â£450"). NUL bytes and other controls are dropped by
`normalise_text`.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from foidata.extractors.document import MEDIA_TEXT, Document, sha256_hex
from foidata.extractors.readers.errors import ReadError

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels browsers treat as windows-1252 (WHATWG Encoding Standard): a page declaring latin-1 is cp1252.
CP1252_ALIASES = frozenset(
    {"ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "iso_8859-1", "l1", "windows-1252",
     "cp1252", "x-cp1252", "cp819", "ibm819"}
)

# Unicode spaces that become a plain space; invisible format characters that are dropped.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_TRANSLATE = {ord(c): " " for c in _SPACES} | {ord(c): None for c in _INVISIBLE}
_TRANSLATE |= {0x2028: "\n", 0x2029: "\n", 0x0085: "\n"}
# str.translate looks every character up in the table: find first whether any character needs it.
_TRANSLATED_RE = re.compile("[" + "".join(map(chr, _TRANSLATE)) + "]")
_KEEP_CONTROLS = frozenset("\n\t\f")
# Unicode category Cc (C0 and C1 controls) less _KEEP_CONTROLS and "\r": one regex pass, not a loop per char.
_CC_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Share of control characters (after decoding) above which the bytes are treated as binary junk.
BINARY_CONTROL_RATIO = 0.10

# A well-formed multi-byte UTF-8 sequence (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF).
_UTF8_MULTIBYTE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_CP1252_FALLBACK = "foidata-cp1252-fallback"
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the bytes UTF-8 could not decode, read one by one as cp1252 (the five bytes
    cp1252 leaves undefined as their Latin-1 code points, which normalise_text then drops as controls)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), exc.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def decode_mixed(data: bytes) -> str | None:
    """UTF-8 with cp1252 for the bytes that are not UTF-8, when at least half the non-ASCII bytes form
    well-formed multi-byte UTF-8 (else None: mostly another encoding, which the later steps read; a few
    byte pairs of cp1252 or Shift-JIS text can look like UTF-8 by chance).

    >>> decode_mixed("£450 and ".encode() + "café".encode("cp1252"))
    '£450 and café'
    """
    utf8_bytes = sum(len(found) for found in _UTF8_MULTIBYTE_RE.findall(data))
    if utf8_bytes == 0 or 2 * utf8_bytes < len(data) - len(data.translate(None, _HIGH_BYTES)):
        return None
    return data.decode("utf-8", errors=_CP1252_FALLBACK)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the BOM's length, or None."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def looks_like_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when BOM-less bytes look like mostly-ASCII UTF-16 (NUL every other byte)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls > 0.4 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.4 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


def looks_like_utf32(data: bytes) -> str | None:
    """'utf-32-le'/'utf-32-be' when BOM-less bytes look like UTF-32: the two high bytes of each 4-byte unit
    NUL (every character in the Basic Multilingual Plane), the low byte not, and the whole decoding strictly.

    >>> looks_like_utf32("FOI 1234: £450".encode("utf-32-le")), looks_like_utf32("FOI 1234".encode("utf-16-le"))
    ('utf-32-le', None)
    """
    sample = data[: 4096 - 4096 % 4]
    units = len(sample) // 4
    if units < 2 or len(data) % 4:
        return None
    column = [sample[i::4].count(0) for i in range(4)]
    if column[2] == column[3] == units and column[0] < 0.05 * units:
        encoding = "utf-32-le"
    elif column[0] == column[1] == units and column[3] < 0.05 * units:
        encoding = "utf-32-be"
    else:
        return None
    return encoding if _strict(data, encoding) is not None else None


def looks_like_wide(data: bytes) -> str | None:
    """UTF-32 or UTF-16 without a BOM (see the two functions), UTF-32 first: its units look like UTF-16's."""
    return looks_like_utf32(data) or looks_like_utf16(data)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to str, never raising: see the module docstring for the order tried.

    >>> decode_bytes("£450".encode("cp1252"))
    '£450'
    """
    bom = bom_encoding(data)
    if bom is not None:
        encoding, skip = bom
        return data[skip:].decode(encoding, errors="replace")
    if declared:
        label = declared.strip().lower()
        text = _strict(data, "cp1252" if label in CP1252_ALIASES else label)
        if text is not None:
            return text
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    wide = looks_like_wide(data)
    if wide is not None:
        return data.decode(wide, errors="replace")
    text = decode_mixed(data)
    if text is not None:
        return text
    text = _strict(data, "cp1252")
    if text is not None:
        return text
    best = from_bytes(data[:200_000]).best()
    if best is not None:
        text = _strict(data, best.encoding)
        if text is not None:
            return text
    return data.decode("cp1252", errors="replace")


def normalise_text(text: str) -> str:
    r"""Newlines to \n, Unicode spaces to ' ', drop NULs, other controls and invisible format characters.

    Tabs, newlines and form feeds (page breaks) are kept.

    >>> normalise_text("a\r\nb\rc\u00a0d\x00e")
    'a\nb\nc de'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() and _TRANSLATED_RE.search(text) is not None:
        text = text.translate(_TRANSLATE)
    return _CONTROL_RE.sub("", text)


def control_ratio(text: str) -> float:
    """Share of characters that are control characters other than whitespace (a sign of binary data)."""
    if not text:
        return 0.0
    return len(_CC_RE.findall(text)) / len(text)


def read_text(data: bytes, source: str) -> Document:
    """Bytes of a plain-text file -> `Document` (media type text/plain)."""
    decoded = decode_bytes(data)
    sample = decoded[:20_000]
    if control_ratio(sample) > BINARY_CONTROL_RATIO:
        raise ReadError("binary", "content is binary data, not a PDF, HTML or text document")
    text = normalise_text(decoded)
    if not text.strip():
        raise ReadError("empty", "the document is empty (no text, only whitespace)")
    return Document(source=source, content_sha256=sha256_hex(data), media_type=MEDIA_TEXT, text=text)
