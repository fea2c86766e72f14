"""What the office and the leadership team look at: phones held, parents to tell, the day's record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import select

from db.core import (
    ClassPhone,
    CommandLine,
    CupboardCheck,
    CustodyEvent,
    Database,
    HeldPhoneRow,
    ParentsToTell,
    Refused,
    acting,
    day_range,
    day_start,
    first_name,
    full_name,
    not_voided,
    other_class,
    plural,
    short_name,
    today,
)
from db.core.models import Confiscation, HeldPhone, LedgerEntry, Location, ParentTask, Pupil, Staff, Tag
from db.core.outcomes import HeldStatus
from db.phones.views import PhoneNotIn

PHONE_ACTIONS = ("phone_in", "phone_out", "parents_told", "cupboard_locked", "walk_home_permitted", "walk_home_revoked",
                 "phone_kept", "phone_confiscated", "confiscation_released", "phone_in_again", "stock_take")
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


def _name(first: str | None, legal: str, surname: str) -> str:
    return full_name(first_name(first, legal), surname)


def phones_held(database: Database, *, by: str | CommandLine) -> list[HeldPhoneRow]:
    """Every phone held now, by location, with "still held" after home-time and "left overnight"."""
    acting(database, by, "office", "the list of every phone held")
    now = database.local(database.now())
    with database.reading() as session:
        rows = session.exec(
            select(HeldPhone, Tag.description, Pupil.preferred_first, Pupil.legal_first, Pupil.surname,
                   Pupil.class_name, Location.name, Staff.first_name, Staff.surname, Confiscation.reason,
                   Confiscation.at)
            .join(Tag, Tag.code == HeldPhone.tag_code).join(Pupil, Pupil.id == HeldPhone.pupil_id)
            .join(Location, Location.id == HeldPhone.location_id).join(Staff, Staff.id == HeldPhone.by_staff_id)
            .outerjoin(Confiscation, (Confiscation.tag_code == HeldPhone.tag_code)
                       & Confiscation.released_at.is_(None))
            .order_by(Location.name, Pupil.class_name, Pupil.surname)).all()
    result = []
    for held, description, preferred, legal, surname, class_name, where, staff_first, staff_last, reason, taken \
            in rows:
        since = database.local(taken or held.since)
        if reason is not None:  # a sanction: not a phone forgotten at home-time or overnight
            status = HeldStatus.CONFISCATED
        elif since.date() < now.date():
            status = HeldStatus.LEFT_OVERNIGHT
        elif now.time() >= database.home_time:
            status = HeldStatus.STILL_HELD
        else:
            status = HeldStatus.HELD
        first = first_name(preferred, legal)
        result.append(HeldPhoneRow(code=held.tag_code, pupil=full_name(first, surname),
                                   short_name=short_name(first, surname), class_name=class_name,
                                   description=description, location=where, since=since,
                                   by=full_name(staff_first, staff_last), status=status, entry=held.ledger_id,
                                   reason=reason))
    return result


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
    return [ToCollect(code=c.tag_code, pupil=_name(p, legal, s), class_name=class_name, reason=c.reason,
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
    return [ParentsToTell(task_id=task.id, pupil_ref=upn or adno or task.tag_code, pupil=_name(p, legal, s),
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
            result.append(ClassPhone(code=entry.tag_code, pupil=_name(preferred, legal, surname),
                                     description=description, location=where, checked_in=database.local(entry.at),
                                     handed_back=database.local(_utc(back)) if back else None))
        overnight = session.exec(
            select(HeldPhone, Tag.description, Pupil.preferred_first, Pupil.legal_first, Pupil.surname, Location.name)
            .join(Pupil, Pupil.id == HeldPhone.pupil_id).join(Tag, Tag.code == HeldPhone.tag_code)
            .join(Location, Location.id == HeldPhone.location_id)
            .where(HeldPhone.since < start, func.upper(Pupil.class_name) == class_name.upper(),
                   ~exists().where(Confiscation.tag_code == HeldPhone.tag_code, Confiscation.released_at.is_(None)))
            .order_by(HeldPhone.since)).all()
    result += [ClassPhone(code=held.tag_code, pupil=_name(preferred, legal, surname), description=description,
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
    return [PhoneNotIn(code=code, pupil=_name(preferred, legal, surname), description=description)
            for code, description, preferred, legal, surname in rows]


def custody_report(database: Database, start: date | None = None, end: date | None = None, *,
                   by: str | CommandLine) -> list[CustodyEvent]:
    """Every phone event between two school days (inclusive), oldest first. Default: today."""
    acting(database, by, "review", "the custody report")
    start, end = day_range(start, end, today(database))
    to_loc, from_loc = aliased(Location), aliased(Location)
    with database.reading() as session:
        rows = session.exec(
            select(LedgerEntry, Pupil.preferred_first, Pupil.legal_first, Pupil.surname, Pupil.class_name,
                   to_loc.name, from_loc.name, Staff.first_name, Staff.surname)
            .outerjoin(Pupil, Pupil.id == LedgerEntry.pupil_id)
            .outerjoin(to_loc, to_loc.id == LedgerEntry.to_location_id)
            .outerjoin(from_loc, from_loc.id == LedgerEntry.from_location_id)
            .outerjoin(Staff, Staff.id == LedgerEntry.staff_id)
            .where(LedgerEntry.action.in_(PHONE_ACTIONS + ("entry_voided",)),
                   LedgerEntry.at >= day_start(database, start),
                   LedgerEntry.at < day_start(database, end + timedelta(days=1)))
            .order_by(LedgerEntry.id)).all()
        # A voided row stays in the report, marked with the entry that voided it (the void is a row of its own).
        voided_by = dict(session.exec(select(LedgerEntry.voids_id, LedgerEntry.id).where(
            LedgerEntry.voids_id.in_([e.id for e, *_ in rows]))).all()) if rows else {}
    return [CustodyEvent(at=database.local(e.at), action=e.action.replace("_", " "), code=e.tag_code,
                         pupil=_name(p, legal, s) if s else None, class_name=c, location=to_name or from_name,
                         by=f"{sf} {ss}" if sf else None, kiosk=e.kiosk,
                         note=_event_note(database, e, voided_by.get(e.id)),
                         entry=e.id, voided_by=voided_by.get(e.id))
            for e, p, legal, s, c, to_name, from_name, sf, ss in rows
            if e.action != "entry_voided" or json.loads(e.detail or "{}").get("voided") in PHONE_ACTIONS]


def _event_note(database: Database, entry: LedgerEntry, voided_by: int | None) -> str | None:
    """The row's details; a void names the entry it voids, and a voided row says so first."""
    detail = json.loads(entry.detail or "{}")
    if entry.action == "entry_voided":
        return f"voids entry {entry.voids_id} ({detail.get('voided', '').replace('_', ' ')}): {detail.get('reason')}"
    note = _stock_note(detail) if entry.action == "stock_take" else _note(database, detail)
    if voided_by is not None:
        return f"VOIDED by entry {voided_by}" + (f"; {note}" if note else "")
    return note


def _stock_note(data: dict) -> str | None:
    """A stock-take's row: the counts, then each phone to look into with where the record said it was."""
    if not data:
        return None
    missing, unexpected = data.get("missing", {}), data.get("not_expected", {})
    parts = [f"expected {data.get('expected', 0)}, found {data.get('found', 0)}, missing {len(missing)}, "
             f"not expected {len(unexpected)}"]
    parts += [f"missing {code} ({record})" for code, record in missing.items()]
    parts += [f"not expected {code} ({record})" for code, record in unexpected.items()]
    return "; ".join(parts)


def _note(database: Database, data: dict) -> str | None:
    """The ledger row's details as a person reads them: "parents task 6", never the list ``tasks: [6]``."""
    parts = [_detail(database, key, value) for key, value in sorted(data.items())
             if value not in (None, "", [], {})]
    return "; ".join(parts) or None


def _detail(database: Database, key: str, value) -> str:
    if key == "tasks":  # the parents-to-tell tasks a "parents told" closed (their ids, on the office screen)
        numbers = [str(n) for n in value] if isinstance(value, list) else [str(value)]
        return f"parents {'task' if len(numbers) == 1 else 'tasks'} {_and(numbers)}"
    if key == "held_since":  # a phone left overnight: since when it was held
        since = database.local(datetime.fromisoformat(value))
        return f"held since {since:%a} {since.day} {since:%b} {since:%H:%M}"
    if key == "exception":  # a pupil who keeps their phone: their row on the exceptions register
        return f"exceptions register entry {value}"
    if key == "phones":  # a cupboard confirmed locked, with the phones in it
        return plural(int(value), "phone") + " in it"
    if isinstance(value, bool):
        return f"{key.replace('_', ' ')}: {'yes' if value else 'no'}"
    if isinstance(value, list):
        return f"{key.replace('_', ' ')}: {_and([str(v) for v in value])}"
    return f"{key.replace('_', ' ')}: {value}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
