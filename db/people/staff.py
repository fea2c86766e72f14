"""Staff at the kiosk: signing in with a PIN, the lockout after wrong PINs, setting a PIN."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import Connection, update

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
from db.core.models import LedgerEntry

PIN_LENGTHS = range(4, 13)


def set_pin(database: Database, staff_code: str, pin: str, *, by: str | CommandLine) -> StaffMember:
    """Store an argon2 hash of a new PIN (4 to 12 digits): an administrator's job, or one's own."""
    from argon2 import PasswordHasher  # only PIN work pays for argon2

    pin = pin.strip()
    if not pin.isdigit() or len(pin) not in PIN_LENGTHS:
        raise Refused("A PIN is 4 to 12 digits: choose another one.")
    with database.transaction() as conn:
        staff = find_staff(conn, staff_code)
        require_self_or(find_staff(conn, by), staff, "admin", "setting another person's PIN")
        conn.execute(update(STAFF).where(STAFF.c.id == staff.id).values(pin_hash=PasswordHasher().hash(pin)))
        append(conn, database, "set_pin", staff_id=staff.id)
        return staff_view(staff)


def sign_in(database: Database, who: str, pin: str) -> StaffMember:
    """Check a staff code (or badge) and PIN; refused with one sentence otherwise.

    A wrong PIN is recorded in the ledger; after ``LOCK_AFTER`` wrong PINs within
    ``LOCK_FOR`` the staff code is locked until the oldest of them is that old,
    so guessing a 4-digit PIN takes weeks rather than minutes.
    """
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    with database.engine.connect() as conn:
        staff = find_staff(conn, who)
        _refuse_if_locked(conn, database, staff)
    if not staff.pin_hash:
        # Said to the person at the kiosk, who gave their own code: their name shows it is the right one.
        raise Refused(f"{full_name(staff.first_name, staff.surname)}, you have no PIN yet: "
                      f"ask the office to run `kiosk staff set-pin {staff.code}`.")
    try:
        PasswordHasher().verify(staff.pin_hash, (pin or "").strip())
    except (VerificationError, InvalidHashError):
        with database.transaction() as conn:
            append(conn, database, "pin_wrong", staff_id=staff.id)
        with database.engine.connect() as conn:  # after the commit: the refusal must not undo the record
            _refuse_if_locked(conn, database, staff)
        raise Refused("That PIN is not right: try again.") from None
    return staff_view(staff)


LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=5)


def _refuse_if_locked(conn: Connection, database: Database, staff) -> None:
    ledger = LedgerEntry.__table__
    since = database.now() - LOCK_FOR
    wrong = conn.execute(sa.select(ledger.c.at).where(
        ledger.c.action == "pin_wrong", ledger.c.staff_id == staff.id, ledger.c.at > since)
        .order_by(ledger.c.at.desc()).limit(LOCK_AFTER)).scalars().all()
    if len(wrong) >= LOCK_AFTER:
        minutes = max(1, -(-int((wrong[-1] + LOCK_FOR - database.now()).total_seconds()) // 60))
        raise Refused(f"{staff.code} is locked after {LOCK_AFTER} wrong PINs: try again in {minutes} "
                      f"{'minute' if minutes == 1 else 'minutes'}, or ask the office to set a new PIN.")
