"""`kiosk purge [--dry-run]`: what it prints, who may run it, and a purge killed part-way leaves all or nothing."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.core import COMMAND_LINE, LEDGER, open_database, row_hash, sqlite_url
from db.core.models import Location, Pupil, Staff
from db.people import set_pin
from db.records import verify
from kiosk.cli import main
from tests.conftest import HandClock, SmallSchool
from tests.unit.test_purge import dump, old_history

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def default_periods(monkeypatch):
    """The defaults, whatever this machine's environment says (tests/conftest.py clears the other KIOSK_*)."""
    for period in ("CUSTODY", "DEVICE_LOANS", "CONFISCATIONS", "EXCEPTIONS", "LEAVERS"):
        monkeypatch.delenv(f"KIOSK_KEEP_{period}_YEARS", raising=False)


@pytest.fixture
def kiosk(db_path, capsys, clock):
    """Run `kiosk --db … ARGS` at the hand clock's time; returns (exit status, stdout, stderr)."""

    def run(*args: str):
        status = main(["--db", f"sqlite:///{db_path}", *args], clock=clock)
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def history(database, clock, tmp_path):
    return old_history(database, clock, tmp_path)  # leaves the clock on Sunday 22 November 2026


def test_dry_run_counts_and_changes_nothing_then_the_purge_does_it(kiosk, history, db_path):
    before = dump(db_path)
    status, out, err = kiosk("purge", "--dry-run")
    assert status == 0, err
    assert out.splitlines() == [
        "Custody records before 1 Sep 2025: 11 would be blanked",
        "Device loan records before 1 Sep 2025: 5 would be blanked",
        "Confiscation records before 1 Sep 2023: 0 would be blanked",
        "Exception records before 1 Sep 2020: 0 would be blanked",
        "Would delete: 1 closed parents-to-tell task, 2 finished device loans",
        "Leavers who left before 1 Sep 2025: 0 would be removed",
        "Nothing was changed (--dry-run).",
    ]
    assert err == "Counting records older than the retention periods…\n"
    assert dump(db_path) == before

    status, out, err = kiosk("purge", "--by", "ADM")
    assert status == 0, err
    assert out.splitlines() == [
        "Custody records before 1 Sep 2025: 11 blanked",
        "Device loan records before 1 Sep 2025: 5 blanked",
        "Confiscation records before 1 Sep 2023: 0 blanked",
        "Exception records before 1 Sep 2020: 0 blanked",
        "Deleted: 1 closed parents-to-tell task, 2 finished device loans",
        "Leavers who left before 1 Sep 2025: 0 removed",
        "The audit chain still verifies: 30 records.",
    ]
    assert err == "Purging records older than the retention periods…\n"
    status, out, _ = kiosk("audit", "verify")
    assert status == 0 and "30 records" in out


def test_the_periods_come_from_the_settings(kiosk, history, monkeypatch):
    monkeypatch.setenv("KIOSK_KEEP_CUSTODY_YEARS", "3")
    monkeypatch.setenv("KIOSK_KEEP_CONFISCATIONS_YEARS", "0")
    status, out, err = kiosk("purge")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "Custody records before 1 Sep 2023: 0 blanked"
    assert lines[2] == "Confiscation records before 1 Sep 2026: 2 blanked"
    assert lines[4] == "Deleted: 2 finished device loans, 1 released confiscation"
    # Oliver's custody records are kept three years now, so he stays although his confiscation went.
    assert lines[5] == "Leavers who left before 1 Sep 2025: 0 removed"


def test_a_teacher_may_not_purge_and_nothing_changes(kiosk, history, db_path):
    before = dump(db_path)
    status, out, err = kiosk("purge", "--by", "HBR")
    assert (status, out) == (1, "")
    assert err == "Hannah Brooks is a teacher: purging old records is for the leadership team or administrators.\n"
    assert dump(db_path) == before


# --- SIGKILL part-way through ---------------------------------------------------------------------

PAIRS = 15_000  # 30,000 ledger rows to blank


def big_old_ledger(path: Path) -> None:
    """A school with 30,000 check-ins and hand-backs three years ago.

    The purge runs in a child process on the real clock, so this history is placed relative to the real
    date: three years back is before every cut-off one school year of custody can give.
    """
    clock = HandClock(datetime.now(timezone.utc) - timedelta(days=3 * 366))
    database = open_database(sqlite_url(path), clock=clock, kiosk_name="setup")
    school = SmallSchool(database)
    with database.transaction() as conn:
        staff = conn.execute(sa.select(Staff.__table__.c.id).where(Staff.__table__.c.code == "HBR")).scalar()
        pupil = conn.execute(sa.select(Pupil.__table__.c.id).where(Pupil.__table__.c.adno == "1001")).scalar()
        cupboard = conn.execute(sa.select(Location.__table__.c.id)
                                .where(Location.__table__.c.name == "6A cupboard")).scalar()
        last_id, previous = conn.execute(sa.select(LEDGER.c.id, LEDGER.c.hash).order_by(LEDGER.c.id.desc())).first()
        rows = []  # chained here and inserted at once, as bench/scan_latency.py does: seconds, not minutes
        for i in range(2 * PAIRS):
            row = {"id": last_id + 1 + i, "at": clock.moment + timedelta(seconds=30 * i), "kiosk": "setup",
                   "staff_id": staff, "action": "phone_out" if i % 2 else "phone_in", "tag_code": school.walker,
                   "pupil_id": pupil, "from_location_id": cupboard if i % 2 else None,
                   "to_location_id": None if i % 2 else cupboard, "detail": "{}", "voids_id": None,
                   "prev_hash": previous}
            row["hash"] = previous = row_hash(row)
            rows.append(row)
        conn.execute(LEDGER.insert(), rows)
    # In use until today (a ledger idle three years would be a PC's wrong clock to the record's check).
    database.clock_checked, clock.moment = False, datetime.now(timezone.utc) - timedelta(minutes=1)
    set_pin(database, "MJO", "1357", by=COMMAND_LINE)
    database.engine.dispose()
    with sqlite3.connect(path) as conn:  # everything in the main file, so a plain copy is the whole database
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def kept_state(path: Path) -> dict:
    """What a purge leaves, its own checkpoints aside: which ledger rows are blanked and every other row."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        return {
            "ledger": conn.execute("SELECT id, at, action, pupil_id, tag_code, detail, hash, purged_at IS NOT NULL "
                                   "FROM ledger_entry WHERE action != 'purge' ORDER BY id").fetchall(),
            **{table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
               for table in ("pupil", "tag", "parent_task", "held_phone", "consent_event")}}


def checkpoints_add_up(path: Path) -> int:
    """Every blanked row is accounted for by a committed batch's checkpoint; returns how many rows are blanked."""
    with sqlite3.connect(path) as conn:
        blanked = conn.execute("SELECT count(*) FROM ledger_entry WHERE purged_at IS NOT NULL").fetchone()[0]
        checkpoints = [json.loads(d) for (d,) in conn.execute(
            "SELECT detail FROM ledger_entry WHERE action = 'purge'")]
    assert sum(checkpoint["redacted"] for checkpoint in checkpoints) == blanked
    return blanked


def purge_in_child(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "--db", sqlite_url(path), "purge"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")
def test_a_purge_killed_part_way_keeps_its_batches_and_run_again_finishes_as_one_run_would(db_path, tmp_path):
    big_old_ledger(db_path)
    whole = tmp_path / "whole.db"
    shutil.copy(db_path, whole)
    done = purge_in_child(whole)
    assert done.returncode == 0, done.stderr
    assert f"Custody records before 1 Sep {academic_year() - 1}: {2 * PAIRS + 4:,} blanked" in done.stdout
    expected = kept_state(whole)
    rng = random.Random(20261122)
    for attempt in range(3):
        copy = tmp_path / f"kill-{attempt}.db"
        shutil.copy(db_path, copy)
        child = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--db", sqlite_url(copy), "purge"],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        watchdog = threading.Timer(60, child.kill)  # a hung child fails the test instead of hanging it
        watchdog.start()
        try:
            line = child.stderr.readline()
            assert line.startswith("Purging records older than the retention periods"), line + child.stderr.read()
            line = child.stderr.readline()  # the first batch is committed, and there is more to do
            assert line.startswith("… ") and "so far" in line, line + child.stderr.read()
            time.sleep(rng.uniform(0, 0.05))
            child.kill()  # SIGKILL
            child.wait(timeout=10)
        finally:
            watchdog.cancel()
            child.stderr.close()

        blanked = checkpoints_add_up(copy)
        assert blanked >= 1  # the batches committed before the kill stay done
        database = open_database(sqlite_url(copy))
        try:
            with database.engine.connect() as conn:
                rows = conn.execute(sa.select(sa.func.count()).select_from(LEDGER)).scalar()
            assert verify(database, by=COMMAND_LINE) == rows  # the chain verifies at the moment of the kill
        finally:
            database.engine.dispose()

        # Run again, the purge carries on from there and ends where one uninterrupted run ends.
        again = purge_in_child(copy)
        assert again.returncode == 0, again.stderr
        assert "The audit chain still verifies" in again.stdout
        assert checkpoints_add_up(copy) == 2 * PAIRS + 4  # and the walk-home permission and 3 tags issued
        assert kept_state(copy) == expected


def academic_year() -> int:
    today = datetime.now().date()
    return today.year if today.month >= 9 else today.year - 1
