"""The lists behind the phone rules' figures for a period (R8), as the evidence pack prints them: the confiscation
log, the early hand-backs with their reasons, each cupboard's days and lock confirmations, and the exceptions in
force. Every name is a first name and surname initial (R5): these lists leave the kiosk on paper."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import func
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
    """The ids of voided entries, as one subquery read through the action index (NOT IN over a small set, not a NOT
    EXISTS per row on the unindexed voids_id)."""
    return sa.select(LEDGER.c.voids_id).where(LEDGER.c.action == "entry_voided", LEDGER.c.voids_id.is_not(None))


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


def _days(database: Database, first: date, last: date):
    """Each day from ``first`` to ``last``: (the day, its start, the next day's start), UTC as stored. A list read
    day by day asks the database for that day's rows alone (through the action and time index), so the school's
    own day and time of day are exact through summer time on either database, and no year of rows is read into
    Python to be sorted into days."""
    day = first
    while day <= last:
        yield day, day_start(database, day), day_start(database, day + timedelta(days=1))
        day += timedelta(days=1)


def early_hand_backs(database: Database, first: date, last: date, *, by: str | CommandLine) -> list[EarlyHandBack]:
    """Phones handed back before home-time between two days (inclusive), with the reason given, oldest first."""
    acting(database, by, "review", "the list of early hand-backs")
    query = (select(LedgerEntry.at, LedgerEntry.detail, Pupil.preferred_first, Pupil.legal_first, Pupil.surname,
                    Pupil.class_name, Staff.first_name, Staff.surname)
             .join(Pupil, Pupil.id == LedgerEntry.pupil_id).outerjoin(Staff, Staff.id == LedgerEntry.staff_id)
             .where(LedgerEntry.action == "phone_out", LedgerEntry.id.not_in(_voided())).order_by(LedgerEntry.id))
    rows = []
    with database.reading() as session:
        for day, lo, _ in _days(database, first, last):
            home_time = datetime.combine(day, database.home_time, tzinfo=database.zone)
            rows += session.exec(query.where(LedgerEntry.at >= lo, LedgerEntry.at < home_time)).all()
    return [EarlyHandBack(at=database.local(_utc(at)), pupil=short_name(first_name(preferred, legal), surname),
                          class_name=class_name, reason=json.loads(detail or "{}").get("reason") or "",
                          by=short_name(staff_first, staff_last) if staff_first else "the command line")
            for at, detail, preferred, legal, surname, class_name, staff_first, staff_last in rows]


def cupboard_days(database: Database, first: date, last: date, *, by: str | CommandLine) -> list[CupboardDay]:
    """Each day between two days (inclusive) a class cupboard had phones put in it: how many, the day's last lock
    confirmation, and whether it came after the last phone (as ``cupboards_to_check`` asks on the day)."""
    acting(database, by, "review", "the cupboards' lock confirmations")
    locking = LedgerEntry.action == "cupboard_locked"
    result = []
    with database.reading() as session:
        cupboards = dict(session.exec(select(Location.id, Location.name).where(Location.kind == "cupboard")).all())
        # The cupboards by id, not a join: the day's rows come from the action and time index, not a search per
        # cupboard.
        query = (select(LedgerEntry.to_location_id, locking, func.count(), func.max(LedgerEntry.at))
                 .where(LedgerEntry.action.in_(CHECKED_IN + ("cupboard_locked",)),
                        LedgerEntry.to_location_id.in_(list(cupboards)), LedgerEntry.id.not_in(_voided()))
                 .group_by(LedgerEntry.to_location_id, locking))
        for day, lo, hi in _days(database, first, last) if cupboards else ():
            found: dict[str, dict] = {}
            for place, locked, count, moment in session.exec(query.where(LedgerEntry.at >= lo, LedgerEntry.at < hi)):
                found.setdefault(cupboards[place], {})[bool(locked)] = (count, database.local(_utc(moment)))
            for where, seen in sorted(found.items()):
                if False not in seen:
                    continue  # locked, with no phone put in that day
                phones, last_in = seen[False]
                locked_at = seen[True][1] if True in seen else None
                confirmed = locked_at is not None and locked_at >= last_in
                result.append(CupboardDay(day=day, cupboard=where, phones=phones, last_in=last_in,
                                          locked_at=locked_at, confirmed=confirmed))
    return result


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
