"""Staff and pupils: finding them from what was typed or scanned, PINs, walk-home permission."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection, Row, bindparam, func, or_, update
from sqlmodel import Session, select

from db.chain import append
from db.engine import Database
from db.errors import Refused
from db.models import LedgerEntry, PhoneException, Pupil, Staff, Tag
from db.roles import CommandLine, require, require_self_or
from db.views import PupilSummary, StaffMember

PIN_LENGTHS = range(4, 13)
# Codes are parsed here rather than via labels/ (db/ and labels/ stay apart):
# a tag code is a kind letter, six symbols and a check symbol, dashes optional.
_TAG_SHAPE = 8


def compact_code(text: str) -> str | None:
    """The printed form of a tag code if the text has its shape, else None (checked against the tag table)."""
    compact = text.strip().upper().replace("-", "").replace(" ", "").translate(str.maketrans("OIL", "011"))
    if len(compact) != _TAG_SHAPE or not compact.isalnum():
        return None
    return f"{compact[0]}-{compact[1:5]}-{compact[5:]}"


def staff_view(staff) -> StaffMember:
    return StaffMember(id=staff.id, code=staff.code, name=f"{staff.first_name} {staff.surname}",
                       role=staff.role, class_name=staff.class_name)


STAFF = Staff.__table__
_BY_CODE = sa.select(STAFF).where(STAFF.c.code == bindparam("code"))
_BY_BADGE = sa.select(STAFF).join(Tag.__table__, Tag.staff_id == STAFF.c.id).where(
    Tag.code == bindparam("code"), Tag.retired_at.is_(None))


def find_staff(target: Session | Connection, who: str | CommandLine, task: str | None = None, doing: str = "this") -> Row:
    """The staff row (id, code, names, role, class, pin_hash) for a staff code or a badge tag.

    Refused if unknown, left, or if their role may not do ``task`` (db/roles.py;
    ``doing`` names it in the sentence). ``COMMAND_LINE`` passes through.
    """
    if isinstance(who, CommandLine):
        return who
    conn = target.connection() if isinstance(target, Session) else target
    who = (who or "").strip()
    staff = None
    code = compact_code(who)
    if code and code.startswith("S"):
        staff = conn.execute(_BY_BADGE, {"code": code}).first()
    if staff is None and 0 < len(who) <= 32:
        staff = conn.execute(_BY_CODE, {"code": who.upper()}).first()
    if staff is None or staff.left_at is not None:
        raise Refused(f"No member of staff has the code “{who[:32]}”: check the code on your badge.")
    if task:
        require(staff, task, doing)
    return staff


def acting(database: Database, by: str | CommandLine, task: str | None = None, doing: str = "this") -> Row:
    """The member of staff asking, refused unless their role may do the task (for the read-only reports)."""
    with database.engine.connect() as conn:
        return find_staff(conn, by, task, doing)


def set_pin(database: Database, staff_code: str, pin: str, *, by: str | CommandLine) -> StaffMember:
    """Store an argon2 hash of a new PIN (4 to 12 digits): an administrator's job, or one's own."""
    from argon2 import PasswordHasher  # only PIN work pays for argon2

    pin = pin.strip()
    if not pin.isdigit() or len(pin) not in PIN_LENGTHS:
        raise Refused("A PIN is 4 to 12 digits: choose another one.")
    with database.transaction() as conn:
        staff = find_staff(conn, staff_code)
        require_self_or(find_staff(conn, by), staff, "admin", "setting another person's PIN")
        conn.execute(update(STAFF).where(STAFF.c.id == staff.id).values(pin_hash=PasswordHasher().hash(pin)))
        append(conn, database, "set_pin", staff_id=staff.id)
        return staff_view(staff)


def sign_in(database: Database, who: str, pin: str) -> StaffMember:
    """Check a staff code (or badge) and PIN; refused with one sentence otherwise.

    A wrong PIN is recorded in the ledger; after ``LOCK_AFTER`` wrong PINs within
    ``LOCK_FOR`` the staff code is locked until the oldest of them is that old,
    so guessing a 4-digit PIN takes weeks rather than minutes.
    """
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    with database.engine.connect() as conn:
        staff = find_staff(conn, who)
        _refuse_if_locked(conn, database, staff)
    if not staff.pin_hash:
        raise Refused(f"{staff.first_name} {staff.surname} has no PIN yet: ask the office to run `kiosk staff set-pin {staff.code}`.")
    try:
        PasswordHasher().verify(staff.pin_hash, (pin or "").strip())
    except (VerificationError, InvalidHashError):
        with database.transaction() as conn:
            append(conn, database, "pin_wrong", staff_id=staff.id)
        with database.engine.connect() as conn:  # after the commit: the refusal must not undo the record
            _refuse_if_locked(conn, database, staff)
        raise Refused("That PIN is not right: try again.") from None
    return staff_view(staff)


LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=5)


def _refuse_if_locked(conn: Connection, database: Database, staff) -> None:
    ledger = LedgerEntry.__table__
    since = database.now() - LOCK_FOR
    wrong = conn.execute(sa.select(ledger.c.at).where(
        ledger.c.action == "pin_wrong", ledger.c.staff_id == staff.id, ledger.c.at > since)
        .order_by(ledger.c.at.desc()).limit(LOCK_AFTER)).scalars().all()
    if len(wrong) >= LOCK_AFTER:
        minutes = max(1, -(-int((wrong[-1] + LOCK_FOR - database.now()).total_seconds()) // 60))
        raise Refused(f"{staff.code} is locked after {LOCK_AFTER} wrong PINs: try again in {minutes} "
                      f"minute{'s' if minutes != 1 else ''}, or ask the office to set a new PIN.")


# --- pupils -----------------------------------------------------------------

def first_name(pupil: Pupil) -> str:
    return pupil.preferred_first or pupil.legal_first


def summary(session: Session, database: Database, pupil: Pupil) -> PupilSummary:
    tag = session.exec(select(Tag.code).where(Tag.pupil_id == pupil.id, Tag.kind == "phone",
                                              Tag.retired_at.is_(None))).first()
    walks = walk_home_valid(database, pupil.walk_home, pupil.walk_home_at)
    kept = session.exec(select(PhoneException.kind).where(PhoneException.pupil_id == pupil.id,
                                                          PhoneException.ended_at.is_(None))).first()
    goes = (f"kept by pupil ({kept})" if kept
            else "goes to the class cupboard" if goes_to_cupboard(pupil.year, walks) else "goes to the office")
    return PupilSummary(id=pupil.id, name=f"{first_name(pupil)} {pupil.surname}",
                        short_name=f"{first_name(pupil)} {pupil.surname[:1]}.", class_name=pupil.class_name,
                        year=pupil.year, upn=pupil.upn, adno=pupil.adno, walk_home=walks, phone_tag=tag, phone=goes)


def find_pupil(session: Session, ref: str, *, include_leavers: bool = False) -> Pupil:
    """A pupil by UPN, admission number or phone tag code (leavers only when asked for)."""
    ref = (ref or "").strip()
    pupil = None
    code = compact_code(ref)
    if code:
        tag = session.get(Tag, code)
        if tag and tag.pupil_id:
            pupil = session.get(Pupil, tag.pupil_id)
    if pupil is None and 0 < len(ref) <= 32:
        pupil = session.exec(select(Pupil).where(Pupil.upn == ref.upper())).first() or \
            session.exec(select(Pupil).where(Pupil.adno == ref)).first()
    if pupil is None:
        raise Refused(f"No pupil has the UPN, admission number or phone tag “{ref[:32]}”: check it, or import the pupils first.")
    if pupil.left_at is not None and not include_leavers:
        raise Refused(f"{first_name(pupil)} {pupil.surname} has left the school (archived at the last import).")
    return pupil


def find_pupils(database: Database, text: str, limit: int = 12) -> list[PupilSummary]:
    """Pupils on roll whose name contains every word typed (for tagging a pupil by name)."""
    words = [w for w in (text or "").lower().split() if w][:4]
    if not words:
        return []
    with database.reading() as session:
        query = select(Pupil).where(Pupil.left_at.is_(None))
        for word in words:
            pattern = f"%{word[:40]}%"
            query = query.where(or_(func.lower(Pupil.legal_first).like(pattern),
                                    func.lower(Pupil.preferred_first).like(pattern),
                                    func.lower(Pupil.surname).like(pattern)))
        pupils = session.exec(query.order_by(Pupil.class_name, Pupil.surname).limit(limit)).all()
        return [summary(session, database, p) for p in pupils]


def pupil_summary(database: Database, ref: str) -> PupilSummary:
    with database.reading() as session:
        return summary(session, database, find_pupil(session, ref))


def academic_year_start(day: date) -> date:
    """1 September of the school year the day falls in (a school year ends on 31 August)."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


WALK_HOME_YEAR = 6


def goes_to_cupboard(year: int, walk_home_in_force: bool) -> bool:
    """R1: a Year 6 pupil with walk-home permission: the class cupboard; anyone else: the office (R2)."""
    return year == WALK_HOME_YEAR and walk_home_in_force


def walk_home_valid(database: Database, walk_home: bool, recorded_at: datetime | None) -> bool:
    """Walk-home permission lasts for the school year it was given in: it ends on 31 August."""
    if not walk_home or recorded_at is None:
        return False
    today = database.local(database.now()).date()
    return database.local(recorded_at).date() >= academic_year_start(today)


def permit_walk_home(database: Database, ref: str, by: str, *, revoke: bool = False) -> PupilSummary:
    """Record (or revoke) the parents' written permission to walk home alone."""
    with database.writing() as session:
        staff = find_staff(session, by, "office", "recording a walk-home permission")
        pupil = find_pupil(session, ref)
        pupil.walk_home = not revoke
        pupil.walk_home_by_id = staff.id
        pupil.walk_home_at = database.now()
        session.add(pupil)
        append(session, database, "walk_home_revoked" if revoke else "walk_home_permitted",
               staff_id=staff.id, pupil_id=pupil.id)
        session.commit()
        return summary(session, database, pupil)
