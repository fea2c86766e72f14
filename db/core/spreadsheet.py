"""Reading the CSV files a school's systems export, shared by every import.

An import is atomic: every row is checked first and, unless bad rows may be
skipped, one bad row means nothing is written and every bad row is reported
with its physical line number in the file.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from db.core.errors import Refused

NAME_MAX = 100
CLASS_MAX = 32
ADNO_MAX = 32
HEADER_SEARCH_ROWS = 20  # MIS exports put a title, a date and blank lines above the header
NOT_UTF8 = ("The file is not saved as UTF-8: in Excel choose Save As → 'CSV UTF-8 (Comma delimited)' "
            "and import it again.")


@dataclass(frozen=True)
class ImportReport:
    added: int
    updated: int  # known people whose details changed
    archived: int  # pupils marked as leavers
    skipped: tuple[str, ...]  # with skip_bad: "line 7: ..." for each row left out


# --- Reading an export (shared by every importer) ---------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # how a refusal names it
    synonyms: tuple[str, ...]  # as a person would write them; matched without case or extra spaces


@dataclass(frozen=True)
class Row:
    line: int  # physical line in the file where the row starts (1-based)
    cells: dict[str, str]  # column key -> trimmed text ("" when blank)


def _heading(text: str) -> str:
    # "  Admission No. " and "admission  no" are the same heading.
    return " ".join(text.replace(".", " ").split()).lower()


def or_list(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def read_rows(path: Path, columns: tuple[Column, ...], *, anchors: tuple[str, ...],
              required: tuple[tuple[str, ...], ...], anchor_groups: tuple[tuple[str, ...], ...] = ()) -> list[Row]:
    """The non-blank data rows below the header, with their line numbers.

    ``anchors`` are the column keys that identify the header row, and
    ``anchor_groups`` groups of keys of which the header row has at least one
    each; ``required`` lists groups of keys of which at least one column must be present.
    """
    records = _records(_text_of(path), path)
    header_at, positions = _find_header(records, columns, anchors, path, anchor_groups)
    _require(positions, columns, required, path)
    rows = []
    for line, cells in records[header_at + 1:]:
        values = {key: (cells[i].strip() if i < len(cells) else "") for key, i in positions.items()}
        if any(values.values()):  # a blank row (or one only filled outside our columns) is ignored
            rows.append(Row(line, values))
    return rows


def _text_of(path: Path) -> str:
    if not path.is_file():
        raise Refused(f"There is no file at {path}: check the name and folder.")
    try:
        data = path.read_bytes()
    except OSError:  # e.g. still open in Excel on Windows
        raise Refused(f"The file {path.name} could not be opened: close it in other programs "
                      "and try again.") from None
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        raise Refused(NOT_UTF8) from None  # never guess: a wrong guess garbles names silently
    if not text.strip():
        raise Refused(f"The file {path.name} is empty: export the list again and import that file.")
    return text


def _records(text: str, path: Path) -> list[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, next_line = [], 1
    try:
        for cells in reader:
            records.append((next_line, cells))
            next_line = reader.line_num + 1
    except csv.Error as exc:
        raise Refused(f"The file {path.name} is not a CSV file this can read (line {reader.line_num}: {exc}): "
                      f"export it again as CSV.") from None
    return records


def _find_header(records, columns, anchors, path, groups=()) -> tuple[int, dict[str, int]]:
    for index, (_line, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        positions = _positions(cells, columns)
        if all(key in positions for key in anchors) and all(any(k in positions for k in g) for g in groups):
            return index, positions
    by_key = {c.key: c for c in columns}
    wanted = " and ".join([or_list(by_key[key].synonyms) for key in anchors]
                          + [or_list(tuple(by_key[key].label for key in group)) for group in groups])
    raise Refused(f"No header row was found in the first {HEADER_SEARCH_ROWS} rows of {path.name}: "
                  f"it needs columns named {wanted}.")


def _positions(cells: list[str], columns: tuple[Column, ...]) -> dict[str, int]:
    """Where each known column is; the first synonym listed wins, then the leftmost cell."""
    headings = [_heading(cell) for cell in cells]
    found = {}
    for column in columns:
        for synonym in column.synonyms:
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
    """NFC text (a Mac export may decompose "ễ"); blank, over-long or control characters are problems."""
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        problems.append(f"the {what} is blank")
    elif len(value) > limit:
        problems.append(f"the {what} is longer than {limit} characters")
    elif any(unicodedata.category(ch) == "Cc" for ch in value):
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
