"""Shared fixtures: a real database (SQLite file, and PostgreSQL when a server is given), and a clock we move by hand.

Every test that takes ``database`` (or ``database_url``) runs twice: on a SQLite
file with the production settings, and on a real PostgreSQL server, the
``[postgres]`` copy marked ``postgres``. The PostgreSQL server comes from
``KIOSK_TEST_POSTGRES``: a URL such as ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``
of a user allowed to create databases, or ``start`` to start a throw-away
server here (tests/pg_cluster.py; needs PostgreSQL installed). Without it the
``[postgres]`` copies are skipped and say so. ``.ci/run`` always sets it.

Tests that take ``db_path`` work on the SQLite file itself (edit it with
sqlite3, kill a writer mid-transaction, copy it): they are SQLite-only by
nature and get no ``[postgres]`` copy.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from db.core import COMMAND_LINE, Database, open_database, sqlite_url, upgrade

LONDON = ZoneInfo("Europe/London")


class HandClock:
    """A clock for tests: starts at a school morning and moves only when told."""

    def __init__(self, start: datetime):
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def set_local(self, hour: int, minute: int = 0, day: int | None = None) -> None:
        local = self.moment.astimezone(LONDON)
        local = local.replace(hour=hour, minute=minute, second=0, microsecond=0, day=day or local.day)
        self.moment = local.astimezone(timezone.utc)

    def advance(self, **kwargs) -> None:
        self.moment += timedelta(**kwargs)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """One migrated database file, copied for each test (Alembic once, not per test)."""
    path = tmp_path_factory.mktemp("template") / "kiosk.db"
    database = open_database(sqlite_url(path))
    upgrade(database)
    database.engine.dispose()
    return path


@pytest.fixture
def clock() -> HandClock:
    # Tuesday 10 November 2026, 08:40 in London (GMT).
    return HandClock(datetime(2026, 11, 10, 8, 40, tzinfo=LONDON).astimezone(timezone.utc))


POSTGRES_VARIABLE = "KIOSK_TEST_POSTGRES"
NO_POSTGRES = ("no PostgreSQL server for the tests: "
               f"set {POSTGRES_VARIABLE}=postgresql+psycopg://USER@HOST:PORT/postgres "
               f"(a user who may create databases), or {POSTGRES_VARIABLE}=start to start a throw-away one, "
               "or run .ci/run")
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(config, items):
    """A test on the SQLite file itself (it takes ``db_path``) has no PostgreSQL copy; a test needing the server is
    marked. The kiosk's screens hold no SQL (an import-linter contract): what differs between the backends is
    tested below them (db, command line, tests/pg), so a Pilot test runs on PostgreSQL only when marked
    ``both_backends`` (the scan, office and lending paths end to end, the live view, outages) — the suite stays
    inside ten minutes on two cores."""
    keep, drop = [], []
    for item in items:
        if "postgres" in item.fixturenames:
            item.add_marker(pytest.mark.postgres)
        on_postgres = getattr(item, "callspec", None) and item.callspec.params.get("backend") == "postgres"
        screen_only = "tests/tui/" in item.nodeid and not item.get_closest_marker("both_backends")
        (drop if on_postgres and ("db_path" in item.fixturenames or screen_only) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class PostgresServer:
    """The test server: one migrated database for the session, emptied before each test.

    Measured on this machine (2 cores shared, fsync off), per test: CREATE
    DATABASE … TEMPLATE a migrated database (FILE_COPY) took 45 ms idle and
    190 ms while other test runs kept the cores busy (it checkpoints and copies
    files); TRUNCATE of every table with RESTART IDENTITY took 8-27 ms. So each
    test gets the session's database emptied, with ids starting at 1 again as
    on a fresh SQLite copy. Connections a previous test left open are ended
    first, so nothing of it can leak into the next test. A test that needs a
    database of its own (``kiosk init`` on an empty one) calls ``create()``.
    """

    def __init__(self, admin_url: str):
        import psycopg

        self.admin_url = admin_url
        self._admin = psycopg.connect(_psycopg(admin_url), autocommit=True)
        self._shared: str | None = None
        self._tables = ""
        self._made: list[str] = []

    def url(self, name: str) -> str:
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{name}"

    def create(self, template: str | None = None) -> str:
        """A new database, empty (no tables) or a copy of ``template`` (a URL); its URL. Dropped at the end of the
        session."""
        name = f"kiosk_test_{uuid.uuid4().hex[:12]}"
        copy = f" TEMPLATE {template.rpartition('/')[2]} STRATEGY FILE_COPY" if template else ""
        self._admin.execute(f"CREATE DATABASE {name}{copy}")
        self._made.append(name)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.rpartition("/")[2]
        self._admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._made.remove(name)

    def fresh(self) -> str:
        """The URL of the session's migrated database, with every table emptied."""
        import psycopg

        if self._shared is None:
            self._shared = self.create()
            database = open_database(self._shared)
            upgrade(database)
            database.engine.dispose()
        name = self._shared.rpartition("/")[2]
        self._admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        with psycopg.connect(_psycopg(self._shared), autocommit=True) as conn:
            if not self._tables:  # every table the migrations made, the newest ones included
                self._tables = ", ".join(r[0] for r in conn.execute(
                    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"))
            conn.execute(f"TRUNCATE {self._tables} RESTART IDENTITY CASCADE")
        return self._shared

    def close(self) -> None:
        for name in self._made:
            self._admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self._admin.close()


def _psycopg(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """The PostgreSQL server named by $KIOSK_TEST_POSTGRES (or started here), or None."""
    wanted = os.environ.get(POSTGRES_VARIABLE, "").strip()
    if not wanted:
        yield None
        return
    cluster = None
    if wanted == "start":
        from tests import pg_cluster

        cluster = pg_cluster.start()
        wanted = cluster.url()
    server = PostgresServer(wanted)
    yield server
    server.close()
    if cluster:
        cluster.stop()


@pytest.fixture
def postgres(postgres_server) -> PostgresServer:
    """For a test that only makes sense on PostgreSQL; skipped (saying how to run it) without a server."""
    if postgres_server is None:
        pytest.skip(NO_POSTGRES)
    return postgres_server


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend, request, tmp_path, template_db) -> str:
    """A fresh, migrated, empty database of the test's backend."""
    if backend == "sqlite":
        path = tmp_path / "kiosk.db"
        shutil.copy(template_db, path)
        yield sqlite_url(path)
        return
    yield request.getfixturevalue("postgres").fresh()


@pytest.fixture
def db_path(database_url) -> Path:
    """The SQLite file itself, for tests that work on the file (SQLite-only: see pytest_collection_modifyitems)."""
    return Path(database_url.removeprefix("sqlite:///"))


@pytest.fixture
def database(database_url, clock) -> Database:
    database = open_database(database_url, clock=clock, kiosk_name="test-kiosk")
    yield database
    database.engine.dispose()


@pytest.fixture(autouse=True)
def own_user_folders(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's settings or data folders, or $KIOSK_DB."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    for name in ("KIOSK_DB", "KIOSK_KIOSK_NAME", "KIOSK_HOME_TIME", "KIOSK_TIMEZONE", "KIOSK_IDLE_LOCK_SECONDS",
                 "KIOSK_PRINTER", "KIOSK_PAPER", "KIOSK_RECEIPT_ON_CHECK_IN", "KIOSK_SCHOOL_NAME",
                 "KIOSK_KEEP_CUSTODY_YEARS", "KIOSK_KEEP_DEVICE_LOANS_YEARS", "KIOSK_KEEP_CONFISCATIONS_YEARS",
                 "KIOSK_KEEP_EXCEPTIONS_YEARS", "KIOSK_KEEP_LEAVERS_YEARS", "KIOSK_BACKUP_FOLDER", "KIOSK_BACKUP_TIME",
                 "KIOSK_KEEP_DAILY_BACKUPS", "KIOSK_KEEP_WEEKLY_BACKUPS", "KIOSK_KEEP_TERMLY_BACKUPS",
                 "KIOSK_TERM_DATES"):
        monkeypatch.delenv(name, raising=False)


class SmallSchool:
    """A few staff and pupils: enough to exercise every phone rule.

    Staff: HBR teacher of 6A, LPA teacher of 4B, MJO office, HTE leadership, ADM administrator.
    """

    def __init__(self, database: Database):
        from db import people, tags
        from db.core.models import Location, Pupil, Staff
        from tagcodes import TagKind, new_code

        with database.writing() as session:
            session.add_all([
                Staff(code="HBR", first_name="Hannah", surname="Brooks", role="teacher", class_name="6A"),
                Staff(code="MJO", first_name="Maria", surname="Jones", role="office"),
                Staff(code="HTE", first_name="Helen", surname="Teale", role="slt"),
                Staff(code="LPA", first_name="Lucy", surname="Patel", role="teacher", class_name="4B"),
                Staff(code="ADM", first_name="Alan", surname="Dean", role="admin"),
                Location(name="Office", kind="office"),
                Location(name="6A cupboard", kind="cupboard", class_name="6A"),
                Pupil(upn="D801999924001", adno="1001", legal_first="Amira", surname="Khan", year=6, class_name="6A"),
                Pupil(upn="T801999924002", adno="1002", legal_first="Benjamin", preferred_first="Ben",
                      surname="O'Connor", year=6, class_name="6A"),
                Pupil(adno="1003", legal_first="Zoë", surname="Wiśniewski", year=4, class_name="4B"),
            ])
            session.commit()
        people.permit_walk_home(database, "1001", "MJO")
        make = lambda: new_code(TagKind.PHONE)  # noqa: E731
        self.walker = tags.issue_phone_tag(database, "1001", make, "black iPhone, blue case", by=COMMAND_LINE).code
        self.year6_no_permit = tags.issue_phone_tag(database, "1002", make, by=COMMAND_LINE).code
        self.year4 = tags.issue_phone_tag(database, "1003", make, "red Nokia", by=COMMAND_LINE).code


@pytest.fixture
def school(database) -> SmallSchool:
    return SmallSchool(database)
