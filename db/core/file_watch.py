"""Noticing that the SQLite file at the database's path is no longer the one the kiosk writes to.

SQLite writes through the files it opened. A file removed under it (the data folder deleted), replaced (a
restore, a sync tool putting its own copy back) or a ``-wal`` file deleted while it runs goes on taking
writes that land nowhere anyone will read again: every scan would be acknowledged and lost. So the engine
records the database file's identity (device and inode) when it first connects, and the ``-wal`` file's
after the first write; before each COMMIT the path must still name the same two files, or the write is
stopped with ``FaultKind.MOVED``. Two ``os.stat`` calls per write (bench/scan_latency.py).

A ``-wal`` file changes lawfully only when every connection to the database has closed (SQLite then folds
it back into the file and deletes it): a connection opened while none of this engine's were open starts
the watch on the ``-wal`` again.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from db.core.faults import Fault, FaultKind

Identity = tuple[int, int]


def _identity(path: str) -> Identity | None:
    try:
        found = os.stat(path)
    except OSError:  # gone, or its folder gone
        return None
    return found.st_dev, found.st_ino


class FileWatch:
    """The database file and ``-wal`` file this engine has open, checked against the path at every commit."""

    def __init__(self, path: str) -> None:
        self.path = str(Path(path).resolve())  # a later change of working folder must not move it
        self.wal = f"{self.path}-wal"
        self.file: Identity | None = _identity(self.path)
        self.wal_file: Identity | None = None
        self.open_connections = 0
        self.lost = False  # once lost, every later write is refused too: restart the kiosk

    def connected(self) -> None:
        if self.file is None:  # `kiosk init` made the file with this connection
            self.file = _identity(self.path)
        if self.open_connections == 0:
            self.wal_file = None  # the -wal file may lawfully be a new one: watched from the next write
        self.open_connections += 1

    def closed(self) -> None:
        self.open_connections = max(0, self.open_connections - 1)

    def replaced(self) -> bool:
        """Whether another file now stands at the path (asked when a statement fails: a file replaced is named
        as that, while a path with nothing at it stays "cannot be reached", which may come back)."""
        now = _identity(self.path)
        self.lost = self.lost or (self.file is not None and now is not None and now != self.file)
        return self.lost

    def check(self) -> None:
        """Before a COMMIT: refuse it unless the path still names the files this engine writes to."""
        if not self.lost:
            wal = _identity(self.wal)
            # Inside a transaction the -wal file exists: SQLite made it when this connection first read.
            self.lost = (self.file is None or _identity(self.path) != self.file or wal is None
                         or (self.wal_file is not None and wal != self.wal_file))
            if not self.lost and self.wal_file is None:
                self.wal_file = wal
        if self.lost:
            raise Fault(FaultKind.MOVED, on_file=True)


_WATCHES: weakref.WeakKeyDictionary[Engine, FileWatch] = weakref.WeakKeyDictionary()


def watching(engine: Engine) -> FileWatch | None:
    """The watch on this engine's file (None for PostgreSQL or a database in memory)."""
    return _WATCHES.get(engine)


def watch(engine: Engine, path: str) -> FileWatch:
    """Check every COMMIT on this engine against the file at ``path`` (a SQLite file in WAL mode)."""
    watched = _WATCHES[engine] = FileWatch(path)
    event.listen(engine, "connect", lambda *_: watched.connected())
    event.listen(engine, "close", lambda *_: watched.closed())
    event.listen(engine, "close_detached", lambda *_: watched.closed())
    event.listen(engine, "commit", lambda _conn: watched.check())
    return watched
