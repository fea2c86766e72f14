"""Checking the ledger's hash chain: an edited or deleted record is found."""

from __future__ import annotations

from sqlalchemy import select

from db.chain import GENESIS, LEDGER, row_hash
from db.engine import Database
from db.errors import Refused

BATCH = 5000


def verify(database: Database) -> int:
    """Walk the whole chain; return how many records were checked, or refuse naming the first broken one."""
    previous, checked, last_id = GENESIS, 0, 0
    with database.engine.connect() as conn:
        while True:
            query = select(LEDGER).where(LEDGER.c.id > last_id).order_by(LEDGER.c.id).limit(BATCH)
            batch = conn.execute(query).mappings().all()
            if not batch:
                return checked
            for entry in batch:
                where = f"Ledger record {entry['id']} ({entry['action']} at {database.local(entry['at']):%d %b %Y %H:%M})"
                if entry["prev_hash"] != previous:
                    raise Refused(f"{where} does not follow the record before it: a record was deleted or changed.")
                if row_hash(entry) != entry["hash"]:
                    raise Refused(f"{where} was changed after it was written.")
                previous, checked, last_id = entry["hash"], checked + 1, entry["id"]
