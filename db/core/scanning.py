"""A scan's connection (``Database.scanning``): its reads, then the school's write lock with the read made again
under it, then its writes with the COMMIT — on PostgreSQL two round trips while the lock is held
(tests/unit/test_scan_round_trips.py). The engine's events (db/core/engine.py) join each to its neighbour in one
round trip: the lock's statement before the read (``_LOCK_FIRST``), the COMMIT after the writes (``_COMMIT_AFTER``).
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import Executable
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import ProgrammingError

if TYPE_CHECKING:
    from db.core.engine import Database

_LOCK_FIRST, _COMMIT_AFTER = "kiosk_lock_first", "kiosk_commit_after"  # a statement's execution options
_ROW_COUNT = "kiosk_row_count"  # conn.info: the writes' row count (SQLAlchemy's own is the COMMIT's)


@dataclass
class Scanning:
    """One scan's connection (``Database.scanning``): read, then ``lock()``, then write."""

    database: Database
    conn: Connection
    _held: ExitStack
    locked: bool = False

    @property
    def reads_before_lock(self) -> bool:
        """Whether reads made before ``lock()`` are outside it (PostgreSQL) and must be made again under it."""
        return not self.database.is_sqlite

    def lock(self, read: Executable | None = None, params: dict | None = None) -> Row | None:
        """Take the school's write lock (waiting for another kiosk's write); with ``read``, run it once the lock is
        held and return its first row: on PostgreSQL in the lock's own round trip (its statements run one after
        the other, each seeing what was committed before it began), so the lock is held from the start of the read.
        ``database.now()`` is the record's time from here on."""
        conn = self.conn
        if self.locked or self.database.is_sqlite:
            if not self.locked:
                conn.execution_options(kiosk_begin="IMMEDIATE")
                conn.begin()  # the begin event: BEGIN IMMEDIATE
                self._held.enter_context(self.database._writing_at(conn))
                self.locked = True
            return conn.execute(read, params or {}).first() if read is not None else None
        try:
            row = self._lock_with(read, params)
        except ProgrammingError as exc:
            if read is None or type(exc.orig).__name__ != "InvalidSqlStatementName":
                raise
            # psycopg empties the server's prepared statements, ours too, after a DROP, an ALTER or a ROLLBACK TO
            # SAVEPOINT on this connection (its DEALLOCATE ALL): nothing was written; prepare it again, once.
            conn.rollback()
            _PREPARED.pop(conn.connection.driver_connection, None)
            conn.execution_options(isolation_level="AUTOCOMMIT")
            row = self._lock_with(read, params)
        self._held.enter_context(self.database._writing_at(conn))
        self.locked = True
        return row

    def _lock_with(self, read: Executable | None, params: dict | None) -> Row | None:
        conn = self.conn
        if read is not None:
            _prepare(conn, read)
        conn.commit()  # the reads' (nothing is sent: they ran without a transaction)
        # In place: a write from here on (dead-link deadline); the lock comes with the read when there is one.
        conn.execution_options(isolation_level=conn.default_isolation_level, kiosk_begin="IMMEDIATE",
                               kiosk_lock_with_read=read is not None)
        conn.begin()
        if read is None:
            return None
        with _client_side(conn):
            return conn.execute(read, params or {}, execution_options={_LOCK_FIRST: True}).first()

    def write(self, *writes: tuple[Executable, dict]) -> int:
        """The scan's writes, each a statement built once and its values (the ledger row first, the projections it
        changes after), then its COMMIT: on PostgreSQL one round trip, a WITH of data-modifying statements followed
        by COMMIT (nothing is committed if it fails: the COMMIT is never reached). On SQLite one statement each,
        committed when ``scanning`` ends. Returns the last one's row count."""
        conn = self.conn
        if self.database.is_sqlite:
            for statement, values in writes[:-1]:
                conn.execute(statement, values)
            return conn.execute(*writes[-1]).rowcount
        values = {key: value for _, each in writes for key, value in each.items()}
        with _client_side(conn):
            conn.execute(_together(tuple(statement for statement, _ in writes)), values,
                         execution_options={_COMMIT_AFTER: True})
        return conn.info.pop(_ROW_COUNT)


@lru_cache(maxsize=16)
def _together(statements: tuple[Executable, ...]) -> Executable:
    """The last statement with the others before it as a WITH, built once for each kind of scan: a statement
    built on every scan cost the kiosk more of its CPU than the server's answer did (bench/load_test.py)."""
    *first, last = statements
    return last.add_cte(*(w.cte(f"w{i}") for i, w in enumerate(first))) if first else last


# The read made under the lock, prepared once on each connection (PREPARE, outside the lock): sent with the lock as
# text, it would be planned again on every scan while the lock is held (about 1 ms of the server's time, more on a
# busy server); EXECUTE of a prepared statement is not. Prepared statements live as long as their connection.
_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # psycopg connection -> names prepared on it
_PARAMETER = re.compile(r"%\((\w+)\)s")


@lru_cache(maxsize=32)
def _prepared_form(statement: str) -> tuple[str, str, str]:
    """A statement in psycopg's %(name)s style as (name, its PREPARE, an EXECUTE of it in the same style)."""
    names: list[str] = []
    for name in _PARAMETER.findall(statement):
        if name not in names:
            names.append(name)
    numbered = _PARAMETER.sub(lambda m: f"${names.index(m.group(1)) + 1}", statement)
    label = "kiosk_" + hashlib.sha1(statement.encode()).hexdigest()[:16]
    return (label, f"PREPARE {label} AS {numbered}",
            f"EXECUTE {label}({', '.join(f'%({name})s' for name in names)})")


def _forget_prepared(driver) -> None:
    """Before a rollback of ``driver`` (a psycopg connection): a transaction open is a ROLLBACK to come, and the
    server's prepared statements may go with it (psycopg's DEALLOCATE ALL, when it had prepared some of its own)."""
    info = getattr(driver, "info", None)
    if driver in _PREPARED and info is not None and info.transaction_status != 0:  # 0: idle, nothing to roll back
        del _PREPARED[driver]


@lru_cache(maxsize=32)
def _compiled(read: Executable, dialect) -> str:
    """A read's SQL for a dialect, compiled once: compiling the scan's read took a millisecond of the kiosk's CPU,
    half its work for each scan (bench/load_test.py)."""
    return read.compile(dialect=dialect).string


def _prepare(conn: Connection, read: Executable) -> None:
    label, prepare, _ = _prepared_form(_compiled(read, conn.dialect))
    names = _PREPARED.setdefault(conn.connection.driver_connection, set())
    if label not in names:
        try:
            conn.exec_driver_sql(prepare)  # no transaction yet: nothing is held
        except ProgrammingError as exc:  # still there: the rollback we feared came with no DEALLOCATE ALL
            if type(exc.orig).__name__ != "DuplicatePreparedStatement":
                raise
            conn.rollback()
        names.add(label)


@contextmanager
def _client_side(conn: Connection) -> Iterator[None]:
    """psycopg binds the parameters itself for this statement, so it may be several statements in one round trip
    (the server binds them otherwise, one statement per round trip)."""
    import psycopg

    driver = conn.connection.driver_connection
    plain = driver.cursor_factory
    driver.cursor_factory = psycopg.ClientCursor
    try:
        yield
    finally:
        driver.cursor_factory = plain
