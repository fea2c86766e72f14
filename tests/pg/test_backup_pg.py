"""`kiosk backup` on the school's PostgreSQL database: a portable SQLite file one PC can restore the school from; and
`kiosk restore` into PostgreSQL, only into an empty database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db import phones
from db.core import open_database, sqlite_url
from kiosk.cli import main
from tests.conftest import SmallSchool


@pytest.mark.postgres
def test_a_school_database_backs_up_to_a_file_that_restores_on_one_pc_and_into_an_empty_server(
        postgres, clock, tmp_path, capsys):
    url = postgres.fresh()
    database = open_database(url, clock=clock, kiosk_name="office-pc")
    school = SmallSchool(database)
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year4, "LPA")
    folder = tmp_path / "share"
    folder.mkdir()

    assert main(["--db", url, "backup", "--to", str(folder)], clock=clock) == 0
    out = capsys.readouterr().out.splitlines()
    copy = Path(out[0])
    assert copy == folder / "kiosk-2026-11-10T0840.db"
    assert out[1].startswith("Checked: 6 ledger records, the newest at 08:40 today")
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert {c for (c,) in conn.execute("SELECT tag_code FROM held_phone")} == {school.walker, school.year4}

    # One PC restores the school from the file.
    pc = tmp_path / "pc" / "kiosk.db"
    pc.parent.mkdir()
    assert main(["--db", sqlite_url(pc), "restore", str(copy)], clock=clock) == 0
    assert capsys.readouterr().out.startswith(f"Restored {copy.name}: 6 ledger records")
    assert main(["--db", sqlite_url(pc), "audit", "verify"], clock=clock) == 0

    # Into the school's database, which holds records: refused, nothing changed.
    phones.phone_out(database, school.walker, "MJO", reason="dentist")
    assert main(["--db", url, "restore", str(copy)], clock=clock) == 1
    assert capsys.readouterr().err == (
        "The school database already holds records, so nothing was restored: create a new, empty database, restore "
        "into it with `kiosk --db URL restore FILE`, then point the kiosks at it (the old database stays as it is).\n")
    assert phones.phones_held(database, by="MJO")[0].code == school.year4

    # Into a new, empty one: the school's record as the backup held it, and the next scan joins the chain.
    empty = postgres.create()
    assert main(["--db", empty, "restore", str(copy)], clock=clock) == 0
    assert capsys.readouterr().out.startswith(f"Restored {copy.name}: 6 ledger records")
    restored = open_database(empty, clock=clock, kiosk_name="office-pc")
    try:
        assert {row.code for row in phones.phones_held(restored, by="MJO")} == {school.walker, school.year4}
        phones.phone_out(restored, school.walker, "MJO", reason="dentist")
        assert main(["--db", empty, "audit", "verify"], clock=clock) == 0
    finally:
        restored.engine.dispose()
        database.engine.dispose()
