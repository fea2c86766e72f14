"""The lists behind the phone rules' figures for a period (R8), as the evidence pack prints them: the confiscation
log, the early hand-backs with their reasons, each cupboard's days and lock confirmations, and the exceptions in
force. Every name is a first name and surname initial (R5): these lists leave the kiosk on paper."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import select

from db.core import LEDGER, CommandLine, Database, acting, day_start, first_name, short_name
from db.core.models import Confiscation, LedgerEntry, Location, PhoneException, Pupil, Staff

CHECKED_IN = ("phone_in", "phone_in_again")  # a phone put in (or found in) its place that morning


@dataclass(frozen=True)
class ConfiscationEntry:
    at: datetime
    pupil: str  # "Amira K."
    class_name: str
    reason: str
    by: str
    location: str
    released_at: datetime | None  # collected by a parent or carer; None: still held
    hours: float | None  # from the confiscation to the release
    pupil_count: int  # the pupil's confiscations in the period (2 or more: a repeat)


@dataclass(frozen=True)
class EarlyHandBack:
    at: datetime
    pupil: str
    class_name: str
    reason: str
    by: str


@dataclass(frozen=True)
class CupboardDay:
    """One school day a cupboard had phones put in it, and whether a lock was confirmed after the last one."""

    day: date
    cupboard: str
    phones: int
    last_in: datetime
    locked_at: datetime | None  # the day's last lock confirmation, whenever it was
    confirmed: bool


@dataclass(frozen=True)
class ExceptionEntry:
    """A pupil's exception in force at some time in the period: what was agreed, never why (no diagnosis)."""

    class_name: str
    kind: str
    conditions: str
    approved_by: str
    approved_on: date
    review_on: date
    ended_on: date | None


def _voided():
    """The ids of voided entries, as one subquery (NOT IN over a set, not a NOT EXISTS per row)."""
    return sa.select(LEDGER.c.voids_id).where(LEDGER.c.voids_id.is_not(None))


def _bounds(database: Database, first: date, last: date) -> tuple[datetime, datetime]:
    return day_start(database, first), day_start(database, last + timedelta(days=1))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def confiscation_log(database: Database, first: date, last: date, *, by: str | CommandLine) -> list[ConfiscationEntry]:
    """The confiscations made between two days (inclusive) that stand, oldest first."""
    acting(database, by, "review", "the confiscation log")
    lo, hi = _bounds(database, first, last)
    with database.reading() as session:
        rows = session.exec(
            select(Confiscation, Pupil.preferred_first, Pupil.legal_first, Pupil.surname, Pupil.class_name,
                   Location.name, Staff.first_name, Staff.surname)
            .join(Pupil, Pupil.id == Confiscation.pupil_id).join(Location, Location.id == Confiscation.location_id)
            .join(Staff, Staff.id == Confiscation.by_staff_id)
            .where(Confiscation.at >= lo, Confiscation.at < hi, Confiscation.ledger_id.not_in(_voided()))
            .order_by(Confiscation.at, Confiscation.id)).all()
    counts = Counter(c.pupil_id for c, *_ in rows)
    result = []
    for c, preferred, legal, surname, class_name, where, staff_first, staff_last in rows:
        released = _utc(c.released_at) if c.released_at else None
        result.append(ConfiscationEntry(
            at=database.local(c.at), pupil=short_name(first_name(preferred, legal), surname), class_name=class_name,
            reason=c.reason, by=short_name(staff_first, staff_last), location=where,
            released_at=database.local(released) if released else None,
            hours=(released - _utc(c.at)).total_seconds() / 3600 if released else None,
            pupil_count=counts[c.pupil_id]))
    return result


def early_hand_backs(database: Database, first: date, last: date, *, by: str | CommandLine) -> list[EarlyHandBack]:
    """Phones handed back before home-time between two days (inclusive), with the reason given, oldest first."""
    acting(database, by, "review", "the list of early hand-backs")
    lo, hi = _bounds(database, first, last)
    with database.reading() as session:
        rows = session.exec(
            select(LedgerEntry.at, LedgerEntry.detail, Pupil.preferred_first, Pupil.legal_first, Pupil.surname,
                   Pupil.class_name, Staff.first_name, Staff.surname)
            .join(Pupil, Pupil.id == LedgerEntry.pupil_id).outerjoin(Staff, Staff.id == LedgerEntry.staff_id)
            .where(LedgerEntry.action == "phone_out", LedgerEntry.at >= lo, LedgerEntry.at < hi,
                   LedgerEntry.id.not_in(_voided()))
            .order_by(LedgerEntry.id)).all()
    result = []
    for at, detail, preferred, legal, surname, class_name, staff_first, staff_last in rows:
        local = database.local(_utc(at))
        if local.time() >= database.home_time:
            continue
        result.append(EarlyHandBack(at=local, pupil=short_name(first_name(preferred, legal), surname),
                                    class_name=class_name, reason=json.loads(detail or "{}").get("reason") or "",
                                    by=short_name(staff_first, staff_last) if staff_first else "the command line"))
    return result


def cupboard_days(database: Database, first: date, last: date, *, by: str | CommandLine) -> list[CupboardDay]:
    """Each day between two days (inclusive) a class cupboard had phones put in it: how many, the day's last lock
    confirmation, and whether it came after the last phone (as ``cupboards_to_check`` asks on the day)."""
    acting(database, by, "review", "the cupboards' lock confirmations")
    lo, hi = _bounds(database, first, last)
    with database.reading() as session:
        rows = session.exec(
            select(LedgerEntry.action, LedgerEntry.at, Location.name)
            .join(Location, Location.id == LedgerEntry.to_location_id)
            .where(LedgerEntry.action.in_(CHECKED_IN + ("cupboard_locked",)), Location.kind == "cupboard",
                   LedgerEntry.at >= lo, LedgerEntry.at < hi, LedgerEntry.id.not_in(_voided()))
            .order_by(LedgerEntry.id)).all()
    phones: Counter = Counter()
    last_in: dict[tuple, datetime] = {}
    locked: dict[tuple, datetime] = {}
    for action, at, where in rows:
        local = database.local(_utc(at))
        key = (local.date(), where)
        if action == "cupboard_locked":
            locked[key] = max(local, locked.get(key, local))
        else:
            phones[key] += 1
            last_in[key] = max(local, last_in.get(key, local))
    return [CupboardDay(day=day, cupboard=where, phones=phones[day, where], last_in=last_in[day, where],
                        locked_at=locked.get((day, where)),
                        confirmed=(day, where) in locked and locked[day, where] >= last_in[day, where])
            for day, where in sorted(last_in)]


def exceptions_in_force(database: Database, first: date, last: date, *,
                        by: str | CommandLine) -> list[ExceptionEntry]:
    """Pupils' exceptions in force at some time between two days (inclusive), by class then approval: the kind,
    the conditions, who approved it and the review date; not the pupil, nor any diagnosis."""
    acting(database, by, "review", "the exceptions register")
    lo, hi = _bounds(database, first, last)
    with database.reading() as session:
        rows = session.exec(
            select(PhoneException, Pupil.class_name, Staff.first_name, Staff.surname)
            .join(Pupil, Pupil.id == PhoneException.pupil_id).join(Staff, Staff.id == PhoneException.approved_by_id)
            .where(PhoneException.approved_at < hi, PhoneException.ledger_id.not_in(_voided()),
                   sa.or_(PhoneException.ended_at.is_(None), PhoneException.ended_at >= lo))
            .order_by(Pupil.class_name, PhoneException.approved_at, PhoneException.id)).all()
    return [ExceptionEntry(class_name=class_name, kind=row.kind, conditions=row.conditions,
                           approved_by=short_name(staff_first, staff_last),
                           approved_on=database.local(_utc(row.approved_at)).date(), review_on=row.review_on,
                           ended_on=database.local(_utc(row.ended_at)).date() if row.ended_at else None)
            for row, class_name, staff_first, staff_last in rows]
