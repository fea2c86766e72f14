"""The record's clock: a PC whose clock is wrong is refused (its own clock is the record's) or put right (the
server's clock is the record's), never written into the ledger as if it were true."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from db import people, phones
from db.core import COMMAND_LINE, LEDGER, Refused, open_database
from db.phones import custody_report
from db.records import verify


def ledger_times(database) -> list[datetime]:
    with database.engine.connect() as conn:
        return list(conn.execute(sa.select(LEDGER.c.at).order_by(LEDGER.c.id)).scalars())


def test_a_pc_clock_gone_back_is_refused_with_a_sentence_and_nothing_is_written(database, school, clock):
    before = ledger_times(database)
    clock.set_local(8, 10)  # half an hour before the school's last record
    with pytest.raises(Refused) as refused:
        phones.phone_in(database, school.walker, "HBR")
    assert str(refused.value) == (
        "This PC's clock says 08:10 on Tue 10 Nov 2026, before the newest record (08:40 on Tue 10 Nov 2026), so "
        "nothing was saved: put this PC's clock right (date and time), then try again.")
    assert ledger_times(database) == before
    assert [e.action for e in custody_report(database, by="HTE")] == ["walk home permitted"]


def test_a_pc_clock_more_than_a_school_year_fast_is_refused(database, school, clock):
    before = ledger_times(database)
    clock.advance(days=367)
    with pytest.raises(Refused, match="says 08:40 on Fri 12 Nov 2027, more than a school year after the newest "
                                      r"record \(08:40 on Tue 10 Nov 2026\), so nothing was saved: put this PC's"):
        people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    assert ledger_times(database) == before


def test_a_second_back_and_a_summer_holiday_on_are_recorded(database, school, clock):
    clock.advance(seconds=-1)  # the network time service nudging the clock: not a wrong clock
    phones.phone_in(database, school.walker, "HBR")
    clock.advance(days=7 * 7)  # the six weeks' holiday and more
    phones.phone_out(database, school.walker, "MJO", reason="dentist")
    times = ledger_times(database)
    assert times[-1] - times[-2] == timedelta(days=49, seconds=0)
    assert verify(database, by=COMMAND_LINE) == len(times)


def test_the_morning_after_a_refusal_the_put_right_clock_records(database, school, clock):
    clock.set_local(7, 0)
    with pytest.raises(Refused, match="put this PC's clock right"):
        phones.phone_in(database, school.walker, "HBR")
    clock.set_local(8, 45)
    phones.phone_in(database, school.walker, "HBR")
    assert [e.action for e in custody_report(database, by="HTE")] == ["walk home permitted", "phone in"]


def test_a_new_pin_lifts_a_lockout_and_the_ledger_says_so(database, school, clock):
    people.set_pin(database, "HBR", "2468", by=COMMAND_LINE)
    for attempt in range(5):
        with pytest.raises(Refused):
            people.sign_in(database, "HBR", f"100{attempt}")
    with pytest.raises(Refused, match="HBR is locked after 5 wrong PINs: try again in 5 minutes, or ask the office "
                                      "to set a new PIN"):
        people.sign_in(database, "HBR", "2468")
    people.set_pin(database, "HBR", "8642", by="ADM")
    assert people.sign_in(database, "HBR", "8642").name == "Hannah Brooks"
    with database.engine.connect() as conn:
        details = conn.execute(sa.select(LEDGER.c.detail).where(LEDGER.c.action == "set_pin")
                               .order_by(LEDGER.c.id)).scalars().all()
    assert details == ["{}", '{"lockout_lifted": true}']
    # Wrong PINs after the new one count again from nought.
    with pytest.raises(Refused, match="That PIN is not right"):
        people.sign_in(database, "HBR", "1111")
    assert verify(database, by=COMMAND_LINE) > 0


def test_a_pc_clock_given_by_hand_is_the_records_clock(database_url, backend, clock):
    """Tests and the demo give the clock; on PostgreSQL it then stands in for the server's (deterministic). A real
    kiosk gives none: on PostgreSQL its record keeps the server's time."""
    database, real = open_database(database_url, clock=clock), open_database(database_url)
    try:
        assert not database.server_clock
        assert database.now() == clock.moment.astimezone(timezone.utc)
        assert database.clock_gap() is None
        assert real.server_clock == (backend == "postgres")
    finally:
        database.engine.dispose()
        real.engine.dispose()
