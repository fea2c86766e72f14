"""The text of a file as Excel or an MIS saved it: which encoding, told from the bytes alone."""

from __future__ import annotations

import codecs

NUL_SAMPLE = 4096  # bytes looked at for UTF-16 without a byte-order mark

# Excel's "CSV UTF-8" starts with EF BB BF; "Unicode Text" is UTF-16 little-endian with FF FE.
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_export(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for a file's bytes, or None when no encoding below reads it without error.

    The order matters, and each step only accepts bytes that decode without a single error:
    1. a byte-order mark says what the file is: nothing else is looked at;
    2. UTF-16 without a mark, from the NUL bytes: every other byte of Latin text in UTF-16 is NUL.
       This comes before UTF-8 because ASCII text in UTF-16 is also valid UTF-8 (NUL is a valid
       character), and text files in the other encodings never hold NUL;
    3. strict UTF-8 ("CSV UTF-8" without its mark, Google Sheets, LibreOffice): cp1252 text with
       accents is almost never valid UTF-8 (an "ë" byte must be followed by continuation bytes);
    4. Windows-1252, what Excel's plain "CSV (Comma delimited)" writes on a UK Windows PC ("’" is 0x92).
       Five bytes are undefined in it (0x81, 0x8D, 0x8F, 0x90, 0x9D): a file holding one is none of
       these, and is refused rather than guessed at, since a wrong guess garbles names silently.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], encoding)
    utf16 = _utf16_by_nuls(data[:NUL_SAMPLE])
    if utf16:
        return _strict(data, utf16)
    return _strict(data, "utf-8") or _strict(data, "cp1252")


def _strict(data: bytes, encoding: str) -> tuple[str, str] | None:
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


def _utf16_by_nuls(sample: bytes) -> str | None:
    """"utf-16-le" when most odd bytes are NUL and few even ones are ("F\\0o\\0"), "utf-16-be" the other way."""
    pairs = len(sample) // 2
    if pairs < 2 or b"\0" not in sample:
        return None
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    if odd * 2 > pairs and even * 10 < pairs:
        return "utf-16-le"
    if even * 2 > pairs and odd * 10 < pairs:
        return "utf-16-be"
    return None
