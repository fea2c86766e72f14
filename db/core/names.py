"""Names as people type them: one search key for a name as stored and for what is typed to find it.

"łaski" finds Łaski, "ozturk" Öztürk, "dang" Đặng, "obrien" O’Brien: the key drops case, accents and
punctuation the same way on both sides, so the database only compares plain text (``LIKE``), the same on
SQLite and PostgreSQL, whose own ``lower()`` and collations differ.

Light on purpose (no database import): the models, the migration that filled the keys of older rows
(0004) and the search all use it. A change to the key needs a migration that fills it again.
"""

from __future__ import annotations

import unicodedata

# Letters NFKD does not take apart (a stroke, bar or ligature is part of the letter, not a mark on it), as a
# reader of English types them. Lower case only: the key is case-folded first.
LETTERS = {
    "ł": "l",  # Polish Łaski
    "đ": "d",  # Vietnamese, Croatian Đặng, Đorđević
    "ð": "d",  # Icelandic
    "ɖ": "d",  # Ewe
    "ɗ": "d",  # Hausa, Fula
    "ø": "o",  # Danish, Norwegian
    "æ": "ae",
    "œ": "oe",
    "ß": "ss",  # German (case-folding already does it; kept here so the table is whole)
    "ı": "i",  # Turkish dotless i (the dotted İ decomposes: I and a dot above)
    "þ": "th",  # Icelandic
    "ħ": "h",  # Maltese
    "ŧ": "t",  # Sami
    "ŋ": "ng",  # Sami, Wolof
    "ɓ": "b",  # Hausa, Fula
    "ƙ": "k",  # Hausa
    "ƴ": "y",  # Hausa
    "ƒ": "f",  # Ewe
    "ʋ": "v",  # Ewe
    "ɛ": "e",  # Akan, Ewe
    "ɔ": "o",  # Akan, Ewe, Yoruba
    "ɲ": "ny",  # Bambara
    "ə": "a",  # Azerbaijani: Əliyev is written Aliyev
    "ĸ": "q",  # Greenlandic kra
}
_LETTERS = str.maketrans(LETTERS)
# Letters that German, Danish, Norwegian and Swedish names spell out when the letter is missing (Müller is
# Mueller, Søren Soeren, Åsa Aasa): a pupil's key holds that spelling too, so both are found.
SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ø": "oe", "å": "aa"})
# Apostrophes of every kind join what they separate: O’Brien, O'Brien and OBrien are one name. Some are
# letters to Unicode (ʼ ʻ), and the spacing accents (´ `) people type for one turn into a space under NFKD.
APOSTROPHES = frozenset("'’‘‛`´′ʹʻʼʽˈ＇")

# Accents to drop: the combining diacritics every Latin, Greek and Cyrillic letter is decomposed into, and the
# optional vowel points of Arabic-script and Hebrew names. The marks of Indic, Thai or Japanese writing are
# part of the spelling and stay.
_ACCENT_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F),
                  (0x0483, 0x0489), (0x0591, 0x05C7), (0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670),
                  (0x06D6, 0x06ED), (0x08D3, 0x08FF))


def _accent(ch: str) -> bool:
    if unicodedata.category(ch)[0] != "M":
        return False
    point = ord(ch)
    return any(low <= point <= high for low, high in _ACCENT_RANGES)


def _without_accents(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not _accent(ch))


def _kept(ch: str) -> str:
    """Letters, digits and the marks that are spelling stay; a space, tab or line break is a space; the rest
    (punctuation, hyphens, symbols, invisible characters) goes."""
    group = unicodedata.category(ch)[0]
    if ch in APOSTROPHES:
        return ""
    if group in "LNM":
        return ch
    return " " if group == "Z" or ch.isspace() else ""


def name_key(text: str | None) -> str:
    """The search key of a name or of what was typed: compatibility-decomposed (NFKD), accents dropped,
    case-folded, the letters in ``LETTERS`` spelled out, apostrophes, hyphens and other punctuation dropped
    (``O’Brien-Smith`` → ``obriensmith``), spaces collapsed. ``name_key(name_key(x)) == name_key(x)``; the key
    holds no ``%``, ``_`` or ``\\``, so it is safe inside a ``LIKE`` pattern.
    """
    text = "".join(ch for ch in text or "" if ch not in APOSTROPHES and unicodedata.category(ch) != "Sk")
    folded = _without_accents(_without_accents(text).casefold()).translate(_LETTERS)
    kept = "".join(_kept(ch) for ch in folded)
    # Dropping punctuation between two marks can leave them out of canonical order: NFKD puts them back.
    return unicodedata.normalize("NFKD", " ".join(kept.split()))


def pupil_search_key(legal_first: str | None, preferred_first: str | None, surname: str | None) -> str:
    """What a pupil is found by: the surname, the legal and the preferred first name, each as ``name_key``, then
    any of them spelled out (``SPELLED_OUT``: "müller" and "mueller" both find Müller).

    Separated by spaces, so a word typed (which has none) matches inside one name, never across two; the
    surname first, so pupils listed in the key's order are in surname order, accents or not, on both backends.
    """
    names = [name for name in (surname, legal_first, preferred_first) if name]
    keys = [name_key(name) for name in names]
    spelled = [name_key(unicodedata.normalize("NFC", name).casefold().translate(SPELLED_OUT)) for name in names]
    return " ".join(key for key in keys + [word for word in spelled if word not in keys] if key)


def search_words(text: str | None, most: int = 4, longest: int = 40) -> list[str]:
    """The words of what was typed to find a pupil, as keys: the first ``most``, each cut to ``longest``."""
    return [word[:longest] for word in name_key(text).split()[:most]]
