"""The phone rules (R1, R2): check in, hand back, tell the parents, lock the cupboard, confiscate.

Each function is one thing a person does. It opens its own transaction, applies
the rule, writes the ledger row and the current-state projection together, and
returns plain data. A refusal raises ``Refused`` and writes nothing.

Check-in and hand-back run on every scan, so they use SQLAlchemy Core with
statements built once (bench/scan_latency.py), and they hold the school's write
lock for as few round trips as the rules allow (bench/load_test.py: twenty kiosks
queue for that lock). Before the lock: the staff member and the phone are read
and every refusal they allow is made, costing the other kiosks nothing. Under
the lock: the same read again in one statement, with the chain head, since
another kiosk may have written between; then the ledger row and the
projections it changes, with the COMMIT (``Scanning.write``). On PostgreSQL that is
two round trips while the lock is held: the lock with the read, the writes with the COMMIT.
"""

from __future__ import annotations

from collections import namedtuple
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import Connection, Row, bindparam, func
from sqlalchemy.exc import IntegrityError

import db.core.tables as tables
from db.core import (
    ENTRY_COLUMNS,
    WALK_HOME_YEAR,
    CupboardCheck,
    CustodyResult,
    Database,
    ParentNeeded,
    ReasonNeeded,
    Refused,
    Scanning,
    append,
    cupboard_for,
    find_pupil,
    find_staff,
    first_name,
    full_name,
    goes_to_cupboard,
    head_columns,
    may,
    name_key,
    next_entry,
    office,
    other_class,
    place_named,
    plain,
    pupil_name,
    require,
    require_class,
    short_name,
    staff_code,
    usable_staff,
    walk_home_valid,
)
from db.core.outcomes import Outcome

TAG, PUPIL, HELD, LOCATION = tables.tag, tables.pupil, tables.held_phone, tables.location
LEDGER = tables.ledger_entry
# A tag read twice at one kiosk this soon after its check-in is a scanner's double read (or a nervous pupil).
RESCAN_WINDOW = timedelta(minutes=2)
CHECK_IN_ACTIONS = ("phone_in", "phone_in_again")
EXCEPTION, CONFISCATION = tables.phone_exception, tables.confiscation
_CUPBOARD = LOCATION.alias("cupboard")
_WHERE = LOCATION.alias("held_in")
# One read gives everything a scan needs: the tag, its pupil, where the phone is, the class cupboard.
_SCAN = (sa.select(TAG.c.code, TAG.c.kind, TAG.c.retired_at, TAG.c.description,
                PUPIL.c.id.label("pupil_id"), PUPIL.c.legal_first, PUPIL.c.preferred_first, PUPIL.c.surname,
                PUPIL.c.year, PUPIL.c.class_name, PUPIL.c.walk_home, PUPIL.c.walk_home_at, PUPIL.c.left_at,
                HELD.c.location_id.label("held_in"), HELD.c.since.label("held_since"),
                _WHERE.c.name.label("held_in_name"),
                _CUPBOARD.c.id.label("cupboard_id"), _CUPBOARD.c.name.label("cupboard_name"),
                # Rare, but checked on every scan: scalar subqueries keep it to one round trip.
                sa.select(func.max(EXCEPTION.c.id)).where(EXCEPTION.c.pupil_id == PUPIL.c.id,
                                                          EXCEPTION.c.ended_at.is_(None))
                .scalar_subquery().label("exception_id"),
                sa.select(CONFISCATION.c.id).where(CONFISCATION.c.tag_code == TAG.c.code,
                                                   CONFISCATION.c.released_at.is_(None))
                .scalar_subquery().label("confiscation_id"),
                # The office, where any phone not for a cupboard goes (R2); NULL until it exists.
                sa.select(LOCATION.c.id).where(LOCATION.c.kind == "office").order_by(LOCATION.c.id).limit(1)
                .scalar_subquery().label("office_id"),
                sa.select(LOCATION.c.name).where(LOCATION.c.kind == "office").order_by(LOCATION.c.id).limit(1)
                .scalar_subquery().label("office_name"))
         .select_from(TAG.outerjoin(PUPIL, PUPIL.c.id == TAG.c.pupil_id)
                      .outerjoin(HELD, HELD.c.tag_code == TAG.c.code)
                      .outerjoin(_WHERE, _WHERE.c.id == HELD.c.location_id)
                      .outerjoin(_CUPBOARD, (_CUPBOARD.c.kind == "cupboard")
                                 & (_CUPBOARD.c.class_name == PUPIL.c.class_name)))
         .where(TAG.c.code == bindparam("code")))
TASK = tables.parent_task
_RELEASE = HELD.delete().where(HELD.c.tag_code == bindparam("code"))
STAFF = tables.staff


def _bound(table, prefix: str, *names: str) -> dict:
    """Each column's value as a parameter (``prefix`` + its name): a scan's writes are built once, at import, and
    sent with each scan's values."""
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in names}


def _values(prefix: str, row: dict) -> dict:
    return {prefix + name: value for name, value in row.items()}


_ENTRY = _bound(LEDGER, "e_", *ENTRY_COLUMNS)
_RECORD = LEDGER.insert().values(_ENTRY)
_HOLDING = HELD.insert().values(_bound(HELD, "h_", "tag_code", "pupil_id", "location_id", "since", "by_staff_id",
                                       "ledger_id"))
_TASK = TASK.insert().values(_bound(TASK, "t_", "pupil_id", "tag_code", "reason", "opened_at", "opened_ledger_id"))
# PostgreSQL's hand-back: the ledger row inserted only from the held phone's row deleted (see _handing_back).
_GONE = _RELEASE.returning(HELD.c.tag_code).cte("gone")
_RECORD_GONE = LEDGER.insert().from_select(list(ENTRY_COLUMNS), sa.select(*_ENTRY.values()).select_from(_GONE))


# The read before the lock, with the staff member's row when the scan names them by code: one round trip fewer.
_BY = STAFF.alias("by_staff")
_SCAN_BY = _SCAN.add_columns(*(column.label(f"by_{column.key}") for column in _BY.c)).outerjoin(
    _BY, _BY.c.code == bindparam("staff_code"))
_StaffRow = namedtuple("_StaffRow", STAFF.c.keys())  # what find_staff gives: the staff table's row


def _staff_now(column):
    return sa.select(column).where(STAFF.c.id == bindparam("staff_id")).scalar_subquery()


# The scan's read made again under the lock, in the same round trip: what another kiosk may have changed since (the
# phone's place, a confiscation, the staff member's role), the chain head, and whether the parents are still to be
# told (the hand-back's note).
_LOCKED_SCAN = _SCAN.add_columns(
    *head_columns(),
    _staff_now(STAFF.c.role).label("staff_role"), _staff_now(STAFF.c.class_name).label("staff_class"),
    _staff_now(STAFF.c.left_at).label("staff_left"),
    sa.exists().where(TASK.c.tag_code == TAG.c.code, TASK.c.told_at.is_(None)).label("untold"))


def _scan_row(conn: Connection, code: str, read=_SCAN, scan: Scanning | None = None, **more) -> Row:
    """The phone tag and its pupil (read under the school's lock, in the lock's round trip, with ``scan``); refused
    if the code is not a phone tag in use."""
    params = {"code": code, **more}
    return _phone(scan.lock(read, params) if scan is not None else conn.execute(read, params).first(), code)


def _before_lock(conn: Connection, code: str, by: str, doing: str) -> tuple:
    """The staff member and the phone before the lock, in one read when ``by`` is a staff code; refused as
    ``find_staff`` and ``_scan_row`` refuse, in that order."""
    wanted = staff_code(by)
    row = conn.execute(_SCAN_BY, {"code": code, "staff_code": wanted}).first() if wanted else None
    if row is None or row.by_id is None:  # a badge, or someone or something unknown: refused in their words
        return find_staff(conn, by, "phones", doing), _phone(row, code)
    staff = usable_staff(conn, _StaffRow(*(row._mapping[f"by_{key}"] for key in _StaffRow._fields)), by.strip(),
                         "phones", doing)
    return staff, _phone(row, code)


def _phone(row: Row | None, code: str) -> Row:
    """``row`` (the tag and its pupil), refused unless it is a phone tag in use."""
    if row is None or row.retired_at is not None:
        raise Refused(f"The tag {code} is not in use: it may be an old tag; issue a new one from the pupil's record.")
    if row.kind != "phone":
        raise Refused(f"{code} is a {row.kind} tag, not a phone tag: scan the tag on the phone pouch.")
    if row.left_at is not None:
        raise Refused(f"{_name(row)} has left the school: this tag is no longer in use.")
    return row


def _first(row) -> str:
    return first_name(row.preferred_first, row.legal_first)


def _name(row) -> str:
    return full_name(_first(row), row.surname)


def _hold(conn: Connection, row, location_id: int, now, staff, entry: int) -> None:
    """The phone is held here from now. The primary key on held_phone.tag_code is the real guard against two
    kiosks at once: the second insert fails inside the database."""
    conn.execute(*_holding(row, location_id, now, staff, entry))


def _holding(row, location_id: int, now, staff, entry: int) -> tuple:
    return _HOLDING, _values("h_", {"tag_code": row.code, "pupil_id": row.pupil_id, "location_id": location_id,
                                    "since": now, "by_staff_id": staff.id, "ledger_id": entry})


def _under_lock(scan: Scanning, code: str, by: str, staff, doing: str) -> tuple:
    """Take the school's lock; the staff member and the phone as they are now, and the chain head (one statement;
    a second only if the staff member's record changed meanwhile, or is a cover badge whose day may just have
    ended)."""
    row = _scan_row(scan.conn, code, _LOCKED_SCAN, scan=scan, staff_id=staff.id)
    if scan.reads_before_lock and staff.id is not None and (staff.left_at is not None or row.staff_left is not None
                                 or (row.staff_role, row.staff_class) != (staff.role, staff.class_name)):
        staff = find_staff(scan.conn, by, "phones", doing)
    return staff, row


def _head(row) -> tuple:
    return row.head_id, row.head_hash, row.head_at


def _result(row, database: Database, now, location: str, outcome: Outcome, note: str | None = None,
            parents: bool = False, review_due: bool = False) -> CustodyResult:
    return CustodyResult(code=row.code, pupil=_name(row), first_name=_first(row),
                         short_name=short_name(_first(row), row.surname),
                         class_name=row.class_name, description=row.description, location=location,
                         outcome=outcome, note=note, at=database.local(now), parents_to_tell=parents,
                         review_due=review_due)


def phone_in(database: Database, code: str, by: str) -> CustodyResult:
    """Morning check-in: Year 6 with walk-home permission → class cupboard (R1); anyone else → office,
    parents to tell (R2).

    A pupil on the exceptions register keeps the phone: the scan is recorded as seen, not as a breach.
    A phone already held is refused (the command line's contract: exit 1); the kiosk calls ``check_in_at_kiosk``.
    """
    return _check_in(database, code, by, at_kiosk=False)


def check_in_at_kiosk(database: Database, code: str, by: str) -> CustodyResult:
    """The kiosk's morning scan: ``phone_in``, and two phones already held that a teacher meets every morning.

    - Left overnight (held since an earlier day): a ``phone_in_again`` row records that it is in its place
      today, and it leaves the "left overnight" lists.
    - Scanned again at this kiosk within ``RESCAN_WINDOW`` of its check-in (a scanner's double read): "already
      in", and nothing is written.

    Any other phone already held is refused as ``phone_in`` refuses it.
    """
    return _check_in(database, code, by, at_kiosk=True)


def _check_in(database: Database, code: str, by: str, *, at_kiosk: bool) -> CustodyResult:
    doing = "checking in a phone"
    try:
        with database.scanning() as scan:
            conn = scan.conn
            if scan.reads_before_lock:  # refused before the lock: nobody waits for a refusal
                staff, row = _before_lock(conn, code, by, doing)
                _may_check_in(database, staff, row, at_kiosk)
            else:
                staff = find_staff(conn, by, "phones", doing)
            staff, row = _under_lock(scan, code, by, staff, doing)
            _may_check_in(database, staff, row, at_kiosk)
            now = database.now()
            if row.held_in is not None:
                return _held_already(conn, database, staff, row, now)
            if row.exception_id is not None:
                return _keeps_phone(conn, database, staff, row, now)
            if goes_to_cupboard(row.year, walk_home_valid(database, row.walk_home, row.walk_home_at)):
                kind, note = Outcome.CUPBOARD, None
                location_id, location = (row.cupboard_id, row.cupboard_name) if row.cupboard_id else \
                    cupboard_for(conn, row.class_name)
            else:
                kind = Outcome.OFFICE
                note = ("only Year 6 pupils who walk home alone may bring a phone" if row.year != WALK_HOME_YEAR
                        else "last year's walk-home permission ended on 31 August" if row.walk_home
                        else "no walk-home permission is recorded")
                location_id, location = (row.office_id, row.office_name) if row.office_id else office(conn)
            entry = next_entry(database, _head(row), "phone_in", staff_id=staff.id, tag_code=code,
                               pupil_id=row.pupil_id, to_location_id=location_id, at=now)
            writes = [(_RECORD, _values("e_", entry)), _holding(row, location_id, now, staff, entry["id"])]
            if note:
                writes.append((_TASK, _values("t_", {"pupil_id": row.pupil_id, "tag_code": code, "reason": note,
                                                     "opened_at": now, "opened_ledger_id": entry["id"]})))
            scan.write(*writes)
    except IntegrityError:
        raise Refused(f"{_name(row)}'s phone has just been checked in at another kiosk.") from None
    return _result(row, database, now, location, kind, f"Parents to be told: {note}." if note else None, bool(note))


def _may_check_in(database: Database, staff, row, at_kiosk: bool) -> None:
    """The check-in's refusals that need no clock: made before the lock, and again under it."""
    require_class(staff, row.class_name, _name(row), "checking in this phone")
    if row.confiscation_id is not None:
        raise Refused(f"{_name(row)}'s phone is confiscated and held in the {row.held_in_name} until a "
                      "parent or carer collects it.")
    if row.held_in is not None and not at_kiosk:
        raise _already_held(database, row)


def _already_held(database: Database, row) -> Refused:
    since = database.local(row.held_since).strftime("%H:%M on %a %d %b")
    return Refused(f"{_name(row)}'s phone is already held in the {row.held_in_name} (since {since}): "
                   "hand it back before checking it in again.")


def _held_already(conn: Connection, database: Database, staff, row, now) -> CustodyResult:
    """A morning scan at the kiosk of a phone already held: left overnight, or this kiosk's double read."""
    held = database.local(row.held_since)
    if held.date() < database.local(now).date():
        # Still in its place from an earlier day: recorded as in today (where it is, by whom, since when).
        entry = append(conn, database, "phone_in_again", staff_id=staff.id, tag_code=row.code,
                       pupil_id=row.pupil_id, from_location_id=row.held_in, to_location_id=row.held_in, at=now,
                       detail={"held_since": row.held_since.isoformat()})
        conn.execute(HELD.update().where(HELD.c.tag_code == row.code).values(since=now, by_staff_id=staff.id,
                                                                             ledger_id=entry))
        return _result(row, database, now, row.held_in_name, Outcome.IN_AGAIN,
                       f"Left in the {row.held_in_name} overnight (in since {held:%H:%M} on {held:%a} {held.day} "
                       f"{held:%b}): recorded as in today.")
    last = conn.execute(sa.select(LEDGER.c.kiosk, LEDGER.c.action, LEDGER.c.at).where(
        LEDGER.c.id == sa.select(HELD.c.ledger_id).where(HELD.c.tag_code == row.code).scalar_subquery())).first()
    if (last is not None and last.kiosk == database.kiosk_name and last.action in CHECK_IN_ACTIONS
            and timedelta(0) <= now - row.held_since <= RESCAN_WINDOW):
        return _result(row, database, row.held_since, row.held_in_name, Outcome.ALREADY_IN,
                       f"Already in: checked in at {held:%H:%M}. Nothing new was recorded.")
    raise _already_held(database, row)


def phone_out(database: Database, code: str, by: str, *, to: str | None = None,
              reason: str | None = None) -> CustodyResult:
    """Hand a phone back. Before home-time a reason is required (an early leaver, an appointment)."""
    to = plain(to, 100) or None
    reason = plain(reason, 200) or None
    doing = "handing a phone back"
    with database.scanning() as scan:
        conn = scan.conn
        if scan.reads_before_lock:  # refused before the lock: nobody waits for a refusal
            staff, row = _before_lock(conn, code, by, doing)
            _may_hand_back(staff, row)
        else:
            staff = find_staff(conn, by, "phones", doing)
        staff, row = _under_lock(scan, code, by, staff, doing)
        _may_hand_back(staff, row)
        now = database.now()
        if row.confiscation_id is not None:
            return _release_to_parent(conn, database, staff, row, now, to)
        early = database.local(now).time() < database.home_time
        if early:
            require(staff, "early hand-back", "handing a phone back before home-time")
        if early and not reason:
            raise ReasonNeeded(f"It is before home-time ({database.home_time:%H:%M}): give a reason for handing "
                               "the phone back early, e.g. a dentist appointment.", _name(row))
        # The office's task stays open until the parents are told; the hand-back row says the phone went first.
        untold = bool(row.untold)
        entry = next_entry(database, _head(row), "phone_out", staff_id=staff.id, tag_code=code,
                           pupil_id=row.pupil_id, from_location_id=row.held_in, at=now,
                           detail={"to": to, "reason": reason} | ({"parents": "not yet told"} if untold else {}))
        if scan.write(*_handing_back(database, code, entry)) != 1:
            raise Refused(f"{_name(row)}'s phone has just been handed back at another kiosk.")
    notes = [f"Before home-time: {reason}" if early else "",
             f"Parents not yet told that {_name(row)} brought a phone: the office still has it to do." if untold
             else ""]
    return _result(row, database, now, row.held_in_name, Outcome.HANDED_BACK, _sentences(notes), parents=untold)


def _sentences(notes: list[str]) -> str | None:
    """The notes that apply, one after another, each ended as a sentence before the next (a typed reason rarely is)."""
    notes = [note for note in notes if note]
    return " ".join([note if note.endswith((".", "!", "?")) else f"{note}." for note in notes[:-1]] + notes[-1:]) \
        or None


def _handing_back(database: Database, code: str, entry: dict) -> list:
    """The hand-back's writes: the held phone's row deleted and the ledger row, both or neither. The delete's row
    count guards against a hand-back at two kiosks at once: on SQLite a count of 0 rolls the ledger row back; on
    PostgreSQL, where the writes and COMMIT are one round trip, the ledger row is inserted only from the deleted
    row (none deleted, none inserted, the count is 0)."""
    if database.is_sqlite:
        return [(_RECORD, _values("e_", entry)), (_RELEASE, {"code": code})]
    return [(_RECORD_GONE, {"code": code, **_values("e_", entry)})]


def _may_hand_back(staff, row) -> None:
    """The hand-back's refusals that need no clock: made before the lock, and again under it."""
    require_class(staff, row.class_name, _name(row), "handing this phone back")
    if row.held_in is None and row.exception_id is not None:
        raise Refused(f"{_name(row)} keeps their phone (exceptions register): there is nothing to hand back.")
    if row.held_in is None:
        raise Refused(f"{_name(row)}'s phone is not being held, so it cannot be handed back: check the tag.")


def _keeps_phone(conn: Connection, database: Database, staff, row, now) -> CustodyResult:
    """The pupil is on the exceptions register: record that the phone was seen, hold nothing, tell nobody."""
    exception = conn.execute(sa.select(EXCEPTION).where(EXCEPTION.c.id == row.exception_id)).first()
    due = exception.review_on < database.local(now).date()
    append(conn, database, "phone_kept", staff_id=staff.id, tag_code=row.code, pupil_id=row.pupil_id, at=now,
           detail={"exception": exception.id, "kind": exception.kind})
    note = f"Conditions: {exception.conditions}"
    if due:
        # Still kept: a lapsed review date must not take away a phone a child may need for their health.
        note = f"Due for review since {exception.review_on:%d %b %Y}: tell the leadership team. {note}"
    return _result(row, database, now, f"keeps phone: {exception.kind}", Outcome.KEEPS_PHONE, note, review_due=due)


def _release_to_parent(conn: Connection, database: Database, staff, row, now, to: str | None) -> CustodyResult:
    """A confiscated phone goes back only to a parent or carer, recorded by name (never to the pupil)."""
    taken = conn.execute(sa.select(CONFISCATION).where(CONFISCATION.c.id == row.confiscation_id)).first()
    pupil = _name(row)
    if not may(staff, "office"):
        raise Refused(f"{_name(row)}'s phone was confiscated ({taken.reason}): only the office or the leadership "
                      "team can release it, to a parent or carer.")
    # The pupil's own name however it is typed ("zoe wisniewski" is Zoë Wiśniewski): never released to them.
    names = {name_key(name) for name in (_first(row), row.legal_first, pupil, f"{row.legal_first} {row.surname}")}
    if not to or name_key(to) in names:
        raise ParentNeeded(f"{_name(row)}'s phone was confiscated ({taken.reason}): it can be released only to a "
                           "parent or carer, not to the pupil; give the parent or carer's name.", pupil)
    conn.execute(_RELEASE, {"code": row.code})
    entry = append(conn, database, "confiscation_released", staff_id=staff.id, tag_code=row.code,
                   pupil_id=row.pupil_id, from_location_id=row.held_in, at=now, detail={"to": to})
    conn.execute(CONFISCATION.update().where(CONFISCATION.c.id == taken.id).values(
        released_at=now, released_to=to, released_by_id=staff.id, released_ledger_id=entry))
    return _result(row, database, now, row.held_in_name, Outcome.RELEASED, f"Confiscated phone released to {to}.")


def confiscate(database: Database, code: str, by: str, reason: str, where: str | None = None) -> CustodyResult:
    """Take a phone as a sanction (not safekeeping): who, why and where it is held, until a parent or carer collects it.

    A phone already held (e.g. in the class cupboard) moves to ``where``; the office unless another place is named.
    """
    reason = plain(reason, 200)
    if not reason:
        raise Refused("Say why the phone is being confiscated, e.g. “used in class”.")
    try:
        return _confiscate(database, code, by, reason, where)
    except IntegrityError:  # another kiosk held or confiscated it in the same moment: its row stands
        raise Refused("That phone has just been checked in or confiscated at another kiosk: scan it again to "
                      "see where it is.") from None


def _confiscate(database: Database, code: str, by: str, reason: str, where: str | None) -> CustodyResult:
    with database.transaction() as conn:
        staff = find_staff(conn, by, "phones", "confiscating a phone")
        row = _scan_row(conn, code)
        require_class(staff, row.class_name, _name(row), "confiscating this phone")
        if row.confiscation_id is not None:
            raise Refused(f"{_name(row)}'s phone is already confiscated and held in the {row.held_in_name}.")
        location_id, location = place_named(conn, where) if where else office(conn)
        now = database.now()
        entry = append(conn, database, "phone_confiscated", staff_id=staff.id, tag_code=code, pupil_id=row.pupil_id,
                       from_location_id=row.held_in, to_location_id=location_id, at=now, detail={"reason": reason})
        if row.held_in is None:
            _hold(conn, row, location_id, now, staff, entry)
        else:
            conn.execute(HELD.update().where(HELD.c.tag_code == code).values(
                location_id=location_id, since=now, by_staff_id=staff.id, ledger_id=entry))
        conn.execute(CONFISCATION.insert().values(tag_code=code, pupil_id=row.pupil_id, reason=reason,
                                                  location_id=location_id, by_staff_id=staff.id, at=now,
                                                  ledger_id=entry))
    return _result(row, database, now, location, Outcome.CONFISCATED,
                   f"Confiscated: {reason}. Released only to a parent or carer.")


def parents_told(database: Database, pupil_ref: str, by: str, how: str) -> int:
    """Close the pupil's open parents-to-tell tasks; returns how many were closed."""
    from sqlmodel import select  # the ORM only here: a scan's start imports none (db/core/tables.py)

    from db.core.models import ParentTask

    how = plain(how, 200)
    if not how:
        raise Refused("Say how the parents were told, e.g. --how “phoned mum at 10:05”.")
    with database.writing() as session:
        staff = find_staff(session, by, "office", "recording that parents were told")
        pupil = find_pupil(session, pupil_ref)
        tasks = session.exec(select(ParentTask).where(ParentTask.pupil_id == pupil.id,
                                                      ParentTask.told_at.is_(None))).all()
        if not tasks:
            raise Refused(f"There is nothing to tell {pupil_name(pupil)}'s parents about: no phone task is open.")
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
    from sqlmodel import select

    from db.core.models import HeldPhone, Location

    class_name = (class_name or "").strip()[:32]
    with database.writing() as session:
        staff = find_staff(session, by, "phones", "confirming a cupboard is locked")
        location = session.exec(select(Location).where(Location.kind == "cupboard",
                                                       func.upper(Location.class_name) == class_name.upper())).first()
        if location is None:
            raise Refused(f"There is no cupboard for class “{class_name}”: check the class name, e.g. 6A.")
        if other_class(staff, location.class_name):
            raise Refused(f"Only {location.class_name}'s teacher or the office can confirm the {location.name} "
                          f"is locked: your class is {staff.class_name or 'not set'}.")
        phones = len(session.exec(select(HeldPhone.tag_code).where(HeldPhone.location_id == location.id)).all())
        now = database.now()
        append(session, database, "cupboard_locked", staff_id=staff.id, to_location_id=location.id, at=now,
               detail={"phones": phones})
        session.commit()
        return CupboardCheck(location=location.name, class_name=location.class_name, phones=phones,
                             locked_at=database.local(now))
