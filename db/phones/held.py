"""Every phone held now, where and since when (`kiosk phone where`, the office's list): SQLAlchemy Core over
db/core/tables.py, so the command starts without SQLModel or the ORM (docs/performance.md, "Start-up")."""

from __future__ import annotations

import sqlalchemy as sa

import db.core.tables as tables
from db.core import CommandLine, Database, HeldPhoneRow, acting, first_name, full_name, short_name
from db.core.outcomes import HeldStatus

_HELD, _TAG, _PUPIL, _WHERE, _STAFF, _TAKEN = (tables.held_phone, tables.tag, tables.pupil, tables.location,
                                                tables.staff, tables.confiscation)
_HELD_NOW = (sa.select(_HELD.c.tag_code, _HELD.c.since, _HELD.c.ledger_id, _TAG.c.description,
                       _PUPIL.c.preferred_first, _PUPIL.c.legal_first, _PUPIL.c.surname, _PUPIL.c.class_name,
                       _WHERE.c.name, _STAFF.c.first_name, _STAFF.c.surname, _TAKEN.c.reason, _TAKEN.c.at)
             .select_from(_HELD).join(_TAG, _TAG.c.code == _HELD.c.tag_code)
             .join(_PUPIL, _PUPIL.c.id == _HELD.c.pupil_id).join(_WHERE, _WHERE.c.id == _HELD.c.location_id)
             .join(_STAFF, _STAFF.c.id == _HELD.c.by_staff_id)
             .outerjoin(_TAKEN, (_TAKEN.c.tag_code == _HELD.c.tag_code) & _TAKEN.c.released_at.is_(None))
             .order_by(_WHERE.c.name, _PUPIL.c.class_name, _PUPIL.c.surname))


def phones_held(database: Database, *, by: str | CommandLine) -> list[HeldPhoneRow]:
    """Every phone held now, by location, with "still held" after home-time and "left overnight"."""
    acting(database, by, "office", "the list of every phone held")
    now = database.local(database.now())
    with database.engine.connect() as conn:
        rows = conn.execute(_HELD_NOW).all()
    result = []
    for code, held_since, entry, description, preferred, legal, surname, class_name, place, staff_first, \
            staff_last, reason, taken_at in rows:
        since = database.local(taken_at or held_since)
        if reason is not None:  # a sanction: not a phone forgotten at home-time or overnight
            status = HeldStatus.CONFISCATED
        elif since.date() < now.date():
            status = HeldStatus.LEFT_OVERNIGHT
        elif now.time() >= database.home_time:
            status = HeldStatus.STILL_HELD
        else:
            status = HeldStatus.HELD
        first = first_name(preferred, legal)
        result.append(HeldPhoneRow(code=code, pupil=full_name(first, surname),
                                   short_name=short_name(first, surname), class_name=class_name,
                                   description=description, location=place, since=since,
                                   by=full_name(staff_first, staff_last), status=status, entry=entry,
                                   reason=reason))
    return result
