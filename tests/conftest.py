"""Shared fixtures: a real SQLite file with the production settings, and a clock we move by hand."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from db.engine import Database, open_database, sqlite_url, upgrade
from db.roles import COMMAND_LINE

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


@pytest.fixture
def db_path(tmp_path, template_db) -> Path:
    path = tmp_path / "kiosk.db"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def database(db_path, clock) -> Database:
    database = open_database(sqlite_url(db_path), clock=clock, kiosk_name="test-kiosk")
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
                 "KIOSK_KEEP_EXCEPTIONS_YEARS", "KIOSK_KEEP_LEAVERS_YEARS"):
        monkeypatch.delenv(name, raising=False)


class SmallSchool:
    """A few staff and pupils: enough to exercise every phone rule.

    Staff: HBR teacher of 6A, LPA teacher of 4B, MJO office, HTE leadership, ADM administrator.
    """

    def __init__(self, database: Database):
        from db import people, tags
        from db.models import Location, Pupil, Staff
        from labels.codes import TagKind, new_code

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
