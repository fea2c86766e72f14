"""Importing pupils from the CSV files a school's MIS exports (SIMS, Arbor, Bromcom) or a report the
office made from it.

The file is read and checked by db.core.spreadsheet first, and what it changes is worked out by reading; the
changes are then written in short transactions of ``BATCH`` pupils, and the import's one ledger row with the last.
An import stopped part-way (the PC switched off) leaves whole batches: the same file imported again finishes it.
Only the columns below are read: Gender, DOB, SEN, emails and the rest are never stored, and the report names
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlmodel import Session, select
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.gb import upn as upn_number

from db.core import CommandLine, Database, Refused, acting, append, cupboard_for, office, plural
from db.core.admission import adno_key
from db.core.models import Pupil
from db.core.spreadsheet import (
    ADNO_MAX,
    CLASS_MAX,
    NAME_MAX,
    BadRows,
    Column,
    ImportReport,
    Row,
    clean_text,
    read_sheet,
    refuse_bad,
)
from db.people.years import parse_year, year_problem

NOBODY_ARCHIVED = "Nobody was archived as a leaver because some rows were skipped."
# A full import that would archive more than this share of the pupils on roll asks first (archive_many):
# a class list or last year's file imported by mistake must not archive the school. Fewer than
# ARCHIVE_ASK_MIN leavers never ask: a handful of pupils is a normal term's leavers, not a wrong file.
ARCHIVE_ASK_SHARE = 1 / 3
ARCHIVE_ASK_MIN = 10
BATCH = 250  # pupils written in one transaction: about a tenth of a second of the school's write lock

# The first spellings are named in a refusal; "also" are further ones MIS reports write (Bromcom's
# "Legal First Name", SIMS's "Reg" and "Year Taught In", Arbor's "MIS ID"). "Year of Entry" is not a
# year a pupil is in, so it is never read as one.
PUPIL_COLUMNS = (
    Column("first", "First Name", ("Legal Forename", "Forename", "First Name"),
           also=("Legal First Name", "Legal Forenames", "Forenames", "Given Name")),
    Column("preferred", "Preferred Name", ("Preferred Forename", "Preferred Name", "Known As"),
           also=("Preferred First Name", "Chosen Name")),
    Column("surname", "Surname", ("Legal Surname", "Surname", "Last Name"),
           also=("Legal Last Name", "Family Name")),
    Column("preferred_surname", "Preferred Surname", ("Preferred Surname", "Preferred Last Name")),
    Column("year", "Year", ("Year", "Year Group", "NC Year"),
           also=("Year Taught In", "Curriculum Year", "National Curriculum Year")),
    Column("class", "Class", ("Reg Group", "Registration Group", "Registration Form", "Form", "Tutor Group",
                              "Class"),
           also=("Reg", "Class Name", "Registration Class", "Form Group", "Reg Form")),
    Column("upn", "UPN", ("UPN",), also=("Unique Pupil Number",)),
    Column("adno", "Admission Number", ("Adno", "Admission No", "Admission Number"),
           also=("Adm No", "MIS ID")),
)
PUPIL_REQUIRED = (("first",), ("surname",), ("year",), ("class",), ("upn", "adno"))


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
    # One surname is kept: the one staff use (the preferred surname when the file has one), which is also
    # the initial R5 prints. The legal surname stays in the MIS.
    surname = clean_text(cells.get("preferred_surname") or cells["surname"], "surname", NAME_MAX, problems)
    class_name = clean_text(cells["class"], "class", CLASS_MAX, problems)
    year = parse_year(cells["year"])
    if year is None:
        problems.append(year_problem(cells["year"]))
    if problems:
        bad.add(row.line, problems)
        return None
    return PupilRow(row.line, upn, adno, legal_first, preferred, surname, year, class_name, "preferred" in cells)


def _drop_duplicates(rows: list[PupilRow], bad: BadRows) -> list[PupilRow]:
    """A UPN or admission number twice in one file ("17" and "0017" are one number): the later row is bad."""
    seen: dict[tuple[str, str], int] = {}
    kept = []
    for row in rows:
        keys = [("UPN", row.upn, row.upn), ("admission number", row.adno, row.adno and adno_key(row.adno))]
        clashes = [f"the {what} {value} is also on line {seen[(what, key)]}"
                   for what, value, key in keys if key and (what, key) in seen]
        if clashes:
            bad.add(row.line, clashes)
            continue
        seen.update({(what, key): row.line for what, _value, key in keys if key})
        kept.append(row)
    return kept


def import_pupils(database: Database, path: Path, *, skip_bad: bool = False, full: bool = True,
                  archive_many: bool = False, by: str | CommandLine) -> ImportReport:
    """Add and update pupils from an MIS export; on a full import, archive pupils not in it as leavers.

    A full import that would archive more than a third of the pupils on roll (and at least
    ARCHIVE_ASK_MIN) is refused, changing nothing, unless ``archive_many`` (the command line's --yes).
    """
    path = Path(path)
    sheet = read_sheet(path, PUPIL_COLUMNS, anchors=("first", "surname"), required=PUPIL_REQUIRED)
    if not sheet.rows:
        raise Refused(f"The file {path.name} has a header row but no pupils below it: nothing was imported.")
    bad = BadRows()
    parsed = _drop_duplicates([p for p in (_parse_pupil(row, bad) for row in sheet.rows) if p], bad)
    staff = acting(database, by, "admin", "importing pupils")
    # What changes is worked out first, reading only; then written in short transactions (BATCH pupils each), so a
    # whole school's import never holds the write lock for long: the kiosks' scans go in between (issue 15).
    with database.reading() as session:
        matches = _match_pupils(session, parsed, bad)
        refuse_bad(bad, path, skip_bad, offers_skip=True)
        changes = [(pupil.id, changed) for row, pupil in matches if pupil and (changed := _changes(pupil, row))]
        added = [_new_pupil(row) for row, pupil in matches if pupil is None]
        skipped = bad.sentences()
        leavers: list[int] = []
        if full and skipped:
            skipped += (NOBODY_ARCHIVED,)  # a typo in a skipped row must not archive a child
        elif full:
            in_file = {pupil.id for _row, pupil in matches if pupil}  # once: per pupil, it held the lock 18 s
            on_roll = _on_roll(session)
            leavers = [p.id for p in on_roll if p.id not in in_file]
            if not archive_many:
                _ask_before_archiving(len(leavers), len(on_roll), path)
    batches = [(_update_pupils, changes[i:i + BATCH]) for i in range(0, len(changes), BATCH)]
    batches += [(_add_pupils, added[i:i + BATCH]) for i in range(0, len(added), BATCH)]
    batches += [(partial(_archive, database=database), leavers[i:i + BATCH]) for i in range(0, len(leavers), BATCH)]
    for write, batch in batches:
        with database.writing() as session:
            write(session, batch)
            session.commit()
        database.let_kiosks_in()
    with database.writing() as session:
        _ensure_locations(session, {row.class_name for row, _pupil in matches if row.year == 6})
        append(session, database, "import_pupils", staff_id=staff.id, detail={
            "file": path.name, "added": len(added), "updated": len(changes), "archived": len(leavers),
            "skipped": len(bad.lines)})
        session.commit()
    return ImportReport(added=len(added), updated=len(changes), archived=len(leavers), skipped=skipped,
                        ignored=sheet.ignored)


def _match_pupils(session: Session, rows: list[PupilRow], bad: BadRows) -> list[tuple[PupilRow, Pupil | None]]:
    """Each good row with the pupil it updates (by UPN, then admission number) or None for a new pupil.

    An admission number matches as the MIS means it ("17" finds the pupil stored as "000017"). A row
    whose UPN and admission number belong to two different pupils, or that reaches a pupil an earlier
    row already claimed, is bad: updating it would break the unique numbers or merge two children.
    """
    pupils = session.exec(select(Pupil).order_by(Pupil.id)).all()
    by_upn = {p.upn: p for p in pupils if p.upn}
    by_adno = {p.adno: p for p in pupils if p.adno}
    by_adno_key: dict[str, Pupil] = {}
    for pupil in pupils:
        if pupil.adno:
            by_adno_key.setdefault(adno_key(pupil.adno), pupil)
    claimed: dict[int, int] = {}
    matches = []
    for row in rows:
        upn_owner = by_upn.get(row.upn)
        adno_owner = (by_adno.get(row.adno) or by_adno_key.get(adno_key(row.adno))) if row.adno else None
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


def _changes(pupil: Pupil, row: PupilRow) -> dict:
    """What the file changes of a known pupil's details (walk-home permission untouched): field → new value."""
    wanted = {"legal_first": row.legal_first, "surname": row.surname, "year": row.year,
              "class_name": row.class_name, "left_at": None}
    if row.has_preferred:
        wanted["preferred_first"] = row.preferred_first
    # A number missing from this file is kept: the other one found the pupil. An admission number Excel
    # stripped of its zeros is the same number: the form first imported (the MIS's own) stays.
    if row.upn:
        wanted["upn"] = row.upn
    if row.adno and adno_key(row.adno) != adno_key(pupil.adno):
        wanted["adno"] = row.adno
    return {field: value for field, value in wanted.items() if getattr(pupil, field) != value}


def _update_pupils(session: Session, changes: list[tuple[int, dict]]) -> None:
    """Write the changes (through the ORM: a pupil's search key follows the names, db/core/models.py)."""
    pupils = {p.id: p for p in session.exec(select(Pupil).where(Pupil.id.in_([i for i, _ in changes])))}
    for pupil_id, changed in changes:
        for field, value in changed.items():
            setattr(pupils[pupil_id], field, value)


def _on_roll(session: Session) -> list[Pupil]:
    return session.exec(select(Pupil).where(Pupil.left_at.is_(None))).all()


def _ask_before_archiving(leavers: int, on_roll: int, path: Path) -> None:
    if leavers >= ARCHIVE_ASK_MIN and leavers > on_roll * ARCHIVE_ASK_SHARE:
        raise Refused(f"Importing {path.name} would archive {leavers} of the {plural(on_roll, 'pupil')} on roll "
                      f"as leavers, so nothing was imported: check it is the whole school's file (not one class "
                      f"or an old list), then import it again with --yes.")


def _add_pupils(session: Session, pupils: list[Pupil]) -> None:
    session.add_all(pupils)


def _archive(session: Session, leavers: list[int], *, database: Database) -> None:
    """Pupils on roll but not in a full export have left: archived, never deleted (their history stays)."""
    now = database.now()
    for pupil in session.exec(select(Pupil).where(Pupil.id.in_(leavers))):
        pupil.left_at = now


def _ensure_locations(session: Session, year6_classes: set[str]) -> None:
    """Year 6 phones go to their class's cupboard (R1), everyone else's to the office (R2)."""
    for class_name in sorted(year6_classes):
        cupboard_for(session.connection(), class_name)
    office(session.connection())
