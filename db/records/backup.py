"""Backups: a checked copy of the school's record in a folder, named by its time, kept by rotation.

SQLite: the online backup API copies the file in one step, from one snapshot, while kiosks keep scanning (a WAL
reader blocks no writer). PostgreSQL: the same portable SQLite file, filled by ``copy_to`` from one snapshot, so
one PC can restore a school. Either way the copy is written to a hidden temporary file in the backup folder,
checked (SQLite's integrity_check, then the whole ledger through ``verify``), flushed to the disk and only then
renamed to its dated name: a failed backup leaves no file with a backup's name and never replaces a good one.
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select

from db.core import LEDGER, CommandLine, Database, Fault, FaultKind, Refused, fault_kind, open_database, sqlite_url
from db.records import anchors
from db.records.audit import verify
from db.records.copy import copy_to

# kiosk-2026-11-28T1544.db, and kiosk-2026-11-28T1544-2.db for a second backup in the same minute.
NAME = re.compile(r"kiosk-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(?:-(\d+))?\.db")
TEMP_PREFIX = ".kiosk-backup-"
STALE_TEMP = timedelta(days=1)  # a temporary file left by a killed backup; no backup runs this long


@dataclass(frozen=True)
class Keep:
    """How many backups rotation keeps: the newest of each of the last ``daily`` days, ``weekly`` weeks and
    ``termly`` terms that have one."""

    daily: int = 10
    weekly: int = 8
    termly: int = 6


@dataclass(frozen=True)
class Backup:
    path: Path
    records: int  # ledger records in the copy
    newest: datetime | None  # the newest record's time (UTC); None for an empty ledger
    anchor: anchors.Anchor | None
    removed: tuple[Path, ...] = ()  # older backups that rotation removed


def make_backup(database: Database, folder: Path, *, by: str | CommandLine, keep: Keep = Keep()) -> Backup:
    """Copy the database into ``folder``, check the copy, name it by the time, rotate; refuse in one sentence.

    The folder must exist (a USB disk not plugged in is not made into an empty folder on the PC).
    """
    if not folder.is_dir():
        raise Refused(f"The backup folder {folder} cannot be found (is the USB disk or network share connected?): "
                      "nothing was backed up.")
    temp = folder / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        create_private(temp)
        if database.is_sqlite:
            _copy_sqlite(database, temp)
        else:
            _copy_postgres(database, temp, by)
        made = _check(temp, database, by)
        flush(temp)
        final = _place(temp, folder, database.local(database.now()))
        flush(folder)
    except BaseException as exc:  # noqa: BLE001 - whatever stopped it (a refusal, a full disk, Ctrl+C): no temp left
        _remove(temp)
        if isinstance(exc, Refused) or not isinstance(exc, Exception) or _school_database(exc):
            raise
        raise Refused(_failure(folder, exc)) from exc
    if made.anchor is not None:
        anchors.remember(made.anchor, folder, anchors.place(database))  # the line names its database
    try:
        removed = rotate(folder, keep)
    except OSError:  # an old backup we may not delete: this backup is made and good all the same
        removed = []
    return Backup(final, made.records, made.newest, made.anchor, tuple(removed))


def backups(folder: Path) -> list[Path]:
    """Our backups in the folder, newest first (by the time in the name); any other file is not ours."""
    if not folder.is_dir():
        return []
    found = [path for path in folder.iterdir() if NAME.fullmatch(path.name) and path.is_file()]
    return sorted(found, key=lambda path: _sort_key(path.name), reverse=True)


def taken(path: Path) -> datetime:
    """When a backup was made, from its name: the school's local time, without a zone."""
    found = NAME.fullmatch(path.name)
    return datetime.combine(date.fromisoformat(found[1]), datetime.min.time()).replace(hour=int(found[2]),
                                                                                      minute=int(found[3]))


def to_remove(names: Iterable[str], keep: Keep) -> list[str]:
    """Which backup names rotation removes: every one not the newest of a kept day, week or term.

    Pure (the dates come from the names), so tests pass the dates in. Names that are not backups are never
    returned; the newest backup is always kept.
    """
    ours = sorted((name for name in names if NAME.fullmatch(name)), key=_sort_key, reverse=True)
    kept: set[str] = set(ours[:1])
    for count, period in ((keep.daily, lambda d: d), (keep.weekly, lambda d: d.isocalendar()[:2]),
                          (keep.termly, term)):
        seen: list = []
        for name in ours:  # newest first: the first name of each period is that period's newest
            key = period(_day(name))
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                kept.add(name)
    return [name for name in ours if name not in kept]


def term(day: date) -> tuple[int, str]:
    """The school term a day falls in, near enough for rotation: autumn Sep-Dec, spring Jan-Mar, summer Apr-Aug."""
    if day.month >= 9:
        return day.year, "autumn"
    return day.year, "spring" if day.month <= 3 else "summer"


def rotate(folder: Path, keep: Keep) -> list[Path]:
    """Remove the backups rotation does not keep, and temporary files left by a killed backup; returns the
    backups removed."""
    removed = [folder / name for name in to_remove((path.name for path in backups(folder)), keep)]
    for path in removed:
        path.unlink(missing_ok=True)
    cutoff = datetime.now().timestamp() - STALE_TEMP.total_seconds()
    for left in folder.glob(f"{TEMP_PREFIX}*"):
        try:
            if left.stat().st_mtime < cutoff:
                left.unlink()
        except OSError:
            pass
    return removed


@dataclass(frozen=True)
class Contents:
    records: int
    newest: datetime | None
    anchor: anchors.Anchor | None


def read_only(path: Path, like: Database | None = None) -> Database:
    """A backup file opened to read only: nothing is written to it or beside it (no -wal, no -shm)."""
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(reading_uri(path), uri=True,
                                                                        check_same_thread=False))
    extra = {"clock": like.clock, "zone": like.zone, "kiosk_name": like.kiosk_name} if like else {}
    return Database(url=sqlite_url(path), engine=engine, **extra)


def contents(copy: Database) -> Contents:
    """How many ledger records a database holds, the newest one's time, and its anchor."""
    with copy.engine.connect() as conn:
        records, newest = conn.execute(select(func.count(), func.max(LEDGER.c.at))).one()
    return Contents(records, newest, anchors.head(copy))


def reading_uri(path: Path) -> str:
    """The file's URI opened to read only (a name with ?, # or % in it stays a name)."""
    return f"{path.resolve().as_uri()}?mode=ro"


def check_file(path: Path, like: Database, by: str | CommandLine, *, name: str | None = None) -> Contents:
    """SQLite's integrity_check and the whole chain on a copy; refuses, naming the file (or ``name``), if either
    fails."""
    name = name or path.name
    try:
        with closing(sqlite3.connect(reading_uri(path), uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        if not _looks_like_sqlite(path):
            raise Refused(f"{name} is not a Custody Kiosk backup (it is not a database file).") from None
        raise Refused(f"{name} is damaged: SQLite cannot read it ({exc}).") from None
    if result != [("ok",)]:
        raise Refused(f"{name} is damaged: SQLite's integrity check found {result[0][0]}.")
    if not {"ledger_entry", "alembic_version"} <= tables:
        raise Refused(f"{name} is not a Custody Kiosk backup (it holds no ledger).")
    copy = read_only(path, like)
    try:
        try:
            verify(copy, by=by)
        except Refused as exc:
            raise Refused(f"The ledger in {name} does not verify: {exc}") from None
        return contents(copy)
    finally:
        copy.engine.dispose()


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(16) == b"SQLite format 3\x00"


# --- the steps ---------------------------------------------------------------------------------------------------

def create_private(path: Path) -> None:
    """An empty file readable by this user only (0600): SQLite then writes the copy into it."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _copy_sqlite(database: Database, temp: Path) -> None:
    source = Path(database.engine.url.database)
    if not source.is_file():
        raise Refused(f"There is no database at {source} to back up.")
    with closing(sqlite3.connect(reading_uri(source), uri=True, timeout=15)) as read, \
            closing(sqlite3.connect(temp)) as write:
        read.backup(write)  # every page in one step: one snapshot, however busy the kiosks are
        write.execute("PRAGMA journal_mode=DELETE")  # one self-contained file: reading it makes no -wal beside it


def _copy_postgres(database: Database, temp: Path, by: str | CommandLine) -> None:
    target = open_database(sqlite_url(temp), clock=database.clock, kiosk_name=database.kiosk_name,
                           zone=str(database.zone), home_time=database.home_time)
    try:
        copy_to(database, target, by=by)
    finally:
        target.engine.dispose()
    with closing(sqlite3.connect(temp)) as write:
        write.execute("PRAGMA journal_mode=DELETE")


def _check(temp: Path, database: Database, by: str | CommandLine) -> Contents:
    try:
        return check_file(temp, database, by, name="the copy")
    except Refused as exc:
        raise Refused(f"Nothing was backed up, because the copy did not pass its checks: {exc}") from None


def flush(path: Path) -> None:
    """fsync a file, or a folder (so a rename in it is on the disk too; not possible on Windows)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        if path.is_dir():
            return
        raise
    try:
        os.fsync(descriptor)
    except OSError:
        if not path.is_dir():
            raise
    finally:
        os.close(descriptor)


def _place(temp: Path, folder: Path, local: datetime) -> Path:
    """Give the checked copy its dated name, atomically and never over another backup (two kiosks backing up to
    one share in the same minute): a hard link fails if the name is taken; where the disk has no hard links (FAT,
    some shares) a rename to a name free a moment ago."""
    while True:
        final = _free_name(folder, local)
        try:
            os.link(temp, final)
        except FileExistsError:
            continue
        except OSError:
            os.replace(temp, final)
            return final
        temp.unlink()
        return final


def _free_name(folder: Path, local: datetime) -> Path:
    stem = f"kiosk-{local:%Y-%m-%dT%H%M}"
    path, n = folder / f"{stem}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.db"
    return path


def _remove(temp: Path) -> None:
    for leftover in (temp, *(temp.with_name(temp.name + end) for end in ("-journal", "-wal", "-shm"))):
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass


def _school_database(exc: BaseException) -> bool:
    """A fault of the school's PostgreSQL (down, busy), not of the backup folder: its own sentence says so."""
    return isinstance(exc, Fault) and not exc.on_file


def _failure(folder: Path, exc: BaseException) -> str:
    kind = fault_kind(exc) or fault_kind(exc.__cause__ or exc)
    if kind == FaultKind.DISK_FULL:
        why = "is full"
    elif kind == FaultKind.READ_ONLY or isinstance(exc, PermissionError) or "readonly" in str(exc).lower():
        why = "cannot be written to"
    elif isinstance(exc, FileNotFoundError) or kind == FaultKind.UNREACHABLE:
        why = "cannot be reached"
    else:
        said = str(exc).strip()
        why = f"could not take the copy ({said.splitlines()[0] if said else type(exc).__name__})"
    return f"The backup folder {folder} {why}: nothing was backed up, and the last good backup is still there."


def _sort_key(name: str) -> tuple[str, str, str, int]:
    found = NAME.fullmatch(name)
    return found[1], found[2], found[3], int(found[4] or 1)


def _day(name: str) -> date:
    return date.fromisoformat(NAME.fullmatch(name)[1])
