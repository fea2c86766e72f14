"""Importing staff from a CSV file (Staff Code, First Name, Surname, Role, Class): matched by staff code,
PINs never touched. The changes and their single ledger row are written in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from db.core import CommandLine, Database, Refused, append, find_staff
from db.core.models import ROLES, Staff
from db.core.spreadsheet import (
    CLASS_MAX,
    NAME_MAX,
    BadRows,
    Column,
    ImportReport,
    Row,
    clean_text,
    or_list,
    read_sheet,
    refuse_bad,
)

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
    sheet = read_sheet(path, STAFF_COLUMNS, anchors=("first", "surname"), required=STAFF_REQUIRED)
    rows = sheet.rows
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
    return ImportReport(added=added, updated=updated, archived=0, skipped=(), ignored=sheet.ignored)


def _update_staff(staff: Staff, row: StaffRow) -> bool:
    """Names, role and class from the file (the PIN is never touched); back on the staff if they had left."""
    wanted = {"first_name": row.first_name, "surname": row.surname, "role": row.role, "left_at": None}
    if row.has_class:
        wanted["class_name"] = row.class_name
    changed = {field: value for field, value in wanted.items() if getattr(staff, field) != value}
    for field, value in changed.items():
        setattr(staff, field, value)
    return bool(changed)
