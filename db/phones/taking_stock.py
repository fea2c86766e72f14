"""Taking stock (reasonable care of pupils' property): the phones found in a cupboard or the office, compared
with the phones the record says are there, recorded as one ``stock_take`` ledger row. Nothing about custody
changes: a phone missing stays held where it was, and one not expected stays wherever the record says it is.
(The module is not called ``stock_take``: that name is the function's, which ``kiosk`` imports.)

The row's details carry the counts and the codes (``in_place``, and ``missing`` and ``not_expected`` each with
where the record said the phone was, dated): no new table. Names are looked up when the row is read (R5: first
name and surname initial).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import Connection, func

import db.core.tables as tables
from db.core import (
    LEDGER,
    CommandLine,
    Database,
    Refused,
    StockResult,
    acting,
    append,
    day_range,
    day_start,
    find_staff,
    first_name,
    not_voided,
    office,
    other_class,
    require,
    short_name,
    today,
    when,
)
from db.phones.views import StockPhone, StockPlace, StockTake
from tagcodes import printed_form

TAG, PUPIL, HELD, LOCATION = tables.tag, tables.pupil, tables.held_phone, tables.location
EXCEPTION, STAFF = tables.phone_exception, tables.staff
ACTION = "stock_take"
DOING = "a stock-take"
_ORDER = {StockResult.MISSING: 0, StockResult.NOT_EXPECTED: 1, StockResult.FOUND: 2}  # what to look into first
_HELD_IN = LOCATION.alias("held_in")
_PHONE = (sa.select(TAG.c.code, TAG.c.kind, TAG.c.retired_at, TAG.c.description, PUPIL.c.preferred_first,
                    PUPIL.c.legal_first, PUPIL.c.surname, PUPIL.c.class_name, PUPIL.c.left_at,
                    HELD.c.location_id, HELD.c.since, _HELD_IN.c.name.label("held_in"),
                    sa.select(EXCEPTION.c.id).where(EXCEPTION.c.pupil_id == PUPIL.c.id, EXCEPTION.c.ended_at.is_(None))
                    .limit(1).scalar_subquery().label("keeps"))
          .select_from(TAG.outerjoin(PUPIL, PUPIL.c.id == TAG.c.pupil_id)
                       .outerjoin(HELD, HELD.c.tag_code == TAG.c.code)
                       .outerjoin(_HELD_IN, _HELD_IN.c.id == HELD.c.location_id)))
Stamp = Callable[[datetime], str]
# No phone has gone to the office yet, so it has no row: nothing is held there (``stock_take`` makes it).
NO_OFFICE = SimpleNamespace(id=None, name="Office", kind="office", class_name=None)


# --- the place ------------------------------------------------------------------------------------------------


def _place(conn: Connection, place: str, *, make_office: bool):
    """The location (id, name, kind, class_name) for a location tag's code, "office", or a class (its cupboard)."""
    text = " ".join((place or "").split())[:100]
    code = printed_form(text)
    if code:
        row = conn.execute(sa.select(LOCATION).join(TAG, TAG.c.location_id == LOCATION.c.id).where(
            TAG.c.code == code, TAG.c.kind == "location", TAG.c.retired_at.is_(None))).first()
        if row is None:
            raise Refused(f"{code} is not a cupboard's or the office's tag in use: scan the location tag on the "
                          "cupboard or the office, or type the class, e.g. 6A.")
        return row
    if text.lower() == "office":
        found = conn.execute(sa.select(LOCATION).where(LOCATION.c.kind == "office").order_by(LOCATION.c.id)
                             .limit(1)).first()
        if found is None and make_office:
            office(conn)
            return _place(conn, place, make_office=False)
        return found or NO_OFFICE
    row = conn.execute(sa.select(LOCATION).where(LOCATION.c.kind == "cupboard", sa.or_(
        func.upper(LOCATION.c.class_name) == text.upper(), func.lower(LOCATION.c.name) == text.lower()))
        .order_by(LOCATION.c.id).limit(1)).first()
    if row is None:
        raise Refused(f"There is no cupboard for class “{text[:32]}”: check the class, e.g. 6A, or say office.")
    return row


def _ref(location, place: str) -> str:
    """What names this place again in ``stock_take``: the location tag scanned (a school may have rooms of its own,
    e.g. "Head's office", each with a tag), else "office" or the cupboard's class."""
    code = printed_form(place or "")
    if code:
        return code
    if location.kind == "office":
        return "office"
    return location.class_name or place


def _may_take_stock(staff, location) -> None:
    """Teachers take stock of their own class's cupboard; the office and the leadership team of any place."""
    require(staff, "phones", DOING)
    if staff.role != "teacher":
        return
    if location.kind == "office":
        raise Refused("A stock-take of the office is for office staff and the leadership team: take stock of your "
                      "class's cupboard.")
    if other_class(staff, location.class_name):
        whose = f"{location.class_name}'s teacher, " if location.class_name else ""
        raise Refused(f"A stock-take of the {location.name} is for {whose}the office or the leadership team: your "
                      f"class is {staff.class_name or 'not set'}.")


def stock_take_place(database: Database, place: str, *, by: str | CommandLine) -> StockPlace:
    """The place a stock-take starts on (the kiosk's first scan: a location tag, or a class, or "office"), with how
    many phones the record says are there. Refused for an unknown place or a person who may not take its stock."""
    with database.engine.connect() as conn:
        staff = find_staff(conn, by, "phones", DOING)
        location = _place(conn, place, make_office=False)
        _may_take_stock(staff, location)
        expected = conn.execute(sa.select(func.count()).select_from(HELD)
                                .where(HELD.c.location_id == location.id)).scalar()
    return StockPlace(ref=_ref(location, place), name=location.name, class_name=location.class_name,
                      expected=expected)


# --- comparing ------------------------------------------------------------------------------------------------


def _codes(found: Iterable[str]) -> list[str]:
    """Each code once, in its printed form, in the order scanned (a double read counts once)."""
    codes: list[str] = []
    for text in found:
        code = printed_form(text or "")
        if code is None:
            raise Refused(f"“{(text or '').strip()[:20]}” is not a tag code: check the code under the QR.")
        if code not in codes:
            codes.append(code)
    return codes


def _name(row) -> str:
    if row.surname is None:
        return row.code
    return short_name(first_name(row.preferred_first, row.legal_first), row.surname)


def _not_here(conn: Connection, row, stamp: Stamp) -> str:
    """Where the record says a phone found here (but not expected here) is."""
    if row.retired_at is not None:
        return "an old tag, replaced by a new one"
    if row.left_at is not None:
        return "the pupil has left the school"
    if row.held_in is not None:
        return f"in the {row.held_in} since {stamp(row.since)}"
    if row.keeps is not None:
        return "kept by the pupil (exceptions register)"
    last = conn.execute(sa.select(LEDGER.c.action, LEDGER.c.at).where(
        LEDGER.c.tag_code == row.code, LEDGER.c.action.in_(("phone_out", "confiscation_released")),
        not_voided(LEDGER.c.id)).order_by(LEDGER.c.id.desc()).limit(1)).first()
    if last is None:
        return "not checked in"
    if last.action == "phone_out":
        return f"handed back at {stamp(last.at)}"
    return f"released to a parent or carer at {stamp(last.at)}"


def _compare(conn: Connection, location, codes: list[str], stamps: tuple[Stamp, ...]) -> list[tuple[StockPhone, ...]]:
    """Every phone expected here or found here, sorted missing, not expected, found; one list per stamp (how a
    time is written: "08:45 today" on the screen, with its date in the ledger)."""
    rows = {row.code: row for row in conn.execute(_PHONE.where(TAG.c.code.in_(codes)))} if codes else {}
    for code in codes:
        row = rows.get(code)
        if row is None:
            raise Refused(f"No tag has the code {code}: check the code under the QR.")
        if row.kind != "phone":
            raise Refused(f"{code} is a {row.kind} tag, not a phone tag: scan the tag on each phone pouch.")
    here = location.id
    expected = conn.execute(_PHONE.where(HELD.c.location_id == here)).all() if here is not None else []
    lists = []
    for stamp in stamps:
        phones = [_phone(row, StockResult.FOUND if row.code in rows else StockResult.MISSING,
                         f"in the {location.name} since {stamp(row.since)}") for row in expected]
        phones += [_phone(row, StockResult.NOT_EXPECTED, _not_here(conn, row, stamp))
                   for code, row in rows.items() if row.location_id is None or row.location_id != here]
        lists.append(tuple(sorted(phones, key=lambda p: (_ORDER[p.result], p.class_name or "", p.pupil))))
    return lists


def _phone(row, result: StockResult, record: str) -> StockPhone:
    return StockPhone(code=row.code, pupil=_name(row), class_name=row.class_name, description=row.description,
                      result=result, record=record)


def stock_take_phone(database: Database, place: str, code: str, *, by: str | CommandLine) -> StockPhone:
    """One phone scanned during the kiosk's stock-take of ``place``: found (the record has it here) or not expected
    (and where the record says it is). Nothing is recorded until ``stock_take``."""
    codes = _codes([code])
    with database.engine.connect() as conn:
        staff = find_staff(conn, by, "phones", DOING)
        location = _place(conn, place, make_office=False)
        _may_take_stock(staff, location)
        now = database.now()
        [phones] = _compare(conn, location, codes, (_today(database, now),))
    return next(p for p in phones if p.code == codes[0])


def _today(database: Database, now: datetime) -> Stamp:
    return lambda moment: when(database.local(moment), database.local(now))


def _dated(database: Database) -> Stamp:
    """A time as the ledger keeps it ("08:40 on Tue 10 Nov 2026"): read months later, "today" would be wrong."""
    def stamp(moment: datetime) -> str:
        local = database.local(moment)
        return f"{local:%H:%M on %a} {local.day} {local:%b %Y}"

    return stamp


def stock_take(database: Database, place: str, found: Iterable[str], by: str | CommandLine) -> StockTake:
    """Record a stock-take of a class's cupboard (``place`` is the class, or its location tag) or the office
    ("office"): the phones ``found`` there against the phones the record holds there. Returns expected, found,
    missing and not expected, each phone named; changes no phone's custody.

    Refused, recording nothing, for an unknown place, a code that is not a phone tag, or a person who may not
    (a teacher: only their own class's cupboard).
    """
    codes = _codes(found)
    with database.transaction() as conn:
        staff = find_staff(conn, by, "phones", DOING)
        location = _place(conn, place, make_office=True)
        _may_take_stock(staff, location)
        now = database.now()
        shown, kept = _compare(conn, location, codes, (_today(database, now), _dated(database)))
        detail = {"expected": sum(p.result != StockResult.NOT_EXPECTED for p in kept), "found": len(codes),
                  "in_place": [p.code for p in kept if p.result == StockResult.FOUND],
                  "missing": {p.code: p.record for p in kept if p.result == StockResult.MISSING},
                  "not_expected": {p.code: p.record for p in kept if p.result == StockResult.NOT_EXPECTED}}
        entry = append(conn, database, ACTION, staff_id=staff.id, to_location_id=location.id, at=now, detail=detail)
    return StockTake(entry=entry, at=database.local(now), place=location.name, class_name=location.class_name,
                     by=_staff_name(staff), expected=detail["expected"], found=len(codes), phones=shown)


def _staff_name(staff) -> str:
    if staff.id is None:
        return "the command line"
    return short_name(staff.first_name, staff.surname)


# --- the record of stock-takes ---------------------------------------------------------------------------------


def stock_takes(database: Database, start: date | None = None, end: date | None = None, *,
                by: str | CommandLine) -> list[StockTake]:
    """The stock-takes between two school days (inclusive; default today), oldest first: when, where, who, the
    counts, and every phone with where the record said it was (for the leadership's evidence pack). Rows the
    retention purge has blanked are left out."""
    acting(database, by, "review", "the list of stock-takes")
    start, end = day_range(start, end, today(database))
    with database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(LEDGER.c.id, LEDGER.c.at, LEDGER.c.detail, LOCATION.c.name, LOCATION.c.class_name,
                      STAFF.c.id.label("staff_id"), STAFF.c.first_name, STAFF.c.surname)
            .select_from(LEDGER.join(LOCATION, LOCATION.c.id == LEDGER.c.to_location_id)
                         .outerjoin(STAFF, STAFF.c.id == LEDGER.c.staff_id))
            .where(LEDGER.c.action == ACTION, LEDGER.c.purged_at.is_(None),
                   LEDGER.c.at >= day_start(database, start), LEDGER.c.at < day_start(database, end + timedelta(1)))
            .order_by(LEDGER.c.id)).all()
        details = [json.loads(row.detail or "{}") for row in rows]
        codes = {code for d in details for key in ("in_place", "missing", "not_expected") for code in d.get(key, ())}
        pupils = {row.code: row for row in conn.execute(_PHONE.where(TAG.c.code.in_(codes)))} if codes else {}
    return [_recorded(row, detail, pupils, database) for row, detail in zip(rows, details)]


def _recorded(row, detail: dict, pupils: dict, database: Database) -> StockTake:
    def phone(code: str, result: StockResult, record: str) -> StockPhone:
        pupil = pupils.get(code)
        return StockPhone(code=code, pupil=_name(pupil) if pupil else code,
                          class_name=pupil.class_name if pupil else None,
                          description=pupil.description if pupil else None, result=result, record=record)

    phones = [phone(code, StockResult.MISSING, record) for code, record in detail.get("missing", {}).items()]
    phones += [phone(code, StockResult.NOT_EXPECTED, record) for code, record in detail.get("not_expected", {}).items()]
    phones += [phone(code, StockResult.FOUND, f"in the {row.name}") for code in detail.get("in_place", ())]
    by = short_name(row.first_name, row.surname) if row.staff_id is not None else "the command line"
    return StockTake(entry=row.id, at=database.local(row.at), place=row.name, class_name=row.class_name, by=by,
                     expected=int(detail.get("expected", 0)), found=int(detail.get("found", 0)),
                     phones=tuple(sorted(phones, key=lambda p: (_ORDER[p.result], p.class_name or "", p.pupil))))
