"""A kiosk whose PC clock is wrong says so in amber, and still records the school's time (PostgreSQL's clock)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from db import people, phones
from db.core import COMMAND_LINE, LEDGER, open_database
from db.phones import phones_held
from kiosk.live import clock_sentence
from tests.conftest import LONDON, HandClock, SmallSchool
from tests.tui.helpers import build_app, on_screen, panel, phone_of, scan, settle, signed_in, wait_until

WRONG = "This PC's clock is wrong"


async def test_a_pc_in_2001_shows_the_banner_and_records_the_schools_time(postgres):
    url = postgres.fresh()
    setup = open_database(url, server_clock=True)
    school = SmallSchool(setup)
    people.set_pin(setup, "HBR", "1234", by=COMMAND_LINE)
    setup.engine.dispose()
    pc = HandClock(datetime(2001, 9, 3, 8, 12, tzinfo=LONDON).astimezone(timezone.utc))
    database = open_database(url, clock=pc, server_clock=True, kiosk_name="classroom-pc")
    try:
        app = build_app(database)
        async with app.run_test(size=(120, 36)) as pilot:
            assert await wait_until(pilot, lambda: WRONG in on_screen(app))
            banner = [line for line in on_screen(app).splitlines() if WRONG in line]
            assert "it says 08:12 on Mon 03 Sep 2001, the school's record says" in banner[0]
            phones.phone_in(database, school.walker, "HBR")
            await settle(pilot)
        with database.engine.connect() as conn:
            written, server = conn.execute(sa.select(LEDGER.c.at, sa.func.now())
                                           .where(LEDGER.c.kiosk == "classroom-pc")).one()
        assert written.year == server.year != 2001
    finally:
        database.engine.dispose()


async def test_a_kiosk_on_one_pc_shows_no_banner(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        app.live.check_clock()
        await settle(pilot)
        assert WRONG not in on_screen(app)


def test_the_banner_says_both_times_and_only_past_two_minutes(database, clock):
    clock.set_local(8, 12)
    assert clock_sentence(database, timedelta(minutes=28)) == (
        "This PC's clock is wrong: it says 08:12, the school's record says 08:40. Records use the school's time.")
    assert clock_sentence(database, timedelta(minutes=2)) is None
    assert clock_sentence(database, None) is None  # SQLite, or a clock given by hand: the PC's is the record's


async def test_a_scan_on_one_pc_whose_clock_went_back_is_refused_in_red_and_not_saved(school, clock):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        clock.set_local(7, 55)  # an hour before this morning's records
        await scan(pilot, pupil.phone_tag)
        shown = panel(pilot)
        assert shown.mood == "-refused"
        assert "This PC's clock says 07:55 on Tue 10 Nov 2026, before the newest record" in shown.text
        assert "put this PC's clock right" in shown.text
    assert pupil.phone_tag not in {row.code for row in phones_held(school, by=COMMAND_LINE)}
