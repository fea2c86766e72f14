"""`kiosk copy-to URL`: one PC's SQLite record moved to the school's PostgreSQL database, hashes intact."""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import select, text

from db import phones
from db.core import HEAD_REVISION, LEDGER, UNREACHABLE, open_database, schema_revision
from kiosk.cli import main


def ledger_rows(database) -> list[dict]:
    with database.engine.connect() as conn:
        return [dict(row) for row in conn.execute(select(LEDGER).order_by(LEDGER.c.id)).mappings()]


def test_copy_to_moves_every_record_and_the_ledger_still_verifies(db_path, database, school, clock, postgres, capsys):
    clock.moment = clock.moment.replace(microsecond=123457)  # times must come back to the microsecond
    phones.phone_in(database, school.walker, "HBR")
    clock.advance(microseconds=1)
    phones.phone_in(database, school.year4, "LPA")
    clock.set_local(15, 20)
    clock.advance(microseconds=999999)
    phones.phone_out(database, school.walker, "MJO")
    source = database.url
    target_url = postgres.create()

    assert main(["--db", source, "copy-to", target_url], clock=clock) == 0
    out = capsys.readouterr().out
    counts = {line.split()[0]: int(line.split()[1]) for line in out.splitlines()[2:-1]}
    assert counts["ledger_entry"] == 7 and counts["pupil"] == 3 and counts["staff"] == 5
    assert counts["held_phone"] == 1 and counts["parent_task"] == 1 and counts["device_loan"] == 0
    assert out.splitlines()[-1] == "The ledger there is intact: 7 records, each linked to the one before."

    target = open_database(target_url, clock=clock, kiosk_name="office-pc")
    try:
        assert schema_revision(target) == HEAD_REVISION
        copied, original = ledger_rows(target), ledger_rows(database)
        assert copied == original  # byte for byte: ids, kiosk names, details, hashes
        assert [row["at"].microsecond for row in copied][-3:] == [123457, 123458, 999999]
        assert main(["--db", target_url, "audit", "verify"], clock=clock) == 0
        assert "7 records" in capsys.readouterr().out

        # The school carries on in PostgreSQL: the next ids follow the copied ones.
        phones.phone_in(target, school.year6_no_permit, "HBR")
        assert main(["--db", target_url, "parents", "pending", "--format", "json"], clock=clock) == 0
        assert len(json.loads(capsys.readouterr().out)) == 2
        with target.engine.connect() as conn:
            assert conn.execute(text("SELECT max(id) FROM parent_task")).scalar() == 2
            assert conn.execute(text("SELECT max(id) FROM ledger_entry")).scalar() == 8
            new_staff = conn.execute(text("INSERT INTO staff (code, first_name, surname, role) "
                                          "VALUES ('NEW', 'New', 'Teacher', 'teacher') RETURNING id")).scalar()
            assert new_staff == 6  # after the five copied
        assert main(["--db", target_url, "audit", "verify"], clock=clock) == 0
    finally:
        target.engine.dispose()


def test_copy_to_a_database_that_already_holds_records_is_refused_and_changes_nothing(db_path, database, school,
                                                                                       clock, postgres, capsys):
    phones.phone_in(database, school.walker, "HBR")
    target_url = postgres.create()
    assert main(["--db", database.url, "copy-to", target_url], clock=clock) == 0
    target = open_database(target_url, clock=clock)
    try:
        phones.phone_out(target, school.walker, "MJO", reason="dentist")
        before = ledger_rows(target)
        capsys.readouterr()
        assert main(["--db", database.url, "copy-to", target_url], clock=clock) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith("The database at postgresql+psycopg://postgres@127.0.0.1:")
        assert err.endswith("already holds records (location): copy-to only fills a new, empty database, "
                            "so nothing was copied.")
        assert ledger_rows(target) == before
    finally:
        target.engine.dispose()


def test_copy_to_a_server_that_is_not_there_says_so(db_path, database, school, clock, capsys):
    from tests.pg_cluster import free_port

    assert main(["--db", database.url, "copy-to", f"postgresql+psycopg://kiosk@127.0.0.1:{free_port()}/kiosk"],
                clock=clock) == 1
    assert capsys.readouterr().err.strip() == UNREACHABLE


def holds_nothing(url: str) -> bool:
    target = open_database(url)
    try:
        with target.engine.connect() as conn:
            tables = [row[0] for row in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
            return all(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() == 0 for name in tables)
    finally:
        target.engine.dispose()


def test_a_source_ledger_that_does_not_verify_is_refused_and_nothing_is_copied(db_path, database, school, clock,
                                                                             postgres, capsys):
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year4, "LPA")
    with database.engine.connect() as conn:
        entry = conn.execute(select(LEDGER).where(LEDGER.c.id == 6)).mappings().one()
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE ledger_entry SET staff_id = 2 WHERE id = 6")
    target_url = postgres.create()

    assert main(["--db", database.url, "copy-to", target_url], clock=clock) == 1
    assert capsys.readouterr().err.strip() == (
        "Nothing was copied, because this kiosk's ledger is broken: Ledger record 6 (phone_in at "
        f"{database.local(entry['at']):%d %b %Y %H:%M}) was changed after it was written.")
    assert holds_nothing(target_url)


def test_a_row_that_does_not_fit_half_way_leaves_the_new_database_empty(db_path, database, school, clock, postgres,
                                                                         capsys):
    phones.phone_in(database, school.walker, "HBR")
    with sqlite3.connect(db_path) as raw:  # SQLite keeps a name longer than its column allows; PostgreSQL does not
        raw.execute("UPDATE ledger_entry SET kiosk = ? WHERE id = (SELECT max(id) FROM ledger_entry)", ("k" * 80,))
    target_url = postgres.create()

    assert main(["--db", database.url, "copy-to", target_url], clock=clock) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Nothing was copied: a row of ledger_entry does not fit the new database (")
    assert holds_nothing(target_url)  # pupils, staff and places went in before the ledger: rolled back with it
