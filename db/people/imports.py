"""Importing pupils and staff from the CSV files a school's MIS exports (SIMS, Arbor, Bromcom).

The changes and their single ledger row are written in one transaction; the
file is read and checked by db.csv_import first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.gb import upn as upn_number

from db.core import CommandLine, Database, Refused, append, cupboard_for, find_staff, office
from db.core.models import ROLES, Pupil, Staff
from db.core.spreadsheet import (
    ADNO_MAX,
    CLASS_MAX,
    NAME_MAX,
    BadRows,
    Column,
    ImportReport,
    Row,
    clean_text,
    or_list,
    read_rows,
    refuse_bad,
)

NOBODY_ARCHIVED = "Nobody was archived as a leaver because some rows were skipped."


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
    legal_first = clean_text(cells["first"], "first name", NAME_MAX, problems)
    preferred = cells.get("preferred", "")
    preferred = clean_text(preferred, "preferred name", NAME_MAX, problems) if preferred else None
    surname = clean_text(cells["surname"], "surname", NAME_MAX, problems)
    class_name = clean_text(cells["class"], "class", CLASS_MAX, problems)
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


def import_pupils(database: Database, path: Path, *, skip_bad: bool = False, full: bool = True,
                  by: str | CommandLine) -> ImportReport:
    """Add and update pupils from an MIS export; on a full import, archive pupils not in it as leavers."""
    path = Path(path)
    rows = read_rows(path, PUPIL_COLUMNS, anchors=("first", "surname"), required=PUPIL_REQUIRED)
    if not rows:
        raise Refused(f"The file {path.name} has a header row but no pupils below it: nothing was imported.")
    bad = BadRows()
    parsed = _drop_duplicates([p for p in (_parse_pupil(row, bad) for row in rows) if p], bad)
    with database.writing() as session:
        staff = find_staff(session, by, "admin", "importing pupils")
        matches = _match_pupils(session, parsed, bad)
        refuse_bad(bad, path, skip_bad, offers_skip=True)
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
        append(session, database, "import_pupils", staff_id=staff.id, detail={
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
        cupboard_for(session.connection(), class_name)
    office(session.connection())


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
    first_name = clean_text(cells["first"], "first name", NAME_MAX, problems)
    surname = clean_text(cells["surname"], "surname", NAME_MAX, problems)
    role = cells["role"].lower()
    if role not in ROLES:
        shown = cells["role"][:40] or "blank"
        problems.append(f"the role '{shown}' is not one of {or_list(ROLES)}")
    class_name = cells.get("class", "")
    class_name = clean_text(class_name, "class", CLASS_MAX, problems) if class_name else None
    if problems:
        bad.add(row.line, problems)
        return None
    return StaffRow(row.line, code, first_name, surname, role, class_name, "class" in cells)


def import_staff(database: Database, path: Path, *, by: str | CommandLine) -> ImportReport:
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
    refuse_bad(bad, path, skip_bad=False, offers_skip=False)
    with database.writing() as session:
        staff = find_staff(session, by, "admin", "importing staff")
        known = {s.code: s for s in session.exec(select(Staff)).all()}
        added = updated = 0
        for row in parsed:
            if row.code not in known:
                session.add(Staff(code=row.code, first_name=row.first_name, surname=row.surname,
                                  role=row.role, class_name=row.class_name))
                added += 1
            elif _update_staff(known[row.code], row):
                updated += 1
        append(session, database, "import_staff", staff_id=staff.id, detail={
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
