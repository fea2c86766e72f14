"""PostgreSQL-only tests: many kiosks on one school database, `kiosk copy-to`, migrations on PostgreSQL.

Each test takes ``postgres`` (tests/conftest.py), so without a server it is
skipped with a reason that says how to run it.
"""

from __future__ import annotations

import pytest

from db.core import Database, open_database


@pytest.fixture
def pg_database(postgres, clock) -> Database:
    """The school's PostgreSQL database, migrated and empty."""
    database = open_database(postgres.fresh(), clock=clock, kiosk_name="test-kiosk")
    yield database
    database.engine.dispose()
