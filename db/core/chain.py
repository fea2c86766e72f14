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

import sqlalchemy as sa
from sqlalchemy import Connection, exists, select
from sqlmodel import Session

from db.core.engine import WRITE_LOCK, Database
from db.core.errors import Refused
from db.core.models import LedgerEntry

GENESIS = "0" * 64
LEDGER = LedgerEntry.__table__
_HEAD = select(LEDGER.c.id, LEDGER.c.hash, LEDGER.c.at).order_by(LEDGER.c.id.desc()).limit(1)
# A PC's clock checked against the newest record (when it is the record's clock: SQLite, one PC). A second or two
# back is a clock nudged by the network time service, not a wrong one; a year on is a wrong year, not a holiday.
CLOCK_SLACK = timedelta(seconds=2)
SCHOOL_YEAR = timedelta(days=366)
_INSERT = LEDGER.insert()


def not_voided(entry_id):
    """A condition: no later ledger row voids this entry (``entry_id`` is a ledger id column)."""
    voids = LEDGER.alias("voiding")
    return ~exists().where(voids.c.voids_id == entry_id)


def row_hash(row: Mapping) -> str:
    """SHA-256 over a ledger row's content (column name → value) and the previous row's hash."""
    content = {
        "id": row["id"],
        "at": row["at"].astimezone(timezone.utc).isoformat(),  # microseconds kept by SQLite and PostgreSQL
        "kiosk": row["kiosk"],
        "staff_id": row["staff_id"],
        "action": row["action"],
        "tag_code": row["tag_code"],
        "pupil_id": row["pupil_id"],
        "from": row["from_location_id"],
        "to": row["to_location_id"],
        "detail": row["detail"],
        "voids": row["voids_id"],
        "prev": row["prev_hash"],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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
    if isinstance(target, Session):
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
