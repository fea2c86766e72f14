"""Restoring a backup: the file is checked first, the current database is moved aside (never deleted), then the
backup is put in its place.

SQLite: the backup is copied beside the database (same disk, so the last step is an atomic rename), then the
current file and its -wal and -shm are renamed to ``kiosk.db.before-restore-<time>`` (-wal, -shm), which still
open together as the database they were. PostgreSQL: the backup is copied (``copy_to``) into the configured
database only if that is empty. A PostgreSQL database cannot be moved aside by renaming a file, and emptying it
would delete the school's record, so a school restores into a new, empty database and points the kiosks at it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import SQLModel

from db.core import CommandLine, Database, Refused, schema_revision
from db.records import anchors
from db.records.backup import check_file, contents, create_private, flush, read_only
from db.records.copy import _refuse_if_holding_records, copy_to


@dataclass(frozen=True)
class Restored:
    records: int  # ledger records now in the database
    newest: datetime | None  # the newest record's time (UTC)
    anchor: anchors.Anchor | None
    moved_aside: tuple[Path, ...]  # the database as it was (and its -wal, -shm), renamed; empty on PostgreSQL


def restore_backup(database: Database, file: Path, *, by: str | CommandLine) -> Restored:
    """Put the backup ``file`` in place of ``database``; refuses in one sentence, changing nothing, when the file
    is missing, damaged or not a backup, or (PostgreSQL) the database already holds records."""
    if not file.is_file():
        raise Refused(f"There is no file {file}: give the path of a backup (`kiosk restore --list` shows them).")
    check_file(file, database, by)
    if database.is_sqlite:
        return _into_sqlite(database, file)
    return _into_postgres(database, file, by)


def _into_sqlite(database: Database, file: Path) -> Restored:
    path = Path(database.engine.url.database)
    database.engine.dispose()  # this process's own connections closed before the file under them moves
    temp = path.with_name(f".{path.name}.restoring-{uuid.uuid4().hex[:8]}")
    try:
        create_private(temp)
        shutil.copyfile(file, temp)  # into the 0600 file made above: the mode stays
        flush(temp)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise Refused("Nothing was restored: the backup could not be copied beside the database "
                      f"({exc.strerror or exc}).") from None
    stamp = database.local(database.now()).strftime("%Y-%m-%dT%H%M%S")
    moved: list[tuple[Path, Path]] = []
    try:
        _checkpoint(path)
        for end in ("", "-wal", "-shm"):
            current = path.with_name(path.name + end)
            if current.exists():
                aside = path.with_name(f"{path.name}.before-restore-{stamp}{end}")
                os.rename(current, aside)
                moved.append((current, aside))
        os.replace(temp, path)
        flush(path.parent)
    except OSError as exc:
        for current, aside in reversed(moved):  # put back what was moved: the database is as it was
            with suppress(OSError):
                os.rename(aside, current)
        temp.unlink(missing_ok=True)
        raise Refused(f"Nothing was restored: the database could not be moved aside ({exc.strerror or exc}).") from None
    placed = read_only(path, database)
    try:
        now = contents(placed)
    finally:
        placed.engine.dispose()
    return Restored(now.records, now.newest, now.anchor, tuple(aside for _, aside in moved))


def _checkpoint(path: Path) -> None:
    """Fold the current database's -wal into it first, so the file moved aside holds its own last writes; a damaged
    or locked database is moved aside as it is, with its -wal beside it."""
    if not path.exists():
        return
    with suppress(sqlite3.Error), closing(sqlite3.connect(path, timeout=5)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _into_postgres(database: Database, file: Path, by: str | CommandLine) -> Restored:
    if schema_revision(database) is not None:
        with database.engine.connect() as conn:
            try:
                _refuse_if_holding_records(conn, SQLModel.metadata.sorted_tables, "")
            except Refused:
                raise Refused("The school database already holds records, so nothing was restored: create a new, "
                              "empty database, restore into it with `kiosk --db URL restore FILE`, then point the "
                              "kiosks at it (the old database stays as it is).") from None
    source = read_only(file, database)
    try:
        copy_to(source, database, by=by)
    finally:
        source.engine.dispose()
    now = contents(database)
    return Restored(now.records, now.newest, now.anchor, ())
