"""Appending to the ledger: every row carries the hash of the one before it."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlmodel import Session, select

from db.engine import Database
from db.models import LedgerEntry

GENESIS = "0" * 64


def row_hash(entry: LedgerEntry) -> str:
    """SHA-256 over the row's content and the previous row's hash."""
    content = {
        "id": entry.id,
        "at": _iso(entry.at),
        "kiosk": entry.kiosk,
        "staff_id": entry.staff_id,
        "action": entry.action,
        "tag_code": entry.tag_code,
        "pupil_id": entry.pupil_id,
        "from": entry.from_location_id,
        "to": entry.to_location_id,
        "detail": entry.detail,
        "voids": entry.voids_id,
        "prev": entry.prev_hash,
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _iso(moment: datetime) -> str:
    # Microseconds are kept by both SQLite and PostgreSQL, so the text is stable.
    return moment.astimezone(timezone.utc).isoformat()


def append(session: Session, database: Database, action: str, *, staff_id: int | None = None,
           tag_code: str | None = None, pupil_id: int | None = None, from_location_id: int | None = None,
           to_location_id: int | None = None, detail: dict | None = None, voids_id: int | None = None,
           at: datetime | None = None) -> LedgerEntry:
    """Add one ledger row inside the caller's transaction (which must be a ``database.writing()`` one)."""
    last = session.exec(select(LedgerEntry.id, LedgerEntry.hash).order_by(LedgerEntry.id.desc()).limit(1)).first()
    entry = LedgerEntry(
        id=(last[0] + 1) if last else 1,
        at=at or database.now(),
        kiosk=database.kiosk_name,
        staff_id=staff_id,
        action=action,
        tag_code=tag_code,
        pupil_id=pupil_id,
        from_location_id=from_location_id,
        to_location_id=to_location_id,
        detail=json.dumps(detail or {}, sort_keys=True, ensure_ascii=False),
        voids_id=voids_id,
        prev_hash=last[1] if last else GENESIS,
        hash="",
    )
    entry.hash = row_hash(entry)
    session.add(entry)
    session.flush()
    return entry
