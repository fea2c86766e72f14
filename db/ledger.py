"""The phone rules (R1, R2): check in, hand back, tell the parents, lock the cupboard.

Each function is one thing a person does. It opens its own transaction, applies
the rule, writes the ledger row and the current-state projection together, and
returns plain data. A refusal raises ``Refused`` and writes nothing.
"""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db.chain import append
from db.engine import Database
from db.errors import Refused
from db.models import HeldPhone, Location, ParentTask, Pupil, Staff, Tag
from db.people import find_pupil, find_staff, first_name
from db.views import CupboardCheck, CustodyResult

WALK_HOME_YEAR = 6


def _phone_tag(session: Session, code: str) -> Tag:
    tag = session.get(Tag, code)
    if tag is None or tag.retired_at is not None:
        raise Refused(f"The tag {code} is not in use: it may be an old tag; issue a new one from the pupil's record.")
    if tag.kind != "phone":
        raise Refused(f"{code} is a {tag.kind} tag, not a phone tag: scan the tag on the phone pouch.")
    return tag


def _pupil_of(session: Session, tag: Tag) -> Pupil:
    pupil = session.get(Pupil, tag.pupil_id)
    if pupil.left_at is not None:
        raise Refused(f"{first_name(pupil)} {pupil.surname} has left the school: this tag is no longer in use.")
    return pupil


def cupboard_for(session: Session, class_name: str) -> Location:
    """The class's lockable cupboard (“6A cupboard”), made the first time it is needed."""
    location = session.exec(select(Location).where(Location.kind == "cupboard",
                                                   Location.class_name == class_name)).first()
    if location is None:
        location = Location(name=f"{class_name} cupboard", kind="cupboard", class_name=class_name)
        session.add(location)
        session.flush()
    return location


def office(session: Session) -> Location:
    location = session.exec(select(Location).where(Location.kind == "office").order_by(Location.id)).first()
    if location is None:
        location = Location(name="Office", kind="office")
        session.add(location)
        session.flush()
    return location


def _held_refusal(session: Session, held: HeldPhone, pupil: Pupil, database: Database) -> Refused:
    where = session.get(Location, held.location_id).name
    since = database.local(held.since).strftime("%H:%M on %a %d %b")
    return Refused(f"{first_name(pupil)}'s phone is already held in the {where} (since {since}): hand it back before checking it in again.")


def phone_in(database: Database, code: str, by: str) -> CustodyResult:
    """Morning check-in: Year 6 with walk-home permission → class cupboard (R1); anyone else → office, parents to tell (R2)."""
    with database.writing() as session:
        staff = find_staff(session, by)
        tag = _phone_tag(session, code)
        pupil = _pupil_of(session, tag)
        held = session.get(HeldPhone, tag.code)
        if held is not None:
            raise _held_refusal(session, held, pupil, database)
        if pupil.year == WALK_HOME_YEAR and pupil.walk_home:
            location, note = cupboard_for(session, pupil.class_name), None
        else:
            location = office(session)
            note = ("no walk-home permission is recorded" if pupil.year == WALK_HOME_YEAR
                    else "only Year 6 pupils who walk home alone may bring a phone")
        now = database.now()
        entry = append(session, database, "phone_in", staff_id=staff.id, tag_code=tag.code, pupil_id=pupil.id,
                       to_location_id=location.id, at=now)
        session.add(HeldPhone(tag_code=tag.code, pupil_id=pupil.id, location_id=location.id, since=now,
                              by_staff_id=staff.id, ledger_id=entry.id))
        if note:
            session.add(ParentTask(pupil_id=pupil.id, tag_code=tag.code, reason=note, opened_at=now,
                                   opened_ledger_id=entry.id))
        try:
            session.commit()
        except IntegrityError:
            # Another kiosk checked the same phone in between our read and our write.
            session.rollback()
            raise Refused(f"{first_name(pupil)}'s phone has just been checked in at another kiosk.") from None
        return CustodyResult(code=tag.code, pupil=f"{first_name(pupil)} {pupil.surname}", first_name=first_name(pupil),
                             class_name=pupil.class_name, description=tag.description, location=location.name,
                             outcome=location.kind, note=f"Parents to be told: {note}." if note else None,
                             at=database.local(now), parents_to_tell=bool(note))


def phone_out(database: Database, code: str, by: str, *, to: str | None = None, reason: str | None = None) -> CustodyResult:
    """Hand a phone back. Before home-time a reason is required (an early leaver, an appointment)."""
    to = " ".join((to or "").split())[:100] or None
    reason = " ".join((reason or "").split())[:200] or None
    with database.writing() as session:
        staff = find_staff(session, by)
        tag = _phone_tag(session, code)
        pupil = session.get(Pupil, tag.pupil_id)
        held = session.get(HeldPhone, tag.code)
        if held is None:
            raise Refused(f"{first_name(pupil)}'s phone is not being held, so it cannot be handed back: check the tag.")
        now = database.now()
        early = database.local(now).time() < database.home_time
        if early and not reason:
            raise Refused(f"It is before home-time ({database.home_time:%H:%M}): give a reason for handing the phone back early, e.g. a dentist appointment.")
        location = session.get(Location, held.location_id)
        gone = session.exec(delete(HeldPhone).where(HeldPhone.tag_code == tag.code))
        if gone.rowcount != 1:
            session.rollback()
            raise Refused(f"{first_name(pupil)}'s phone has just been handed back at another kiosk.")
        append(session, database, "phone_out", staff_id=staff.id, tag_code=tag.code, pupil_id=pupil.id,
               from_location_id=location.id, at=now, detail={"to": to, "reason": reason})
        session.commit()
        return CustodyResult(code=tag.code, pupil=f"{first_name(pupil)} {pupil.surname}", first_name=first_name(pupil),
                             class_name=pupil.class_name, description=tag.description, location=location.name,
                             outcome="handed back", note=f"Before home-time: {reason}" if early else None,
                             at=database.local(now))


def parents_told(database: Database, pupil_ref: str, by: str, how: str) -> int:
    """Close the pupil's open parents-to-tell tasks; returns how many were closed."""
    how = " ".join((how or "").split())[:200]
    if not how:
        raise Refused("Say how the parents were told, e.g. --how “phoned mum at 10:05”.")
    with database.writing() as session:
        staff = find_staff(session, by, ("office", "slt", "admin"), "recording that parents were told")
        pupil = find_pupil(session, pupil_ref)
        tasks = session.exec(select(ParentTask).where(ParentTask.pupil_id == pupil.id,
                                                      ParentTask.told_at.is_(None))).all()
        if not tasks:
            raise Refused(f"There is nothing to tell {first_name(pupil)}'s parents about: no phone task is open.")
        now = database.now()
        for task in tasks:
            task.told_at, task.told_by_id, task.how = now, staff.id, how
            session.add(task)
        append(session, database, "parents_told", staff_id=staff.id, pupil_id=pupil.id, at=now,
               detail={"how": how, "tasks": [t.id for t in tasks]})
        session.commit()
        return len(tasks)


def cupboard_locked(database: Database, class_name: str, by: str) -> CupboardCheck:
    """The teacher confirms the class cupboard is locked with the phones inside."""
    class_name = (class_name or "").strip()[:32]
    with database.writing() as session:
        staff = find_staff(session, by)
        location = session.exec(select(Location).where(Location.kind == "cupboard",
                                                       func.upper(Location.class_name) == class_name.upper())).first()
        if location is None:
            raise Refused(f"There is no cupboard for class “{class_name}”: check the class name, e.g. 6A.")
        phones = len(session.exec(select(HeldPhone.tag_code).where(HeldPhone.location_id == location.id)).all())
        now = database.now()
        append(session, database, "cupboard_locked", staff_id=staff.id, to_location_id=location.id, at=now,
               detail={"phones": phones})
        session.commit()
        return CupboardCheck(location=location.name, class_name=location.class_name, phones=phones,
                             locked_at=database.local(now))


def staff_name(session: Session, staff_id: int | None) -> str | None:
    staff = session.get(Staff, staff_id) if staff_id else None
    return f"{staff.first_name} {staff.surname}" if staff else None
