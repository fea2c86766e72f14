"""`kiosk audit anchor` and `kiosk audit verify`: a record rewritten, cut short, damaged or out of step with its
tables is found, on real files, as an attacker or a fault would leave them (issue 13)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db import phones
from db.core import COMMAND_LINE, LEDGER, FaultKind, open_database, row_hash, sentence, sqlite_url, upgrade
from db.corrections import void_entry
from db.records import place
from kiosk.anchoring import issue_anchor
from kiosk.config import data_dir
from tests.conftest import SmallSchool


def anchors_file() -> Path:
    return data_dir() / "backups" / "anchors.txt"


def busy_day(database, school: SmallSchool, pairs: int) -> None:
    """``pairs`` check-ins and hand-backs of one phone, after home-time (no reason needed)."""
    database.clock.set_local(16, 0)
    for _ in range(pairs):
        phones.phone_in(database, school.walker, "HBR")
        phones.phone_out(database, school.walker, "HBR")


def rewrite(database, entry_id: int, detail: str) -> None:
    """What a careful attacker does: change one record, then recompute the hash of it and every later record."""
    with database.transaction() as conn:
        rows = conn.execute(select(LEDGER).where(LEDGER.c.id >= entry_id).order_by(LEDGER.c.id)).mappings().all()
        previous = conn.execute(select(LEDGER.c.hash).where(LEDGER.c.id == entry_id - 1)).scalar()
        for row in rows:
            row = dict(row, prev_hash=previous)
            if row["id"] == entry_id:
                row["detail"] = detail
            row["hash"] = row_hash(row)
            conn.execute(LEDGER.update().where(LEDGER.c.id == row["id"]).values(
                detail=row["detail"], prev_hash=row["prev_hash"], hash=row["hash"]))
            previous = row["hash"]


def test_the_anchor_is_one_short_line_kept_beside_the_backups(kiosk, school, database):
    busy_day(database, school, 3)
    status, out, err = kiosk("audit", "anchor")
    assert status == 0 and err == ""
    anchor = out.strip()
    assert len(anchor) < 40 and anchor.startswith(f"K1-{database.newest_entry():06d}-")
    assert anchors_file().read_text().splitlines() == [f"{anchor} {place(database)}"]
    status, out, _ = kiosk("audit", "verify")
    assert status == 0
    assert "It agrees with 1 anchor written down outside it." in out
    assert "Every held phone, parents-to-tell task, confiscation and device loan follows from the ledger." in out


def test_a_teacher_cannot_issue_an_anchor(kiosk, school):
    status, out, err = kiosk("audit", "anchor", "--by", "HBR")
    assert status == 1 and out == "" and "checking" not in err and err.count("\n") == 1


def test_a_rewrite_with_every_later_hash_recomputed_is_caught_by_the_anchor(kiosk, school, database):
    busy_day(database, school, 150)
    status, anchor, _ = kiosk("audit", "anchor")
    anchor = anchor.strip()
    rewrite(database, 100, '{"reason": null, "to": "someone else"}')
    kiosk_anchors = anchors_file()
    kiosk_anchors.unlink()  # the kiosk's own copy gone too: the one written on paper still proves it
    status, out, _ = kiosk("audit", "verify")
    assert status == 0, "the chain alone cannot see a careful rewrite"
    status, out, err = kiosk("audit", "verify", "--anchor", anchor)
    assert status == 1 and out == ""
    assert f"Ledger record {database.newest_entry():,} is not the one anchor {anchor} " in err
    assert "that record or one before it was rewritten after the anchor was written" in err


def test_the_last_300_records_deleted_are_caught_by_the_kept_anchor(kiosk, school, database, db_path):
    busy_day(database, school, 200)
    kiosk("audit", "anchor")
    newest = database.newest_entry()
    database.engine.dispose()
    with sqlite3.connect(db_path) as raw:
        raw.execute("DELETE FROM ledger_entry WHERE id > ?", (newest - 300,))
    status, out, err = kiosk("audit", "verify")
    assert status == 1
    assert (f"The ledger ends at record {newest - 300:,}, but anchor K1-{newest:06d}-" in err
            and f"shows it reached record {newest:,}: the last 300 records are missing" in err)


def test_a_malformed_anchor_is_one_sentence(kiosk, school):
    status, out, err = kiosk("audit", "verify", "--anchor", "K1-12-nonsense")
    assert status == 1 and out == ""
    assert err == ("“K1-12-nonsense” is not an anchor: an anchor looks like K1-000231-7QF3KD2M-20261128T1544, as "
                   "`kiosk audit anchor` printed it.\n")


def test_a_deleted_held_phone_row_is_named(kiosk, school, database, db_path):
    checked_in = phones.phone_in(database, school.walker, "HBR")
    entry = database.newest_entry()
    assert checked_in.location == "6A cupboard"
    database.engine.dispose()
    with sqlite3.connect(db_path) as raw:
        raw.execute("DELETE FROM held_phone WHERE tag_code = ?", (school.walker,))
    status, _, err = kiosk("audit", "verify")
    assert status == 1
    assert (f"Phone tag {school.walker} was put in the 6A cupboard by ledger record {entry:,} and not handed back "
            "since, but the held-phones table has no row for it") in err


def test_voids_confiscations_and_told_parents_follow_from_the_ledger(kiosk, school, database, db_path):
    # Every projection changed by a rule and put back by a void: verify must not cry wolf.
    phones.phone_in(database, school.year4, "MJO")  # to the office, parents to tell
    phones.parents_told(database, "1003", "MJO", "phoned mum")
    void_entry(database, database.newest_entry(), "wrong pupil", COMMAND_LINE)  # the task is open again
    phones.phone_in(database, school.walker, "HBR")
    phones.confiscate(database, school.walker, "MJO", "used in class")
    phones.phone_out(database, school.walker, "MJO", to="Mrs Khan")
    void_entry(database, database.newest_entry(), "not collected yet", COMMAND_LINE)
    phones.phone_in(database, school.year6_no_permit, "HBR")
    void_entry(database, database.newest_entry(), "scanned the wrong pouch", COMMAND_LINE)
    status, out, err = kiosk("audit", "verify")
    assert status == 0, err
    database.engine.dispose()
    with sqlite3.connect(db_path) as raw:  # the office's list quietly emptied, and a confiscation let go
        raw.execute("UPDATE parent_task SET told_at = '2026-11-10 09:00:00.000000', how = 'x' WHERE told_at IS NULL")
        raw.execute("UPDATE confiscation SET released_at = '2026-11-10 09:00:00.000000'")
    status, _, err = kiosk("audit", "verify")
    assert status == 1
    assert "no record says the parents were told since, but the parents-to-tell list has no open task for it" in err
    assert (f"confiscated phone tag {school.walker} and no release follows it, but the confiscations table does not "
            "have it as held") in err


def damage_pupil_page(path: Path) -> None:
    """Overwrite the header of the pupil table's first page in the file itself, as a failing disk would."""
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = raw.execute("PRAGMA page_size").fetchone()[0]
        root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'pupil'").fetchone()[0]
    with path.open("r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xee" * 16)


def test_a_damaged_page_is_caught_by_sqlites_own_check(kiosk, school, database, db_path):
    database.engine.dispose()
    damage_pupil_page(db_path)
    status, _, err = kiosk("audit", "verify")
    assert status == 1
    assert "SQLite's own check (quick_check) finds the database file damaged" in err
    assert "restore the last backup (`kiosk restore --list` shows them)" in err
    status, _, err = kiosk("audit", "verify", "--full")
    assert status == 1 and "SQLite's own check (integrity_check) finds the database file damaged" in err


def test_a_removed_folder_or_wal_acknowledges_nothing(school, database, db_path):
    said = sentence(FaultKind.MOVED, on_file=True)
    phones.phone_in(database, school.walker, "HBR")
    db_path.with_name(f"{db_path.name}-wal").unlink()  # a clean-up tool deletes the -wal file
    for code in (school.year4, school.year6_no_permit):
        with pytest.raises(Exception, match="moved, replaced or removed") as raised:
            phones.phone_in(database, code, "HBR" if code != school.year4 else "MJO")
        assert str(raised.value) == said


def test_a_removed_data_folder_acknowledges_nothing(template_db, tmp_path, clock):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "kiosk.db"
    path.write_bytes(template_db.read_bytes())
    database = open_database(sqlite_url(path), clock=clock, kiosk_name="test-kiosk")
    school = SmallSchool(database)
    phones.phone_in(database, school.walker, "HBR")
    for name in os.listdir(folder):  # the whole folder taken away while the kiosk runs
        (folder / name).unlink()
    folder.rmdir()
    with pytest.raises(Exception) as raised:
        phones.phone_in(database, school.year4, "MJO")
    assert str(raised.value) == sentence(FaultKind.MOVED, on_file=True)
    database.engine.dispose()


def test_a_file_replaced_under_the_kiosk_acknowledges_nothing(school, database, db_path, tmp_path):
    phones.phone_in(database, school.walker, "HBR")
    copy = tmp_path / "restored.db"
    with sqlite3.connect(db_path) as raw, sqlite3.connect(copy) as target:
        raw.backup(target)  # a restore or a sync tool puts another file at the path
    os.replace(copy, db_path)
    with pytest.raises(Exception) as raised:
        phones.phone_in(database, school.year4, "MJO")
    assert str(raised.value) == sentence(FaultKind.MOVED, on_file=True)


KIOSK_AT_WORK = """
import sys
import time
from datetime import datetime, timezone
from db import phones
from db.core import open_database
evening = datetime(2026, 11, 10, 17, 0, tzinfo=timezone.utc)
database = open_database(sys.argv[1], clock=lambda: evening, kiosk_name="kiosk-2")
for _ in range(20):  # well under SQLite's automatic checkpoint (1,000 pages): all of it is in the -wal file
    phones.phone_in(database, sys.argv[2], "HBR")
    phones.phone_out(database, sys.argv[2], "HBR")
print("ready", flush=True)
time.sleep(60)  # still running, its connection open, when it is killed
"""


def test_a_lost_wal_after_kill_9_is_caught_by_the_anchor(kiosk, school, database, db_path):
    database.engine.dispose()  # the school itself is in the file; what follows lives in the -wal file
    child = subprocess.Popen([sys.executable, "-c", KIOSK_AT_WORK, sqlite_url(db_path), school.walker],
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    try:
        assert child.stdout.readline().strip() == "ready"
        # Another process, as the command would be: this one must hold no connection to the file at the end.
        anchor = subprocess.run([sys.executable, "-m", "kiosk", "--db", sqlite_url(db_path), "audit", "anchor"],
                                capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]).stdout
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    status, out, err = kiosk("audit", "verify")
    assert status == 1
    assert f"anchor {anchor.strip()}" in err and "records are missing (deleted, or lost with the database's -wal" in err


def test_the_end_of_day_list_and_the_custody_report_carry_the_anchor(kiosk, school, database, tmp_path):
    phones.phone_in(database, school.walker, "HBR")
    job = tmp_path / "held.bin"
    status, _, _ = kiosk("phone", "where", "--printer", f"file:{job}")
    printed = job.read_bytes().decode("ascii", "replace")
    newest = database.newest_entry()
    anchor = anchors_file().read_text().splitlines()[-1].split()[0]
    assert status == 0 and anchor.startswith(f"K1-{newest:06d}-")
    assert "Ledger anchor:" in printed and anchor in printed
    status, out, _ = kiosk("report", "custody", "--from", "2026-11-10")
    assert status == 0 and out.endswith(f"\nLedger anchor: {anchor}\n")
    assert len(anchors_file().read_text().splitlines()) == 1  # the same head is kept once
    _, json_out, _ = kiosk("report", "custody", "--from", "2026-11-10", "--format", "json")
    assert "anchor" not in json_out  # a script's rows stay rows
    assert kiosk("audit", "verify")[0] == 0


def test_another_databases_anchors_in_the_same_file_are_not_held_against_this_one(kiosk, school, database, tmp_path):
    busy_day(database, school, 2)
    assert kiosk("audit", "anchor")[0] == 0
    demo = open_database(sqlite_url(tmp_path / "demo.db"))  # the demo school, tried on the same PC
    upgrade(demo)
    SmallSchool(demo)
    demo_anchor = issue_anchor(demo, anchors_file().parent)  # e.g. its end-of-day list printed
    demo.engine.dispose()
    assert len(anchors_file().read_text().splitlines()) == 2
    status, out, err = kiosk("audit", "verify")
    assert status == 0, err
    assert "It agrees with 1 anchor written down outside it." in out
    status, _, err = kiosk("audit", "verify", "--anchor", str(demo_anchor))  # given by hand: checked, and wrong
    assert status == 1 and f"anchor {demo_anchor}" in err


def test_after_a_restore_the_anchors_of_records_given_up_are_not_held_against_the_ledger(kiosk, school, database,
                                                                                          db_path):
    busy_day(database, school, 2)
    backup = Path(kiosk("backup")[1].splitlines()[0])
    busy_day(database, school, 3)  # records after the backup, and an anchor of them
    later = kiosk("audit", "anchor")[1]
    database.engine.dispose()
    assert kiosk("restore", str(backup))[0] == 0  # the school goes back to the backup on purpose
    lines = anchors_file().read_text().splitlines()
    assert lines[-1].startswith("restored K1-")
    status, out, err = kiosk("audit", "verify")
    assert status == 0, err
    assert "It agrees with 1 anchor written down outside it." in out  # the backup's; the later one given up
    status, _, err = kiosk("audit", "verify", "--anchor", later.strip())  # by hand it is still checked
    assert status == 1 and "records are missing" in err
