"""Snapshots use the same demo school as the Pilot tests: a fixed seed and a fixed clock, so SVGs are stable."""

from tests.tui.conftest import demo_school_file, school  # noqa: F401 - fixtures shared with tests/tui
