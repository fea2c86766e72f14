"""Checking the ledger's hash chain: an edited or deleted record is found.

A record blanked by the retention purge (``purged_at`` set) can no longer match
its own hash, so only its link to the record before it is checked; instead,
every set of records blanked at one moment must match the ``purge``
checkpoint written at that moment (how many, and a digest of their ids), so a
record blanked by hand outside a purge is still found.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from db.core import GENESIS, LEDGER, CommandLine, Database, Refused, acting, row_hash

BATCH = 5000


@dataclass
class _Blanked:
    """The records blanked at one moment, kept as a running digest (ids arrive in ascending order)."""

    first: str  # how the first of them is named in a refusal
    count: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    def add(self, record_id: int) -> None:
        self.digest.update(f"{',' if self.count else ''}{record_id}".encode())
        self.count += 1


def verify(database: Database, *, by: str | CommandLine) -> int:
    """Walk the whole chain; return how many records were checked, or refuse naming the first broken one."""
    acting(database, by, "admin", "checking the audit chain")
    previous, checked, last_id = GENESIS, 0, 0
    blanked: dict[datetime, _Blanked] = {}
    checkpoints: dict[datetime, tuple[int, dict]] = {}
    with database.engine.connect() as conn:
        while True:
            query = select(LEDGER).where(LEDGER.c.id > last_id).order_by(LEDGER.c.id).limit(BATCH)
            batch = conn.execute(query).mappings().all()
            if not batch:
                break
            for entry in batch:
                where = (f"Ledger record {entry['id']} "
                         f"({entry['action']} at {database.local(entry['at']):%d %b %Y %H:%M})")
                if entry["prev_hash"] != previous:
                    raise Refused(f"{where} does not follow the record before it: a record was deleted or changed.")
                if entry["purged_at"] is not None:
                    blanked.setdefault(entry["purged_at"], _Blanked(where)).add(entry["id"])
                elif row_hash(entry) != entry["hash"]:
                    raise Refused(f"{where} was changed after it was written.")
                elif entry["action"] == "purge":
                    checkpoints[entry["at"]] = (entry["id"], json.loads(entry["detail"]))
                previous, checked, last_id = entry["hash"], checked + 1, entry["id"]
    _check_purges(database, blanked, checkpoints)
    return checked


def _check_purges(database: Database, blanked: dict[datetime, _Blanked],
                  checkpoints: dict[datetime, tuple[int, dict]]) -> None:
    """Every blanked record must be one a purge checkpoint accounts for, and every checkpoint must add up."""
    for moment, group in blanked.items():
        if moment not in checkpoints:
            raise Refused(f"{group.first} was blanked outside a purge: no purge checkpoint records it.")
        checkpoint_id, detail = checkpoints[moment]
        if detail.get("redacted") != group.count or detail.get("redacted_digest") != group.digest.hexdigest():
            raise Refused(f"{group.first} was blanked outside a purge: the purge checkpoint (ledger record "
                          f"{checkpoint_id}) lists {detail.get('redacted')} blanked records, and the {group.count} "
                          "found blanked with it do not match.")
    for moment, (checkpoint_id, detail) in checkpoints.items():
        if detail.get("redacted") and moment not in blanked:
            raise Refused(f"Ledger record {checkpoint_id} (purge at {database.local(moment):%d %b %Y %H:%M}) lists "
                          f"{detail['redacted']} blanked records, but none are marked as blanked by it.")
