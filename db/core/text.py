"""Free text as people type it, made safe to store and to show on a terminal or a receipt."""

from __future__ import annotations

import unicodedata


def plain(text: str | None, limit: int) -> str:
    """Control and format characters (a terminal escape, a bell, a right-to-left override) are dropped,
    runs of spaces and line breaks become one space, and the text is cut at ``limit``.

    SQL needs nothing here: every query binds its values.
    """
    text = text or ""
    if not (text.isprintable() and unicodedata.is_normalized("NFC", text)):  # else nothing to drop (most text)
        text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in unicodedata.normalize("NFC", text))
    return " ".join(text.split())[:limit]


# Zero-width joiners are spelling in Persian, Urdu and Indic names (ZWNJ keeps two letters apart, ZWJ asks
# for a ligature): kept between two letters of such a script, dropped anywhere else.
_JOINERS = frozenset("\u200c\u200d")
_PLAIN_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")


def _joins_letters(ch: str) -> bool:
    return bool(ch) and ord(ch) > 0x7F and unicodedata.category(ch)[0] in "LM" and \
        not unicodedata.name(ch, "").startswith(_PLAIN_SCRIPTS)


def drop_invisible(text: str) -> str:
    """``text`` without format characters (Unicode category Cf): bidirectional overrides and isolates
    (U+202A-202E, U+2066-2069), direction marks (U+200E/F, U+061C), zero-width spaces (U+200B, U+FEFF),
    soft hyphens. A right-to-left override in a name would show it reversed; a zero-width space makes
    two names that look the same differ. Joiners between letters of a script that needs them stay.
    """
    if not any(unicodedata.category(ch) == "Cf" for ch in text):
        return text
    kept = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            kept.append(ch)
        elif ch in _JOINERS and _joins_letters(text[i - 1:i]) and _joins_letters(text[i + 1:i + 2]):
            kept.append(ch)
    return "".join(kept)
