"""`kiosk backup [--to FOLDER]` and `kiosk restore FILE | --list`, on real files: what they print, what they leave
on the disk, and that a failed backup or restore changes nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from db import phones
from db.records import Keep, place, to_remove
from kiosk.cli import main
from tests.faults import disk_full, read_only, small_disk


@pytest.fixture
def kiosk(db_path, capsys, clock):
    """Run `kiosk --db … ARGS` on the SQLite file at the hand clock's time; returns (exit status, stdout, stderr)."""

    def run(*args: str, db: Path | None = None):
        status = main(["--db", f"sqlite:///{db or db_path}", *args], clock=clock)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def held(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {code for (code,) in conn.execute("SELECT tag_code FROM held_phone")}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def backups_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("kiosk-"))


def test_a_backup_is_a_checked_private_copy_named_by_its_time(kiosk, database, school, clock, tmp_path):
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year4, "LPA")
    folder = tmp_path / "usb"
    folder.mkdir()
    clock.set_local(16, 0)

    status, out, err = kiosk("backup", "--to", str(folder))

    assert (status, err) == (0, "")
    lines = out.splitlines()
    copy = folder / "kiosk-2026-11-10T1600.db"
    assert lines[0] == str(copy)
    assert lines[1] == ("Checked: 6 ledger records, the newest at 08:40 today; "
                        "SQLite's integrity check and the audit chain both pass.")
    assert lines[2].startswith("Anchor: K1-000006-") and lines[2].endswith(f"(kept in {folder / 'anchors.txt'})")
    assert held(copy) == {school.walker, school.year4}
    # The anchor, then the database it belongs to (db.records.place): another database's anchors are not its own.
    assert (folder / "anchors.txt").read_text() == f"{lines[2].split()[1]} {place(database)}\n"
    assert mode(copy) == 0o600 and mode(folder / "anchors.txt") == 0o600
    # One file, nothing beside it: no temporary file, no -wal or -journal.
    assert sorted(p.name for p in folder.iterdir()) == ["anchors.txt", "kiosk-2026-11-10T1600.db"]

    # A second backup in the same minute gets a name of its own; rotation keeps a day's newest.
    status, out, _ = kiosk("backup", "--to", str(folder))
    assert status == 0 and out.splitlines()[0] == str(folder / "kiosk-2026-11-10T1600-2.db")
    assert out.splitlines()[-1] == "Rotation removed 1 older backup: kiosk-2026-11-10T1600.db"
    assert backups_in(folder) == ["kiosk-2026-11-10T1600-2.db"]


def test_the_default_folder_is_the_setting_else_backups_in_the_data_folder(kiosk, database, school, tmp_path,
                                                                              monkeypatch):
    status, out, _ = kiosk("backup")
    default = Path(out.splitlines()[0]).parent
    assert status == 0 and default.name == "backups" and default.parent.name == "custody-kiosk"
    assert mode(default) == 0o700

    share = tmp_path / "share"
    share.mkdir()
    monkeypatch.setenv("KIOSK_BACKUP_FOLDER", str(share))
    status, out, _ = kiosk("backup")
    assert status == 0 and Path(out.splitlines()[0]).parent == share

    # A setting naming a folder that is not there (the USB disk unplugged) is not made into one.
    monkeypatch.setenv("KIOSK_BACKUP_FOLDER", str(tmp_path / "unplugged"))
    status, out, err = kiosk("backup")
    assert (status, out) == (1, "")
    assert err == (f"The backup folder {tmp_path / 'unplugged'} cannot be found (is the USB disk or network share "
                   "connected?): nothing was backed up.\n")
    assert not (tmp_path / "unplugged").exists()


def good_backup(kiosk, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    status, out, err = kiosk("backup", "--to", str(folder))
    assert status == 0, err
    return Path(out.splitlines()[0])


def test_a_full_disk_is_one_sentence_and_the_last_good_backup_stays(kiosk, database, school, clock, tmp_path):
    phones.phone_in(database, school.walker, "HBR")
    with small_disk(tmp_path / "usb", "2m") as folder:
        good = good_backup(kiosk, folder)
        before = digest(good)
        clock.advance(days=1)
        with disk_full(folder):
            status, out, err = kiosk("backup", "--to", str(folder))
            assert (status, out) == (1, "")
            assert err == (f"The backup folder {folder} is full: nothing was backed up, and the last good backup "
                           "is still there.\n")
            assert sorted(p.name for p in folder.iterdir()) == ["anchors.txt", "filler", good.name]
        assert digest(good) == before


def test_a_read_only_folder_is_one_sentence(kiosk, database, school, clock, tmp_path):
    folder = tmp_path / "usb"
    good = good_backup(kiosk, folder)
    clock.advance(days=1)
    with read_only(folder):
        status, out, err = kiosk("backup", "--to", str(folder))
    assert (status, out) == (1, "")
    assert err == (f"The backup folder {folder} cannot be written to: nothing was backed up, and the last good "
                   "backup is still there.\n")
    assert backups_in(folder) == [good.name]


def test_a_copy_that_does_not_verify_is_no_backup(kiosk, db_path, database, school, tmp_path):
    phones.phone_in(database, school.walker, "HBR")
    database.engine.dispose()
    with sqlite3.connect(db_path) as conn:  # someone edits a record by hand
        conn.execute("UPDATE ledger_entry SET kiosk = 'elsewhere' WHERE id = 5")
    folder = tmp_path / "usb"
    folder.mkdir()

    status, out, err = kiosk("backup", "--to", str(folder))

    assert (status, out) == (1, "")
    assert err.startswith("Nothing was backed up, because the copy did not pass its checks: The ledger in the copy "
                          "does not verify: Ledger record 5 (phone_in at 10 Nov 2026 08:40) was changed after it was "
                          "written.") and err.count("\n") == 1
    assert list(folder.iterdir()) == []


def test_restore_moves_the_database_aside_and_puts_the_backup_in_its_place(kiosk, db_path, database, school, clock,
                                                                             tmp_path):
    phones.phone_in(database, school.walker, "HBR")
    copy = good_backup(kiosk, tmp_path / "usb")
    clock.set_local(9, 30)
    phones.phone_in(database, school.year4, "LPA")  # after the backup: not in it
    assert held(db_path) == {school.walker, school.year4}
    database.engine.dispose()

    status, out, err = kiosk("restore", str(copy))

    assert (status, err) == (0, "")
    aside = db_path.with_name("kiosk.db.before-restore-2026-11-10T093000")
    assert out.splitlines()[0] == f"Restored {copy.name}: 5 ledger records, the newest at 08:40 today."
    assert out.splitlines()[1].startswith(f"The database as it was is kept, not deleted: {aside}")
    assert out.splitlines()[2].startswith("Anchor: K1-000005-")
    assert held(db_path) == {school.walker}  # what the backup held
    assert held(aside) == {school.walker, school.year4}  # the old one, whole, beside it
    assert mode(db_path) == 0o600
    assert kiosk("audit", "verify")[1].startswith("The ledger is intact: 5 records, each linked to the one before.\n")


def test_a_damaged_file_or_one_that_is_no_backup_is_refused_and_nothing_changes(kiosk, db_path, database, school,
                                                                                  tmp_path):
    phones.phone_in(database, school.walker, "HBR")
    copy = good_backup(kiosk, tmp_path / "usb")
    database.engine.dispose()
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(db_path)

    not_sqlite = tmp_path / "holiday.db"
    not_sqlite.write_bytes(b"photos from the trip" * 100)
    damaged = tmp_path / "damaged.db"
    data = bytearray(copy.read_bytes())
    with sqlite3.connect(copy) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'held_phone'").fetchone()[0]
    data[(root - 1) * 4096 + 3:(root - 1) * 4096 + 5] = b"\xff\xff"  # the page's cell count: a scribbled page
    damaged.write_bytes(data)
    rewritten = tmp_path / "rewritten.db"
    rewritten.write_bytes(copy.read_bytes())
    with sqlite3.connect(rewritten) as conn:
        conn.execute("UPDATE ledger_entry SET kiosk = 'elsewhere' WHERE id = 2")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipe (name TEXT)")

    for file, said in ((not_sqlite, "holiday.db is not a Custody Kiosk backup (it is not a database file)."),
                       (other, "other.db is not a Custody Kiosk backup (it holds no ledger)."),
                       (rewritten, "The ledger in rewritten.db does not verify: Ledger record 2"),
                       (damaged, "damaged.db is damaged: SQLite"),
                       (tmp_path / "missing.db", f"There is no file {tmp_path / 'missing.db'}: give the path of a "
                                                 "backup (`kiosk restore --list` shows them).")):
        status, out, err = kiosk("restore", str(file))
        assert (status, out) == (1, ""), file
        assert err.startswith(said) and err.count("\n") == 1, err
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith("kiosk.db")) == ["kiosk.db"]


def test_a_backup_from_an_older_version_is_upgraded_on_its_way_in_and_one_from_a_newer_is_refused(kiosk, db_path,
                                                                                                   tmp_path):
    from alembic import command
    from alembic.config import Config

    from db.core import HEAD_REVISION, open_database, schema_revision, sqlite_url
    from db.core.engine import MIGRATIONS

    older = tmp_path / "kiosk-2025-07-18T1600.db"  # made by the version before pupils' search keys (0004)
    made = open_database(sqlite_url(older))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with made.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    made.engine.dispose()
    with sqlite3.connect(older) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    newer = tmp_path / "kiosk-2027-07-18T1600.db"
    newer.write_bytes(older.read_bytes())
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")

    status, out, err = kiosk("restore", str(newer))
    assert (status, out, err) == (1, "", "kiosk-2027-07-18T1600.db was made by a newer version of Custody Kiosk: "
                                         "update this kiosk first, then restore it.\n")
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith((".kiosk", "kiosk.db"))) == [
        "kiosk.db"]  # nothing moved, nothing left half-made

    status, out, err = kiosk("restore", str(older))
    assert (status, err) == (0, "") and out.startswith("Restored kiosk-2025-07-18T1600.db: 0 ledger records.")
    restored = open_database(sqlite_url(db_path))
    assert schema_revision(restored) == HEAD_REVISION
    restored.engine.dispose()
    assert kiosk("audit", "verify")[0] == 0


def test_restore_list_shows_each_backup_with_its_newest_record_and_anchor(kiosk, database, school, clock, tmp_path,
                                                                          monkeypatch):
    folder = tmp_path / "usb"
    monkeypatch.setenv("KIOSK_BACKUP_FOLDER", str(folder))
    phones.phone_in(database, school.walker, "HBR")
    first = good_backup(kiosk, folder)
    clock.set_local(10, 5, day=11)
    phones.phone_in(database, school.year4, "LPA")
    second = good_backup(kiosk, folder)
    (folder / "notes.txt").write_text("not a backup")

    status, out, err = kiosk("restore", "--list")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["FILE", "NEWEST", "RECORDS", "ANCHOR"]
    assert lines[1].split()[:6] == [str(second), "Wed", "11", "Nov", "10:05", "6"]
    assert lines[1].split()[6].startswith("K1-000006-")
    assert lines[2].split()[:6] == [str(first), "Tue", "10", "Nov", "08:40", "5"]
    assert len(lines) == 3

    import json
    listed = json.loads(kiosk("restore", "--list", "--format", "json")[1])
    assert [(row["file"], row["records"], row["newest"]) for row in listed] == [
        (str(second), 6, "2026-11-11T10:05:00+00:00"), (str(first), 5, "2026-11-10T08:40:00+00:00")]


def test_restore_list_with_no_backups_says_so(kiosk, tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_BACKUP_FOLDER", str(tmp_path))
    assert kiosk("restore", "--list") == (0, f"There are no backups in {tmp_path}.\n", "")


# --- rotation --------------------------------------------------------------------------------------------------------

def test_rotation_keeps_the_newest_of_each_day_week_and_term_and_nothing_else_is_touched():
    from datetime import date, timedelta

    # A backup at 16:00 every weekday from 1 Sep 2025 to 27 Nov 2026, two on 27 Nov 2026, and files that are not ours.
    names, day = [], date(2025, 9, 1)
    while day <= date(2026, 11, 27):
        if day.weekday() < 5:
            names.append(f"kiosk-{day:%Y-%m-%d}T1600.db")
        day += timedelta(days=1)
    names += ["kiosk-2026-11-27T1600-2.db", "anchors.txt", "kiosk.db", "kiosk-notes.db", "kiosk-2026-11-27.db"]

    removed = set(to_remove(names, Keep(daily=3, weekly=2, termly=2)))

    assert set(names) - removed == {
        "kiosk-2026-11-27T1600-2.db", "kiosk-2026-11-26T1600.db", "kiosk-2026-11-25T1600.db",  # the last 3 days
        "kiosk-2026-11-20T1600.db",  # the week before (this week's newest is kept already)
        "kiosk-2026-08-31T1600.db",  # the summer term's newest (this term's is kept already)
        "anchors.txt", "kiosk.db", "kiosk-notes.db", "kiosk-2026-11-27.db",  # not backups: never touched
    }
    assert "kiosk-2026-11-27T1600-2.db" not in removed  # the newest backup is never removed
    assert to_remove(["kiosk-2026-11-27T1600.db"], Keep(daily=1, weekly=0, termly=0)) == []


def test_rotation_after_a_backup_removes_the_old_ones_only(kiosk, database, school, clock, tmp_path, monkeypatch):
    folder = tmp_path / "usb"
    folder.mkdir()
    for name in ("kiosk-2026-11-01T1600.db", "kiosk-2026-11-02T1600.db", "kiosk-2026-11-03T1600.db"):
        (folder / name).write_bytes(b"an old backup")
    (folder / "Term report.docx").write_bytes(b"the head's")
    monkeypatch.setenv("KIOSK_KEEP_DAILY_BACKUPS", "2")
    monkeypatch.setenv("KIOSK_KEEP_WEEKLY_BACKUPS", "0")
    monkeypatch.setenv("KIOSK_KEEP_TERMLY_BACKUPS", "0")

    status, out, _ = kiosk("backup", "--to", str(folder))

    assert status == 0
    assert out.splitlines()[-1] == ("Rotation removed 2 older backups: kiosk-2026-11-02T1600.db, "
                                    "kiosk-2026-11-01T1600.db")
    assert sorted(p.name for p in folder.iterdir()) == [
        "Term report.docx", "anchors.txt", "kiosk-2026-11-03T1600.db", "kiosk-2026-11-10T0840.db"]


# --- permissions -----------------------------------------------------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_new_database_and_its_wal_are_readable_by_this_user_only(tmp_path, capsys):
    path = tmp_path / "school" / "kiosk.db"
    path.parent.mkdir()
    before = os.umask(0o022)  # the usual umask: without our care the file would be 0644
    try:
        assert main(["--db", f"sqlite:///{path}", "init"]) == 0
        assert main(["--db", f"sqlite:///{path}", "tags", "issue", "location", "--name", "Office"]) == 0
    finally:
        os.umask(before)
    capsys.readouterr()
    assert mode(path) == 0o600
    from db.core import open_database
    database = open_database(f"sqlite:///{path}")
    with database.engine.connect() as conn:  # an open connection keeps its -wal and -shm in place
        conn.exec_driver_sql("SELECT count(*) FROM location").scalar()
        assert mode(path.with_name("kiosk.db-wal")) == 0o600
        assert mode(path.with_name("kiosk.db-shm")) == 0o600
    database.engine.dispose()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_settings_file_holding_a_password_that_others_can_read_gets_a_warning(kiosk, tmp_path, monkeypatch):
    settings = Path(os.environ["XDG_CONFIG_HOME"]) / "custody-kiosk" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text('db = "postgresql+psycopg://kiosk:Winter2026@server/kiosk"\n')
    settings.chmod(0o644)
    warning = (f"Warning: {settings} holds a password and other users of this PC can read it: "
               f"run `chmod 600 {settings}`.\n")

    status, _, err = kiosk("audit", "verify")  # --db given: the file's URL is not used, its password still shows
    assert status == 0 and err == warning

    settings.chmod(0o600)
    assert kiosk("audit", "verify")[2] == ""
    settings.write_text('printer = "tcp://192.168.1.50"\n')
    settings.chmod(0o644)
    assert kiosk("audit", "verify")[2] == ""  # no password: nothing to warn about


# --- real processes ---------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
KIOSKS = 10

# One classroom kiosk: checks its phones in and hands them back, round and round, through the real command, and
# says ACK only once the command has returned 0 (what a teacher would see as saved), until the stop file appears.
BURST = r"""
import os, sys, time
from kiosk.cli import main

url, codes, stop = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
while not os.path.exists(stop):
    for code in codes:
        if main(["--db", url, "phone", "in", code, "--by", "MJO"]) == 0:
            print(f"ACK in {code} {time.time()!r}", flush=True)
        if main(["--db", url, "phone", "out", code, "--by", "MJO", "--reason", "dentist"]) == 0:
            print(f"ACK out {code} {time.time()!r}", flush=True)
"""


@pytest.mark.slow
def test_a_backup_during_a_burst_of_check_ins_holds_every_one_acknowledged_before_it_started(db_path, tmp_path):
    import subprocess
    import sys
    import threading
    import time
    from collections import Counter

    from db.core import open_database, sqlite_url
    from tests.unit.test_crash import make_school

    database = open_database(sqlite_url(db_path), kiosk_name="setup")
    codes = make_school(database)[:KIOSKS * 6]
    database.engine.dispose()
    url, stop, folder = sqlite_url(db_path), tmp_path / "stop", tmp_path / "usb"
    folder.mkdir()
    acks: list[tuple[str, str, float]] = []
    errors = (tmp_path / "kiosks-stderr.txt").open("w+")
    kiosks = [subprocess.Popen([sys.executable, "-c", BURST, url, ",".join(codes[i::KIOSKS]), str(stop)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=errors, text=True) for i in range(KIOSKS)]

    def read(kiosk):
        for line in kiosk.stdout:
            if line.startswith("ACK "):
                _, action, code, at = line.split()
                acks.append((action, code, float(at)))

    readers = [threading.Thread(target=read, args=(k,), daemon=True) for k in kiosks]
    for reader in readers:
        reader.start()
    try:
        deadline = time.time() + 60
        while len(acks) < 100 and time.time() < deadline:  # every kiosk scanning before the backup starts
            time.sleep(0.05)
        assert len(acks) >= 100, "the kiosks did not get going"
        started = time.time()
        done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--db", url, "backup", "--to", str(folder)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        finished = time.time()
        time.sleep(0.5)  # and the burst carries on after it
    finally:
        stop.touch()
        for kiosk in kiosks:
            kiosk.wait(timeout=60)
        for reader in readers:
            reader.join(timeout=10)
        errors.close()
    assert done.returncode == 0, done.stderr
    assert any(at > finished for _, _, at in acks), "the burst stopped before the backup ended"
    before = Counter((action, code) for action, code, at in acks if at < started)

    restored = tmp_path / "restored" / "kiosk.db"
    restored.parent.mkdir()
    assert main(["--db", sqlite_url(restored), "restore", done.stdout.splitlines()[0]]) == 0
    with sqlite3.connect(restored) as conn:
        stored = Counter((action.removeprefix("phone_"), code) for action, code in conn.execute(
            "SELECT action, tag_code FROM ledger_entry WHERE action IN ('phone_in', 'phone_out')"))
        held_now = {code for (code,) in conn.execute("SELECT tag_code FROM held_phone")}
    lost = [key for key, n in before.items() if stored[key] < n]
    assert not lost, f"{len(lost)} check-ins or hand-backs acknowledged before the backup started are not in it"
    # The copy is one moment of the record: each phone is held exactly when its last event there is a check-in.
    assert held_now == {code for (_, code) in stored if stored["in", code] > stored["out", code]}
    assert main(["--db", sqlite_url(restored), "audit", "verify"]) == 0


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is a POSIX signal")
def test_a_backup_killed_part_way_leaves_the_last_good_backup_intact(db_path, tmp_path, capsys, monkeypatch):
    import random
    import signal
    import subprocess
    import sys
    import time

    from db.core import sqlite_url
    from tests.cli.test_purge_cli import big_old_ledger

    big_old_ledger(db_path)  # 30,000 ledger rows: checking the copy takes long enough to be killed in
    folder = tmp_path / "usb"
    folder.mkdir()
    monkeypatch.setenv("KIOSK_BACKUP_FOLDER", str(folder))
    url = sqlite_url(db_path)
    assert main(["--db", url, "backup", "--to", str(folder)]) == 0
    good = Path(capsys.readouterr().out.splitlines()[0])
    kept = digest(good)
    rng = random.Random(20261129)
    for _attempt in range(3):
        child = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--db", url, "backup", "--to", str(folder)],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while not any(folder.glob(".kiosk-backup-*")) and time.time() < deadline and child.poll() is None:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.1))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL, "the backup finished before it could be killed"
    assert backups_in(folder) == [good.name] and digest(good) == kept
    assert main(["--db", url, "restore", "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and listed[1].startswith(str(good))
    # The good one restores, and the next backup works.
    assert main(["--db", sqlite_url(tmp_path / "restored.db"), "restore", str(good)]) == 0
    assert main(["--db", url, "backup", "--to", str(folder)]) == 0
