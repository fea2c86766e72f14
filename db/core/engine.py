"""Opening the school's database: SQLite on one PC or PostgreSQL for the school.

SQLite runs with WAL, ``synchronous=FULL`` and foreign keys on, so a saved
check-in survives a crash or a power cut. Writes start with ``BEGIN
IMMEDIATE`` so two kiosks on one file queue for the write lock instead of
failing half-way with "database is locked".

PostgreSQL (``postgresql+psycopg://…``, many kiosks on one school database)
gets the same rule: a write transaction takes the school's write lock (a
transaction-level advisory lock) as its first statement, so every
read-then-write (is this phone held? which record is the chain head?) sees
the last committed write of every other kiosk, exactly as on SQLite. A scan
(``Database.scanning``) reads before the lock and holds it for two round trips:
the lock with its read, then its writes with the COMMIT (tests/unit/test_scan_round_trips.py).
"""

from __future__ import annotations

import os
import socket
import weakref
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from time import monotonic, perf_counter, sleep
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import InvalidatePoolError, OperationalError, ProgrammingError

from db.core import dead_link
from db.core.errors import NotReady
from db.core.faults import Fault, FaultKind, fault_kind, unopened_file
from db.core.file_watch import watch, watching
from db.core.scanning import (
    _COMMIT_AFTER,
    _LOCK_FIRST,
    _PREPARED,
    _ROW_COUNT,
    Scanning,
    _forget_prepared,
    _prepared_form,
)

if TYPE_CHECKING:
    from sqlmodel import Session

Clock = Callable[[], datetime]
HEAD_REVISION = "0006"  # the newest migration in db/core/migrations/versions
# The PostgreSQL advisory lock every write transaction holds (any fixed 64-bit number; "KIOSK" in ASCII).
WRITE_LOCK = 0x4B494F534B
# How long a kiosk waits for another kiosk's write before giving up, as SQLite's busy timeout.
LOCK_WAIT_MS = 15000
# PostgreSQL: how long one kiosk can hold up the others (issue 14). A healthy write transaction takes a few ms,
# and with 20 kiosks scanning flat out a scan waited 0.2 s at p99 (docs/performance.md), so each limit is far
# above a healthy scan and far below a queue of pupils' patience.
# A scan queued behind another kiosk's write gives up after 4 s with the "busy" sentence: 20x the busiest p99.
PG_LOCK_WAIT_MS = 4000
# One statement of a write transaction (after the lock) is cancelled after 8 s: every statement of a scan is a
# few ms, so only a server in trouble reaches it. (The lock statement itself is bounded by the lock wait alone.)
PG_STATEMENT_MS = 8000
# A write transaction idle this long (between its statements) belongs to a kiosk that froze holding the school's
# lock (a PC asleep, a process stopped, a pulled cable): the server ends it and frees the lock. A scan's gaps are
# microseconds; 8 s is twice the lock wait, so a scan that meets the frozen kiosk says "busy" rather than
# sometimes getting through, and the school is held up for 8 s at most.
PG_IDLE_MS = 8000
# No answer 2 s after the server would have ended the wait or cancelled the statement: the link is dead
# (db/core/dead_link.py). With the limits above: 10 s.
DEAD_LINK_GRACE_S = 2
# TCP keepalives on an idle connection: first probe after 4 s, then every 2 s, 3 unanswered and it is dead
# (about 10 s; Linux's default is two hours). tcp_user_timeout ends a connection whose sent data (a statement,
# or a keepalive probe) stays unacknowledged for 10 s, as the dead-link deadline does for an answer.
PG_TCP = {"keepalives": 1, "keepalives_idle": 4, "keepalives_interval": 2, "keepalives_count": 3,
          "tcp_user_timeout": 10000}
MIGRATIONS = Path(__file__).parent / "migrations"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Unreachable(Fault):
    """The connection to the school database (or the folder holding its file) failed or dropped: nothing in
    that transaction was saved."""

    def __init__(self, *, on_file: bool = False) -> None:
        super().__init__(FaultKind.UNREACHABLE, on_file=on_file)


@dataclass
class Database:
    """One school's record, and how this kiosk writes to it.

    The record's clock (README, "The record's clock"): ``clock`` is this PC's. With ``server_clock`` (PostgreSQL
    opened without a clock given, i.e. every real kiosk) each write transaction reads the server's time once,
    after the write lock, and every row it writes carries that time: twenty kiosks, one clock, rows in order.
    A clock given by hand (tests, the demo's made-up weeks) stands in for the server's, so tests stay exact.
    """

    url: str
    engine: Engine
    clock: Clock = utc_now
    kiosk_name: str = field(default_factory=socket.gethostname)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    home_time: time = time(15, 15)
    server_clock: bool = False
    # Whether a time from this PC's clock is checked against the newest record (db/core/chain.py). Off only to
    # write made-up history: the demo's past weeks, a test's years in a minute.
    clock_checked: bool = True

    def now(self) -> datetime:
        """The record's time, in UTC: inside a write transaction the time it writes (the server's on PostgreSQL);
        elsewhere this PC's clock, put right by the server's when the record keeps the server's time."""
        written = self._written_at.get()
        if written is not None:
            return written
        moment = self.clock().astimezone(timezone.utc)
        if self.server_clock:
            if self._gap is None:
                try:
                    self.clock_gap()
                except Fault:  # the server cannot say now: the PC's time until it can (nothing is written)
                    pass
            moment += self._gap or timedelta(0)
        return moment

    def clock_gap(self) -> timedelta | None:
        """How far the school's record (the PostgreSQL server's clock) is ahead of this PC's; None on SQLite or
        with a clock given by hand (then the PC's clock is the record's). Read now, from the server."""
        if not self.server_clock:
            return None
        with self.engine.connect() as conn:
            self._note_server_time(conn.exec_driver_sql("SELECT clock_timestamp()").scalar())
        return self._gap

    def _note_server_time(self, server: datetime) -> datetime:
        server = server.astimezone(timezone.utc)
        self._gap = server - self.clock().astimezone(timezone.utc)
        return server

    @contextmanager
    def _writing_at(self, conn: Connection) -> Iterator[None]:
        """Fix the time of this write transaction (the write lock is held: nobody writes between)."""
        # The lock's own statement read the server's clock once it held the lock (no round trip of its own).
        locked_at = conn.info.pop(LOCKED_AT, None)
        if self.server_clock:
            if locked_at is None:
                locked_at = conn.exec_driver_sql("SELECT clock_timestamp()").scalar()
            moment = self._note_server_time(locked_at)
        else:
            moment = self.clock().astimezone(timezone.utc)
        token, writer = self._written_at.set(moment), _WRITING.set(self)
        try:
            yield
        finally:
            _WRITING.reset(writer)
            self._written_at.reset(token)

    def local(self, moment: datetime) -> datetime:
        """A time in the school's zone."""
        return moment.astimezone(self.zone)

    def __post_init__(self) -> None:
        self._writer = self.engine.execution_options(kiosk_begin="IMMEDIATE")
        self._written_at: ContextVar[datetime | None] = ContextVar("written_at", default=None)
        self._gap: timedelta | None = None
        # find_staff sees only a connection: it asks here for this database's time (a cover badge's expiry). A copy
        # on another clock (the demo's made-up morning) shares the engine: the first one opened stays here.
        for engine in (self.engine, self._writer):
            found = _DATABASES.get(engine)
            if found is None or found() is None:
                _DATABASES[engine] = weakref.ref(self)

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose transaction holds the write lock from its start; ``now()`` inside it is its time."""
        from sqlmodel import Session  # the ORM only when a command uses it: the hot paths are Core
        with Session(self._writer, expire_on_commit=False) as session, self._writing_at(session.connection()):
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core connection in a write transaction (committed at the end, rolled back on error): the scan path."""
        with self._writer.begin() as conn, self._writing_at(conn):
            yield conn

    @contextmanager
    def scanning(self) -> Iterator[Scanning]:
        """The scan path: reads, then ``Scanning.lock()`` and the writes, on one connection (committed at the end,
        rolled back on error).

        PostgreSQL: the reads come before the school's write lock, outside any transaction, so a refusal found there
        costs the other kiosks nothing and costs no BEGIN or ROLLBACK; what they found is read again after the
        lock (in one statement) before anything is written, since another kiosk may have written between.
        SQLite: one PC's file, where a statement is a function call, not a round trip: the transaction takes the
        file's write lock first (``BEGIN IMMEDIATE``, as ``transaction``; ``lock()`` then has nothing to do) and
        ``reads_before_lock`` is False, so the scan reads once.
        """
        with self.engine.connect() as conn, ExitStack() as held:
            scan = Scanning(self, conn, held)
            try:
                if self.is_sqlite:
                    scan.lock()
                else:  # the reads before the lock need no transaction: no BEGIN and no ROLLBACK to wait for
                    conn.execution_options(isolation_level="AUTOCOMMIT")
                yield scan
            except BaseException:
                conn.rollback()
                raise
            conn.commit()

    def lift_scan_limits(self, conn: Connection) -> None:
        """For an administrator's bulk write (copy-to, purge) in this write transaction: no statement, idle or
        dead-link limit (PG_STATEMENT_MS, PG_IDLE_MS), which are sized for a scan; it may rightly take minutes,
        and is run when no one is scanning. The lock wait stays."""
        if not self.is_sqlite:
            conn.execution_options(kiosk_begin="BULK")  # in place: no dead-link deadline from here on
            conn.exec_driver_sql("SELECT set_config('statement_timeout', '0', true), "
                                 "set_config('idle_in_transaction_session_timeout', '0', true)")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        from sqlmodel import Session
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def let_kiosks_in(self) -> None:
        """Between two batches of a long write (a purge, a whole school's import), on SQLite: a kiosk waiting for the
        write lock sleeps and tries again (SQLite's busy handler, up to 100 ms a sleep), so a long write that took the
        lock straight back could keep it waiting batch after batch. The pause is spent folding the batches' pages
        from the -wal into the file, which takes no write lock and spares a kiosk's next commit from doing it.
        PostgreSQL's lock queue is first come, first served: nothing to do there."""
        if not self.is_sqlite:
            return
        started = perf_counter()
        with self.engine.connect() as conn:  # outside any transaction: SQLAlchemy's would begin one
            conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        rest = BATCH_PAUSE_S - (perf_counter() - started)
        if rest > 0:
            sleep(rest)

    def newest_entry(self) -> int:
        """The id of the newest ledger row (0 for none): it changes whenever any kiosk records anything."""
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT max(id) FROM ledger_entry")).scalar() or 0


_DATABASES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


_WRITING: ContextVar[Database | None] = ContextVar("writing", default=None)  # whose write transaction this is


def now_for(conn: Connection) -> datetime:
    """The record's time of the Database that opened this connection (the real time for any other)."""
    database = _WRITING.get()
    if database is None or conn.engine not in (database.engine, database._writer):
        found = _DATABASES.get(conn.engine)
        database = found() if found is not None else None
    return database.now() if database is not None else utc_now()


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path)}"


def open_database(url: str, *, clock: Clock | None = None, kiosk_name: str | None = None,
                  zone: str = "Europe/London", home_time: time = time(15, 15),
                  lock_wait_ms: int | None = None, server_clock: bool | None = None) -> Database:
    """Connect (nothing is created here: ``kiosk init`` does that).

    ``lock_wait_ms``: how long a write waits for another kiosk's write lock (``LOCK_WAIT_MS`` on SQLite and
    ``PG_LOCK_WAIT_MS`` on PostgreSQL when not given).
    ``server_clock``: whether the record's times are the PostgreSQL server's; when not given, they are on
    PostgreSQL unless a ``clock`` is given (a test's, which then stands in for the server's).
    """
    default = LOCK_WAIT_MS if url.startswith("sqlite") else PG_LOCK_WAIT_MS
    wait = default if lock_wait_ms is None else lock_wait_ms
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.parent.is_dir():
            raise NotReady(f"The folder {path.parent} does not exist: check the database path.")
        _private_file(path)
    engine = create_engine(url, future=True, **_engine_options(url, wait))
    _report_faults(engine)
    if engine.dialect.name == "sqlite":
        _sqlite_production_settings(engine, wait)
    else:
        _ping_when_idle(engine)
    if engine.dialect.name == "postgresql":
        _postgresql_write_lock(engine, max(wait, PG_STATEMENT_MS) / 1000 + DEAD_LINK_GRACE_S)
    if server_clock is None:
        server_clock = clock is None
    return Database(url=url, engine=engine, clock=clock or utc_now, kiosk_name=kiosk_name or socket.gethostname(),
                    zone=ZoneInfo(zone), home_time=home_time,
                    server_clock=server_clock and engine.dialect.name == "postgresql")


def _private_file(path: Path) -> None:
    """Make a new database file readable by this user only (0600 on POSIX) before SQLite would make it with the
    umask's mode: it holds pupils' names. SQLite gives the -wal and -shm the same mode as the file."""
    if str(path) in ("", ":memory:") or "?" in str(path) or path.exists():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:  # made meanwhile by another kiosk, or a folder we may not write: SQLite says what is wrong
        pass


def _engine_options(url: str, wait_ms: int) -> dict:
    if url.startswith("sqlite"):
        # Busy kiosks wait for another writer rather than fail.
        return {"connect_args": {"timeout": wait_ms / 1000, "check_same_thread": False}}
    options: dict = {}  # the pool's connections are checked when idle instead (_ping_when_idle)
    if url.startswith("postgresql"):
        # lock_timeout for the whole session: a read never waits for the write lock, so only writes meet it.
        options["connect_args"] = {"options": f"-c lock_timeout={wait_ms}", "connect_timeout": 10, **PG_TCP}
    return options


BATCH_PAUSE_S = 0.05  # between two batches of a long write on SQLite: Database.let_kiosks_in
IDLE_PING_S = 0.5  # a server connection idle longer than this is checked before it is used again
_USED = "kiosk_used"  # a pooled connection's record.info: when it was last handed back, or opened


def _ping_when_idle(engine: Engine) -> None:
    """A kiosk whose server restarted reconnects on its next scan instead of failing once: a connection idle for
    more than ``IDLE_PING_S`` is pinged as it leaves the pool and replaced if the server has gone (what SQLAlchemy's
    ``pool_pre_ping`` does for every use). One handed back a moment ago, the next scan of a busy kiosk, is not: the
    ping was a round trip on every scan, a tenth of the kiosk's work for each (bench/load_test.py)."""

    @event.listens_for(engine.pool, "connect")
    @event.listens_for(engine.pool, "checkin")
    def _used(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_USED] = monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_connection, record, _proxy) -> None:
        if monotonic() - record.info.get(_USED, 0.0) <= IDLE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:  # gone: the pool opens a new one and tries that
            raise InvalidatePoolError() from exc  # a restart ended the pool's other connections too


def _report_faults(engine: Engine) -> None:
    """The one place a database error becomes a named ``Fault`` (a lost connection: ``Unreachable``), for
    every query and commit on this engine. Errors that are no fault (a broken rule's IntegrityError, a
    missing table before ``kiosk init``) pass through unchanged."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context) -> None:
        if context.connection is not None and not context.connection.invalidated:
            dead_link.disarm(context.connection.connection.dbapi_connection)  # answered, with an error
        if context.is_pre_ping:
            return  # the pool replaces a stale connection itself; only a failed reconnect is an outage
        original = context.original_exception
        on_file = context.dialect.name == "sqlite"
        dbapi = context.dialect.loaded_dbapi
        # No connection in the context: the pool could not open one at all (server down, file share gone).
        refused = context.connection is None and isinstance(original, (dbapi.OperationalError, dbapi.InterfaceError))
        watched = watching(context.engine) if on_file and context.engine is not None else None
        if watched is not None and watched.replaced():  # another file at the path: say so, not "unreachable"
            raise Fault(FaultKind.MOVED, on_file=True) from original
        why = unopened_file(context.engine.url.database) if on_file and refused and context.engine else None
        if why is not None:  # the file is there but its disk is full or read-only: say that, not "unreachable"
            raise Fault(why, on_file=True) from original
        kind = fault_kind(original)
        if kind is FaultKind.ENDED:  # the server closed the connection on purpose: say why, not "unreachable"
            raise Fault(kind, on_file=on_file) from original
        if context.is_disconnect or refused:
            raise Unreachable(on_file=on_file) from original
        if kind is not None:
            raise Fault(kind, on_file=on_file) from original


def _sqlite_production_settings(engine: Engine, wait_ms: int) -> None:
    path = engine.url.database  # None or ":memory:" for a database in memory, which is always writable

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        # Let us issue BEGIN ourselves (pysqlite's own BEGIN is always DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
        cursor.close()
        # SQLite opens a file it may not write read-only, and that connection stays so.
        record.info["read_only"] = path not in (None, "", ":memory:") and not os.access(path, os.W_OK)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection, record):
        # Not kept for the next write: once the file is writable again, the next connection can write.
        if record.info.get("read_only"):
            record.invalidate()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("kiosk_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    if path not in (None, "", ":memory:") and not path.startswith("file:"):
        watch(engine, path)  # a file moved, replaced or removed under the kiosk stops the next write


# The statement and idle limits are set for the write transaction only (SET LOCAL, in the lock's own round trip):
# it holds the school's lock, while a report or `audit verify` may rightly read for longer than a scan takes.
# The server's clock is read in the same round trip, after the lock is held (functions in a select list run in
# order), so the transaction's time needs no statement of its own.
_TAKE_WRITE_LOCK = (f"SELECT set_config('statement_timeout', '{PG_STATEMENT_MS}', true), "
                    f"set_config('idle_in_transaction_session_timeout', '{PG_IDLE_MS}', true), "
                    f"pg_advisory_xact_lock({WRITE_LOCK}), clock_timestamp()")
LOCKED_AT = "kiosk_locked_at"  # conn.info: the server's clock when this transaction took the lock


def _lock(conn: Connection) -> None:
    conn.info[LOCKED_AT] = conn.exec_driver_sql(_TAKE_WRITE_LOCK).first()[-1]


def _postgresql_write_lock(engine: Engine, dead_link_s: float) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if _writes(conn) and not conn.get_execution_options().get("kiosk_lock_with_read"):
            # Released by COMMIT or ROLLBACK; see db/core/chain.py for why the ledger needs it.
            _lock(conn)

    # A scan's lock and read go as one round trip, and its writes and COMMIT as another (Scanning).
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _joined(conn, _cursor, statement, parameters, context, _many):
        options = context.execution_options if context is not None else {}
        if options.get(_LOCK_FIRST):
            label, _, execute = _prepared_form(statement)
            prepared = label in _PREPARED.get(conn.connection.driver_connection, ())
            statement = f"{_TAKE_WRITE_LOCK}; {execute if prepared else statement}"
        if options.get(_COMMIT_AFTER):
            statement = f"{statement}; COMMIT"
        return statement, parameters

    @event.listens_for(engine, "after_cursor_execute")
    def _read_after_lock(conn, cursor, _statement, _parameters, context, _many):
        if context is not None and context.execution_options.get(_LOCK_FIRST):
            conn.info[LOCKED_AT] = cursor.fetchone()[-1]  # the lock's own answer: the server's clock
            cursor.nextset()  # the read's rows, which SQLAlchemy reads as this statement's
        if context is not None and context.execution_options.get(_COMMIT_AFTER):
            conn.info[_ROW_COUNT] = cursor.rowcount  # the writes' (SQLAlchemy's own count is the COMMIT's)

    # psycopg's ROLLBACK (and a ROLLBACK TO SAVEPOINT) is followed by its DEALLOCATE ALL, which takes the scan's
    # prepared read too: it is prepared again before the next lock rather than found missing under it.
    @event.listens_for(engine, "rollback")
    @event.listens_for(engine, "rollback_savepoint")
    def _rolled_back(conn, *_args):
        if not conn.invalidated:  # a connection lost is replaced by a new one, with nothing prepared
            _forget_prepared(conn.connection.driver_connection)

    @event.listens_for(engine.pool, "reset")
    def _reset(dbapi_connection, _record, _state):
        _forget_prepared(dbapi_connection)

    # Every statement and COMMIT of a write transaction has an answer within dead_link_s, or the link is cut.
    @event.listens_for(engine, "before_cursor_execute")
    def _on_statement(conn, _cursor, _statement, _parameters, _context, many):
        if _writes(conn) and not many:  # a bulk insert's batches are each bounded by the server's statement limit
            dead_link.arm(conn.connection.dbapi_connection, dead_link_s)

    @event.listens_for(engine, "commit")
    def _on_commit(conn):
        if _writes(conn):
            dead_link.arm(conn.connection.dbapi_connection, dead_link_s)

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(conn, _cursor, _statement, _parameters, _context, _many):
        dead_link.disarm(conn.connection.dbapi_connection)

    @event.listens_for(engine.pool, "checkin")
    def _returned(dbapi_connection, _record):  # after COMMIT, ROLLBACK or a failure
        if dbapi_connection is not None:
            dead_link.disarm(dbapi_connection)


def _writes(conn: Connection) -> bool:
    return conn.get_execution_options().get("kiosk_begin") == "IMMEDIATE"


def schema_revision(database: Database) -> str | None:
    """The migration the database is at, or None when it has no tables yet."""
    try:
        with database.engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError) as exc:
        message = str(exc).lower()
        if "no such table" in message or "does not exist" in message or "undefinedtable" in message:
            return None
        raise Unreachable(on_file=database.is_sqlite) from exc


def require_ready(database: Database) -> None:
    """Refuse to work on a database that ``kiosk init`` has not set up or upgraded."""
    revision = schema_revision(database)
    if revision is None:
        raise NotReady("This database is not set up yet: run `kiosk init` first.")
    if revision != HEAD_REVISION:
        raise NotReady("This database was made by another version of Custody Kiosk: run `kiosk init` to upgrade it.")


def upgrade(database: Database) -> str | None:
    """Create or upgrade the schema (idempotent). Returns the revision it was at before."""
    from alembic import command  # imported here: only `kiosk init` pays for Alembic
    from alembic.config import Config

    before = schema_revision(database)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return before
