"""Admission numbers as the MIS means them: Excel drops the leading zeros of "000017" when it re-saves a
file, so "17" and "000017" are one pupil; an alphanumeric number ("A0042") is compared as it stands,
without case."""

from __future__ import annotations


def adno_key(adno: str | None) -> str:
    """The form two admission numbers are compared in: digits without leading zeros, anything else in capitals.

    "000017" and "17" give "17"; "0" and "000" give "0"; "a0042" and "A0042" give "A0042"; blank gives "".
    """
    adno = (adno or "").strip()
    if adno.isascii() and adno.isdigit():
        return adno.lstrip("0") or "0"
    return adno.upper()
