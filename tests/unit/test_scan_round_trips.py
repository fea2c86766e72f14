"""A scan holds the school's write lock for as few statements as the rules allow (issue 15, point 6).

Twenty kiosks queue for that one lock (bench/load_test.py), so every statement a scan makes while holding it is
a round trip each other kiosk waits for. Counted here on the real engine (SQLAlchemy's ``before_cursor_execute``):
the statements from the lock to COMMIT. On PostgreSQL a scan reads before the lock, and under it reads once more
(the phone, with the chain head) and writes once (a WITH of data-modifying statements). On SQLite a statement is
a function call, not a round trip: the scan takes the file's lock first (the staff member is read under it) and
its writes stay one statement each.
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

    def _locks(self, statement: str) -> bool:
        return "pg_advisory_xact_lock" in statement if self.postgres else statement == "BEGIN IMMEDIATE"

    def under_lock(self) -> list[list[str]]:
        """For each write transaction: the statements sent after the lock was taken, before its COMMIT."""
        found, current = [], None
        for statement in self.sent:
            if self._locks(statement):
                current = []
            elif statement == "COMMIT" and current is not None:
                found.append(current)
                current = None
            elif current is not None:
                current.append(statement)
        return found


def writes(statements: list[str]) -> list[str]:
    return [s for s in statements if not s.startswith("SELECT")]


def test_a_check_in_to_the_office_holds_the_lock_for_one_read_and_one_write(database, school):
    counted = Statements(database)
    result = phones.phone_in(database, school.year4, "MJO")
    assert (result.location, result.parents_to_tell) == ("Office", True)
    [locked] = counted.under_lock()
    # PostgreSQL: one read (the phone again, and the chain head), one write (the ledger row, the held phone and
    # the parents' task). SQLite: the staff member, the phone, then three writes.
    assert len(locked) == (2 if counted.postgres else 5), locked
    assert "ledger_entry" in locked[-len(writes(locked)) - 1]  # the last read has the chain head
    assert len(writes(locked)) == (1 if counted.postgres else 3)
    with database.reading() as session:
        entry = session.exec(select(LedgerEntry).order_by(LedgerEntry.id.desc())).first()
        held = session.get(HeldPhone, school.year4)
        task = session.exec(select(ParentTask).where(ParentTask.tag_code == school.year4)).one()
    assert (entry.action, held.ledger_id, task.opened_ledger_id) == ("phone_in", entry.id, entry.id)


def test_a_hand_back_holds_the_lock_for_one_read_and_one_write(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(15, 30)
    counted = Statements(database)
    result = phones.phone_out(database, school.walker, "HBR")
    assert result.outcome == Outcome.HANDED_BACK
    [locked] = counted.under_lock()
    assert len(locked) == (2 if counted.postgres else 4), locked
    assert len(writes(locked)) == (1 if counted.postgres else 2)
    assert phones.phones_held(database, by=COMMAND_LINE) == []


@pytest.mark.parametrize("scan", ["in", "out"])
def test_a_refused_scan_never_takes_the_lock_on_postgresql_and_writes_nothing(database, school, scan):
    if scan == "in":
        phones.phone_in(database, school.walker, "HBR")
    counted = Statements(database)
    with pytest.raises(Refused, match="already held" if scan == "in" else "not being held"):
        (phones.phone_in if scan == "in" else phones.phone_out)(database, school.walker, "HBR")
    assert any(counted._locks(s) for s in counted.sent) == (not counted.postgres)
    assert [s for s in counted.sent if not s.startswith(("SELECT", "BEGIN"))] == []
