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
import tempfile
import uuid
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import SQLModel

from db.core import HEAD_REVISION, CommandLine, Database, Refused, open_database, schema_revision, sqlite_url, upgrade
from db.records import anchors
from db.records.backup import check_file, contents, create_private, flush, read_only, reading_uri
from db.records.copy import _refuse_if_holding_records, copy_to


@dataclass(frozen=True)
class Restored:
    records: int  # ledger records now in the database
    newest: datetime | None  # the newest record's time (UTC)
    anchor: anchors.Anchor | None
    moved_aside: tuple[Path, ...]  # the database as it was (and its -wal, -shm), renamed; empty on PostgreSQL


def restore_backup(database: Database, file: Path, *, by: str | CommandLine) -> Restored:
    """Put the backup ``file`` in place of ``database``; refuses in one sentence, changing nothing, when the file
    is missing, damaged, not a backup or from a newer version, or (PostgreSQL) the database already holds records.

    A backup made by an older version is upgraded on its way in, as `kiosk init` would.
    """
    if not file.is_file():
        raise Refused(f"There is no file {file}: give the path of a backup (`kiosk restore --list` shows them).")
    if database.is_sqlite:
        return _into_sqlite(database, file, by)
    return _into_postgres(database, file, by)


def _prepared(file: Path, temp: Path, like: Database, by: str | CommandLine) -> None:
    """Copy the backup into ``temp`` (0600), upgrade it if an older version made it, and check it; on a refusal or
    a failure nothing is left at ``temp``."""
    try:
        create_private(temp)
        shutil.copyfile(file, temp)  # into the 0600 file made above: the mode stays
        revision = _revision(temp)
        if revision is not None and not (revision.isdigit() and int(revision) <= int(HEAD_REVISION)):
            raise Refused(f"{file.name} was made by a newer version of Custody Kiosk: update this kiosk first, then "
                          "restore it.")
        if revision is not None and revision != HEAD_REVISION:
            _upgrade(temp)
        check_file(temp, like, by, name=file.name)
        flush(temp)
    except BaseException as exc:  # noqa: BLE001 - whatever stopped it, the half-made copy goes
        for leftover in (temp, *(temp.with_name(temp.name + end) for end in ("-wal", "-shm", "-journal"))):
            with suppress(OSError):
                leftover.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise Refused(f"Nothing was restored: the backup could not be copied ({exc.strerror or exc}).") from None
        raise


def _revision(path: Path) -> str | None:
    """The schema version the backup was made at; None when it cannot be read (check_file then says why)."""
    try:
        with closing(sqlite3.connect(reading_uri(path), uri=True)) as conn:
            return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.Error, TypeError):
        return None


def _upgrade(path: Path) -> None:
    copy = open_database(sqlite_url(path))
    try:
        upgrade(copy)
    finally:
        copy.engine.dispose()  # the last connection folds the -wal back into the file
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # one file again, as the backup was: nothing left beside it


def _into_sqlite(database: Database, file: Path, by: str | CommandLine) -> Restored:
    path = Path(database.engine.url.database)
    temp = path.with_name(f".{path.name}.restoring-{uuid.uuid4().hex[:8]}")
    _prepared(file, temp, database, by)
    database.engine.dispose()  # this process's own connections closed before the file under them moves
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
    with tempfile.TemporaryDirectory(prefix="kiosk-restore-") as folder:
        temp = Path(folder) / "backup.db"
        _prepared(file, temp, database, by)
        source = read_only(temp, database)
        try:
            copy_to(source, database, by=by)
        finally:
            source.engine.dispose()
    now = contents(database)
    return Restored(now.records, now.newest, now.anchor, ())
