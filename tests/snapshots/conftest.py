"""Snapshots use the same demo school as the Pilot tests: a fixed seed and a fixed clock, so SVGs are stable.

They run on SQLite only: an SVG is named after its test, and the screens they draw
come from the same db/ functions the Pilot tests in tests/tui run on both backends.
"""

import pytest

from tests.tui.conftest import demo_school_file  # noqa: F401 - fixture shared with tests/tui
from tests.tui.helpers import copy_school


@pytest.fixture
def school(demo_school_file, tmp_path, clock):  # noqa: F811
    database = copy_school(demo_school_file, tmp_path, clock)
    yield database
    database.engine.dispose()
