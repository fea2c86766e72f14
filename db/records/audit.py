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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, text

from db.core import GENESIS, CommandLine, Database, Fault, FaultKind, Refused, acting
from db.core.chain import content_hash, stored_time, utc_text
from db.records.anchors import Anchor, compare
from db.records.projections import projection_problems

BATCH = 5000  # rows fetched at a time: the walk streams, it never holds the ledger
# Raw rows through the driver (no ORM, no type processing): a million of them are read and hashed.
_WALK = ("SELECT id, at, kiosk, staff_id, action, tag_code, pupil_id, from_location_id, to_location_id, detail, "
         "voids_id, prev_hash, hash, purged_at FROM ledger_entry ORDER BY id")


@dataclass
class _Blanked:
    """The records blanked at one moment, kept as a running digest (ids arrive in ascending order)."""

    first: tuple[int, str, object]  # the first of them (id, action, time), named in a refusal
    count: int = 0
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)

    def add(self, record_id: int) -> None:
        self.digest.update(f"{',' if self.count else ''}{record_id}".encode())
        self.count += 1


def _where(database: Database, entry_id: int, action: str, at) -> str:
    """How a record is named in a refusal (built only then: it costs more than checking the record)."""
    try:
        moment = f"{database.local(stored_time(at)):%d %b %Y %H:%M}"
    except (TypeError, ValueError):  # a time edited into something that is no time
        moment = str(at)
    return f"Ledger record {entry_id} ({action} at {moment})"


def verify(database: Database, *, by: str | CommandLine) -> int:
    """Walk the whole chain; return how many records were checked, or refuse naming the first broken one."""
    acting(database, by, "admin", "checking the audit chain")
    with database.engine.connect() as conn:
        return walk_chain(conn, database)


def walk_chain(conn: Connection, database: Database) -> int:
    """``verify`` on an open connection (``copy_to`` checks its copy before it commits): every record in one
    snapshot, streamed, each hash computed once."""
    previous, checked = GENESIS, 0
    blanked: dict[datetime, _Blanked] = {}
    checkpoints: dict[datetime, tuple[int, dict]] = {}
    rows = conn.exec_driver_sql(_WALK, execution_options={"stream_results": True, "yield_per": BATCH})
    for (entry_id, at, kiosk, staff_id, action, tag_code, pupil_id, from_id, to_id, detail, voids_id, prev_hash,
         entry_hash, purged_at) in rows:
        if prev_hash != previous:
            raise Refused(f"{_where(database, entry_id, action, at)} does not follow the record before it: a record "
                          "was deleted or changed.")
        if purged_at is not None:
            moment = stored_time(purged_at)
            if moment not in blanked:
                blanked[moment] = _Blanked((entry_id, action, at))
            blanked[moment].add(entry_id)
        elif content_hash(entry_id, utc_text(at), kiosk, staff_id, action, tag_code, pupil_id, from_id, to_id,
                          detail, voids_id, prev_hash) != entry_hash:
            raise Refused(f"{_where(database, entry_id, action, at)} was changed after it was written.")
        elif action == "purge":
            checkpoints[stored_time(at)] = (entry_id, json.loads(detail))
        previous = entry_hash
        checked += 1
    _check_purges(database, blanked, checkpoints)
    return checked


@dataclass(frozen=True)
class RecordCheck:
    """What ``check_record`` found: ``problems`` is empty when the record is whole."""

    records: int  # ledger records whose chain was checked
    anchors: int  # anchors compared with the ledger
    file_check: str | None  # SQLite's check that ran ("quick_check" or "integrity_check"); None on PostgreSQL
    problems: tuple[str, ...]


def file_damage(database: Database, *, full: bool = False) -> str | None:
    """SQLite's own check of the file (``quick_check``, or the slower ``integrity_check`` with ``full``): one
    sentence naming the damage, or None for a sound file (and on PostgreSQL, which checks its own pages)."""
    if not database.is_sqlite:
        return None
    pragma = "integrity_check" if full else "quick_check"
    try:
        with database.engine.connect() as conn:
            found = [row[0] for row in conn.execute(text(f"PRAGMA {pragma}(3)"))]
    except Fault as fault:
        if fault.kind != FaultKind.DAMAGED:
            raise
        found = [str(fault.__cause__ or fault)]
    if found == ["ok"]:
        return None
    lines = [line for line in "\n".join(found).splitlines() if line.strip() and not line.startswith("***")]
    return (f"SQLite's own check ({pragma}) finds the database file damaged (“{(lines or found)[0]}”): stop using this "
            "kiosk and restore the last backup (`kiosk restore --list` shows them).")


def check_record(database: Database, *, by: str | CommandLine, anchors: Sequence[Anchor] = (),
                 full: bool = False) -> RecordCheck:
    """Everything ``kiosk audit verify`` checks: SQLite's own check of the file, the hash chain, the chain
    against ``anchors`` (written down outside the database), and every projection against the ledger."""
    acting(database, by, "admin", "checking the audit chain")
    damage = file_damage(database, full=full)
    problems = [damage] if damage else []
    records = 0
    try:
        try:
            records = verify(database, by=by)
        except Refused as broken:
            problems.append(str(broken))
        problems += compare(database, anchors)
        problems += projection_problems(database)
    except Fault as fault:  # a damaged page met on the way: the file check has said so
        if not damage:
            problems.append(str(fault))
    return RecordCheck(records=records, anchors=len({str(a) for a in anchors}),
                       file_check=("integrity_check" if full else "quick_check") if database.is_sqlite else None,
                       problems=tuple(problems))


def _check_purges(database: Database, blanked: dict[datetime, _Blanked],
                  checkpoints: dict[datetime, tuple[int, dict]]) -> None:
    """Every blanked record must be one a purge checkpoint accounts for, and every checkpoint must add up."""
    for moment, group in blanked.items():
        if moment not in checkpoints:
            raise Refused(f"{_where(database, *group.first)} was blanked outside a purge: no purge checkpoint "
                          "records it.")
        checkpoint_id, detail = checkpoints[moment]
        if detail.get("redacted") != group.count or detail.get("redacted_digest") != group.digest.hexdigest():
            raise Refused(f"{_where(database, *group.first)} was blanked outside a purge: the purge checkpoint "
                          f"(ledger record {checkpoint_id}) lists {detail.get('redacted')} blanked records, and the "
                          f"{group.count} found blanked with it do not match.")
    for moment, (checkpoint_id, detail) in checkpoints.items():
        if detail.get("redacted") and moment not in blanked:
            raise Refused(f"Ledger record {checkpoint_id} (purge at {database.local(moment):%d %b %Y %H:%M}) lists "
                          f"{detail['redacted']} blanked records, but none are marked as blanked by it.")
