"""Voiding a phone event: what a mistaken check-in, hand-back, confiscation, release or "parents told" changed,
put back as it was before (the dispatcher, ``db.corrections``, writes the void's ledger row).

Each handler is ``(describe, undo)``: ``describe(conn, row)`` names the entry as a person recognises it;
``undo(conn, database, staff, row, reason)`` changes the projections (``held_phone``, ``parent_task``,
``confiscation``) inside the caller's transaction and returns one sentence saying what holds now. It refuses
with ``Refused`` (and the caller's transaction writes nothing) when a later event depends on the entry.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import Connection

import db.core.tables as tables
from db.core import LEDGER, Refused, first_name, full_name, not_voided

HELD, TASK, CONFISCATION = tables.held_phone, tables.parent_task, tables.confiscation
PUPIL, LOCATION = tables.pupil, tables.location
# Rows about a tag that do not move the phone: a later one of these does not stop a void.
_NOT_CUSTODY = ("entry_voided", "tag_issued", "phone_kept")


def _pupil(conn: Connection, pupil_id: int | None) -> str:
    pupil = conn.execute(sa.select(PUPIL).where(PUPIL.c.id == pupil_id)).first() if pupil_id else None
    return full_name(first_name(pupil.preferred_first, pupil.legal_first), pupil.surname) if pupil else "A pupil"


def _place(conn: Connection, location_id: int | None) -> str | None:
    if location_id is None:
        return None
    return conn.execute(sa.select(LOCATION.c.name).where(LOCATION.c.id == location_id)).scalar()


def _detail(row) -> dict:
    return json.loads(row.detail or "{}")


def _refuse_if_later(conn: Connection, row, name: str) -> None:
    """A later event for the same phone that still stands depends on this one: it must be voided first."""
    later = conn.execute(sa.select(LEDGER.c.id, LEDGER.c.action).where(
        LEDGER.c.tag_code == row.tag_code, LEDGER.c.id > row.id, LEDGER.c.action.not_in(_NOT_CUSTODY),
        not_voided(LEDGER.c.id)).order_by(LEDGER.c.id.desc()).limit(1)).first()
    if later is not None:
        raise Refused(f"Entry {row.id} cannot be voided while a later event for {name}'s phone stands "
                      f"(entry {later.id}, {later.action.replace('_', ' ')}): void the later one first.")


def _holding_before(conn: Connection, row, location_id: int):
    """The newest standing entry before ``row`` that put the phone in ``location_id`` (when it went there)."""
    return conn.execute(sa.select(LEDGER.c.id, LEDGER.c.at, LEDGER.c.staff_id).where(
        LEDGER.c.tag_code == row.tag_code, LEDGER.c.id < row.id, LEDGER.c.to_location_id == location_id,
        not_voided(LEDGER.c.id)).order_by(LEDGER.c.id.desc()).limit(1)).first()


def _hold_again(conn: Connection, row, staff, location_id: int) -> None:
    """Put the phone back where it was held, with the time and the person of the entry that put it there."""
    before = _holding_before(conn, row, location_id)
    values = {"location_id": location_id, "since": before.at if before else row.at,
              "by_staff_id": (before.staff_id if before else None) or row.staff_id or staff.id,
              "ledger_id": before.id if before else row.id}
    if conn.execute(HELD.update().where(HELD.c.tag_code == row.tag_code).values(**values)).rowcount == 0:
        conn.execute(HELD.insert().values(tag_code=row.tag_code, pupil_id=row.pupil_id, **values))


def _cancel_tasks(conn: Connection, database, staff, row, reason: str) -> int:
    """Parents-to-tell tasks the voided entry opened and nobody has closed: closed, saying why."""
    return conn.execute(TASK.update().where(TASK.c.opened_ledger_id == row.id, TASK.c.told_at.is_(None)).values(
        told_at=database.now(), told_by_id=staff.id,
        how=f"not needed: entry {row.id} was voided ({reason})"[:200])).rowcount


def _held_by(conn: Connection, row, name: str) -> None:
    held = conn.execute(sa.select(HELD.c.ledger_id).where(HELD.c.tag_code == row.tag_code)).first()
    if held is None or held.ledger_id != row.id:
        raise Refused(f"{name}'s phone is no longer where entry {row.id} put it: void the later event first.")


def _undo_in(conn: Connection, database, staff, row, reason: str) -> str:
    name = _pupil(conn, row.pupil_id)
    _refuse_if_later(conn, row, name)
    _held_by(conn, row, name)
    conn.execute(HELD.delete().where(HELD.c.tag_code == row.tag_code))
    told = _cancel_tasks(conn, database, staff, row, reason)
    return (f"{name}'s phone is no longer recorded as held in the {_place(conn, row.to_location_id)}"
            + (", and the parents-to-tell task is closed." if told else "."))


def _undo_in_again(conn: Connection, database, staff, row, reason: str) -> str:
    name = _pupil(conn, row.pupil_id)
    _refuse_if_later(conn, row, name)
    _held_by(conn, row, name)
    _hold_again(conn, row, staff, row.to_location_id)
    return (f"{name}'s phone is no longer recorded as in today: it shows as left in the "
            f"{_place(conn, row.to_location_id)} overnight again.")


def _undo_out(conn: Connection, database, staff, row, reason: str) -> str:
    name = _pupil(conn, row.pupil_id)
    _refuse_if_later(conn, row, name)
    if conn.execute(sa.select(HELD.c.tag_code).where(HELD.c.tag_code == row.tag_code)).first() is not None:
        raise Refused(f"{name}'s phone is held again: void that check-in first.")
    _hold_again(conn, row, staff, row.from_location_id)
    return f"{name}'s phone is held in the {_place(conn, row.from_location_id)} again, as before the hand-back."


def _undo_confiscation(conn: Connection, database, staff, row, reason: str) -> str:
    name = _pupil(conn, row.pupil_id)
    _refuse_if_later(conn, row, name)
    _held_by(conn, row, name)
    conn.execute(CONFISCATION.delete().where(CONFISCATION.c.ledger_id == row.id,
                                             CONFISCATION.c.released_at.is_(None)))
    _cancel_tasks(conn, database, staff, row, reason)
    if row.from_location_id is None:
        conn.execute(HELD.delete().where(HELD.c.tag_code == row.tag_code))
        return f"{name}'s phone is no longer confiscated, and is not held."
    _hold_again(conn, row, staff, row.from_location_id)
    return f"{name}'s phone is no longer confiscated: it is held in the {_place(conn, row.from_location_id)} again."


def _undo_release(conn: Connection, database, staff, row, reason: str) -> str:
    name = _pupil(conn, row.pupil_id)
    _refuse_if_later(conn, row, name)
    taken = conn.execute(sa.select(CONFISCATION).where(CONFISCATION.c.released_ledger_id == row.id)).first()
    if taken is None:
        raise Refused(f"The confiscation entry {row.id} released is no longer recorded: nothing to put back.")
    conn.execute(CONFISCATION.update().where(CONFISCATION.c.id == taken.id).values(
        released_at=None, released_to=None, released_by_id=None, released_ledger_id=None))
    conn.execute(HELD.insert().values(tag_code=row.tag_code, pupil_id=row.pupil_id, location_id=taken.location_id,
                                      since=taken.at, by_staff_id=taken.by_staff_id, ledger_id=taken.ledger_id))
    return f"{name}'s phone is confiscated again, held in the {_place(conn, taken.location_id)}."


def _undo_told(conn: Connection, database, staff, row, reason: str) -> str:
    tasks = _detail(row).get("tasks") or []
    conn.execute(TASK.update().where(TASK.c.id.in_(tasks)).values(told_at=None, told_by_id=None, how=None))
    return f"{_pupil(conn, row.pupil_id)}'s parents are back on the list of parents to tell."


def _undo_kept(conn: Connection, database, staff, row, reason: str) -> str:
    return f"The record that {_pupil(conn, row.pupil_id)} kept their phone no longer counts."


class _Blank(dict):
    def __missing__(self, key):  # a detail the row does not carry reads as blank
        return ""


def _describe_safe(phrase: str):
    def describe(conn: Connection, row) -> str:
        values = _Blank(_detail(row))
        values.update(name=_pupil(conn, row.pupil_id), where=_place(conn, row.to_location_id or row.from_location_id))
        return phrase.format_map(values)
    return describe


PHONE_VOIDS = {
    "phone_in": (_describe_safe("{name}'s phone checked in ({where})"), _undo_in),
    "phone_in_again": (_describe_safe("{name}'s phone, left in the {where} overnight, recorded as in today"),
                       _undo_in_again),
    "phone_out": (_describe_safe("{name}'s phone handed back (from the {where})"), _undo_out),
    "phone_kept": (_describe_safe("{name}'s phone seen (kept by the pupil)"), _undo_kept),
    "phone_confiscated": (_describe_safe("{name}'s phone confiscated ({reason})"), _undo_confiscation),
    "confiscation_released": (_describe_safe("{name}'s confiscated phone released to {to}"), _undo_release),
    "parents_told": (_describe_safe("{name}'s parents recorded as told ({how})"), _undo_told),
}
