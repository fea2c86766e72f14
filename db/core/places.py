"""The school's places: the office and each class's lockable cupboard (made the first time one is
needed), and a room named by a person. The check-in and the pupil import both ask here."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection, bindparam, func

from db.core import tables
from db.core.errors import Refused
from db.core.text import plain

LOCATION = tables.location
_OFFICE = sa.select(LOCATION.c.id, LOCATION.c.name).where(LOCATION.c.kind == "office").order_by(LOCATION.c.id).limit(1)
_CUPBOARD_OF = sa.select(LOCATION.c.id, LOCATION.c.name).where(
    LOCATION.c.kind == "cupboard", LOCATION.c.class_name == bindparam("class_name")).order_by(LOCATION.c.id).limit(1)


def cupboard_for(conn: Connection, class_name: str) -> tuple[int, str]:
    """The class's lockable cupboard (“6A cupboard”) as (id, name), made the first time it is needed."""
    return conn.execute(_CUPBOARD_OF, {"class_name": class_name}).first() or \
        _insert_location(conn, f"{class_name} cupboard", "cupboard", class_name)


def office(conn: Connection) -> tuple[int, str]:
    """The main office as (id, name), made the first time it is needed."""
    return conn.execute(_OFFICE).first() or _insert_location(conn, "Office", "office")


def _insert_location(conn: Connection, name: str, kind: str, class_name: str | None = None) -> tuple[int, str]:
    new_id = conn.execute(LOCATION.insert().values(name=name, kind=kind, class_name=class_name)).inserted_primary_key[0]
    return new_id, name


def place_named(conn: Connection, name: str) -> tuple[int, str]:
    found = conn.execute(sa.select(LOCATION.c.id, LOCATION.c.name)
                         .where(func.lower(LOCATION.c.name) == plain(name, 100).lower())).first()
    if found is None:
        raise Refused(f"There is no place called “{name[:40]}”: use a room with a location tag, or leave it "
                      "out for the office.")
    return found
