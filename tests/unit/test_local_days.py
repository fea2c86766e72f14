"""The school's day, week and time of day of a stored UTC time, worked out inside SQL (SQLite: an offset per summer
time change; PostgreSQL: its own time zones), around the clocks changing."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import sqlalchemy as sa

from db.core.models import UtcTime
from db.phones.local_days import LocalDays, zone_changes
from tests.conftest import LONDON

UTC = timezone.utc
MOMENTS = {  # UTC → (the school's day, Monday of its week, time of day)
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC): (date(2026, 3, 29), date(2026, 3, 23), "00:59:00"),  # GMT still
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC): (date(2026, 3, 29), date(2026, 3, 23), "02:00:00"),  # BST from here
    datetime(2026, 6, 15, 23, 30, tzinfo=UTC): (date(2026, 6, 16), date(2026, 6, 15), "00:30:00"),
    datetime(2026, 6, 21, 23, 30, tzinfo=UTC): (date(2026, 6, 22), date(2026, 6, 22), "00:30:00"),  # Sunday → Monday
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC): (date(2026, 10, 25), date(2026, 10, 19), "01:30:00"),
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC): (date(2026, 10, 25), date(2026, 10, 19), "01:30:00"),  # GMT again
    datetime(2026, 11, 10, 15, 14, 59, tzinfo=UTC): (date(2026, 11, 10), date(2026, 11, 9), "15:14:59"),
}


def test_the_clocks_change_at_one_in_the_morning_utc():
    before, changes = zone_changes(LONDON, date(2026, 1, 1), date(2026, 12, 31))
    assert before == 0
    assert changes == [(datetime(2026, 3, 29, 1, 0, tzinfo=UTC), 60), (datetime(2026, 10, 25, 1, 0, tzinfo=UTC), 0)]


def test_day_week_and_time_in_sql(database):
    days = LocalDays(database.engine.dialect.name, LONDON, date(2026, 1, 1), date(2026, 12, 31))
    with database.engine.connect() as conn:
        for moment, (day, monday, clock) in MOMENTS.items():
            at = sa.literal(moment, UtcTime())
            got = conn.execute(sa.select(days.day(at), days.week(at), days.time_of_day(at))).one()
            assert (LocalDays.read(got[0]), LocalDays.read(got[1]), str(got[2])[:8]) == (day, monday, clock), moment
            early = conn.execute(sa.select(days.time_of_day(at) < days.time_value(time(15, 15)))).scalar()
            assert bool(early) == (clock < "15:15:00")
