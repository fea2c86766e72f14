"""Staff at the kiosk: signing in with a PIN, the lockout after wrong PINs, setting a PIN."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import Connection, update

import db.core.tables as tables
from db.core import (
    CommandLine,
    Database,
    Refused,
    StaffMember,
    append,
    find_staff,
    full_name,
    require_self_or,
    staff_view,
)
from db.core.directory import STAFF

PIN_LENGTHS = range(4, 13)


def set_pin(database: Database, staff_code: str, pin: str, *, by: str | CommandLine) -> StaffMember:
    """Store an argon2 hash of a new PIN (4 to 12 digits): an administrator's job, or one's own.

    A new PIN also lifts a lockout (the wrong PINs before it no longer count), and the ledger row says so.
    """
    from argon2 import PasswordHasher  # only PIN work pays for argon2

    pin = pin.strip()
    if not pin.isdigit() or len(pin) not in PIN_LENGTHS:
        raise Refused("A PIN is 4 to 12 digits: choose another one.")
    pin_hash = PasswordHasher().hash(pin)  # before the write lock: argon2 takes a moment
    with database.transaction() as conn:
        staff = find_staff(conn, staff_code)
        require_self_or(find_staff(conn, by), staff, "admin", "setting another person's PIN")
        conn.execute(update(STAFF).where(STAFF.c.id == staff.id).values(pin_hash=pin_hash))
        lifted = _lockout(conn, database, staff) is not None
        append(conn, database, "set_pin", staff_id=staff.id, detail={"lockout_lifted": True} if lifted else None)
        return staff_view(staff)


def locked_out(database: Database, staff_code: str) -> bool:
    """Whether the staff code is locked after wrong PINs now (``set_pin`` lifts it)."""
    with database.engine.connect() as conn:
        return _lockout(conn, database, find_staff(conn, staff_code)) is not None


def sign_in(database: Database, who: str, pin: str) -> StaffMember:
    """Check a staff code (or badge) and PIN; refused with one sentence otherwise.

    A wrong PIN is recorded in the ledger; after ``LOCK_AFTER`` wrong PINs within
    ``LOCK_FOR`` the staff code is locked until the oldest of them is that old
    (or a new PIN is set), so guessing a 4-digit PIN takes weeks rather than minutes.

    The PIN is checked (argon2, a moment's work) before the write lock; then one
    write transaction, serialised with every other kiosk's, counts the wrong PINs
    and either answers or records this one. A PIN checked while the code was
    already locked is answered "locked" whether right or not, so however many
    kiosks, tabs or processes guess at once, at most ``LOCK_AFTER`` wrong PINs
    per window get an answer.
    """
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    with database.engine.connect() as conn:  # a locked code costs no argon2 work
        staff = find_staff(conn, who)
        _refuse_if_locked(conn, database, staff)
    if not staff.pin_hash:
        # Said to the person at the kiosk, who gave their own code: their name shows it is the right one.
        raise Refused(f"{full_name(staff.first_name, staff.surname)}, you have no PIN yet: "
                      f"ask the office to run `kiosk staff set-pin {staff.code}`.")
    try:
        right = PasswordHasher().verify(staff.pin_hash, (pin or "").strip())
    except (VerificationError, InvalidHashError):
        right = False
    with database.transaction() as conn:
        if conn.execute(sa.select(STAFF.c.pin_hash).where(STAFF.c.id == staff.id)).scalar() != staff.pin_hash:
            raise Refused("This PIN was changed a moment ago: try again.")  # checked against the old one
        _refuse_if_locked(conn, database, staff)
        if right:
            return staff_view(staff)
        append(conn, database, "pin_wrong", staff_id=staff.id)
        locked = _lockout(conn, database, staff)
    raise Refused(locked or "That PIN is not right: try again.")


LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=5)


def _lockout(conn: Connection, database: Database, staff) -> str | None:
    """The sentence saying the staff code is locked, or None: wrong PINs within ``LOCK_FOR`` by the record's
    clock, since the last new PIN."""
    ledger = tables.ledger_entry
    now = database.now()
    new_pin = sa.select(sa.func.coalesce(sa.func.max(ledger.c.id), 0)).where(
        ledger.c.action == "set_pin", ledger.c.staff_id == staff.id).scalar_subquery()
    wrong = conn.execute(sa.select(ledger.c.at).where(
        ledger.c.action == "pin_wrong", ledger.c.staff_id == staff.id, ledger.c.at > now - LOCK_FOR,
        ledger.c.id > new_pin).order_by(ledger.c.at.desc()).limit(LOCK_AFTER)).scalars().all()
    if len(wrong) < LOCK_AFTER:
        return None
    minutes = min(LOCK_FOR.seconds // 60, max(1, -(-int((wrong[-1] + LOCK_FOR - now).total_seconds()) // 60)))
    return (f"{staff.code} is locked after {LOCK_AFTER} wrong PINs: try again in {minutes} "
            f"{'minute' if minutes == 1 else 'minutes'}, or ask the office to set a new PIN.")


def _refuse_if_locked(conn: Connection, database: Database, staff) -> None:
    locked = _lockout(conn, database, staff)
    if locked:
        raise Refused(locked)
