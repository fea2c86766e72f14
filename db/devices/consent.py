"""Photo consent (R3): an append-only history per pupil and category, and the do-not-photograph list."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, select

from db.core import (
    Database,
    Refused,
    append,
    class_on_roll,
    find_pupil,
    find_staff,
    name_key,
    pupil_name,
    pupil_short,
)
from db.core.models import ConsentEvent, Pupil
from db.devices.views import ConsentAnswer, NoPhotoList, NoPhotoPupil, PupilConsent

# Consent categories: the key stored, and the column heading / words a person reads.
CATEGORIES = {"photos": "Photos in school", "website": "Website", "social": "Social Media", "press": "Press"}
PHOTOS = "photos"


def _answers(session: Session, pupil_ids: Iterable[int], at: datetime) -> dict[tuple[int, str], ConsentEvent]:
    """Each pupil's latest answer per category at ``at`` (absent: never recorded)."""
    ids = list(pupil_ids)
    if not ids:
        return {}
    latest: dict[tuple[int, str], ConsentEvent] = {}
    events = session.exec(select(ConsentEvent).where(ConsentEvent.pupil_id.in_(ids), ConsentEvent.at <= at)
                          .order_by(ConsentEvent.at, ConsentEvent.id)).all()
    for event in events:
        latest[(event.pupil_id, event.category)] = event
    return latest


def no_photo_list(session: Session, database: Database, class_name: str, at: datetime) -> NoPhotoList:
    pupils = session.exec(select(Pupil).where(Pupil.class_name == class_name, Pupil.left_at.is_(None))
                          .order_by(Pupil.surname, Pupil.legal_first)).all()
    answers = _answers(session, (p.id for p in pupils), at)
    refuse, limited = [], []
    for pupil in pupils:
        refused = tuple(label for key, label in CATEGORIES.items()
                        if not (answers.get((pupil.id, key)) and answers[(pupil.id, key)].given))
        if not refused:
            continue
        entry = NoPhotoPupil(pupil.id, pupil_short(pupil), refused)
        (refuse if CATEGORIES[PHOTOS] in refused else limited).append(entry)
    # First names, as the teacher reads the slip: Łukasz with the Ls and Émile with the Es, not after Zara.
    order = lambda p: (name_key(p.short_name), p.short_name)  # noqa: E731
    return NoPhotoList(class_name=class_name, at=database.local(at), pupils=tuple(sorted(refuse, key=order)),
                       not_published=tuple(sorted(limited, key=order)), on_roll=len(pupils))


def do_not_photograph(database: Database, class_name: str, at: datetime | None = None) -> NoPhotoList:
    """The class's do-not-photograph list as it stands now (or at ``at``): consent not given means no."""
    with database.reading() as session:
        class_name = class_on_roll(session, class_name)
        return no_photo_list(session, database, class_name, at or database.now())


def consent_of(database: Database, pupil_ref: str, at: datetime | None = None) -> PupilConsent:
    """One pupil's consent in each category now (or at ``at``), with the date each answer was recorded."""
    with database.reading() as session:
        pupil = find_pupil(session, pupil_ref)
        return _pupil_consent(session, database, pupil, at or database.now())


def _pupil_consent(session: Session, database: Database, pupil: Pupil, at: datetime) -> PupilConsent:
    answers = _answers(session, [pupil.id], at)
    rows = []
    for key, label in CATEGORIES.items():
        event = answers.get((pupil.id, key))
        rows.append(ConsentAnswer(key, label, bool(event and event.given),
                                  database.local(event.at) if event else None))
    return PupilConsent(pupil.id, pupil_name(pupil), pupil_short(pupil), pupil.class_name,
                        tuple(rows))


def category_key(text: str) -> str:
    """"photos", "website", "social" or "press" from a key or a heading such as "Social Media"."""
    wanted = " ".join((text or "").split()).lower()
    for key, label in CATEGORIES.items():
        if wanted in (key, label.lower()):
            return key
    names = ", ".join(CATEGORIES.values())
    raise Refused(f"“{wanted[:30]}” is not a consent category: use one of {names}.")


def set_consent(database: Database, pupil_ref: str, category: str, given: bool, by: str) -> PupilConsent:
    """Record one answer from a parent (a withdrawal letter, a late form); it applies from now on."""
    key = category_key(category)
    with database.writing() as session:
        staff = find_staff(session, by, "office", "recording photo consent")
        pupil = find_pupil(session, pupil_ref)
        now = database.now()
        current = _answers(session, [pupil.id], now).get((pupil.id, key))
        if current is None or current.given != bool(given):
            record_answers(session, database, pupil.id, {key: bool(given)}, now, staff_id=staff.id,
                           source="kiosk")
        session.commit()
        return _pupil_consent(session, database, pupil, now)


def record_answers(session: Session, database: Database, pupil_id: int, answers: dict[str, bool], at: datetime,
                   *, staff_id: int | None = None, source: str) -> int:
    """Append one pupil's changed answers and their ledger row (inside the caller's transaction)."""
    entry = append(session, database, "consent_changed", staff_id=staff_id, pupil_id=pupil_id, at=at,
                   detail={"source": source, **answers})
    session.add_all([ConsentEvent(pupil_id=pupil_id, category=key, given=value, at=at, staff_id=staff_id,
                                  ledger_id=entry) for key, value in answers.items()])
    return entry


def current_answers(session: Session, pupil_ids: Iterable[int], at: datetime) -> dict[tuple[int, str], bool]:
    """(pupil id, category) → the answer in force at ``at``, for pupils with one recorded."""
    return {key: event.given for key, event in _answers(session, pupil_ids, at).items()}


