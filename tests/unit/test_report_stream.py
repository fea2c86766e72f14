"""Reports are written as they are read (issue 15): a report of five years must not hold five years of rows.

The ledger rows here are added in bulk with the chain's columns filled but not linked (the reports do not check the
chain; `audit verify` does, elsewhere), so that tens of thousands of rows take a second, not minutes of scans.
"""

from __future__ import annotations

import io
import json
import tracemalloc
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

import kiosk.output
from db.core import COMMAND_LINE
from db.core.models import LedgerEntry, Location, Pupil, Staff
from db.phones import custody_events, custody_report
from kiosk.output import _json, emit

KEYS = ("entry", "at", "action", "code", "pupil", "class", "location", "by", "kiosk", "note", "voided_by")


def add_phone_days(database, school, rows: int) -> None:
    """``rows`` check-ins and hand-backs of the walker's phone, a minute apart, ending before the clock's now."""
    with database.writing() as session:
        pupil = session.exec(select(Pupil.id).where(Pupil.adno == "1001")).one()
        staff = session.exec(select(Staff.id).where(Staff.code == "HBR")).one()
        cupboard = session.exec(select(Location.id).where(Location.name == "6A cupboard")).one()
        start = session.exec(select(func.max(LedgerEntry.id))).one() or 0  # the chain numbers rows itself
    now = database.now()
    values = [{"id": start + i + 1, "at": now - timedelta(minutes=rows - i), "kiosk": "test-kiosk", "staff_id": staff,
               "action": "phone_in" if i % 2 == 0 else "phone_out", "tag_code": school.walker, "pupil_id": pupil,
               "to_location_id": cupboard if i % 2 == 0 else None, "from_location_id": None if i % 2 == 0 else cupboard,
               "detail": json.dumps({"held_since": (now - timedelta(days=1)).isoformat()}) if i % 7 == 0 else "{}",
               "prev_hash": f"{start + i:064x}", "hash": f"{start + i + 1:064x}"} for i in range(rows)]
    with database.transaction() as conn:
        conn.execute(LedgerEntry.__table__.insert(), values)


class Sink:
    """Standard output as emit() sees it: something with write()."""

    def __init__(self, each):
        self.each = each

    def write(self, text: str) -> int:
        self.each(text)
        return len(text)


def csv_peak(database, days: int) -> tuple[int, int]:
    """Rows written and peak memory (bytes, by tracemalloc) of the custody CSV over the last ``days`` days."""
    today = database.local(database.now()).date()
    sink = Sink(lambda text: None)  # written nowhere: only the report's own memory is measured
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        rows = emit(({"entry": e.entry, "at": e.at, "action": e.action, "code": e.code, "pupil": e.pupil,
                      "class": e.class_name, "location": e.location, "by": e.by, "kiosk": e.kiosk, "note": e.note,
                      "voided_by": e.voided_by}
                     for e in custody_events(database, today - timedelta(days=days), today, by=COMMAND_LINE)),
                    "csv", keys=KEYS, empty="", out=sink)
        return rows, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_report_twenty_times_longer_takes_no_more_memory(database, school):
    add_phone_days(database, school, 20_000)  # a minute apart: about 14 days
    csv_peak(database, 1)  # once first, so that what is made once (compiled queries) is not counted
    few, few_peak = csv_peak(database, 1)
    many, many_peak = csv_peak(database, 30)
    assert few >= 1000 and many >= 20_000
    # Holding the rows would take tens of megabytes here; reading them in batches, the same as the short report.
    assert many_peak < few_peak + 1_000_000, (few_peak, many_peak)


def test_the_first_rows_are_written_before_the_last_are_read(database, school):
    add_phone_days(database, school, 3000)
    read = 0

    def counted():
        nonlocal read
        today = database.local(database.now()).date()
        for event in custody_events(database, today - timedelta(days=5), today, by=COMMAND_LINE):
            read += 1
            yield {"entry": event.entry, "at": event.at, "action": event.action, "code": event.code,
                   "pupil": event.pupil, "class": event.class_name, "location": event.location, "by": event.by,
                   "kiosk": event.kiosk, "note": event.note, "voided_by": event.voided_by}

    read_when_written: list[int] = []
    sink = Sink(lambda text: read_when_written.append(read))
    written = emit(counted(), "csv", keys=KEYS, empty="", out=sink)
    assert written == read >= 3000
    assert read_when_written[:3] == [0, 1, 2]  # the header before any row is read, then each row as it comes


def test_streamed_events_are_the_report(database, school):
    add_phone_days(database, school, 300)
    today = database.local(database.now()).date()
    assert list(custody_events(database, today - timedelta(days=1), today, by=COMMAND_LINE)) \
        == custody_report(database, today - timedelta(days=1), today, by=COMMAND_LINE)


ROWS = [{"n": n, "name": "Zoë Wiśniewski" if n % 3 else "Amira Khan", "note": "x" * (n % 50) or None,
         "list": [n, "a"] if n % 5 == 0 else [], "yes": n % 2 == 0} for n in range(60)]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_streamed_output_is_what_holding_every_row_wrote(fmt, monkeypatch):
    keys = tuple(ROWS[0])
    held, streamed = io.StringIO(), io.StringIO()
    emit(ROWS, fmt, keys=keys, empty="none", out=held)  # 60 rows: all held to size the table, as before
    monkeypatch.setattr(kiosk.output, "TABLE_LOOK_AHEAD", 7)  # now a long listing: the table reads it twice
    emit(lambda: iter(ROWS), fmt, keys=keys, empty="none", out=streamed)
    assert streamed.getvalue() == held.getvalue()
    if fmt == "json":  # json.dump's own bytes
        dumped = io.StringIO()
        json.dump([{k: _json(v) for k, v in row.items()} for row in ROWS], dumped, ensure_ascii=False, indent=2)
        assert held.getvalue() == dumped.getvalue() + "\n"
