"""Subject access (R7): everything the kiosk holds about one pupil, as plain data for JSON."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import or_, select

from db.core import CommandLine, Database, acting, find_pupil, full_name
from db.core.models import (
    Confiscation,
    ConsentEvent,
    HeldPhone,
    LedgerEntry,
    Location,
    ParentTask,
    PhoneException,
    Staff,
    Tag,
)


def _iso(database: Database, moment: datetime | None) -> str | None:
    return database.local(moment).isoformat(timespec="seconds") if moment else None  # ISO 8601, to the second


def export_pupil(database: Database, pupil_ref: str, *, by: str | CommandLine) -> dict[str, Any]:
    """The pupil's record, tags, phone now, parents-to-tell tasks, consent, exceptions, confiscations and every
    ledger row about them.

    Staff appear by name (the school's own record of who acted); no other pupil appears.
    """
    acting(database, by, "admin", "a subject access export")
    with database.reading() as session:
        # Leavers too: a subject access request outlives the roll.
        pupil = find_pupil(session, pupil_ref, include_leavers=True)
        staff = {s.id: full_name(s.first_name, s.surname) for s in session.exec(select(Staff))}
        places = {loc.id: loc.name for loc in session.exec(select(Location))}
        tags = session.exec(select(Tag).where(Tag.pupil_id == pupil.id).order_by(Tag.issued_at)).all()
        held = session.exec(select(HeldPhone).where(HeldPhone.pupil_id == pupil.id)).all()
        tasks = session.exec(select(ParentTask).where(ParentTask.pupil_id == pupil.id).order_by(ParentTask.id)).all()
        consent = session.exec(select(ConsentEvent).where(ConsentEvent.pupil_id == pupil.id)
                               .order_by(ConsentEvent.at, ConsentEvent.id)).all()
        agreed = session.exec(select(PhoneException).where(PhoneException.pupil_id == pupil.id)
                              .order_by(PhoneException.id)).all()
        taken = session.exec(select(Confiscation).where(Confiscation.pupil_id == pupil.id)
                             .order_by(Confiscation.id)).all()
        events = session.exec(select(LedgerEntry).where(LedgerEntry.pupil_id == pupil.id)
                              .order_by(LedgerEntry.id)).all()
        events = sorted([*events, *_stock_takes(session, [t.code for t in tags])], key=lambda e: e.id)
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
            "exceptions": [{"kind": e.kind, "conditions": e.conditions, "approved_by": staff.get(e.approved_by_id),
                            "approved_at": _iso(database, e.approved_at), "review_on": e.review_on.isoformat(),
                            "ended_at": _iso(database, e.ended_at)} for e in agreed],
            "confiscations": [{"code": c.tag_code, "reason": c.reason, "held_in": places.get(c.location_id),
                               "by": staff.get(c.by_staff_id), "at": _iso(database, c.at),
                               "released_at": _iso(database, c.released_at), "released_to": c.released_to,
                               "released_by": staff.get(c.released_by_id)} for c in taken],
            "record": [{"at": _iso(database, e.at), "action": e.action, "by": staff.get(e.staff_id),
                        "kiosk": e.kiosk, "tag": e.tag_code, "from": places.get(e.from_location_id),
                        "to": places.get(e.to_location_id), "detail": _detail(e, tags)}
                       for e in events],
        }


def _stock_takes(session, codes: list[str]) -> list[LedgerEntry]:
    """Stock-takes that name one of the pupil's phone tags (they name phones by tag code, not by pupil)."""
    if not codes:
        return []
    return list(session.exec(select(LedgerEntry).where(
        LedgerEntry.action == "stock_take", or_(*(LedgerEntry.detail.contains(code) for code in codes)))).all())


def _detail(entry: LedgerEntry, tags) -> dict:
    """A row's details; a stock-take's only as they concern this pupil's phones (no other pupil appears)."""
    detail = json.loads(entry.detail or "{}")
    if entry.action != "stock_take":
        return detail
    # The detail's form is db/phones/taking_stock.py's: in_place is a list of codes, the others code → record.
    own = {t.code for t in tags}
    mine = {code: "found where the record said" for code in detail.get("in_place", ()) if code in own}
    for key, word in (("missing", "missing"), ("not_expected", "not expected")):
        mine |= {code: f"{word}: the record said {record}" for code, record in detail.get(key, {}).items()
                 if code in own}
    return {"stock_take": mine}
