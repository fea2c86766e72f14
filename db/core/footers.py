"""The lines a report prints under its last row ("Total number of students: 412"): not rows of data, so a
normal re-import is not refused for them (and still archives leavers)."""

from __future__ import annotations

import re

from db.core.text import drop_invisible

# "Total number of students: 412", "412 records", "Count: 30", "Page 1 of 3", "Printed 10/11/2026 08:15"
_FOOTER_WORDS = re.compile(r"\b(?:total|totals|count|number of|records?|students?|pupils?|learners?|page|"
                           r"printed|generated|exported|produced)\b", re.IGNORECASE)
_END_OF_REPORT = re.compile(r"\W*end of (?:report|list|file)\W*", re.IGNORECASE)


def _filled(cells: list[str]) -> list[str]:
    return [text for text in (drop_invisible(cell).strip() for cell in cells) if text]


def is_footer(cells: list[str]) -> bool:
    """A line a report prints under its last row: one or two cells, with a count or a date beside a word
    such as total, records, page or printed ("Total number of students: 412"), or "End of report".

    A pupil's row has more cells filled, or no digit beside such a word ("Page", "Tom" is a pupil).
    """
    filled = _filled(cells)
    if not 1 <= len(filled) <= 2:
        return False
    text = " ".join(filled)
    if _END_OF_REPORT.fullmatch(text):
        return True
    return bool(_FOOTER_WORDS.search(text)) and any("0" <= ch <= "9" for ch in text)


def footer_starts(body: list[tuple[int, list[str]]]) -> int:
    """Where the footer of these (line, cells) records begins: after the last one that is neither blank
    nor a footer line. Only the end of the file is looked at, so a line between two pupils, even
    "Total for 6A: 30", is a row (a bad one) and never taken for a footer.
    """
    end = len(body)
    while end and (not _filled(body[end - 1][1]) or is_footer(body[end - 1][1])):
        end -= 1
    return end
