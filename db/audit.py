"""Checking the ledger's hash chain: an edited or deleted record is found."""

from __future__ import annotations

from sqlmodel import select

from db.chain import GENESIS, row_hash
from db.engine import Database
from db.errors import Refused
from db.models import LedgerEntry

BATCH = 5000


def verify(database: Database) -> int:
    """Walk the whole chain; return how many records were checked, or refuse naming the first broken one."""
    previous, checked, last_id = GENESIS, 0, 0
    with database.reading() as session:
        while True:
            batch = session.exec(select(LedgerEntry).where(LedgerEntry.id > last_id)
                                 .order_by(LedgerEntry.id).limit(BATCH)).all()
            if not batch:
                return checked
            for entry in batch:
                if entry.prev_hash != previous:
                    raise Refused(f"Ledger record {entry.id} ({entry.action} at {database.local(entry.at):%d %b %Y %H:%M}) "
                                  "does not follow the record before it: a record was deleted or changed.")
                if row_hash(entry) != entry.hash:
                    raise Refused(f"Ledger record {entry.id} ({entry.action} at {database.local(entry.at):%d %b %Y %H:%M}) "
                                  "was changed after it was written.")
                previous, checked, last_id = entry.hash, checked + 1, entry.id
            session.expunge_all()
