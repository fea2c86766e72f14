"""Anchors: the ledger's head written down outside the database, so a shortened or rewritten ledger is found.

An anchor is one short line a person can copy by hand or keep in a file: ``K1-000231-7QF3KD2M-20261128T1544``
(format 1, the head entry's id, the first 8 characters of its hash in base32, the time it was written in UTC to
the minute). The kiosk keeps every anchor it issues in ``anchors.txt`` beside the backups, one per line, only
ever appended to. A line names the database after the anchor (``K1-… sqlite:/srv/kiosk/kiosk.db``): one PC may
keep the demo school's anchors beside the school's own, and only a database's own are checked against it. A
line with an anchor alone (written by hand) counts for every database.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from db.core import LEDGER, Database

FILE_NAME = "anchors.txt"
_SHAPE = re.compile(r"K1-(\d{6,})-([A-Z2-7]{8})-(\d{8}T\d{4})")


@dataclass(frozen=True)
class Anchor:
    entry_id: int
    hash_prefix: str  # base32 of the first bytes of the entry's SHA-256, 8 characters
    at: datetime  # the entry's time, UTC, to the minute

    def __str__(self) -> str:
        return f"K1-{self.entry_id:06d}-{self.hash_prefix}-{self.at:%Y%m%dT%H%M}"

    def matches(self, entry_hash: str) -> bool:
        return short_hash(entry_hash) == self.hash_prefix


def short_hash(entry_hash: str) -> str:
    return base64.b32encode(bytes.fromhex(entry_hash)).decode()[:8]


def parse(text: str) -> Anchor | None:
    """An anchor read back from a line someone typed or kept; None if the text is not one."""
    found = _SHAPE.fullmatch(text.strip().upper())
    if not found:
        return None
    at = datetime.strptime(found[3], "%Y%m%dT%H%M").replace(tzinfo=timezone.utc)
    return Anchor(int(found[1]), found[2], at)


def head(database: Database) -> Anchor | None:
    """The anchor for the ledger's newest entry (None for an empty ledger)."""
    with database.engine.connect() as conn:
        row = conn.execute(select(LEDGER.c.id, LEDGER.c.hash, LEDGER.c.at)
                           .order_by(LEDGER.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return Anchor(row.id, short_hash(row.hash), row.at.astimezone(timezone.utc).replace(second=0, microsecond=0))


def place(database: Database) -> str:
    """Which database an anchor belongs to, as its line in the anchors file names it: the SQLite file's full
    path, or the server's URL without its password."""
    url = database.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return f"sqlite:{Path(url.database).resolve()}"
    return url.render_as_string(hide_password=True)


RESTORED = "restored"  # a line "restored K1-… place": the database was put back to that anchor by `kiosk restore`


def remember(anchor: Anchor, folder: Path, where: str | None = None, *, restored: bool = False) -> Path:
    """Append the anchor to the folder's anchors file (made readable by this user only); ``where`` names its
    database (``place``). ``restored``: the database was just restored to this anchor, so the anchors written
    before it past its record name records the school chose to give up (see ``known``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    line = " ".join(part for part in (RESTORED if restored else "", str(anchor), where or "") if part)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write(f"{line}\n")
        file.flush()
        os.fsync(file.fileno())
    return path


def known(folder: Path, where: str | None = None) -> list[Anchor]:
    """Every anchor kept in the folder's anchors file, oldest first (lines that are not anchors are skipped);
    with ``where``, only that database's and those that name none.

    A restore line drops the earlier anchors past the restored record: the ledger was put back to an earlier
    point on purpose (the database as it was is kept aside), and its new records take those ids again.
    """
    path = folder / FILE_NAME
    if not path.exists():
        return []
    found: list[Anchor] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        first, _, rest = line.strip().partition(" ")
        restore = first.lower() == RESTORED
        if restore:
            first, _, rest = rest.strip().partition(" ")
        anchor = parse(first)
        if anchor is None or not (where is None or not rest.strip() or rest.strip() == where):
            continue
        if restore:
            found = [kept for kept in found if kept.entry_id <= anchor.entry_id]
        found.append(anchor)
    return found


def compare(database: Database, anchors: Iterable[Anchor]) -> list[str]:
    """One sentence per anchor the ledger no longer agrees with: it ends before the anchor's record (records
    deleted from the end, or lost with the ``-wal`` file), or the record there has another hash (rewritten)."""
    wanted = {str(anchor): anchor for anchor in anchors}.values()  # the same anchor kept twice is checked once
    if not wanted:
        return []
    with database.engine.connect() as conn:
        last = conn.execute(select(func.max(LEDGER.c.id))).scalar() or 0
        ids = sorted({anchor.entry_id for anchor in wanted if anchor.entry_id <= last})
        hashes = {}
        for start in range(0, len(ids), 500):  # within every database's limit on bound values
            chunk = ids[start:start + 500]
            hashes.update(conn.execute(select(LEDGER.c.id, LEDGER.c.hash).where(LEDGER.c.id.in_(chunk))).all())
    problems = []
    for anchor in sorted(wanted, key=lambda a: a.entry_id):
        written = f"{database.local(anchor.at):%d %b %Y %H:%M}"
        if anchor.entry_id > last:
            ends = f"ends at record {last:,}" if last else "is empty"
            problems.append(f"The ledger {ends}, but anchor {anchor} (written {written}) shows it reached record "
                            f"{anchor.entry_id:,}: the last {anchor.entry_id - last:,} records are missing (deleted, "
                            "or lost with the database's -wal file).")
        elif anchor.entry_id not in hashes:
            problems.append(f"Ledger record {anchor.entry_id:,}, named by anchor {anchor} (written {written}), is "
                            "missing: records were deleted.")
        elif not anchor.matches(hashes[anchor.entry_id]):
            problems.append(f"Ledger record {anchor.entry_id:,} is not the one anchor {anchor} (written {written}) "
                            f"recorded: its fingerprint is now {short_hash(hashes[anchor.entry_id])}, so that record "
                            "or one before it was rewritten after the anchor was written.")
    return problems
