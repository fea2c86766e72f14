"""Subject access (R7): everything the kiosk holds about one pupil, as plain data for JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import select

from db.engine import Database
from db.models import ConsentEvent, HeldPhone, LedgerEntry, Location, ParentTask, Staff, Tag
from db.people import find_pupil


def _iso(database: Database, moment: datetime | None) -> str | None:
    return database.local(moment).isoformat() if moment else None


def export_pupil(database: Database, pupil_ref: str) -> dict[str, Any]:
    """The pupil's record, tags, phone now, parents-to-tell tasks, consent answers and every ledger row about them.

    Staff appear by name (the school's own record of who acted); no other pupil appears.
    """
    with database.reading() as session:
        # Leavers too: a subject access request outlives the roll.
        pupil = find_pupil(session, pupil_ref, include_leavers=True)
        staff = {s.id: f"{s.first_name} {s.surname}" for s in session.exec(select(Staff))}
        places = {loc.id: loc.name for loc in session.exec(select(Location))}
        tags = session.exec(select(Tag).where(Tag.pupil_id == pupil.id).order_by(Tag.issued_at)).all()
        held = session.exec(select(HeldPhone).where(HeldPhone.pupil_id == pupil.id)).all()
        tasks = session.exec(select(ParentTask).where(ParentTask.pupil_id == pupil.id).order_by(ParentTask.id)).all()
        consent = session.exec(select(ConsentEvent).where(ConsentEvent.pupil_id == pupil.id)
                               .order_by(ConsentEvent.at, ConsentEvent.id)).all()
        events = session.exec(select(LedgerEntry).where(LedgerEntry.pupil_id == pupil.id)
                              .order_by(LedgerEntry.id)).all()
        return {
            "exported_at": _iso(database, database.now()),
            "pupil": {"upn": pupil.upn, "admission_number": pupil.adno, "legal_first_name": pupil.legal_first,
                      "preferred_first_name": pupil.preferred_first, "surname": pupil.surname, "year": pupil.year,
                      "class": pupil.class_name, "walk_home_permission": pupil.walk_home,
                      "walk_home_recorded_by": staff.get(pupil.walk_home_by_id),
                      "walk_home_recorded_at": _iso(database, pupil.walk_home_at),
                      "left_at": _iso(database, pupil.left_at)},
            "phone_tags": [{"code": t.code, "description": t.description, "issued_at": _iso(database, t.issued_at),
                            "retired_at": _iso(database, t.retired_at)} for t in tags],
            "phone_held_now": [{"code": h.tag_code, "location": places.get(h.location_id),
                                "since": _iso(database, h.since), "by": staff.get(h.by_staff_id)} for h in held],
            "parents_to_tell": [{"reason": t.reason, "opened_at": _iso(database, t.opened_at),
                                 "told_at": _iso(database, t.told_at), "told_by": staff.get(t.told_by_id),
                                 "how": t.how} for t in tasks],
            "consent": [{"category": c.category, "given": c.given, "recorded_at": _iso(database, c.at),
                         "recorded_by": staff.get(c.staff_id)} for c in consent],
            "record": [{"at": _iso(database, e.at), "action": e.action, "by": staff.get(e.staff_id),
                        "kiosk": e.kiosk, "tag": e.tag_code, "from": places.get(e.from_location_id),
                        "to": places.get(e.to_location_id), "detail": json.loads(e.detail or "{}")}
                       for e in events],
        }
