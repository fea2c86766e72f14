"""On PostgreSQL the record keeps the server's time: a classroom PC showing 2001, or a year fast, records the
school's time, and its lockouts are measured on that clock too."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from db import people, phones
from db.core import COMMAND_LINE, LEDGER, Refused, open_database
from db.records import verify
from tests.conftest import SmallSchool

PC_IN_2001 = datetime(2001, 9, 3, 8, 40, tzinfo=timezone.utc)


def server_time(url: str) -> datetime:
    database = open_database(url, clock=lambda: PC_IN_2001)
    try:
        with database.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT clock_timestamp()").scalar()
    finally:
        database.engine.dispose()


@pytest.fixture
def school(postgres) -> tuple[str, list[str]]:
    """The small school on the server, set up on a right clock: its URL and phone tags."""
    url = postgres.fresh()
    database = open_database(url, server_clock=True)  # the school set up on a right clock
    school = SmallSchool(database)
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    database.engine.dispose()
    return url, [school.walker, school.year6_no_permit, school.year4]


@pytest.mark.parametrize("pc_clock", [lambda: PC_IN_2001, lambda: datetime.now(timezone.utc) + timedelta(days=365)],
                         ids=["pc-in-2001", "pc-a-year-fast"])
def test_a_wrong_pc_clock_records_the_servers_time(school, pc_clock):
    school_url, tags = school
    kiosk = open_database(school_url, clock=pc_clock, server_clock=True, kiosk_name="classroom-pc")
    try:
        before = server_time(school_url)
        phones.phone_in(kiosk, tags[0], "HBR")
        after = server_time(school_url)
        with kiosk.engine.connect() as conn:
            written = conn.execute(sa.select(LEDGER.c.at).where(LEDGER.c.kiosk == "classroom-pc")).scalars().all()
        assert len(written) == 1 and before <= written[0] <= after
        assert kiosk.local(kiosk.now()).date() == kiosk.local(after).date()  # today's report is today's
        assert abs(kiosk.clock_gap() - (after - pc_clock())) < timedelta(minutes=1)
        assert verify(kiosk, by=COMMAND_LINE) > 0
    finally:
        kiosk.engine.dispose()


def test_a_lockout_made_on_a_pc_a_year_fast_lasts_five_minutes_on_every_kiosk(school):
    school_url, _ = school
    fast = open_database(school_url, clock=lambda: datetime.now(timezone.utc) + timedelta(days=365),
                         server_clock=True)
    right = open_database(school_url, server_clock=True)
    try:
        for attempt in range(5):
            with pytest.raises(Refused):
                people.sign_in(fast, "HBR", f"100{attempt}")
        with pytest.raises(Refused, match="HBR is locked after 5 wrong PINs: try again in 5 minutes"):
            people.sign_in(right, "HBR", "2468")
        people.set_pin(right, "HBR", "8642", by="ADM")  # the office lifts it at once
        assert people.sign_in(right, "HBR", "8642").code == "HBR"
    finally:
        fast.engine.dispose()
        right.engine.dispose()


def test_records_written_by_kiosks_on_different_clocks_are_in_order(school):
    school_url, tags = school
    kiosks = [open_database(school_url, clock=pc, server_clock=True, kiosk_name=f"kiosk-{i}") for i, pc in enumerate(
        (lambda: PC_IN_2001, lambda: datetime.now(timezone.utc), lambda: datetime(2031, 1, 1, tzinfo=timezone.utc)))]
    try:
        for kiosk, code in zip(kiosks, tags, strict=True):
            phones.phone_in(kiosk, code, "MJO")
        with kiosks[0].engine.connect() as conn:
            times = conn.execute(sa.select(LEDGER.c.at).order_by(LEDGER.c.id)).scalars().all()
        assert times == sorted(times)
    finally:
        for kiosk in kiosks:
            kiosk.engine.dispose()
