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
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
    if type(value) is str:  # most cells (a million rows' worth in a report): the shortest way first
        return spreadsheet_text(value if value.isascii() else writable(value))
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


def write_csv(rows: Iterable[dict[str, Any]], keys: Sequence[str], out: TextIO) -> int:
    """The header row (even when there are no rows), then one line per row with the cells in ``keys`` order, each
    written as it is read; returns how many rows."""
    out.write(_line(keys))
    count = 0
    seams = len(keys) - 1
    for count, row in enumerate(rows, 1):  # noqa: B007 - the count is the last one
        values = [row[key] for key in keys]
        # Most rows need nothing done to any cell: joined, one look says so (a report writes a million of them).
        # A cell of another kind (yes/no, a date) stands as the seam itself, so the row takes the cell-by-cell way.
        whole = _SEAM.join([value if type(value) is str else "" if value is None else str(value) if type(value) is int
                            else value.isoformat(timespec="seconds") if type(value) is datetime else _SEAM
                            for value in values])
        if (whole.isascii() and whole.count(_SEAM) == seams and not whole.startswith(_NOT_FIRST)
                and "," not in whole and '"' not in whole and "\n" not in whole and "\r" not in whole  # _QUOTE_FOR
                and not _FORMULA_NEXT.search(whole)):
            line = whole.replace(_SEAM, ",")
        else:
            line = ",".join([_csv_field(value) for value in values])
        out.write((line or '""') + "\n")  # as _line writes it
    return count


# Joins a row's cells for that one look (db.core.text.plain keeps it out of stored text; a cell holding it anyway
# makes the count differ). A cell that starts as a formula or with a quote mark is not plain: the first cell, or
# one after a seam.
_SEAM = "\x1f"
_NOT_FIRST = (*FORMULA_STARTS, "'")
_FORMULA_NEXT = re.compile("\x1f[=+\\-@\t\r']")


def _csv_field(value: Any) -> str:
    """_field(csv_cell(value)) in one step, the common cells (text, nothing, a count) first: a report writes
    millions of them."""
    if type(value) is str:
        if not value.isascii():
            value = writable(value)
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
        elif not (value.startswith("'") or "," in value or '"' in value or "\n" in value or "\r" in value):
            return value
        return '"' + value.replace('"', '""') + '"'
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    return _field(csv_cell(value))


# A table's columns are as wide as their widest cell. Up to TABLE_LOOK_AHEAD rows are held to measure them; a longer
# listing is read twice when it can be (``rows`` given as a function): once to measure, once to write. Otherwise its
# later rows are padded to the widths of the first ones (a longer cell pushes its line wider).
TABLE_LOOK_AHEAD = 2000

Rows = Iterable[dict[str, Any]]


def emit(rows: Rows | Callable[[], Rows], fmt: str, *, keys: Sequence[str], empty: str, today: date | None = None,
         out: TextIO | None = None, headings: Mapping[str, str] | None = None) -> int:
    """Print rows as a table, CSV or a JSON list of objects; every row has exactly ``keys``, in that order.

    Rows are written as they come, so a report of any length takes the memory of a few rows. ``rows`` may be a
    function that reads them afresh each time it is called: a long table then reads them twice and is laid out
    exactly as if they were all held. Returns how many rows were printed.
    ``today`` is the school's date by the database's clock: a table shows the year of a time outside this school
    year (without it, every time shows its year). ``headings`` gives a table short column headings for long keys
    (CSV and JSON keep the keys).
    """
    out = out or sys.stdout
    keys = tuple(keys)
    again = rows if callable(rows) else None
    rows = _checked(again() if again else rows, keys)
    if fmt == "json":
        return _write_json(rows, keys, out)
    if fmt == "csv":
        return write_csv(rows, keys, out)
    cells: list[list[str]] = []
    for row in rows:
        cells.append([_text(row[key], today) for key in keys])
        if len(cells) == TABLE_LOOK_AHEAD:
            break
    if not cells:
        out.write(empty + "\n")
        return 0
    titles = [(headings or {}).get(key, key.upper()) for key in keys]
    widths = [max(len(title), *(len(line[i]) for line in cells)) for i, title in enumerate(titles)]
    count = len(cells)
    if count == TABLE_LOOK_AHEAD and again is not None:  # perhaps more: measure them all, then write them afresh
        for row in rows:
            for i, key in enumerate(keys):
                widths[i] = max(widths[i], len(_text(row[key], today)))
        cells, rows, count = [], _checked(again(), keys), 0
    out.write("  ".join(title.ljust(w) for title, w in zip(titles, widths)).rstrip() + "\n")
    for line in cells:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() + "\n")
    del cells
    for row in rows:
        out.write("  ".join(_text(row[key], today).ljust(w) for key, w in zip(keys, widths)).rstrip() + "\n")
        count += 1
    return count


def _checked(rows: Iterable[dict[str, Any]], keys: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    for row in rows:
        if tuple(row) != keys:
            raise ValueError(f"a row's keys {list(row)} are not the listing's {list(keys)}")
        yield row


# json.dump(rows, indent=2) written a row at a time: the same bytes, with no list of every row held first.
_SCALAR = json.JSONEncoder(ensure_ascii=False)
_NESTED = json.JSONEncoder(ensure_ascii=False, indent=2)


def _write_json(rows: Iterable[dict[str, Any]], keys: Sequence[str], out: TextIO) -> int:
    names = [f'    {_SCALAR.encode(key)}: ' for key in keys]
    count = 0
    for count, row in enumerate(rows, 1):  # noqa: B007 - the count is the last one
        members = ",\n".join([name + _json_field(row[key]) for name, key in zip(names, keys)])
        out.write(("[\n  {\n" if count == 1 else ",\n  {\n") + members + "\n  }")
    out.write("\n]\n" if count else "[]\n")
    return count


_encode_text = json.encoder.encode_basestring  # what JSONEncoder(ensure_ascii=False) writes a string with


def _json_field(value: Any) -> str:
    """_json_text(_json(value)), the common values (text, nothing, a count) without building an encoder each."""
    if type(value) is str:
        return _encode_text(value if value.isascii() else writable(value))
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    return _json_text(_json(value))


def _json_text(value: Any) -> str:
    """One value as json.dump(indent=2) writes it two levels in (a list or object inside a row is indented)."""
    if isinstance(value, (list, tuple, dict)) and value:
        return _NESTED.encode(value).replace("\n", "\n    ")
    return _SCALAR.encode(value)


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
    if cell.startswith("'") or "," in cell or '"' in cell or "\n" in cell or "\r" in cell:  # _QUOTE_FOR
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _line(cells: Iterable[str | int | float]) -> str:
    line = ",".join(_field(cell) for cell in cells)
    return (line or '""') + "\n"  # one empty cell is "", not an empty line (which a reader skips)
