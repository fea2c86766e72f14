"""What the leadership team agrees: pupils who keep their phone, staff phones in contact time (R6), IMEI notes.

DfE guidance allows exceptions for medical needs (glucose monitoring), young
carers and SEND. Each is approved by a member of the leadership team, with
conditions and a date to review it; scanning that pupil's phone then shows the
exception instead of treating the phone as a breach (db/phones/custody.py).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import select

import db.core.tables as tables
from db.core import (
    CommandLine,
    Database,
    PupilException,
    Refused,
    StaffPhoneAgreement,
    acting,
    append,
    find_pupil,
    find_staff,
    full_name,
    may,
    plain,
    pupil_first,
    pupil_name,
    require_self_or,
)
from db.core.models import EXCEPTION_KINDS, PhoneException, Pupil, Staff, StaffPhoneException
from db.core.outcomes import AgreementStatus

MAX_REVIEW_DAYS = 366  # an exception is looked at again at least once a school year


def exception_kind(text: str) -> str:
    wanted = plain(text, 20).lower()
    for kind in EXCEPTION_KINDS:
        if wanted == kind.lower():
            return kind
    raise Refused(f"“{wanted}” is not a kind of exception: use one of {', '.join(EXCEPTION_KINDS)}.")


def add_exception(database: Database, pupil_ref: str, kind: str, conditions: str, review_on: date, *,
                  by: str | CommandLine) -> PupilException:
    """Put a pupil on the exceptions register (the leadership team approves it)."""
    kind = exception_kind(kind)
    conditions = plain(conditions, 300)
    if not conditions:
        raise Refused("Say what was agreed, e.g. "
                      "--conditions “phone kept in bag on silent; used only for the glucose app”.")
    today = database.local(database.now()).date()
    if review_on is None or not today < review_on <= date.fromordinal(today.toordinal() + MAX_REVIEW_DAYS):
        raise Refused("Give a review date within the next year, e.g. --review 2027-07-16.")
    with database.writing() as session:
        staff = _approver(session, by, "approving an exception")
        pupil = find_pupil(session, pupil_ref)
        now = database.now()
        entry = append(session, database, "exception_added", staff_id=staff.id, pupil_id=pupil.id, at=now,
                       detail={"kind": kind, "review_on": review_on.isoformat()})
        row = PhoneException(pupil_id=pupil.id, kind=kind, conditions=conditions, approved_by_id=staff.id,
                             approved_at=now, review_on=review_on, ledger_id=entry)
        session.add(row)
        session.commit()
        return _exception_view(database, row, pupil, staff)


def _approver(session, by: str | CommandLine, doing: str):
    """A named member of the leadership team: an exception's record says who agreed it."""
    staff = find_staff(session, by, "review", doing)
    if staff.id is None:
        raise Refused("An exception is agreed by a member of the leadership team: add --by with their staff code.")
    return staff


def end_exception(database: Database, pupil_ref: str, *, by: str | CommandLine) -> int:
    """End the pupil's exceptions (needs are met another way, or they left); returns how many ended."""
    with database.writing() as session:
        staff = find_staff(session, by, "review", "ending an exception")
        pupil = find_pupil(session, pupil_ref, include_leavers=True)
        rows = session.exec(select(PhoneException).where(PhoneException.pupil_id == pupil.id,
                                                         PhoneException.ended_at.is_(None))).all()
        if not rows:
            raise Refused(f"{pupil_first(pupil)} {pupil.surname} is not on the exceptions register.")
        now = database.now()
        append(session, database, "exception_ended", staff_id=staff.id, pupil_id=pupil.id, at=now,
               detail={"exceptions": [r.id for r in rows]})
        for row in rows:
            row.ended_at, row.ended_by_id = now, staff.id
            session.add(row)
        session.commit()
        return len(rows)


def exceptions_register(database: Database, *, by: str | CommandLine, ended: bool = False) -> list[PupilException]:
    """The register, by class then name; ``ended`` adds the exceptions that have ended."""
    acting(database, by, "review", "the exceptions register")
    with database.reading() as session:
        query = select(PhoneException, Pupil, Staff).join(Pupil, Pupil.id == PhoneException.pupil_id) \
            .join(Staff, Staff.id == PhoneException.approved_by_id)
        if not ended:
            query = query.where(PhoneException.ended_at.is_(None))
        rows = session.exec(query.order_by(Pupil.class_name, Pupil.surname, PhoneException.id)).all()
        return [_exception_view(database, row, pupil, staff) for row, pupil, staff in rows]


def _exception_view(database: Database, row: PhoneException, pupil: Pupil, staff) -> PupilException:
    today = database.local(database.now()).date()
    status = (AgreementStatus.ENDED if row.ended_at else AgreementStatus.DUE_FOR_REVIEW if row.review_on < today
              else AgreementStatus.CURRENT)
    return PupilException(id=row.id, pupil=pupil_name(pupil),
                          pupil_ref=pupil.upn or pupil.adno or "", class_name=pupil.class_name, kind=row.kind,
                          conditions=row.conditions, approved_by=full_name(staff.first_name, staff.surname),
                          approved_at=database.local(row.approved_at), review_on=row.review_on, status=status)


# --- staff phones (R6) --------------------------------------------------------------------------


def agree_staff_phone(database: Database, staff_code: str, reason: str, starts_on: date, ends_on: date, *,
                      by: str | CommandLine) -> StaffPhoneAgreement:
    """Record that the leadership team agreed a member of staff may keep their phone on in contact time."""
    reason = plain(reason, 200)
    if not reason:
        raise Refused("Say why, e.g. --reason “on call for a family member in hospital”.")
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise Refused("Give the dates the agreement runs, --from before --to, e.g. --from 2026-11-23 --to 2026-12-18.")
    with database.writing() as session:
        approver = _approver(session, by, "agreeing an exception for a staff phone")
        staff = find_staff(session, staff_code)
        now = database.now()
        entry = append(session, database, "staff_phone_agreed", staff_id=approver.id, at=now,
                       detail={"staff": staff.code, "from": starts_on.isoformat(), "to": ends_on.isoformat()})
        row = StaffPhoneException(staff_id=staff.id, reason=reason, approved_by_id=approver.id, starts_on=starts_on,
                                  ends_on=ends_on, at=now, ledger_id=entry)
        session.add(row)
        session.commit()
        return _agreement_view(database, row, staff, approver)


def staff_phone_agreements(database: Database, *, by: str | CommandLine) -> list[StaffPhoneAgreement]:
    """Every agreement for the leadership team; a member of staff sees only their own."""
    asking = acting(database, by)
    approver = sa.orm.aliased(Staff)
    with database.reading() as session:
        query = select(StaffPhoneException, Staff, approver).join(Staff, Staff.id == StaffPhoneException.staff_id) \
            .join(approver, approver.id == StaffPhoneException.approved_by_id)
        if not may(asking, "review"):
            query = query.where(StaffPhoneException.staff_id == asking.id)
        rows = session.exec(query.order_by(StaffPhoneException.starts_on, StaffPhoneException.id)).all()
        return [_agreement_view(database, row, staff, who) for row, staff, who in rows]


def _agreement_view(database: Database, row: StaffPhoneException, staff, approver) -> StaffPhoneAgreement:
    today = database.local(database.now()).date()
    status = (AgreementStatus.ENDED if row.ends_on < today else AgreementStatus.NOT_STARTED if row.starts_on > today
              else AgreementStatus.CURRENT)
    return StaffPhoneAgreement(id=row.id, staff=full_name(staff.first_name, staff.surname), staff_code=staff.code,
                               reason=row.reason, approved_by=full_name(approver.first_name, approver.surname),
                               starts_on=row.starts_on, ends_on=row.ends_on, status=status)


def _owner_or_slt(conn, staff_code: str, by: str | CommandLine, doing: str):
    staff = find_staff(conn, staff_code)
    require_self_or(find_staff(conn, by), staff, "review", doing)
    return staff


def set_imei_note(database: Database, staff_code: str, note: str, *, by: str | CommandLine) -> None:
    """R6: staff keep a record of their phone's IMEI; only they and the leadership team can read it.

    The ledger records that the note changed, never the note itself.
    """
    note = plain(note, 100) or None
    with database.transaction() as conn:
        staff = _owner_or_slt(conn, staff_code, by, "another person's IMEI note")
        conn.execute(sa.update(tables.staff).where(tables.staff.c.id == staff.id).values(imei_note=note))
        append(conn, database, "imei_note_set", staff_id=staff.id, detail={"cleared": note is None})


def imei_note(database: Database, staff_code: str, *, by: str | CommandLine) -> str | None:
    with database.engine.connect() as conn:
        return _owner_or_slt(conn, staff_code, by, "another person's IMEI note").imei_note
