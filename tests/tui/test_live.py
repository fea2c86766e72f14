"""Live lists: a check-in made at another kiosk (its own connection) shows here without a restart."""

from __future__ import annotations

import pytest

from db import phones
from db.core import open_database
from kiosk.screens.office import OfficeScreen
from tests.tui.helpers import build_app, on_screen, open_office, phone_of, signed_in, wait_until

DEADLINE = 2.0  # issue 6: the office sees a classroom's check-in within 2 seconds


pytestmark = pytest.mark.both_backends  # the live view and outages differ by backend


@pytest.fixture
def classroom(school, clock):
    """A second kiosk on the same database file: its own engine, so its own connections."""
    other = open_database(school.url, clock=clock, kiosk_name="classroom-6A")
    yield other
    other.engine.dispose()


@pytest.fixture(autouse=True)
def no_timed_refresh(monkeypatch):
    # The office's own timed reload must not be what shows the new phone: only the ledger watch may.
    monkeypatch.setattr(OfficeScreen, "refresh_seconds", 3600)


async def test_office_screen_shows_a_check_in_from_a_classroom_kiosk(school, classroom):
    pupil = phone_of(school, walker=False, held=False)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        assert pupil.name not in on_screen(app)
        phones.phone_in(classroom, pupil.phone_tag, "LPA")
        assert await wait_until(pilot, lambda: pupil.name in on_screen(app), timeout=DEADLINE)
        assert "Parents still to tell" in on_screen(app)
        [line] = [line for line in on_screen(app).splitlines() if pupil.name in line and "Office" in line]
        assert "Lucy Patel" in line  # the row the classroom wrote, with who checked it in


async def test_teachers_list_shows_a_check_in_made_at_another_kiosk(school, classroom):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        title = str(app.screen.query_one("#phones-title").content)
        assert pupil.name not in on_screen(app)
        phones.phone_in(classroom, pupil.phone_tag, "HBR")  # e.g. the teaching assistant's kiosk
        assert await wait_until(pilot, lambda: pupil.name in on_screen(app), timeout=DEADLINE)
        assert str(app.screen.query_one("#phones-title").content) != title  # the count moved on too
