"""Faults: the machine, not a rule, stopped a write. Each kind has its own plain sentence, and nothing in
the transaction that met it was saved.

``db.core.engine`` turns a database error it recognises into one of these for every statement and
commit (one place); the kiosk's workers and the command line show ``str(fault)``. Anything not
recognised here is left as it was: the kiosk logs it with its traceback as a fault it does not know.

Light on purpose (no SQLAlchemy import): the kiosk's first frame uses it.
"""

from __future__ import annotations

import errno
import os
from enum import StrEnum


class FaultKind(StrEnum):
    UNREACHABLE = "unreachable"  # the server, or the folder holding the file, is not there
    BUSY = "busy"  # another kiosk held the write lock past the wait
    DISK_FULL = "disk full"
    READ_ONLY = "read-only"
    DAMAGED = "damaged"
    ENDED = "ended"  # the server ended this kiosk's unfinished write: it froze holding the lock (engine.PG_IDLE_MS)
    MOVED = "moved"  # the file at the database's path is no longer the one the kiosk has open (db/core/file_watch.py)


# The one sentence for a database server that cannot be reached: the kiosk's banner and panel, and the command line.
UNREACHABLE = "Not saved — the school database cannot be reached: check the network cable, then try again."
_SENTENCES = {
    (FaultKind.UNREACHABLE, False): UNREACHABLE,
    (FaultKind.UNREACHABLE, True): "Not saved — the kiosk's database file cannot be reached: check that the disk "
                                   "or folder holding it is there, then try again.",
    (FaultKind.BUSY, False): "Not saved — the school database is busy with another kiosk's work and did not answer "
                             "in time: try again in a moment.",
    (FaultKind.BUSY, True): "Not saved — the kiosk's database is busy with other work and did not answer in time: "
                            "try again in a moment.",
    (FaultKind.DISK_FULL, False): "Not saved — the school database server's disk is full: tell IT, then try again.",
    (FaultKind.DISK_FULL, True): "Not saved — the disk holding the kiosk's database is full: free some space "
                                 "(tell IT), then try again.",
    (FaultKind.READ_ONLY, False): "Not saved — the school database will only let this kiosk read, not write: tell IT.",
    (FaultKind.READ_ONLY, True): "Not saved — the kiosk's database file is read-only, so nothing can be written to "
                                 "it: tell IT.",
    (FaultKind.DAMAGED, False): "Not saved — the school database reports damage: tell IT (restore from a backup).",
    (FaultKind.DAMAGED, True): "Not saved — the kiosk's database file is damaged: tell IT (restore from a backup).",
    (FaultKind.ENDED, False): "Not saved — this kiosk stopped part-way through saving (the PC slept, froze or lost "
                              "the network), so the school database cancelled it to let the other kiosks carry on: "
                              "scan again.",
    (FaultKind.ENDED, True): "Not saved — this kiosk stopped part-way through saving (the PC slept or froze): "
                             "scan again.",
    (FaultKind.MOVED, False): "Not saved — the school database was replaced while this kiosk was running: "
                              "restart the kiosk.",
    (FaultKind.MOVED, True): "Not saved — the kiosk's database file was moved, replaced or removed while it was "
                             "running, so nothing more can be saved: restart the kiosk; if the record looks short, "
                             "restore the last backup.",
}

# SQLite's messages (sqlite3.OperationalError/DatabaseError carry only text), lower case.
_SQLITE = (
    ("database is locked", FaultKind.BUSY),
    ("database table is locked", FaultKind.BUSY),
    ("database or disk is full", FaultKind.DISK_FULL),
    ("attempt to write a readonly database", FaultKind.READ_ONLY),
    ("readonly database", FaultKind.READ_ONLY),
    ("database disk image is malformed", FaultKind.DAMAGED),
    ("file is not a database", FaultKind.DAMAGED),
    ("unable to open database file", FaultKind.UNREACHABLE),
    ("disk i/o error", FaultKind.DISK_FULL),  # what SQLite reports when a write past the disk's end fails
)
# PostgreSQL's SQLSTATE codes (psycopg sets .sqlstate).
_SQLSTATE = {
    "55P03": FaultKind.BUSY,  # lock_not_available: lock_timeout passed
    "57014": FaultKind.BUSY,  # query_canceled: statement_timeout passed
    "40P01": FaultKind.BUSY,  # deadlock_detected
    "25P03": FaultKind.ENDED,  # idle_in_transaction_session_timeout passed: the server closed our connection
    "53100": FaultKind.DISK_FULL,
    "25006": FaultKind.READ_ONLY,  # read_only_sql_transaction (a standby, or default_transaction_read_only)
    "XX001": FaultKind.DAMAGED,
    "XX002": FaultKind.DAMAGED,
}
_ERRNO = {errno.ENOSPC: FaultKind.DISK_FULL, errno.EDQUOT: FaultKind.DISK_FULL, errno.EFBIG: FaultKind.DISK_FULL,
          errno.EROFS: FaultKind.READ_ONLY}


class Fault(Exception):
    """A write that the machine stopped; ``str()`` is the sentence for a teacher, ``kind`` says which fault."""

    def __init__(self, kind: FaultKind, *, on_file: bool) -> None:
        super().__init__(_SENTENCES[kind, on_file])
        self.kind = kind
        self.on_file = on_file  # SQLite on this PC, rather than the school's database server


def sentence(kind: FaultKind, *, on_file: bool) -> str:
    return _SENTENCES[kind, on_file]


# What SQLite needs free to open a file in WAL mode: its -shm index (32 KiB) and a first -wal page, with room over.
_ROOM_TO_OPEN = 64 * 1024


def unopened_file(path: str | None) -> FaultKind | None:
    """Why SQLite could not open the database file at ``path`` ("unable to open database file"), when the disk
    holding it says: full (no room for the -shm and -wal files beside it) or mounted read-only. None: it is not
    there, or nothing here explains it (then it cannot be reached)."""
    if not path or path == ":memory:" or not hasattr(os, "statvfs"):
        return None
    try:
        disk = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except OSError:
        return None
    if disk.f_flag & os.ST_RDONLY:
        return FaultKind.READ_ONLY
    if disk.f_bavail * disk.f_frsize < _ROOM_TO_OPEN:
        return FaultKind.DISK_FULL
    return None


def fault_kind(exc: BaseException) -> FaultKind | None:
    """Which fault a database driver's or the operating system's exception is, or None if it is none of them."""
    if isinstance(exc, Fault):
        return exc.kind
    if isinstance(exc, OSError) and exc.errno in _ERRNO:
        return _ERRNO[exc.errno]
    state = getattr(exc, "sqlstate", None)
    if state in _SQLSTATE:
        return _SQLSTATE[state]
    if type(exc).__module__.startswith("sqlite3"):
        message = str(exc).lower()
        for words, kind in _SQLITE:
            if words in message:
                return kind
    return None
