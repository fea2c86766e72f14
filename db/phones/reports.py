"""What the office and the leadership team look at: phones to collect, parents to tell, cupboards to check, a
class's phones today. (Every phone held now is held.py's, the custody report custody_record.py's: Core alone.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import select

from db.core import (
    ClassPhone,
    CommandLine,
    CupboardCheck,
    Database,
    ParentsToTell,
    Refused,
    acting,
    day_start,
    full_name,
    known_as,
    not_voided,
    other_class,
    today,
)
from db.core.models import Confiscation, HeldPhone, LedgerEntry, Location, ParentTask, Pupil, Staff, Tag
from db.phones.views import PhoneNotIn

CHECKED_IN = ("phone_in", "phone_in_again")  # a morning scan that put (or found) the phone in its place today
SEEN_TODAY = CHECKED_IN + ("phone_kept",)  # … or saw it kept by a pupil on the exceptions register


@dataclass(frozen=True)
class ToCollect:
    """A confiscated phone a parent or carer must collect: on the office's list until it is released to one.

    The open confiscation is the task: releasing the phone to a named parent or carer (``phone_out --to``) is
    what closes it, so it cannot be ticked off while the phone is still in the office.
    """

    code: str
    pupil: str
    class_name: str
    reason: str
    location: str
    since: datetime
    by: str


def phones_to_collect(database: Database, *, by: str | CommandLine) -> list[ToCollect]:
    """Confiscated phones waiting for a parent or carer to collect them, oldest first (the office's task)."""
    acting(database, by, "office", "the list of confiscated phones to collect")
    with database.reading() as session:
        rows = session.exec(
            select(Confiscation, Pupil.preferred_first, Pupil.legal_first, Pupil.surname, Pupil.class_name,
                   Location.name, Staff.first_name, Staff.surname)
            .join(Pupil, Pupil.id == Confiscation.pupil_id).join(Location, Location.id == Confiscation.location_id)
            .join(Staff, Staff.id == Confiscation.by_staff_id).where(Confiscation.released_at.is_(None))
            .order_by(Confiscation.at)).all()
    return [ToCollect(code=c.tag_code, pupil=known_as(p, legal, s), class_name=class_name, reason=c.reason,
                      location=where, since=database.local(c.at), by=full_name(sf, sl))
            for c, p, legal, s, class_name, where, sf, sl in rows]


def phone_places(database: Database) -> list[str]:
    """The places a phone can be kept (the office, the class cupboards, rooms with a location tag), by name."""
    with database.reading() as session:
        return list(session.exec(select(Location.name).order_by(Location.kind.desc(), Location.name)).all())


def parents_pending(database: Database, *, by: str | CommandLine) -> list[ParentsToTell]:
    """Parents still to be told that their child brought a phone (R2), oldest first."""
    acting(database, by, "office", "the list of parents to tell")
    with database.reading() as session:
        rows = session.exec(
            select(ParentTask, Pupil.upn, Pupil.adno, Pupil.preferred_first, Pupil.legal_first, Pupil.surname,
                   Pupil.class_name)
            .join(Pupil, Pupil.id == ParentTask.pupil_id).where(ParentTask.told_at.is_(None))
            .order_by(ParentTask.opened_at)).all()
        went = {task.id: session.exec(select(LedgerEntry.at).where(
            LedgerEntry.action.in_(("phone_out", "confiscation_released")), LedgerEntry.tag_code == task.tag_code,
            LedgerEntry.id > task.opened_ledger_id).order_by(LedgerEntry.id).limit(1)).first()
            for task, *_ in rows}
    return [ParentsToTell(task_id=task.id, pupil_ref=upn or adno or task.tag_code, pupil=known_as(p, legal, s),
                          class_name=c, reason=task.reason, since=database.local(task.opened_at),
                          went_home=database.local(_utc(went[task.id])) if went[task.id] else None)
            for task, upn, adno, p, legal, s, c in rows]


def cupboards_to_check(database: Database, *, by: str | CommandLine) -> list[CupboardCheck]:
    """Cupboards holding phones with no lock confirmation since the last phone went in today."""
    acting(database, by, "office", "the list of cupboards to check")
    start = day_start(database, today(database))
    with database.reading() as session:
        holding = session.exec(
            select(Location, func.count(HeldPhone.tag_code), func.max(HeldPhone.since))
            .join(HeldPhone, HeldPhone.location_id == Location.id).where(Location.kind == "cupboard")
            .group_by(Location.id).order_by(Location.name)).all()
        checks = [_not_locked(session, database, location, phones, last_in, start)
                  for location, phones, last_in in holding]
    return [check for check in checks if check is not None]


def _acting_for_class(database: Database, by: str | CommandLine, class_name: str, doing: str, what: str,
                      verb: str) -> None:
    """A class's own lists are for its teacher, the office and the leadership team; refused for another teacher."""
    staff = acting(database, by, "phones", doing)
    if other_class(staff, class_name):
        raise Refused(f"{class_name}'s {what} for {class_name}'s teacher and the office to {verb}.")


def class_cupboard(database: Database, class_name: str, *, by: str | CommandLine) -> CupboardCheck | None:
    """The class's cupboard if it holds phones with no lock confirmation since the last one went in today."""
    _acting_for_class(database, by, class_name, "a class's cupboard", "cupboard is", "check")
    start = day_start(database, today(database))
    with database.reading() as session:
        found = session.exec(
            select(Location, func.count(HeldPhone.tag_code), func.max(HeldPhone.since))
            .join(HeldPhone, HeldPhone.location_id == Location.id)
            .where(Location.kind == "cupboard", func.upper(Location.class_name) == class_name.upper())
            .group_by(Location.id)).first()
        return _not_locked(session, database, *found, start) if found else None


def _not_locked(session, database: Database, location: Location, phones: int, last_in,
                start: datetime) -> CupboardCheck | None:
    locked = session.exec(select(func.max(LedgerEntry.at)).where(
        LedgerEntry.action == "cupboard_locked", LedgerEntry.to_location_id == location.id,
        LedgerEntry.at >= start)).one()
    if locked is not None and _utc(locked) >= _utc(last_in):
        return None
    return CupboardCheck(location=location.name, class_name=location.class_name, phones=phones,
                         locked_at=database.local(_utc(locked)) if locked else None)


def _utc(moment: datetime) -> datetime:
    """Aggregates (max) skip the column type, so SQLite hands back naive UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def class_phones_today(database: Database, class_name: str, *, by: str | CommandLine) -> list[ClassPhone]:
    """The class's phones checked in today (newest first), and whether each has gone home; then those held
    since an earlier day (left overnight, oldest first) until a morning scan finds them in place."""
    _acting_for_class(database, by, class_name, "the list of a class's phones", "phones are", "see")
    start = day_start(database, today(database))
    out = aliased(LedgerEntry)
    with database.reading() as session:
        rows = session.exec(
            select(LedgerEntry, Tag.description, Pupil.preferred_first, Pupil.legal_first, Pupil.surname, Location.name)
            .join(Pupil, Pupil.id == LedgerEntry.pupil_id).join(Tag, Tag.code == LedgerEntry.tag_code)
            .join(Location, Location.id == LedgerEntry.to_location_id)
            .where(LedgerEntry.action.in_(CHECKED_IN), LedgerEntry.at >= start, not_voided(LedgerEntry.id),
                   func.upper(Pupil.class_name) == class_name.upper())
            .order_by(LedgerEntry.id.desc())).all()
        result = []
        for entry, description, preferred, legal, surname, where in rows:
            back = session.exec(select(out.at).where(out.action == "phone_out", out.tag_code == entry.tag_code,
                                                     out.id > entry.id, not_voided(out.id))
                                .order_by(out.id).limit(1)).first()
            result.append(ClassPhone(code=entry.tag_code, pupil=known_as(preferred, legal, surname),
                                     description=description, location=where, checked_in=database.local(entry.at),
                                     handed_back=database.local(_utc(back)) if back else None))
        overnight = session.exec(
            select(HeldPhone, Tag.description, Pupil.preferred_first, Pupil.legal_first, Pupil.surname, Location.name)
            .join(Pupil, Pupil.id == HeldPhone.pupil_id).join(Tag, Tag.code == HeldPhone.tag_code)
            .join(Location, Location.id == HeldPhone.location_id)
            .where(HeldPhone.since < start, func.upper(Pupil.class_name) == class_name.upper(),
                   ~exists().where(Confiscation.tag_code == HeldPhone.tag_code, Confiscation.released_at.is_(None)))
            .order_by(HeldPhone.since)).all()
    result += [ClassPhone(code=held.tag_code, pupil=known_as(preferred, legal, surname), description=description,
                          location=where, checked_in=database.local(held.since), handed_back=None,
                          left_overnight=True)
               for held, description, preferred, legal, surname, where in overnight]
    return result


def phones_not_in(database: Database, class_name: str, *, by: str | CommandLine) -> list[PhoneNotIn]:
    """The class's pupils with a phone tag whose phone has not been scanned in today and is not held, by name."""
    _acting_for_class(database, by, class_name, "the list of a class's phones not in yet", "phones are", "see")
    start = day_start(database, today(database))
    with database.reading() as session:
        rows = session.exec(
            select(Tag.code, Tag.description, Pupil.preferred_first, Pupil.legal_first, Pupil.surname)
            .join(Pupil, Pupil.id == Tag.pupil_id)
            .where(Tag.kind == "phone", Tag.retired_at.is_(None), Pupil.left_at.is_(None),
                   func.upper(Pupil.class_name) == class_name.upper(),
                   ~exists().where(HeldPhone.tag_code == Tag.code),
                   ~exists().where(LedgerEntry.pupil_id == Pupil.id, LedgerEntry.action.in_(SEEN_TODAY),
                                   LedgerEntry.at >= start))
            .order_by(Pupil.surname, func.coalesce(Pupil.preferred_first, Pupil.legal_first))).all()
    return [PhoneNotIn(code=code, pupil=known_as(preferred, legal, surname), description=description)
            for code, description, preferred, legal, surname in rows]
