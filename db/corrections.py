"""Corrections (DESIGN.md, Data): a mistaken event is voided by a new ledger row with a reason.

The voided row stays in the ledger and in the hash chain; the void is a new ``entry_voided`` row whose
``voids_id`` names it. What the entry changed (where a phone is held, a parents-to-tell task, a loan, a
confiscation) is put back in the same transaction, by the room that owns it: ``db.phones`` and
``db.devices`` each hand over their ``(describe, undo)`` handlers, and this module, above both rooms
(the layers contract in pyproject.toml), picks one by the entry's action. Events with no sensible undo
are refused with a sentence saying what to do instead.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from db.core import (
    LEDGER,
    UNDO_MINUTES,
    CommandLine,
    Database,
    Refused,
    Voidable,
    Voided,
    find_staff,
    not_voided,
    plain,
    require_void,
    when,
)
from db.core import append as append_row
from db.devices import DEVICE_VOIDS
from db.phones import PHONE_VOIDS

VOIDS = {**PHONE_VOIDS, **DEVICE_VOIDS}
VOIDABLE = tuple(VOIDS)
# What to do instead, for the entries that cannot be voided.
INSTEAD = {
    "set_pin": "A PIN change cannot be voided: set the PIN again with `kiosk staff set-pin`.",
    "pin_wrong": "A wrong PIN at sign-in cannot be voided: it is a record of an attempt, not a change.",
    "walk_home_permitted": "A walk-home permission cannot be voided: record the right answer with "
                           "`kiosk pupil permit` (with --revoke to take it back).",
    "walk_home_revoked": "A walk-home permission cannot be voided: record the right answer with "
                         "`kiosk pupil permit` (with --revoke to take it back).",
    "cupboard_locked": "A cupboard lock confirmation cannot be voided: check the cupboard and confirm it again.",
    "stock_take": "A stock-take cannot be voided: it changed nothing; take stock again, and the newer one stands.",
    "consent_changed": "A consent answer cannot be voided: record the parents' right answer, which replaces it.",
    "tag_issued": "A tag issue cannot be voided: issue the right tag, which retires the old one.",
    "purge": "The retention purge cannot be voided: the records it removed are gone by law.",
    "cover_badge": "A cover badge cannot be voided: it stops working at the end of the school day by itself.",
}


def void_entry(database: Database, entry: int | str, reason: str, by: str | CommandLine) -> Voided:
    """Void ledger entry ``entry`` with a reason: a new row, and the state the entry changed put back.

    The office and the leadership team void any phone, loan or confiscation entry; a teacher only their
    own, within ``UNDO_MINUTES``. Refused for an unknown entry, one already voided, a void, an event that
    cannot be voided, or one a later standing event depends on (void that one first).
    """
    number = _number(entry)
    reason = plain(reason, 200)
    if not reason:
        raise Refused(f"Say why entry {number} is being voided, e.g. “scanned the wrong pouch”.")
    with database.transaction() as conn:
        staff = find_staff(conn, by, doing="voiding an entry")
        row = conn.execute(sa.select(LEDGER).where(LEDGER.c.id == number)).first()
        if row is None or row.purged_at is not None:
            raise Refused(f"There is no ledger entry {number}: check the number in the custody report's entry "
                          "column.")
        now = database.now()
        if row.action == "entry_voided":
            raise Refused(f"Entry {number} is itself a void (of entry {row.voids_id}): a void cannot be voided; "
                          "record the event again instead.")
        earlier = conn.execute(sa.select(LEDGER.c.id, LEDGER.c.at).where(LEDGER.c.voids_id == number)).first()
        if earlier is not None:
            raise Refused(f"Entry {number} was already voided by entry {earlier.id} "
                          f"({when(database.local(earlier.at), database.local(now))}): it cannot be voided twice.")
        if row.action not in VOIDS:
            raise Refused(INSTEAD.get(row.action, f"A {row.action.replace('_', ' ')} entry cannot be voided: only "
                                      "phone, camera and iPad loan and confiscation events can."))
        require_void(staff, row.staff_id, row.at, now, number)
        describe, undo = VOIDS[row.action]
        what = describe(conn, row)
        outcome = undo(conn, database, staff, row, reason)
        void_id = append_row(conn, database, "entry_voided", staff_id=staff.id, tag_code=row.tag_code,
                             pupil_id=row.pupil_id, voids_id=number, at=now,
                             detail={"reason": reason, "voided": row.action})
    return Voided(entry=number, void_entry=void_id, action=row.action.replace("_", " "), what=what,
                  outcome=outcome, reason=reason, at=database.local(now))


def last_own_entry(database: Database, by: str) -> Voidable | None:
    """The signed-in person's newest entry that can still be undone at the kiosk (within ``UNDO_MINUTES``)."""
    now = database.now()
    with database.engine.connect() as conn:
        staff = find_staff(conn, by)
        row = conn.execute(sa.select(LEDGER).where(
            LEDGER.c.staff_id == staff.id, LEDGER.c.action.in_(VOIDABLE),
            LEDGER.c.at >= now - timedelta(minutes=UNDO_MINUTES), not_voided(LEDGER.c.id))
            .order_by(LEDGER.c.id.desc()).limit(1)).first()
        if row is None:
            return None
        describe, _undo = VOIDS[row.action]
        return Voidable(entry=row.id, action=row.action.replace("_", " "), what=describe(conn, row),
                        at=database.local(row.at))


def _number(entry: int | str) -> int:
    text = str(entry).strip().lstrip("#")
    if not text.isdigit() or len(text) > 12:
        raise Refused(f"“{str(entry)[:20]}” is not a ledger entry number: give the number in the custody report's "
                      "entry column, e.g. 1042.")
    return int(text)
