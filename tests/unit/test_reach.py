"""A database that cannot be reached is one distinct exception (db.core.Unreachable), raised in one place."""

from __future__ import annotations

import pytest

from db import phones
from db.core import COMMAND_LINE, FaultKind, Unreachable, open_database, sentence, sqlite_url
from db.phones import phones_held


def test_a_lost_database_folder_is_unreachable_and_the_kiosk_works_again_when_it_is_back(
        tmp_path, db_path, clock, school):
    database = open_database(sqlite_url(db_path), clock=clock)
    before = database.newest_entry()
    # The share holding the file goes away: the next connection the pool opens fails for real.
    database.engine.dispose()
    away = db_path.parent.rename(tmp_path.parent / f"{tmp_path.name}-away")
    with pytest.raises(Unreachable) as raised:
        phones.phone_in(database, school.walker, "HBR")
    # One PC's file, not a server: the sentence says so, and never sends a teacher to the network cable.
    assert str(raised.value) == sentence(FaultKind.UNREACHABLE, on_file=True)
    assert "network cable" not in str(raised.value)
    with pytest.raises(Unreachable):
        database.newest_entry()
    away.rename(tmp_path)
    assert database.newest_entry() == before  # the failed check-in left nothing behind
    phones.phone_in(database, school.walker, "HBR")
    assert [row.code for row in phones_held(database, by=COMMAND_LINE)] == [school.walker]
    assert database.newest_entry() > before
    database.engine.dispose()


def test_a_rule_refusal_is_not_an_outage(database, school):
    phones.phone_in(database, school.walker, "HBR")
    with pytest.raises(Exception) as raised:
        phones.phone_in(database, school.walker, "HBR")
    assert not isinstance(raised.value, Unreachable)
    assert "already held" in str(raised.value)
