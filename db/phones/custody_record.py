"""`kiosk report custody`: every phone event between two school days, read and written a row at a time, in
SQLAlchemy Core over db/core/tables.py (the command starts without SQLModel or the ORM)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import select as columns

import db.core.tables as tables
from db.core import (
    CommandLine,
    CustodyEvent,
    Database,
    acting,
    day_range,
    day_start,
    known_as,
    plural,
    today,
)

PHONE_ACTIONS = ("phone_in", "phone_out", "parents_told", "cupboard_locked", "walk_home_permitted", "walk_home_revoked",
                 "phone_kept", "phone_confiscated", "confiscation_released", "phone_in_again", "stock_take")


def custody_report(database: Database, start: date | None = None, end: date | None = None, *,
                   by: str | CommandLine) -> list[CustodyEvent]:
    """Every phone event between two school days (inclusive), oldest first. Default: today."""
    return list(custody_events(database, start, end, by=by))


def custody_events(database: Database, start: date | None = None, end: date | None = None, *,
                   by: str | CommandLine) -> Iterator[CustodyEvent]:
    """custody_report's events one at a time, each read from the database as it is asked for: five years of a big
    school's record is a million rows, which a report writes out without ever holding them. The role is checked
    and the days read before this returns, so a refusal comes before any row is written."""
    return (CustodyEvent(*row) for row in custody_rows(database, start, end, by=by))


def custody_rows(database: Database, start: date | None = None, end: date | None = None, *,
                 by: str | CommandLine) -> Iterator[tuple]:
    """custody_events' events as plain tuples, in CustodyEvent's order (at, action, code, pupil, class_name,
    location, by, kiosk, note, entry, voided_by): what `kiosk report custody` writes, a million rows at a time, with
    no object built for each."""
    acting(database, by, "review", "the custody report")
    start, end = day_range(start, end, today(database))
    return _custody_rows(database, day_start(database, start), day_start(database, end + timedelta(days=1)))


_LEDGER, _PUPIL, _STAFF = tables.ledger_entry, tables.pupil, tables.staff
STREAM_ROWS = 1000  # rows fetched at a time (a server-side cursor's batch on PostgreSQL)
NOTES_KEPT = 4096
_UNREAD = object()
_WORDS = {action: action.replace("_", " ") for action in PHONE_ACTIONS + ("entry_voided",)}


def _custody_rows(database: Database, since: datetime, until: datetime) -> Iterator[tuple]:
    to_loc, from_loc = tables.location.alias(), tables.location.alias()
    query = (columns(_LEDGER.c.id, _LEDGER.c.at, _LEDGER.c.action, _LEDGER.c.tag_code, _LEDGER.c.kiosk,
                     _LEDGER.c.detail, _LEDGER.c.voids_id, _PUPIL.c.preferred_first, _PUPIL.c.legal_first,
                     _PUPIL.c.surname, _PUPIL.c.class_name, to_loc.c.name, from_loc.c.name, _STAFF.c.first_name,
                     _STAFF.c.surname)
             .select_from(_LEDGER).outerjoin(_PUPIL, _PUPIL.c.id == _LEDGER.c.pupil_id)
             .outerjoin(to_loc, to_loc.c.id == _LEDGER.c.to_location_id)
             .outerjoin(from_loc, from_loc.c.id == _LEDGER.c.from_location_id)
             .outerjoin(_STAFF, _STAFF.c.id == _LEDGER.c.staff_id)
             .where(_LEDGER.c.action.in_(PHONE_ACTIONS + ("entry_voided",)), _LEDGER.c.at >= since,
                    _LEDGER.c.at < until)
             .order_by(_LEDGER.c.id))
    local = database.local
    notes: dict[str, str | None] = {}  # many rows share their details ("to": null): each read once, up to a bound
    with database.engine.connect() as conn:
        # A voided row stays in the report, marked with the entry that voided it (the void is a row of its own).
        # Voids are few: found first (by the action's index), in the same read transaction as the rows.
        voided_by = dict(conn.execute(columns(_LEDGER.c.voids_id, _LEDGER.c.id)
                                      .where(_LEDGER.c.action == "entry_voided")).all())
        for (entry, at, action, code, kiosk, detail, voids, preferred, legal, surname, class_name, to_name, from_name,
             staff_first, staff_last) in conn.execution_options(yield_per=STREAM_ROWS).execute(query):
            voider = voided_by.get(entry)
            if action == "entry_voided":
                data = json.loads(detail or "{}")
                if data.get("voided") not in PHONE_ACTIONS:
                    continue
                # A void names the entry it voids (and a voided row says so first, below).
                note = f"voids entry {voids} ({data.get('voided', '').replace('_', ' ')}): {data.get('reason')}"
            elif action == "stock_take":  # each one's own counts: not worth keeping
                note = _stock_note(json.loads(detail or "{}"))
            else:
                note = notes.get(detail, _UNREAD)
                if note is _UNREAD:
                    note = _note(database, json.loads(detail)) if detail and detail != "{}" else None
                    if len(notes) < NOTES_KEPT:
                        notes[detail] = note
                if voider is not None:
                    note = f"VOIDED by entry {voider}" + (f"; {note}" if note else "")
            pupil = known_as(preferred, legal, surname) if surname else None
            yield (local(at), _WORDS[action], code, pupil, class_name, to_name or from_name,
                   f"{staff_first} {staff_last}" if staff_first else None, kiosk, note, entry, voider)


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
