"""`kiosk audit verify` finds a ledger record edited, deleted, reordered or forged in the SQLite file itself."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from db import phones
from db.core import COMMAND_LINE, LEDGER, Refused, row_hash
from db.core.chain import utc_text
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


def test_an_edited_record_is_named_exactly_as_before(database, history):
    with database.engine.connect() as conn:
        entry = conn.execute(select(LEDGER).where(LEDGER.c.id == 6)).mappings().one()
    tamper(history, "UPDATE ledger_entry SET detail = '{\"reason\": \"edited\"}' WHERE id = 6")
    with pytest.raises(Refused) as refused:
        verify(database, by=COMMAND_LINE)
    assert str(refused.value) == (f"Ledger record 6 ({entry['action']} at {database.local(entry['at']):%d %b %Y %H:%M})"
                                  " was changed after it was written.")


def test_the_stored_hash_is_the_one_every_existing_ledger_was_written_with():
    # Hashes written by the kiosk before issue 15 (json.dumps of the row, keys sorted): they must still match.
    row = {"id": 7, "at": datetime(2026, 11, 27, 15, 30, tzinfo=timezone.utc), "kiosk": "office-pc", "staff_id": 2,
           "action": "phone_out", "tag_code": "K7Q2", "pupil_id": 3, "from_location_id": 1, "to_location_id": None,
           "detail": '{"reason": "dentist – Zoë"}', "voids_id": None, "prev_hash": "ab" * 32}
    assert row_hash(row) == "8ca69d8717885d8dee39a8387d52ce9994ee14ebab517e39ffb8ea0246ecfbd6"
    row["at"] = datetime(2026, 11, 27, 15, 30, 0, 123457, tzinfo=timezone(timedelta(hours=1)))
    assert row_hash(row) == "ca60209df99a695dab59a01050d2f05f1bf7ac8b8839ff2296e1ae6c5fd822d1"
    # SQLite's stored text, read raw by `audit verify`, gives the same time as the typed column did.
    assert utc_text("2026-11-27 15:30:00.000000") == utc_text(datetime(2026, 11, 27, 15, 30, tzinfo=timezone.utc))
    assert utc_text("2026-11-27 14:30:00.123457") == "2026-11-27T14:30:00.123457+00:00"


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
