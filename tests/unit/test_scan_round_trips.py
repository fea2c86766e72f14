"""A scan holds the school's write lock for as few round trips as the rules allow (issue 15, point 6).

Twenty kiosks queue for that one lock (bench/load_test.py), so every round trip a scan makes while holding it is
one each other kiosk waits for. Counted here on the real engine (SQLAlchemy's ``before_cursor_execute``): the
statements from the one that takes the lock to the COMMIT. On PostgreSQL a check-in or a hand-back holds it for
two round trips, where it took ten before issue 15: the lock with the read made under it (the phone again, and
the chain head), then the writes with the COMMIT. On SQLite a statement is a function call, not a round trip:
the scan takes the file's lock first and makes its statements one by one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import select

from db import phones
from db.core import COMMAND_LINE, Outcome, Refused
from db.core.models import HeldPhone, LedgerEntry, ParentTask


class Statements:
    """Every statement the kiosk sends, with ``COMMIT`` where a transaction ends."""

    def __init__(self, database):
        self.sent: list[str] = []
        self.postgres = not database.is_sqlite
        event.listen(database.engine, "before_cursor_execute", self._statement)
        event.listen(database.engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        self.sent.append(" ".join(statement.split()))

    def _commit(self, conn):
        self.sent.append("COMMIT")

    def locks(self, statement: str) -> bool:
        return "pg_advisory_xact_lock" in statement if self.postgres else statement == "BEGIN IMMEDIATE"

    def holding_the_lock(self) -> list[list[str]]:
        """For each write transaction: what it sent from the statement that took the lock to its COMMIT (a COMMIT
        sent with the last statement is not sent again)."""
        found, current = [], None
        for statement in self.sent:
            if self.locks(statement):
                current = [statement]
            elif current is not None and statement == "COMMIT":
                found.append(current if current[-1].endswith("COMMIT") else [*current, "COMMIT"])
                current = None
            elif current is not None:
                current.append(statement)
        return found


def test_a_check_in_to_the_office_holds_the_lock_for_two_round_trips(database, school):
    counted = Statements(database)
    result = phones.phone_in(database, school.year4, "MJO")
    assert (result.location, result.parents_to_tell) == ("Office", True)
    [held] = counted.holding_the_lock()
    if counted.postgres:
        lock_and_read, write_and_commit = held
        # The read is prepared once on each connection (before the lock) and executed with the lock.
        label = lock_and_read.split("; EXECUTE ")[1].split("(")[0]
        [prepared] = [s for s in counted.sent if s.startswith(f"PREPARE {label} AS SELECT")]
        assert "ledger_entry" in prepared and "held_phone" in prepared  # the chain head, the phone
        assert write_and_commit.startswith("WITH") and write_and_commit.endswith("; COMMIT")
        for table in ("ledger_entry", "held_phone", "parent_task"):
            assert f"INSERT INTO {table}" in write_and_commit
    else:  # the lock, the staff member, the phone, three writes, COMMIT
        assert len(held) == 7, held
    with database.reading() as session:
        entry = session.exec(select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()
        phone = session.get(HeldPhone, school.year4)
        task = session.exec(select(ParentTask).where(ParentTask.tag_code == school.year4)).one()
    assert (entry.action, phone.ledger_id, task.opened_ledger_id) == ("phone_in", entry.id, entry.id)


def test_a_hand_back_holds_the_lock_for_two_round_trips(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(15, 30)
    counted = Statements(database)
    result = phones.phone_out(database, school.walker, "HBR")
    assert result.outcome == Outcome.HANDED_BACK
    [held] = counted.holding_the_lock()
    if counted.postgres:
        assert len(held) == 2 and held[1].endswith("; COMMIT"), held
        assert "DELETE FROM held_phone" in held[1] and "INSERT INTO ledger_entry" in held[1]
    else:  # the lock, the staff member, the phone, two writes, COMMIT
        assert len(held) == 6, held
    assert phones.phones_held(database, by=COMMAND_LINE) == []
    with database.reading() as session:
        entry = session.exec(select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()
    assert (entry.action, entry.tag_code) == ("phone_out", school.walker)


@pytest.mark.parametrize("scan", ["in", "out"])
def test_a_refused_scan_never_takes_the_lock_on_postgresql_and_writes_nothing(database, school, scan):
    if scan == "in":
        phones.phone_in(database, school.walker, "HBR")
    counted = Statements(database)
    with pytest.raises(Refused, match="already held" if scan == "in" else "not being held"):
        (phones.phone_in if scan == "in" else phones.phone_out)(database, school.walker, "HBR")
    assert any(counted.locks(s) for s in counted.sent) == (not counted.postgres)
    assert [s for s in counted.sent if not s.startswith(("SELECT", "BEGIN"))] == []
    if counted.postgres:  # the staff member and the phone in one read: the refusal's only round trip
        [read] = counted.sent
        assert "by_staff" in read and "held_phone" in read


def test_a_scan_still_saves_after_its_connection_lost_the_prepared_read(database, school, clock):
    if database.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite prepares nothing on the server")
    phones.phone_in(database, school.walker, "HBR")  # the read under the lock is prepared on this connection
    with database.engine.connect() as conn:  # the same pooled connection: psycopg does this after a ROLLBACK TO
        conn.exec_driver_sql("DEALLOCATE ALL")
    clock.set_local(15, 30)
    result = phones.phone_out(database, school.walker, "HBR")
    assert result.outcome == Outcome.HANDED_BACK
    assert phones.phones_held(database, by=COMMAND_LINE) == []
