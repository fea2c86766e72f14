"""Pupils: finding them by name, what a morning scan does with their phone, the walk-home permission."""

from __future__ import annotations

from sqlmodel import Session, select

from db.core import (
    CommandLine,
    Database,
    PupilSummary,
    append,
    find_pupil,
    find_staff,
    goes_to_cupboard,
    pupil_name,
    pupil_short,
    search_words,
    walk_home_valid,
)
from db.core.models import PhoneException, Pupil, Tag


def summary(session: Session, database: Database, pupil: Pupil) -> PupilSummary:
    tag = session.exec(select(Tag.code).where(Tag.pupil_id == pupil.id, Tag.kind == "phone",
                                              Tag.retired_at.is_(None))).first()
    walks = walk_home_valid(database, pupil.walk_home, pupil.walk_home_at)
    kept = session.exec(select(PhoneException.kind).where(PhoneException.pupil_id == pupil.id,
                                                          PhoneException.ended_at.is_(None))).first()
    goes = (f"kept by pupil ({kept})" if kept
            else "goes to the class cupboard" if goes_to_cupboard(pupil.year, walks) else "goes to the office")
    return PupilSummary(id=pupil.id, name=pupil_name(pupil), short_name=pupil_short(pupil), class_name=pupil.class_name,
                        year=pupil.year, upn=pupil.upn, adno=pupil.adno, walk_home=walks, phone_tag=tag, phone=goes)


def find_pupils(database: Database, text: str, limit: int = 12, *, by: str | CommandLine) -> list[PupilSummary]:
    """Pupils on roll whose legal first, preferred first or surname contains every word typed, whatever the case,
    accents and apostrophes (db/core/names.py): "łaski" finds Łaski, "obrien" O’Brien. Any member of staff may
    look, as the kiosk's F3 box always let them (what they may then do to the pupil's phone has its own rules);
    an unknown code is refused.
    """
    words = search_words(text)
    with database.reading() as session:
        find_staff(session, by)  # any member of staff; an unknown or departed code is refused
        if not words:
            return []
        query = select(Pupil).where(Pupil.left_at.is_(None))
        for word in words:  # the key and the words hold no LIKE wildcards; autoescape all the same
            query = query.where(Pupil.search_key.contains(word, autoescape=True))
        # By class, then surname and first name as the key spells them (Đặng beside Davies, not after Zhou).
        query = query.order_by(Pupil.class_name, Pupil.search_key, Pupil.id).limit(limit)
        return [summary(session, database, p) for p in session.exec(query).all()]


def pupil_summary(database: Database, ref: str) -> PupilSummary:
    with database.reading() as session:
        return summary(session, database, find_pupil(session, ref))


def permit_walk_home(database: Database, ref: str, by: str, *, revoke: bool = False) -> PupilSummary:
    """Record (or revoke) the parents' written permission to walk home alone."""
    with database.writing() as session:
        staff = find_staff(session, by, "office", "recording a walk-home permission")
        pupil = find_pupil(session, ref)
        pupil.walk_home = not revoke
        pupil.walk_home_by_id = staff.id
        pupil.walk_home_at = database.now()
        session.add(pupil)
        append(session, database, "walk_home_revoked" if revoke else "walk_home_permitted",
               staff_id=staff.id, pupil_id=pupil.id)
        session.commit()
        return summary(session, database, pupil)
