"""A pupil's year as schools write it: "Year 6", "Y6", "Yr 6", "NC Year 6", "6"; Reception as "Year R",
"Reception", "F2", "FS2" or "EYFS"; Nursery as "Nursery", "Nursery 1", "N1", "N2" or "FS1".

Reception is stored as 0 and every nursery year as -1: the phone rules only ask whether a pupil is in
Year 6 (R1), and a nursery pupil's phone goes to the office like any other pupil's (R2); the class
("Nursery 1", "Nursery 2") still tells the two nursery years apart.
"""

from __future__ import annotations

import re

RECEPTION = 0
NURSERY = -1

_VALUES = {
    **dict.fromkeys(("r", "rec", "reception", "receptionyear", "f2", "fs2", "eyfs", "foundation2",
                     "foundationstage2"), RECEPTION),
    **dict.fromkeys(("n", "n1", "n2", "nur", "nursery", "nursery1", "nursery2", "f1", "fs1", "foundation1",
                     "foundationstage1"), NURSERY),
}
_YEAR = re.compile(r"""
    (?:nc\s*|national\s*curriculum\s*)?      # NC Year 6
    (?:(?:years?|yr)\s*(?:group\s*)?)?       # Year 6, Yr 6, Year Group 6
    (?:y\s*)?                                # Y6, Year Y6, YR
    (?P<value>[0-9]{1,2}
      |r|rec|reception(?:\s*year)?|eyfs|fs?\s*[12]|foundation\s*(?:stage\s*)?[12]
      |n|nur|nursery|(?:n|nursery)\s*[12])
""", re.ASCII | re.VERBOSE)
_SEPARATORS = re.compile(r"\s*(?:/|&|\+|,|-|\band\b|\bto\b)\s*", re.ASCII)


def _normal(text: str) -> str:
    # Any case, any spacing (a no-break space from Excel too), "Yr. 6", "Year: 6" and "Year-6" (but "-1" and
    # "5-6" keep their hyphen: neither is Year 1 or Year 5).
    text = " ".join(text.replace(".", " ").replace(":", " ").split()).lower()
    return re.sub(r"(?<=[a-z])-", " ", text)


def _one_year(text: str) -> int | None:
    match = _YEAR.fullmatch(text)
    if not match:
        return None
    value = "".join(match.group("value").split())
    if value in _VALUES:
        return _VALUES[value]
    year = int(value)
    return year if 1 <= year <= 6 else None


def parse_year(text: str) -> int | None:
    """0 for Reception, -1 for Nursery, 1-6, or None when it is not one primary year.

    "N1/N2" is -1 (both nursery); "5/6", a mixed class, is None (``year_problem`` says why).
    """
    text = _normal(text)
    year = _one_year(text)
    if year is not None:
        return year
    years = _years_named(text)
    return years.pop() if len(years) == 1 else None


def _years_named(text: str) -> set[int]:
    """The years in "Year 5/6", "R & 1", "Years 5-6" (empty unless every part is a year)."""
    parts = [part for part in _SEPARATORS.split(text) if part]
    if len(parts) < 2:
        return set()
    years = [_one_year(part) for part in parts]
    return set() if None in years else set(years)


def _named(year: int) -> str:
    return {NURSERY: "Nursery", RECEPTION: "Reception"}.get(year, str(year))


def year_problem(text: str) -> str:
    """Why ``text`` is not a year, as a bad-row sentence (for a cell where ``parse_year`` gave None)."""
    if not text.strip():
        return "the year is blank"
    shown = text.strip()[:20]
    words = _normal(text).split()
    for end in range(len(words), 0, -1):  # "Year 5/6 Oak": the class's name may follow its years
        years = sorted(_years_named(" ".join(words[:end])))
        if len(years) > 1:
            return (f"the year '{shown}' is a mixed class, not a year: give the pupil's own year "
                    f"({' or '.join(_named(y) for y in years)}) and keep the class in the class column")
    return f"the year '{shown}' is not a primary year (use Nursery, Reception or 1 to 6)"
