"""Who is who: a member of staff from a staff code or badge, a pupil from a UPN, admission number or
phone tag. Every room asks here, so an unknown code is refused in the same sentence everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Connection, Row, bindparam, func

from db.core import tables
from db.core.admission import adno_key
from db.core.engine import Database, now_for
from db.core.errors import Refused
from db.core.roles import COVER_PREFIX, CommandLine, require
from db.core.views import StaffMember
from db.core.words import full_name, pupil_name
from tagcodes import printed_form

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.core.models import Pupil, Staff

STAFF, TAG = tables.staff, tables.tag
_BY_CODE = sa.select(STAFF).where(STAFF.c.code == bindparam("code"))
_BY_BADGE = sa.select(STAFF).join(TAG, TAG.c.staff_id == STAFF.c.id).where(
    TAG.c.code == bindparam("code"), TAG.c.retired_at.is_(None))


def staff_view(staff) -> StaffMember:
    return StaffMember(id=staff.id, code=staff.code, name=full_name(staff.first_name, staff.surname),
                       role=staff.role, class_name=staff.class_name)


def find_staff(target: Session | Connection, who: str | CommandLine, task: str | None = None,
               doing: str = "this") -> Row:
    """The staff row (id, code, names, role, class, pin_hash) for a staff code or a badge tag.

    Refused if unknown, left, or if their role may not do ``task`` (db/core/roles.py;
    ``doing`` names it in the sentence). ``COMMAND_LINE`` passes through.
    """
    if isinstance(who, CommandLine):
        return who
    conn = target if isinstance(target, Connection) else target.connection()  # a Session's
    who = (who or "").strip()
    staff = None
    code = printed_form(who)
    if code and code.startswith("S"):
        staff = conn.execute(_BY_BADGE, {"code": code}).first()
    if staff is None and 0 < len(who) <= 32:
        staff = conn.execute(_BY_CODE, {"code": who.upper()}).first()
    return usable_staff(conn, staff, who, task, doing)


def staff_code(who: str | CommandLine) -> str | None:
    """The staff code ``who`` is, when it can only be one (not a badge's tag): what a read made with another (the
    scan's) may look up in the same statement, with ``usable_staff`` after."""
    if isinstance(who, CommandLine):
        return None
    who = (who or "").strip()
    code = printed_form(who)
    return who.upper() if 0 < len(who) <= 32 and not (code and code.startswith("S")) else None


def usable_staff(conn: Connection, staff, who: str, task: str | None = None, doing: str = "this"):
    """``staff`` (the row found for ``who``, or None), refused as ``find_staff`` refuses."""
    if staff is not None and staff.left_at is not None and staff.left_at > now_for(conn):
        pass  # a cover teacher's day badge: left_at is set in advance to its expiry (db/people/cover.py)
    elif staff is not None and staff.left_at is not None and staff.code.startswith(COVER_PREFIX):
        raise Refused(f"The cover badge {staff.code} has expired (it was for one day): ask the office for a new one.")
    elif staff is None or staff.left_at is not None:
        raise Refused(f"No member of staff has the code “{who[:32]}”: check the code on your badge.")
    if task:
        require(staff, task, doing)
    return staff


def acting(database: Database, by: str | CommandLine, task: str | None = None, doing: str = "this") -> Row:
    """The member of staff asking, refused unless their role may do the task (for the read-only reports)."""
    with database.engine.connect() as conn:
        return find_staff(conn, by, task, doing)


def find_pupil(session: Session, ref: str, *, include_leavers: bool = False) -> Pupil:
    """A pupil by UPN, admission number or phone tag code (leavers only when asked for)."""
    from sqlmodel import select  # the ORM only for a command that uses it (a command's start: db/core/tables.py)

    from db.core.models import Pupil, Tag

    ref = (ref or "").strip()
    pupil = None
    code = printed_form(ref)
    if code:
        tag = session.get(Tag, code)
        if tag and tag.pupil_id:
            pupil = session.get(Pupil, tag.pupil_id)
    if pupil is None and 0 < len(ref) <= 32:
        pupil = session.exec(select(Pupil).where(Pupil.upn == ref.upper())).first() or _by_adno(session, ref)
    if pupil is None:
        raise Refused(f"No pupil has the UPN, admission number or phone tag “{ref[:32]}”: "
                      "check it, or import the pupils first.")
    if pupil.left_at is not None and not include_leavers:
        raise Refused(f"{pupil_name(pupil)} has left the school (archived at the last import).")
    return pupil


def _by_adno(session: Session, ref: str) -> Pupil | None:
    """The pupil whose admission number is ``ref`` as the MIS means it: "17" finds "000017" (Excel dropped the
    zeros of one or the other), "a0042" finds "A0042". The number as stored wins over one equal only so."""
    from sqlmodel import select

    from db.core.models import Pupil

    exact = session.exec(select(Pupil).where(Pupil.adno == ref)).first()
    if exact is not None:
        return exact
    # ltrim(x, '0') and upper() are the same on SQLite and PostgreSQL; adno_key then keeps only true matches.
    near = session.exec(select(Pupil).where(func.upper(func.ltrim(Pupil.adno, "0")) == ref.lstrip("0").upper())
                        .order_by(Pupil.id)).all()
    return next((p for p in near if adno_key(p.adno) == adno_key(ref)), None)


def staff_names(session: Session, ids) -> dict[int, Staff]:
    """The staff rows for these ids (None and repeats allowed), by id."""
    from sqlmodel import select

    from db.core.models import Staff

    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {s.id: s for s in session.exec(select(Staff).where(Staff.id.in_(wanted))).all()}


def class_on_roll(session: Session, class_name: str) -> str:
    """The class as the roll spells it (typed as “4b ” or “4B”), refused if no pupil on roll is in it."""
    from sqlmodel import select

    from db.core.models import Pupil

    wanted = " ".join((class_name or "").split())[:32]
    found = session.exec(select(Pupil.class_name).where(func.upper(Pupil.class_name) == wanted.upper(),
                                                        Pupil.left_at.is_(None)).limit(1)).first()
    if found is None:
        raise Refused(f"No pupil on roll is in class “{wanted}”: check the class, e.g. 4B.")
    return found
