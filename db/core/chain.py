"""Appending to the ledger: every row carries the hash of the one before it.

Written with SQLAlchemy Core: this runs on every scan, and the ORM's unit of
work costs several times the SQL here (bench/scan_latency.py).

Why the append is serialised, and how. A new row's id is the head's id + 1 and
its ``prev_hash`` is the head's hash, both read inside the writing transaction.
Two kiosks reading the same head would each link to it: the chain would fork
(or one insert would fail on the primary key). So only one transaction at a time
may be between "read the head" and "commit":

- SQLite: ``BEGIN IMMEDIATE`` (``Database.writing``/``transaction``) takes the
  file's write lock before the first read.
- PostgreSQL: READ COMMITTED does not stop two readers, and ``SELECT … FOR
  UPDATE`` on the head row does not either (the second kiosk, once the first
  commits, re-reads the *old* head row, not the new one, and an empty ledger has
  no row to lock). So every write transaction takes one transaction-level
  advisory lock, ``pg_advisory_xact_lock(WRITE_LOCK)``, as its first statement
  (db/core/engine.py), and ``append`` takes it again for a transaction opened any
  other way (the lock is re-entrant; COMMIT or ROLLBACK releases it). The waiting
  kiosk then starts its reads after the other's commit and sees its rows, so the
  phone rules' "is it already held?" is answered correctly too. One lock for the
  whole school is enough: a write takes a few milliseconds and a school makes a
  few scans a second at the busiest (bench/load_test.py).

Ids are always set here, never by the database, so on PostgreSQL the
``ledger_entry_id_seq`` sequence is unused (``kiosk copy-to`` still sets it to the
last id, like every other table's).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Connection, exists, select

from db.core import tables
from db.core.engine import WRITE_LOCK, Database
from db.core.errors import Refused

if TYPE_CHECKING:
    from sqlmodel import Session

GENESIS = "0" * 64
LEDGER = tables.ledger_entry
_HEAD = select(LEDGER.c.id, LEDGER.c.hash, LEDGER.c.at).order_by(LEDGER.c.id.desc()).limit(1)
# A PC's clock checked against the newest record (when it is the record's clock: SQLite, one PC). A second or two
# back is a clock nudged by the network time service, not a wrong one; a year on is a wrong year, not a holiday.
CLOCK_SLACK = timedelta(seconds=2)
SCHOOL_YEAR = timedelta(days=366)
_INSERT = LEDGER.insert()
# What ``next_entry`` fills in: every column of a ledger row but the purge's mark.
ENTRY_COLUMNS = ("id", "at", "kiosk", "staff_id", "action", "tag_code", "pupil_id", "from_location_id",
                 "to_location_id", "detail", "voids_id", "prev_hash", "hash")


def not_voided(entry_id):
    """A condition: no later ledger row voids this entry (``entry_id`` is a ledger id column)."""
    voids = LEDGER.alias("voiding")
    return ~exists().where(voids.c.voids_id == entry_id)


# The canonical form the hashes are taken over: JSON, keys sorted, UTF-8, json's default separators. Stored
# hashes depend on every byte of it, so it must never change (existing ledgers must still verify).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def content_hash(entry_id: int, at: str, kiosk: str, staff_id: int | None, action: str, tag_code: str | None,
                 pupil_id: int | None, from_location_id: int | None, to_location_id: int | None, detail: str,
                 voids_id: int | None, prev_hash: str) -> str:
    """SHA-256 over one ledger row's content and the previous row's hash; ``at`` is the time in UTC as
    ``datetime.isoformat`` writes it (``utc_text``). The one definition of the stored hash."""
    content = {"action": action, "at": at, "detail": detail, "from": from_location_id, "id": entry_id,
               "kiosk": kiosk, "pupil_id": pupil_id, "prev": prev_hash, "staff_id": staff_id, "tag_code": tag_code,
               "to": to_location_id, "voids": voids_id}
    return hashlib.sha256(_CANONICAL.encode(content).encode()).hexdigest()


def utc_text(at: datetime | str) -> str:
    """A stored time as the hash reads it: ISO 8601 in UTC, microseconds kept (SQLite and PostgreSQL keep them).

    ``at`` is an aware datetime, or SQLite's stored text read raw ("2026-11-28 15:44:00.123457", UTC), which is
    turned into the same text without building a datetime (``audit verify`` reads a million of them)."""
    if isinstance(at, str):
        if len(at) == 26 and at[10] == " " and at[19] == ".":
            fraction = at[19:]
            return f"{at[:10]}T{at[11:19]}{'' if fraction == '.000000' else fraction}+00:00"
        at = stored_time(at)
    return at.astimezone(timezone.utc).isoformat()


def stored_time(at: datetime | str) -> datetime:
    """A stored time as an aware UTC datetime, whether read raw (SQLite's text, a driver's datetime) or typed."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.replace(tzinfo=timezone.utc) if at.utcoffset() is None else at.astimezone(timezone.utc)


def row_hash(row: Mapping) -> str:
    """SHA-256 over a ledger row's content (column name → value) and the previous row's hash."""
    return content_hash(row["id"], utc_text(row["at"]), row["kiosk"], row["staff_id"], row["action"],
                        row["tag_code"], row["pupil_id"], row["from_location_id"], row["to_location_id"],
                        row["detail"], row["voids_id"], row["prev_hash"])


def append(target: Session | Connection, database: Database, action: str, *, staff_id: int | None = None,
           tag_code: str | None = None, pupil_id: int | None = None, from_location_id: int | None = None,
           to_location_id: int | None = None, detail: dict | None = None, voids_id: int | None = None,
           at: datetime | None = None) -> int:
    """Add one ledger row inside the caller's write transaction; returns its id.

    The chain head is read inside the same transaction, which holds the write
    lock from its start (``Database.writing``/``Database.transaction``; on
    PostgreSQL the advisory lock is taken here if it is not held yet), so two
    kiosks cannot both link to the same previous row.
    """
    if not isinstance(target, Connection):  # a Session (the ORM is not imported on a command's Core path)
        target.flush()  # rows the new entry refers to must exist first
        target = target.connection()
    if target.dialect.name == "postgresql" and target.get_execution_options().get("kiosk_begin") != "IMMEDIATE":
        target.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")  # before reading the head
    row = next_entry(database, target.execute(_HEAD).first(), action, staff_id=staff_id, tag_code=tag_code,
                     pupil_id=pupil_id, from_location_id=from_location_id, to_location_id=to_location_id,
                     detail=detail, voids_id=voids_id, at=at)
    target.execute(_INSERT, row)
    return row["id"]


def head_columns() -> list:
    """The chain head's id, hash and time as three columns to add to a read made under the write lock, so the scan
    path reads the head in the same round trip as the phone it writes about (``next_entry`` takes them)."""
    newest = sa.select(sa.func.max(LEDGER.c.id)).scalar_subquery()
    return [newest.label("head_id"),
            sa.select(LEDGER.c.hash).where(LEDGER.c.id == newest).scalar_subquery().label("head_hash"),
            sa.select(LEDGER.c.at).where(LEDGER.c.id == newest).scalar_subquery().label("head_at")]


def next_entry(database: Database, last, action: str, *, staff_id: int | None = None, tag_code: str | None = None,
               pupil_id: int | None = None, from_location_id: int | None = None, to_location_id: int | None = None,
               detail: dict | None = None, voids_id: int | None = None, at: datetime | None = None) -> dict:
    """The ledger row after ``last`` (the head as (id, hash, at), read under the write lock; None for an empty
    ledger), with its hash: what ``append`` inserts."""
    if last is not None and last[0] is None:
        last = None  # head_columns() on an empty ledger
    at = at or database.now()
    if last and database.clock_checked and not database.server_clock:
        _refuse_a_wrong_clock(database, at, last[2])
    row = {
        "id": last[0] + 1 if last else 1,
        "at": at,
        "kiosk": database.kiosk_name,
        "staff_id": staff_id,
        "action": action,
        "tag_code": tag_code,
        "pupil_id": pupil_id,
        "from_location_id": from_location_id,
        "to_location_id": to_location_id,
        "detail": json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
        "voids_id": voids_id,
        "prev_hash": last[1] if last else GENESIS,
    }
    row["hash"] = row_hash(row)
    return row


def _refuse_a_wrong_clock(database: Database, at: datetime, newest: datetime) -> None:
    """A time before the newest record, or more than a school year after it, is this PC's clock gone wrong:
    written, it would sort a check-in into another day (and purge could blank it at once)."""
    if newest.tzinfo is None:
        newest = newest.replace(tzinfo=timezone.utc)
    if at < newest - CLOCK_SLACK:
        where = "before the newest record"
    elif at > newest + SCHOOL_YEAR:
        where = "more than a school year after the newest record"
    else:
        return
    said = f"{database.local(at):%H:%M on %a %d %b %Y}"
    raise Refused(f"This PC's clock says {said}, {where} ({database.local(newest):%H:%M on %a %d %b %Y}), so "
                  "nothing was saved: put this PC's clock right (date and time), then try again.")
