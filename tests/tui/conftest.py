"""The demo school on a real database, at 08:55 on a Tuesday: this morning's phones are already in.

``demo.fill`` runs once per session and backend (five argon2 PINs and a morning of ledger rows take about
two seconds); each test gets its own copy, opened with the test's own clock: a copy of the SQLite file, or
on PostgreSQL a database made from the filled one (CREATE DATABASE … TEMPLATE). Like every test that takes
a database, these run on both backends (tests/conftest.py).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from db.core import open_database, upgrade
from tests.tui.helpers import copy_school, fill_demo_school


@pytest.fixture(scope="session")
def demo_school_file(template_db, tmp_path_factory):
    return fill_demo_school(template_db, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_school_postgres(postgres_server):
    """The URL of a PostgreSQL database holding the demo school; used only as a template."""
    from db import demo
    from tests.conftest import LONDON, HandClock

    url = postgres_server.create()
    clock = HandClock(datetime(2026, 11, 10, 8, 55, tzinfo=LONDON).astimezone(timezone.utc))
    database = open_database(url, clock=clock, kiosk_name="test-kiosk")
    upgrade(database)
    demo.fill(database)
    database.engine.dispose()  # a template must have no one connected
    return url


@pytest.fixture
def school(backend, request, tmp_path, clock):
    if backend == "sqlite":
        database = copy_school(request.getfixturevalue("demo_school_file"), tmp_path, clock)
        yield database
        database.engine.dispose()
        return
    server = request.getfixturevalue("postgres")
    url = server.create(template=request.getfixturevalue("demo_school_postgres"))
    clock.set_local(8, 55)
    database = open_database(url, clock=clock, kiosk_name="test-kiosk")
    yield database
    database.engine.dispose()
    server.drop(url)
