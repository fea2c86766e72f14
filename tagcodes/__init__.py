"""Tag codes: what the QR holds, what a scanner types, what a person types by hand.

The one home of the code's format: ``labels`` prints and ``db`` looks up codes with it
(both may import this package; it imports neither).

A code is a kind letter, six random symbols and a check symbol, written
``P-K3M9-QXT``. The QR holds exactly that text, so a scanner types the same
thing a person would copy from under the QR. Only upper-case letters, digits
and ``-`` are used: they sit on the same keys on UK and US keyboard layouts
(a scanner set to the wrong layout still types them right) and fit the QR
alphanumeric mode. The symbols are Crockford's base 32 (no I, L, O or U) less Z, so
O/0 and I/L/1 typed by hand are read as the digit. No personal data is inside.
"""

from __future__ import annotations

import random
import secrets
from enum import StrEnum

# Crockford's base 32 less Z: 31 symbols, so a prime modulus covers every symbol.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford's reading of look-alike symbols typed by hand.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
BODY_LENGTH = 6
MAX_INPUT = 64  # anything longer is a paste, not a scan


class TagKind(StrEnum):
    PHONE = "phone"
    DEVICE = "device"
    LOCATION = "location"
    STAFF = "staff"

    @property
    def letter(self) -> str:
        return _LETTERS[self]


_LETTERS = {TagKind.PHONE: "P", TagKind.DEVICE: "D", TagKind.LOCATION: "R", TagKind.STAFF: "S"}
_KINDS = {letter: kind for kind, letter in _LETTERS.items()}


class BadCode(ValueError):
    """The text is not a tag code; the message is a sentence for a teacher."""


def check_symbol(symbols: str) -> str:
    """Weighted sum modulo 31 (a prime): catches any one wrong symbol and any swap of two neighbours."""
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(symbols))
    return ALPHABET[total % 31]


def new_code(kind: TagKind, rng: random.Random | None = None) -> str:
    """A fresh random code of this kind, in its printed form (``rng`` only for repeatable demos and tests)."""
    choice = rng.choice if rng else secrets.choice
    body = "".join(choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_code(kind.letter + body + check_symbol(kind.letter + body))


def format_code(compact: str) -> str:
    """``PK3M9QXT`` -> ``P-K3M9-QXT``."""
    return f"{compact[0]}-{compact[1:5]}-{compact[5:]}"


def _compact(text: str) -> str:
    """Upper case, no dashes or spaces, look-alike letters read as digits."""
    return text.strip().upper().replace("-", "").replace(" ", "").translate(_LOOKALIKES)


def printed_form(text: str) -> str | None:
    """The printed form of anything shaped like a tag code (letters and digits, the right length), else None.

    Looser than ``parse_code``: for looking a code up in the tag table, which is the real check.
    """
    compact = _compact(text)
    if len(compact) != BODY_LENGTH + 2 or not compact.isalnum():
        return None
    return format_code(compact)


def parse_code(text: str) -> tuple[TagKind, str]:
    """Read what a scanner or a person typed; return the kind and the printed form.

    Raises BadCode, with a sentence a teacher understands, for anything else.
    """
    if len(text) > MAX_INPUT:
        raise BadCode("That is far too long to be a tag code: scan the tag again.")
    cleaned = "".join(ch for ch in text if ch.isprintable()).strip()
    if not cleaned:
        raise BadCode("Nothing was read: scan the tag again.")
    compact = _compact(cleaned)
    if len(compact) != BODY_LENGTH + 2 or any(ch not in _VALUE for ch in compact):
        raise BadCode(f"“{_shorten(cleaned)}” is not a Custody Kiosk tag code: "
                      "scan the tag again or type the code under the QR.")
    kind = _KINDS.get(compact[0])
    if kind is None:
        raise BadCode(f"“{_shorten(cleaned)}” is not a Custody Kiosk tag code: "
                      "scan the tag again or type the code under the QR.")
    if check_symbol(compact[:-1]) != compact[-1]:
        raise BadCode(f"“{_shorten(cleaned)}” has a mistake in it (the check symbol does not match): "
                      "type the code again carefully.")
    return kind, format_code(compact)


def looks_like_code(text: str) -> bool:
    """True when the text is a well-formed tag code of any kind."""
    try:
        parse_code(text)
    except BadCode:
        return False
    return True


def _shorten(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
