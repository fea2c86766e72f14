"""`kiosk audit verify` finds a ledger record edited, deleted, reordered or forged in the SQLite file itself."""

import sqlite3

import pytest

from db import phones
from db.core import COMMAND_LINE, Refused
from db.records import verify


@pytest.fixture
def history(database, school, clock, db_path):
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year4, "LPA")
    clock.set_local(15, 30)
    phones.phone_out(database, school.walker, "MJO")
    database.engine.dispose()
    return db_path


def tamper(path, *statements):
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)


def test_an_untouched_ledger_verifies(database, history):
    assert verify(database, by=COMMAND_LINE) == 7  # a walk-home permission, 3 tags, 2 check-ins, 1 hand-back


def test_an_edited_record_is_named(database, history):
    tamper(history, "UPDATE ledger_entry SET staff_id = 2 WHERE action = 'phone_in' AND id = 6")
    with pytest.raises(Refused, match=r"^Ledger record 6 \(phone_in at .*\) was changed after it was written\.$"):
        verify(database, by=COMMAND_LINE)


def test_a_deleted_record_is_named(database, history):
    tamper(history, "PRAGMA foreign_keys = OFF", "DELETE FROM ledger_entry WHERE id = 5")
    with pytest.raises(Refused, match=r"^Ledger record 6 .* does not follow the record before it"):
        verify(database, by=COMMAND_LINE)


def test_two_records_swapped_are_found(database, history):
    columns = ("at, kiosk, staff_id, action, tag_code, pupil_id, from_location_id, to_location_id, detail, "
               "prev_hash, hash")
    tamper(history, "PRAGMA foreign_keys = OFF",
           "CREATE TEMP TABLE swap AS SELECT * FROM ledger_entry WHERE id IN (6, 7)",
           "UPDATE ledger_entry SET hash = hash || '-' WHERE id IN (6, 7)",  # the hashes are unique
           f"UPDATE ledger_entry SET ({columns}) = (SELECT {columns} FROM swap WHERE swap.id = 13 - ledger_entry.id) "
           "WHERE id IN (6, 7)")
    with pytest.raises(Refused, match=r"^Ledger record 6 .* does not follow the record before it"):
        verify(database, by=COMMAND_LINE)


def test_a_forged_record_added_at_the_end_is_found(database, history):
    tamper(history, "INSERT INTO ledger_entry (id, at, kiosk, staff_id, action, detail, prev_hash, hash) "
                    "SELECT id + 1, at, kiosk, staff_id, 'phone_out', '{}', hash, 'forged' FROM ledger_entry "
                    "ORDER BY id DESC LIMIT 1")
    with pytest.raises(Refused, match=r"^Ledger record 8 .* was changed after it was written\.$"):
        verify(database, by=COMMAND_LINE)
