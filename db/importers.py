"""Importing pupils and staff from the CSV files a school's MIS exports (SIMS, Arbor, Bromcom).

An import is atomic: every row is checked first and, unless ``skip_bad`` is
asked for, one bad row means nothing is written and every bad row is
reported with its physical line number in the file. The changes and their
single ledger row are written in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.gb import upn as upn_number

from db.chain import append
from db.devices import current_answers, model_key, record_answers, serial_key
from db.engine import Database
from db.errors import Refused
from db.ledger import cupboard_for, office
from db.models import DEVICE_KINDS, ROLES, Device, Pupil, Staff

NAME_MAX = 100
CLASS_MAX = 32
ADNO_MAX = 32
HEADER_SEARCH_ROWS = 20  # MIS exports put a title, a date and blank lines above the header
NOT_UTF8 = ("The file is not saved as UTF-8: in Excel choose Save As → 'CSV UTF-8 (Comma delimited)' "
            "and import it again.")
NOBODY_ARCHIVED = "Nobody was archived as a leaver because some rows were skipped."


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


def _or_list(words: tuple[str, ...]) -> str:
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
    wanted = " and ".join([_or_list(by_key[key].synonyms) for key in anchors]
                          + [_or_list(tuple(by_key[key].label for key in group)) for group in groups])
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
        needs.append(f"no {label} column (name it {_or_list(synonyms)})")
    raise Refused(f"The file {path.name} has {'; '.join(needs)}: fix the header row and import it again.")


# --- Checking values (shared) -------------------------------------------------------------------


def _clean_text(value: str, what: str, limit: int, problems: list[str]) -> str:
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


def _refuse_bad(bad: BadRows, path: Path, skip_bad: bool, *, offers_skip: bool) -> None:
    """Refuse the whole import, listing every bad row, unless bad rows may be skipped."""
    if not bad or skip_bad:
        return
    count = len(bad.lines)
    rows = "1 row" if count == 1 else f"{count} rows"
    hint = "fix them and import again, or use --skip-bad" if offers_skip else "fix them and import again"
    raise Refused(f"{rows} in {path.name} could not be imported, so nothing was imported: {hint}.",
                  details=bad.sentences())


# --- Pupils -----------------------------------------------------------------------------------

PUPIL_COLUMNS = (
    Column("first", "First Name", ("Legal Forename", "Forename", "First Name")),
    Column("preferred", "Preferred Name", ("Preferred Forename", "Preferred Name", "Known As")),
    Column("surname", "Surname", ("Legal Surname", "Surname", "Last Name")),
    Column("year", "Year", ("Year", "Year Group", "NC Year")),
    Column("class", "Class", ("Reg Group", "Registration Group", "Registration Form", "Form", "Tutor Group",
                              "Class")),
    Column("upn", "UPN", ("UPN",)),
    Column("adno", "Admission Number", ("Adno", "Admission No", "Admission Number")),
)
PUPIL_REQUIRED = (("first",), ("surname",), ("year",), ("class",), ("upn", "adno"))

# "Year 6", "6", "Y6", "Yr 6", "NC Year 6", "Reception", "R", "Rec", "YR", "Nursery", "N1"...
_YEAR = re.compile(r"(?:nc\s*)?(?:year|yr|y)?\s*([0-9]+|r|rec|reception|n|n1|n2|nursery)", re.ASCII)
_EARLY_YEARS = {"r": 0, "rec": 0, "reception": 0, "n": -1, "n1": -1, "n2": -1, "nursery": -1}


@dataclass(frozen=True)
class PupilRow:
    line: int
    upn: str | None
    adno: str | None
    legal_first: str
    preferred_first: str | None
    surname: str
    year: int
    class_name: str
    has_preferred: bool  # False when the file has no preferred-name column: keep what is stored


def parse_year(text: str) -> int | None:
    """0 for Reception, -1 for Nursery, 1-6, or None when it is not a primary year."""
    match = _YEAR.fullmatch(text.strip().lower())
    if not match:
        return None
    value = match.group(1)
    if value in _EARLY_YEARS:
        return _EARLY_YEARS[value]
    year = int(value)
    return year if 1 <= year <= 6 else None


def _check_upn(text: str, problems: list[str]) -> str | None:
    if not text:
        return None
    number = upn_number.compact(text)
    try:
        return upn_number.validate(number)
    except InvalidChecksum:
        reason = "wrong check letter"
    except InvalidLength:
        reason = "it must be 13 characters"
    except InvalidComponent:
        reason = "unknown local authority number"
    except ValidationError:
        reason = "a letter, 11 digits, then a digit or letter"
    problems.append(f"the UPN {number[:20]} is not valid ({reason})")
    return None


def _parse_pupil(row: Row, bad: BadRows) -> PupilRow | None:
    cells, problems = row.cells, []
    upn = _check_upn(cells.get("upn", ""), problems)
    adno = cells.get("adno", "") or None
    if adno and len(adno) > ADNO_MAX:
        problems.append(f"the admission number is longer than {ADNO_MAX} characters")
    if not cells.get("upn") and not adno:
        problems.append("there is no UPN and no admission number")
    legal_first = _clean_text(cells["first"], "first name", NAME_MAX, problems)
    preferred = cells.get("preferred", "")
    preferred = _clean_text(preferred, "preferred name", NAME_MAX, problems) if preferred else None
    surname = _clean_text(cells["surname"], "surname", NAME_MAX, problems)
    class_name = _clean_text(cells["class"], "class", CLASS_MAX, problems)
    year = parse_year(cells["year"])
    if not cells["year"]:
        problems.append("the year is blank")
    elif year is None:
        problems.append(f"the year '{cells['year'][:20]}' is not a primary year (use Nursery, Reception or 1 to 6)")
    if problems:
        bad.add(row.line, problems)
        return None
    return PupilRow(row.line, upn, adno, legal_first, preferred, surname, year, class_name, "preferred" in cells)


def _drop_duplicates(rows: list[PupilRow], bad: BadRows) -> list[PupilRow]:
    """A UPN or admission number twice in one file: the later row is bad."""
    seen: dict[tuple[str, str], int] = {}
    kept = []
    for row in rows:
        keys = [("UPN", row.upn), ("admission number", row.adno)]
        clashes = [f"the {what} {value} is also on line {seen[(what, value)]}"
                   for what, value in keys if value and (what, value) in seen]
        if clashes:
            bad.add(row.line, clashes)
            continue
        seen.update({(what, value): row.line for what, value in keys if value})
        kept.append(row)
    return kept


def import_pupils(database: Database, path: Path, *, skip_bad: bool = False, full: bool = True) -> ImportReport:
    """Add and update pupils from an MIS export; on a full import, archive pupils not in it as leavers."""
    path = Path(path)
    rows = read_rows(path, PUPIL_COLUMNS, anchors=("first", "surname"), required=PUPIL_REQUIRED)
    if not rows:
        raise Refused(f"The file {path.name} has a header row but no pupils below it: nothing was imported.")
    bad = BadRows()
    parsed = _drop_duplicates([p for p in (_parse_pupil(row, bad) for row in rows) if p], bad)
    with database.writing() as session:
        matches = _match_pupils(session, parsed, bad)
        _refuse_bad(bad, path, skip_bad, offers_skip=True)
        known = [(row, pupil) for row, pupil in matches if pupil is not None]
        updated = sum(_update_pupil(pupil, row) for row, pupil in known)
        added = [_new_pupil(row) for row, pupil in matches if pupil is None]
        session.add_all(added)
        session.flush()  # gives the new pupils their ids, so they are not taken for leavers
        skipped = bad.sentences()
        archived = 0
        if full and skipped:
            skipped += (NOBODY_ARCHIVED,)  # a typo in a skipped row must not archive a child
        elif full:
            archived = _archive_leavers(session, database, {p.id for _row, p in known} | {p.id for p in added})
        _ensure_locations(session, {row.class_name for row, _pupil in matches if row.year == 6})
        append(session, database, "import_pupils", detail={
            "file": path.name, "added": len(added), "updated": updated, "archived": archived,
            "skipped": len(bad.lines)})
        session.commit()
    return ImportReport(added=len(added), updated=updated, archived=archived, skipped=skipped)


def _match_pupils(session: Session, rows: list[PupilRow], bad: BadRows) -> list[tuple[PupilRow, Pupil | None]]:
    """Each good row with the pupil it updates (by UPN, then admission number) or None for a new pupil.

    A row whose UPN and admission number belong to two different pupils, or
    that reaches a pupil an earlier row already claimed, is bad: updating it
    would break the unique numbers or merge two children.
    """
    pupils = session.exec(select(Pupil)).all()
    by_upn = {p.upn: p for p in pupils if p.upn}
    by_adno = {p.adno: p for p in pupils if p.adno}
    claimed: dict[int, int] = {}
    matches = []
    for row in rows:
        upn_owner, adno_owner = by_upn.get(row.upn), by_adno.get(row.adno)
        pupil = upn_owner or adno_owner
        if upn_owner and adno_owner and upn_owner is not adno_owner:
            bad.add(row.line, [f"the UPN {row.upn} and the admission number {row.adno} belong to two "
                               f"different pupils already imported: check both"])
        elif pupil is not None and pupil.id in claimed:
            bad.add(row.line, [f"this is the same pupil as line {claimed[pupil.id]} "
                               f"(matched by UPN or admission number)"])
        else:
            if pupil is not None:
                claimed[pupil.id] = row.line
            matches.append((row, pupil))
    return matches


def _new_pupil(row: PupilRow) -> Pupil:
    return Pupil(upn=row.upn, adno=row.adno, legal_first=row.legal_first, preferred_first=row.preferred_first,
                 surname=row.surname, year=row.year, class_name=row.class_name)


def _update_pupil(pupil: Pupil, row: PupilRow) -> bool:
    """Copy the file's details onto a known pupil (walk-home permission untouched); True if anything changed."""
    wanted = {"legal_first": row.legal_first, "surname": row.surname, "year": row.year,
              "class_name": row.class_name, "left_at": None}
    if row.has_preferred:
        wanted["preferred_first"] = row.preferred_first
    # A number missing from this file is kept: the other one found the pupil.
    if row.upn:
        wanted["upn"] = row.upn
    if row.adno:
        wanted["adno"] = row.adno
    changed = {field: value for field, value in wanted.items() if getattr(pupil, field) != value}
    for field, value in changed.items():
        setattr(pupil, field, value)
    return bool(changed)


def _archive_leavers(session: Session, database: Database, present: set[int]) -> int:
    """Pupils on roll but not in a full export have left: archived, never deleted (their history stays)."""
    now = database.now()
    leavers = session.exec(select(Pupil).where(Pupil.left_at.is_(None))).all()
    count = 0
    for pupil in leavers:
        if pupil.id not in present:
            pupil.left_at = now
            count += 1
    return count


def _ensure_locations(session: Session, year6_classes: set[str]) -> None:
    """Year 6 phones go to their class's cupboard (R1), everyone else's to the office (R2)."""
    for class_name in sorted(year6_classes):
        cupboard_for(session, class_name)
    office(session)


# --- Staff ------------------------------------------------------------------------------------

STAFF_COLUMNS = (
    Column("code", "Staff Code", ("Staff Code", "Code")),
    Column("first", "First Name", ("First Name", "Forename")),
    Column("surname", "Surname", ("Surname", "Last Name")),
    Column("role", "Role", ("Role",)),
    Column("class", "Class", ("Class", "Reg Group")),
)
STAFF_REQUIRED = (("code",), ("first",), ("surname",), ("role",))
_STAFF_CODE = re.compile(r"[A-Z0-9_-]{1,32}", re.ASCII)


@dataclass(frozen=True)
class StaffRow:
    line: int
    code: str
    first_name: str
    surname: str
    role: str
    class_name: str | None
    has_class: bool  # False when the file has no Class column: keep what is stored


def _parse_staff(row: Row, bad: BadRows) -> StaffRow | None:
    cells, problems = row.cells, []
    code = cells["code"].upper()
    if not code:
        problems.append("the staff code is blank")
    elif not _STAFF_CODE.fullmatch(code):
        problems.append(f"the staff code '{code[:40]}' must be 1 to 32 letters, digits, - or _")
    first_name = _clean_text(cells["first"], "first name", NAME_MAX, problems)
    surname = _clean_text(cells["surname"], "surname", NAME_MAX, problems)
    role = cells["role"].lower()
    if role not in ROLES:
        shown = cells["role"][:40] or "blank"
        problems.append(f"the role '{shown}' is not one of {_or_list(ROLES)}")
    class_name = cells.get("class", "")
    class_name = _clean_text(class_name, "class", CLASS_MAX, problems) if class_name else None
    if problems:
        bad.add(row.line, problems)
        return None
    return StaffRow(row.line, code, first_name, surname, role, class_name, "class" in cells)


def import_staff(database: Database, path: Path) -> ImportReport:
    """Add and update staff by staff code. Staff missing from the file stay (staff files are often partial)."""
    path = Path(path)
    rows = read_rows(path, STAFF_COLUMNS, anchors=("first", "surname"), required=STAFF_REQUIRED)
    if not rows:
        raise Refused(f"The file {path.name} has a header row but no staff below it: nothing was imported.")
    bad = BadRows()
    parsed, seen = [], {}
    for staff_row in (_parse_staff(row, bad) for row in rows):
        if staff_row and staff_row.code in seen:
            bad.add(staff_row.line, [f"the staff code {staff_row.code} is also on line {seen[staff_row.code]}"])
        elif staff_row:
            seen[staff_row.code] = staff_row.line
            parsed.append(staff_row)
    _refuse_bad(bad, path, skip_bad=False, offers_skip=False)
    with database.writing() as session:
        known = {s.code: s for s in session.exec(select(Staff)).all()}
        added = updated = 0
        for row in parsed:
            if row.code not in known:
                session.add(Staff(code=row.code, first_name=row.first_name, surname=row.surname,
                                  role=row.role, class_name=row.class_name))
                added += 1
            elif _update_staff(known[row.code], row):
                updated += 1
        append(session, database, "import_staff", detail={
            "file": path.name, "added": added, "updated": updated, "archived": 0, "skipped": 0})
        session.commit()
    return ImportReport(added=added, updated=updated, archived=0, skipped=())


def _update_staff(staff: Staff, row: StaffRow) -> bool:
    """Names, role and class from the file (the PIN is never touched); back on the staff if they had left."""
    wanted = {"first_name": row.first_name, "surname": row.surname, "role": row.role, "left_at": None}
    if row.has_class:
        wanted["class_name"] = row.class_name
    changed = {field: value for field, value in wanted.items() if getattr(staff, field) != value}
    for field, value in changed.items():
        setattr(staff, field, value)
    return bool(changed)


# --- Devices ----------------------------------------------------------------------------------

DEVICE_COLUMNS = (
    Column("asset", "Asset Tag", ("Asset Tag", "Asset", "Asset Number", "Asset No", "Asset ID")),
    Column("type", "Type", ("Type", "Device Type", "Kind")),
    Column("name", "Name", ("Name", "Device Name", "Description")),
    Column("make", "Make", ("Make", "Manufacturer", "Brand")),
    Column("model", "Model", ("Model",)),
    Column("serial", "Serial", ("Serial", "Serial Number", "Serial No", "S/N")),
)
DEVICE_REQUIRED = (("asset",), ("type",), ("name",), ("make",), ("model",))
ASSET_MAX = 64
SERIAL_MAX = 64
_ASSET_TAG = re.compile(r"[A-Z0-9][A-Z0-9 ./_#-]*", re.ASCII)
_SERIAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ./_-]*", re.ASCII)


@dataclass(frozen=True)
class DeviceRow:
    line: int
    asset_tag: str
    kind: str
    name: str
    make: str
    model: str
    serial: str | None
    has_serial: bool  # False when the file has no Serial column: keep what is stored


def _parse_device(row: Row, bad: BadRows) -> DeviceRow | None:
    cells, problems = row.cells, []
    asset = " ".join(cells["asset"].split()).upper()
    if not asset:
        problems.append("the asset tag is blank")
    elif len(asset) > ASSET_MAX or not _ASSET_TAG.fullmatch(asset):
        problems.append(f"the asset tag '{asset[:40]}' must be up to {ASSET_MAX} letters, digits, spaces, "
                        "-, _, /, . or #")
    kind = cells["type"].strip().lower()
    if kind not in DEVICE_KINDS:
        problems.append(f"the type '{cells['type'][:40] or 'blank'}' is not one of {_or_list(DEVICE_KINDS)}")
    name = _clean_text(cells["name"], "name", NAME_MAX, problems)
    make = _clean_text(cells["make"], "make", NAME_MAX, problems)
    model = _clean_text(cells["model"], "model", NAME_MAX, problems)
    serial = " ".join(cells.get("serial", "").split()) or None
    if serial and (len(serial) > SERIAL_MAX or not _SERIAL.fullmatch(serial)):
        problems.append(f"the serial '{serial[:40]}' must be up to {SERIAL_MAX} letters, digits, spaces, -, _, / or .")
    if problems:
        bad.add(row.line, problems)
        return None
    return DeviceRow(row.line, asset, kind, name, make, model, serial, "serial" in cells)


def _unit(make: str, model: str, serial: str | None) -> tuple[str, str] | None:
    """What tells one device's photos from another's: its model and serial (None without a serial)."""
    key = serial_key(serial)
    return (model_key(make, model), key) if key else None


def import_devices(database: Database, path: Path) -> ImportReport:
    """Add and update school cameras, iPads and phones by asset tag; devices missing from the file stay.

    Two devices of one model with one serial number would make their photos
    impossible to tell apart, so that is a bad row.
    """
    path = Path(path)
    rows = read_rows(path, DEVICE_COLUMNS, anchors=("asset", "make"), required=DEVICE_REQUIRED)
    if not rows:
        raise Refused(f"The file {path.name} has a header row but no devices below it: nothing was imported.")
    bad = BadRows()
    parsed, assets, units = [], {}, {}
    for device in (_parse_device(row, bad) for row in rows):
        if device is None:
            continue
        unit = _unit(device.make, device.model, device.serial)
        clashes = []
        if device.asset_tag in assets:
            clashes.append(f"the asset tag {device.asset_tag} is also on line {assets[device.asset_tag]}")
        if unit and unit in units:
            clashes.append(f"the serial {device.serial} of this model is also on line {units[unit]}")
        if clashes:
            bad.add(device.line, clashes)
            continue
        assets[device.asset_tag] = device.line
        if unit:
            units[unit] = device.line
        parsed.append(device)
    with database.writing() as session:
        known = {d.asset_tag: d for d in session.exec(select(Device)).all()}
        for device in parsed:
            unit = _unit(device.make, device.model, device.serial)
            owner = next((d for d in known.values() if d.asset_tag != device.asset_tag and d.asset_tag not in assets
                          and unit and _unit(d.make, d.model, d.serial) == unit), None)
            if owner is not None:
                bad.add(device.line, [f"the serial {device.serial} of this model belongs to {owner.asset_tag} "
                                      "already: check both"])
        _refuse_bad(bad, path, skip_bad=False, offers_skip=False)
        added = updated = 0
        now = database.now()
        for row in parsed:
            device = known.get(row.asset_tag)
            if device is None:
                session.add(Device(asset_tag=row.asset_tag, kind=row.kind, name=row.name, make=row.make,
                                   model=row.model, serial=row.serial, added_at=now))
                added += 1
            elif _update_device(device, row):
                session.add(device)
                updated += 1
        append(session, database, "import_devices", detail={
            "file": path.name, "added": added, "updated": updated, "archived": 0, "skipped": 0})
        session.commit()
    return ImportReport(added=added, updated=updated, archived=0, skipped=())


def _update_device(device: Device, row: DeviceRow) -> bool:
    wanted = {"kind": row.kind, "name": row.name, "make": row.make, "model": row.model}
    if row.has_serial:
        wanted["serial"] = row.serial
    changed = {field: value for field, value in wanted.items() if getattr(device, field) != value}
    for field, value in changed.items():
        setattr(device, field, value)
    return bool(changed)


# --- Photo consent ----------------------------------------------------------------------------

CONSENT_COLUMNS = (
    Column("upn", "UPN", ("UPN",)),
    Column("adno", "Admission Number", ("Adno", "Admission No", "Admission Number")),
    Column("photos", "Photos in school", ("Photos in school", "Photos", "Photographs in school", "Photographs",
                                          "School Photos")),
    Column("website", "Website", ("Website", "Web site", "School Website")),
    Column("social", "Social Media", ("Social Media", "Social")),
    Column("press", "Press", ("Press", "Newspaper", "Newspapers")),
)
CONSENT_KEYS = ("photos", "website", "social", "press")
_YES = frozenset({"yes", "y", "true", "1", "given", "granted", "✓", "✔"})
# Blank means the form was not returned, and that means no (R3).
_NO = frozenset({"no", "n", "false", "0", "refused", "withdrawn", "not returned", "not given", "", "-"})


@dataclass(frozen=True)
class ConsentImportReport:
    pupils: int  # rows matched to a pupil on roll
    changed: int  # pupils with an answer recorded for the first time or changed
    withdrawn: int  # answers that went from yes to no
    given: int  # answers that went to yes
    skipped: tuple[str, ...]  # "line N: ... has left the school" for pupils archived as leavers


@dataclass(frozen=True)
class ConsentRow:
    line: int
    upn: str | None
    adno: str | None
    answers: dict[str, bool]


def _parse_consent(row: Row, bad: BadRows) -> ConsentRow | None:
    cells, problems = row.cells, []
    upn = upn_number.compact(cells["upn"]) if cells.get("upn") else None
    adno = cells.get("adno", "") or None
    if not upn and not adno:
        problems.append("there is no UPN and no admission number")
    answers = {}
    for key in CONSENT_KEYS:
        if key not in cells:
            continue  # a category the file does not have is left as it is
        value = " ".join(cells[key].split()).lower()
        if value in _YES:
            answers[key] = True
        elif value in _NO:
            answers[key] = False
        else:
            label = next(c.label for c in CONSENT_COLUMNS if c.key == key)
            problems.append(f"the {label} answer '{cells[key][:20]}' is not Yes, No or blank")
    if problems:
        bad.add(row.line, problems)
        return None
    return ConsentRow(row.line, upn, adno, answers)


def import_consent(database: Database, path: Path) -> ConsentImportReport:
    """Record each pupil's photo consent per category from the school's consent list.

    Yes is consent; No or a blank cell (the form was not returned) is not. A
    pupil's answer is recorded when it is new or has changed, from now on: a
    withdrawal applies to every loan after it, never to one before. Pupils
    not in the file keep their answers; a pupil who has left is reported and
    left alone. Atomic: one bad row and nothing is recorded.
    """
    path = Path(path)
    rows = read_rows(path, CONSENT_COLUMNS, anchors=(), anchor_groups=(("upn", "adno"), CONSENT_KEYS),
                     required=(("upn", "adno"), CONSENT_KEYS))
    if not rows:
        raise Refused(f"The file {path.name} has a header row but no pupils below it: nothing was imported.")
    bad = BadRows()
    parsed = [c for c in (_parse_consent(row, bad) for row in rows) if c]
    with database.writing() as session:
        pupils = session.exec(select(Pupil)).all()
        by_upn = {p.upn: p for p in pupils if p.upn}
        by_adno = {p.adno: p for p in pupils if p.adno}
        claimed: dict[int, int] = {}
        matched, left = [], []
        for row in parsed:
            upn_owner, adno_owner = by_upn.get(row.upn), by_adno.get(row.adno)
            pupil = upn_owner or adno_owner
            if pupil is None:
                number = f"the UPN {row.upn}" if row.upn else f"the admission number {row.adno}"
                bad.add(row.line, [f"no pupil has {number[:60]}: import the pupils first, or check it"])
            elif upn_owner and adno_owner and upn_owner is not adno_owner:
                bad.add(row.line, [f"the UPN {row.upn} and the admission number {row.adno} belong to two "
                                   "different pupils: check both"])
            elif pupil.id in claimed:
                bad.add(row.line, [f"this is the same pupil as line {claimed[pupil.id]}"])
            elif pupil.left_at is not None:
                claimed[pupil.id] = row.line
                left.append(f"line {row.line}: {pupil.preferred_first or pupil.legal_first} {pupil.surname} has "
                            "left the school: their consent was not changed")
            else:
                claimed[pupil.id] = row.line
                matched.append((row, pupil))
        _refuse_bad(bad, path, skip_bad=False, offers_skip=False)
        now = database.now()
        current = current_answers(session, [p.id for _row, p in matched], now)
        changed = withdrawn = given = 0
        for row, pupil in matched:
            new = {key: value for key, value in row.answers.items() if current.get((pupil.id, key)) != value}
            if not new:
                continue
            changed += 1
            withdrawn += sum(not value and current.get((pupil.id, key)) is True for key, value in new.items())
            given += sum(value for value in new.values())
            record_answers(session, database, pupil.id, new, now, source=path.name)
        append(session, database, "import_consent", detail={
            "file": path.name, "pupils": len(matched), "changed": changed, "withdrawn": withdrawn, "given": given,
            "left": len(left)})
        session.commit()
    return ConsentImportReport(pupils=len(matched), changed=changed, withdrawn=withdrawn, given=given,
                               skipped=tuple(left))
