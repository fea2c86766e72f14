"""Supply and cover teachers: a one-day badge (a code and a PIN) with a class teacher's rights for one class.

No table of its own: a cover badge is a Staff row (role teacher, the class, a generated "CV" code, an argon2
hash of the PIN) whose ``left_at`` is set in advance to the end of the school day. ``find_staff`` treats a
``left_at`` still to come as in post, so the badge signs in and acts until then, and every action is
recorded under the cover teacher's own name.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time

from sqlmodel import select

from db.core import COVER_PREFIX, CommandLine, CoverBadge, Database, Refused, append, class_on_roll, find_staff, plain
from db.core.models import Staff

COVER_ENDS = time(18, 0)  # the school day's end: after clubs, before the building is locked (school time)
COVER_PIN_DIGITS = 6


def give_cover_badge(database: Database, name: str, class_name: str, by: str | CommandLine) -> CoverBadge:
    """A cover badge for ``name`` (first name and surname) for ``class_name``, until 18:00 today (school time).

    The PIN is returned once, to print; only its argon2 hash is stored. Office staff and the leadership team.
    """
    from argon2 import PasswordHasher

    words = plain(name, 100).split()
    if len(words) < 2:
        raise Refused("Give the cover teacher's first name and surname, e.g. “Sam Jones”.")
    first, surname = words[0], " ".join(words[1:])
    pin = "".join(secrets.choice("0123456789") for _ in range(COVER_PIN_DIGITS))
    pin_hash = PasswordHasher().hash(pin)  # before the write lock: argon2 takes a moment
    with database.writing() as session:
        staff = find_staff(session, by, "office", "giving a cover badge")
        class_name = class_on_roll(session, class_name)
        now = database.now()
        local = database.local(now)
        until = datetime.combine(local.date(), COVER_ENDS, tzinfo=database.zone)
        if local >= until:
            raise Refused(f"The school day is over (a cover badge lasts until {COVER_ENDS:%H:%M}): "
                          "give the badge on the morning of the cover.")
        code = _new_code(session)
        session.add(Staff(code=code, first_name=first, surname=surname, role="teacher", class_name=class_name,
                          pin_hash=pin_hash, left_at=until))
        session.flush()
        append(session, database, "cover_badge", staff_id=staff.id, at=now,
               detail={"cover": code, "name": f"{first} {surname}", "class": class_name, "until": until.isoformat()})
        session.commit()
    return CoverBadge(code=code, pin=pin, name=f"{first} {surname}", class_name=class_name, until=until)


def _new_code(session) -> str:
    """CV and four digits, unused so far (an expired badge keeps its code: the ledger names it); six when crowded."""
    for digits in (4, 4, 4, 4, 4, 6, 6, 6):
        code = COVER_PREFIX + "".join(secrets.choice("0123456789") for _ in range(digits))
        if session.exec(select(Staff.id).where(Staff.code == code)).first() is None:
            return code
    raise Refused("No free cover code was found: try again.")


def cover_today(database: Database, *, by: str | CommandLine) -> list[CoverBadge]:
    """Cover badges still valid now (no PINs), by class: what the office screen shows."""
    now = database.now()
    with database.reading() as session:
        find_staff(session, by, "office", "the list of cover badges")
        rows = session.exec(select(Staff).where(Staff.code.startswith(COVER_PREFIX), Staff.left_at.is_not(None),
                                                Staff.left_at > now)
                            .order_by(Staff.class_name, Staff.surname)).all()
    return [CoverBadge(code=s.code, pin="", name=f"{s.first_name} {s.surname}", class_name=s.class_name or "",
                       until=database.local(s.left_at)) for s in rows if s.role == "teacher"]

