"""Reading the CSV files a school's systems export, shared by every import.

A file is read as Excel or the MIS saved it: UTF-8, UTF-16 or Windows-1252 (db/core/decoding.py),
separated by commas, tabs or semicolons, with title lines above the header and a report footer below
the last row. An import is atomic: every row is checked first and, unless bad rows may be skipped, one
bad row means nothing is written and every bad row is reported with its physical line number in the file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from db.core.decoding import decode_export
from db.core.errors import Refused
from db.core.footers import footer_starts
from db.core.text import drop_invisible, plain

NAME_MAX = 100
CLASS_MAX = 32
ADNO_MAX = 32
HEADER_SEARCH_ROWS = 20  # MIS exports put a title, a date and blank lines above the header
HEADING_SHOWN_MAX = 40  # an ignored column's name, as the summary quotes it
NOT_UTF8 = ("The file is not saved as UTF-8: in Excel choose Save As → 'CSV UTF-8 (Comma delimited)' "
            "and import it again.")
# Comma first (what every import read before), then Excel's "Unicode Text" (tabs), then a European
# Excel's CSV (semicolons, where the comma is the decimal point).
DELIMITERS = (",", "\t", ";")


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int  # known people whose details changed
    archived: int  # pupils marked as leavers
    skipped: tuple[str, ...]  # with skip_bad: "line 7: ..." for each row left out
    # The file's columns that were not read (Gender, DOB, ...): nothing in them was stored. About the
    # file rather than the outcome, so two imports that changed the same things compare equal.
    ignored: tuple[str, ...] = field(default=(), compare=False)


# --- Reading an export (shared by every importer) ---------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # how a refusal names it
    synonyms: tuple[str, ...]  # as a person would write them; matched without case, punctuation or extra spaces
    also: tuple[str, ...] = ()  # further spellings accepted (after the synonyms), not listed in a refusal


@dataclass(frozen=True)
class Row:
    line: int  # physical line in the file where the row starts (1-based)
    cells: dict[str, str]  # column key -> trimmed text ("" when blank)


@dataclass(frozen=True)
class Sheet:
    rows: list[Row]  # the non-blank data rows, without a report footer
    ignored: tuple[str, ...]  # the header's other columns, as the file names them
    encoding: str
    delimiter: str


def _heading(text: str) -> str:
    # "  Admission No. ", "admission_no" and "ADMISSION  NO:" are the same heading.
    return " ".join(re.sub(r"[\W_]+", " ", drop_invisible(text)).split()).lower()


def or_list(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def read_rows(path: Path, columns: tuple[Column, ...], *, anchors: tuple[str, ...],
              required: tuple[tuple[str, ...], ...], anchor_groups: tuple[tuple[str, ...], ...] = ()) -> list[Row]:
    """The non-blank data rows below the header, with their line numbers (``read_sheet``'s rows)."""
    return read_sheet(path, columns, anchors=anchors, required=required, anchor_groups=anchor_groups).rows


def read_sheet(path: Path, columns: tuple[Column, ...], *, anchors: tuple[str, ...],
               required: tuple[tuple[str, ...], ...], anchor_groups: tuple[tuple[str, ...], ...] = ()) -> Sheet:
    """The data rows below the header, the columns left unread, and how the file was saved.

    ``anchors`` are the column keys that identify the header row, and
    ``anchor_groups`` groups of keys of which the header row has at least one
    each; ``required`` lists groups of keys of which at least one column must be present.
    The delimiter is the one under which the header row is found.
    """
    text, encoding = _text_of(path)
    for delimiter in DELIMITERS:
        if _header_at(_records(text, path, delimiter, limit=HEADER_SEARCH_ROWS), columns, anchors, anchor_groups):
            break
    else:
        delimiter = ","  # no header under any: the refusal below names the columns it needs
    records = _records(text, path, delimiter)
    header_at, positions = _find_header(records, columns, anchors, path, anchor_groups)
    _require(positions, columns, required, path)
    body = records[header_at + 1:]
    body = body[:footer_starts(body)]
    rows = []
    for line, cells in body:
        values = {key: (_cell(cells[i]) if i < len(cells) else "") for key, i in positions.items()}
        if any(values.values()):  # a blank row (or one only filled outside our columns) is ignored
            rows.append(Row(line, values))
    return Sheet(rows, _ignored(records[header_at][1], positions), encoding, delimiter)


def _cell(text: str) -> str:
    # An invisible character in a number or a year (a zero-width space pasted from a web page) is no part of it.
    return drop_invisible(text).strip()


def _ignored(header: list[str], positions: dict[str, int]) -> tuple[str, ...]:
    used = set(positions.values())
    shown = (plain(cell, HEADING_SHOWN_MAX) for i, cell in enumerate(header) if i not in used)
    return tuple(dict.fromkeys(name for name in shown if name))


def _text_of(path: Path) -> tuple[str, str]:
    if not path.is_file():
        raise Refused(f"There is no file at {path}: check the name and folder.")
    try:
        data = path.read_bytes()
    except OSError:  # e.g. still open in Excel on Windows
        raise Refused(f"The file {path.name} could not be opened: close it in other programs "
                      "and try again.") from None
    decoded = decode_export(data)
    if decoded is None:
        raise Refused(NOT_UTF8)
    text, encoding = decoded
    if not text.strip():
        raise Refused(f"The file {path.name} is empty: export the list again and import that file.")
    return text, encoding


def _records(text: str, path: Path, delimiter: str, limit: int | None = None) -> list[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (a quoted field may span lines).

    With ``limit`` (a first look for the header): at most that many, and none if the text is not CSV.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, next_line = [], 1
    try:
        for cells in islice(reader, limit):
            records.append((next_line, cells))
            next_line = reader.line_num + 1
    except csv.Error as exc:
        if limit is not None:
            return []
        raise Refused(f"The file {path.name} is not a CSV file this can read (line {reader.line_num}: {exc}): "
                      f"export it again as CSV.") from None
    return records


def _header_at(records, columns, anchors, groups) -> tuple[int, dict[str, int]] | None:
    for index, (_line, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        positions = _positions(cells, columns)
        if all(key in positions for key in anchors) and all(any(k in positions for k in g) for g in groups):
            return index, positions
    return None


def _find_header(records, columns, anchors, path, groups=()) -> tuple[int, dict[str, int]]:
    found = _header_at(records, columns, anchors, groups)
    if found:
        return found
    by_key = {c.key: c for c in columns}
    wanted = " and ".join([or_list(by_key[key].synonyms) for key in anchors]
                          + [or_list(tuple(by_key[key].label for key in group)) for group in groups])
    raise Refused(f"No header row was found in the first {HEADER_SEARCH_ROWS} rows of {path.name}: "
                  f"it needs columns named {wanted}.")


def _positions(cells: list[str], columns: tuple[Column, ...]) -> dict[str, int]:
    """Where each known column is; the first spelling listed wins, then the leftmost cell."""
    headings = [_heading(cell) for cell in cells]
    found = {}
    for column in columns:
        for synonym in column.synonyms + column.also:
            if _heading(synonym) in headings:
                found[column.key] = headings.index(_heading(synonym))
                break
    return found


def _require(positions, columns, required, path) -> None:
    by_key = {c.key: c for c in columns}
    missing = [group for group in required if not any(key in positions for key in group)]
    if not missing:
        return
    needs = []
    for group in missing:
        synonyms = tuple(s for key in group for s in by_key[key].synonyms)
        label = " or ".join(by_key[key].label for key in group)
        needs.append(f"no {label} column (name it {or_list(synonyms)})")
    raise Refused(f"The file {path.name} has {'; '.join(needs)}: fix the header row and import it again.")


# --- Checking values (shared) -------------------------------------------------------------------


def clean_text(value: str, what: str, limit: int, problems: list[str]) -> str:
    """NFC text (a Mac export may decompose "ễ") without invisible format characters (a right-to-left
    override would show the name reversed); blank, over-long or control characters are problems."""
    value = unicodedata.normalize("NFC", drop_invisible(value)).strip()
    if not value:
        problems.append(f"the {what} is blank")
    elif len(value) > limit:
        problems.append(f"the {what} is longer than {limit} characters")
    elif any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in value):
        problems.append(f"the {what} contains a line break or another control character")
    return value


class BadRows:
    """The rows that could not be imported, each as one "line N: ..." sentence."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []

    def add(self, line: int, problems: list[str]) -> None:
        self.lines.append((line, f"line {line}: {'; '.join(problems)}"))

    def __bool__(self) -> bool:
        return bool(self.lines)

    def sentences(self) -> tuple[str, ...]:
        return tuple(text for _line, text in sorted(self.lines))


def refuse_bad(bad: BadRows, path: Path, skip_bad: bool, *, offers_skip: bool) -> None:
    """Refuse the whole import, listing every bad row, unless bad rows may be skipped."""
    if not bad or skip_bad:
        return
    count = len(bad.lines)
    rows = "1 row" if count == 1 else f"{count} rows"
    hint = "fix them and import again, or use --skip-bad" if offers_skip else "fix them and import again"
    raise Refused(f"{rows} in {path.name} could not be imported, so nothing was imported: {hint}.",
                  details=bad.sentences())
