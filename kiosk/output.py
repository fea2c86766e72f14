"""Listings: a table for people, CSV for scripts and spreadsheets, JSON for scripts.

Every CSV the kiosk writes (``--format csv`` and the review screen's export) goes through `write_csv`, so each
cell is made safe for a spreadsheet in one place:

- text that Excel or LibreOffice would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return: OWASP's CSV injection) gets a leading ``'`` and is quoted, so it stays text. Text is always
  text, so a purpose typed as "-5" is neutralised too; numbers (the kiosk's are counts, never negative) are
  written as numbers, and a number is never a formula;
- yes/no as the table shows them; times as ISO 8601 with the school's offset, to the second;
- the header row is written even when there are no rows: the columns are the listing's keys, not the first row's.

Standard output never gets a byte-order mark (scripts read it: ``| head -1`` must be the header); a file saved
for people to open in Excel does (the review screen opens it as ``utf-8-sig``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

from db.core import day_and_time, in_school_year

FORMATS = ("table", "csv", "json")
# OWASP: a cell starting with one of these is, or becomes, a formula in Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A field holding one of these must be quoted (RFC 4180), as must a neutralised one (OWASP).
_QUOTE_FOR = (",", '"', "\n", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a spreadsheet must show it: with a ``'`` in front when it would otherwise be a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def writable(text: str) -> str:
    """``text`` with each byte that was not UTF-8 (Python's surrogate escapes: a file name, an argument) as U+FFFD,
    so that writing it to a UTF-8 file or terminal never fails."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def csv_cell(value: Any) -> str | int | float:
    """One value as a CSV cell: numbers stay numbers, everything else becomes text a spreadsheet keeps as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    return spreadsheet_text(writable(str(value)))


def write_csv(rows: Iterable[dict[str, Any]], keys: Sequence[str], out: TextIO) -> None:
    """The header row (even when there are no rows), then one line per row with the cells in ``keys`` order."""
    out.write(_line(keys))
    for row in rows:
        out.write(_line(csv_cell(row[key]) for key in keys))


def emit(rows: list[dict[str, Any]], fmt: str, *, keys: Sequence[str], empty: str, today: date | None = None,
         out: TextIO | None = None, headings: Mapping[str, str] | None = None) -> None:
    """Print rows as a table, CSV or a JSON list of objects; every row has exactly ``keys``, in that order.

    ``today`` is the school's date by the database's clock: a table shows the year of a time outside this school
    year (without it, every time shows its year). ``headings`` gives a table short column headings for long keys
    (CSV and JSON keep the keys).
    """
    out = out or sys.stdout
    for row in rows:
        if list(row) != list(keys):
            raise ValueError(f"a row's keys {list(row)} are not the listing's {list(keys)}")
    if fmt == "json":
        json.dump([{key: _json(row[key]) for key in keys} for row in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        write_csv(rows, keys, out)
        return
    if not rows:
        out.write(empty + "\n")
        return
    cells = [[_text(row[key], today) for key in keys] for row in rows]
    titles = [(headings or {}).get(key, key.upper()) for key in keys]
    widths = [max(len(title), *(len(line[i]) for line in cells)) for i, title in enumerate(titles)]
    out.write("  ".join(title.ljust(w) for title, w in zip(titles, widths)).rstrip() + "\n")
    for line in cells:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() + "\n")


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _iso(moment: datetime) -> str:
    """ISO 8601 with the offset, to the second: ``2026-11-10T08:40:00+00:00``."""
    return moment.isoformat(timespec="seconds")


def _text(value: Any, today: date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, datetime):
        return day_and_time(value, today) if today else f"{value:%a %d %b %Y %H:%M}"
    if isinstance(value, date):  # a review or end date: as a person writes it, like the times beside it
        year = "" if today and in_school_year(value, today) else f" {value:%Y}"
        return f"{value:%a %d %b}{year}"
    if isinstance(value, (list, tuple)):  # never a Python list in a table
        return writable(", ".join(_text(v, today) for v in value))
    return writable(str(value))


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return writable(value)
    return value


def _field(cell: str | int | float) -> str:
    if not isinstance(cell, str):
        return str(cell)
    if cell.startswith("'") or any(ch in cell for ch in _QUOTE_FOR):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _line(cells: Iterable[str | int | float]) -> str:
    line = ",".join(_field(cell) for cell in cells)
    return (line or '""') + "\n"  # one empty cell is "", not an empty line (which a reader skips)
