"""The demo school on a real SQLite file, at 08:55 on a Tuesday: this morning's phones are already in.

``demo.fill`` runs once per session (five argon2 PINs and a morning of ledger rows take about two
seconds); each test gets its own copy of the file, opened with the test's own clock.
"""

from __future__ import annotations

import pytest

from tests.tui.helpers import copy_school, fill_demo_school


@pytest.fixture(scope="session")
def demo_school_file(template_db, tmp_path_factory):
    return fill_demo_school(template_db, tmp_path_factory.mktemp("demo"))


@pytest.fixture
def school(demo_school_file, tmp_path, clock):
    database = copy_school(demo_school_file, tmp_path, clock)
    yield database
    database.engine.dispose()
