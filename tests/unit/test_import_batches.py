"""A whole school's pupil import writes in short transactions, so the kiosks' scans go in between (issue 15,
point 1), and an import stopped part-way is finished by importing the same file again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from db import phones
from db.core import COMMAND_LINE
from db.core.models import LedgerEntry, Pupil
from db.people import import_pupils, pupil_import

HEADER = "Forename,Surname,Year,Reg Group,Adno"


def school_file(path: Path, first: int, pupils: int) -> Path:
    """Admission numbers ``first`` to ``first + pupils``, Years 1 to 6."""
    lines = [HEADER] + [f"Pupil{i},Surname{i},{i % 6 + 1},{i % 6 + 1}A,{900000 + i}"
                        for i in range(first, first + pupils)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def the_roll(database) -> list[tuple]:
    with database.reading() as session:
        return sorted((p.adno, p.legal_first, p.year, p.class_name, p.left_at is not None, p.search_key)
                      for p in session.exec(select(Pupil)).all())


class WriteTransactions:
    """The write transactions the import commits (SQLite's BEGIN IMMEDIATE or PostgreSQL's write lock)."""

    def __init__(self, database):
        self.committed = 0
        event.listen(database.engine, "commit", self._commit)
        self.engine = database.engine

    def _commit(self, conn):
        if conn.get_execution_options().get("kiosk_begin") == "IMMEDIATE":
            self.committed += 1

    def stop(self):
        event.remove(self.engine, "commit", self._commit)


def test_a_septembers_import_is_written_in_short_transactions(database, tmp_path, monkeypatch, clock):
    monkeypatch.setattr(pupil_import, "BATCH", 20)
    import_pupils(database, school_file(tmp_path / "july.csv", 0, 100), by=COMMAND_LINE)
    clock.advance(days=40)
    counted = WriteTransactions(database)

    # September: 15 leave, 15 join, everyone else moves to a new class.
    moved = [f"Pupil{i},Surname{i},{i % 6 + 1},{i % 6 + 1}B,{900000 + i}" for i in range(15, 100)]
    joined = [f"Pupil{i},Surname{i},1,1A,{900000 + i}" for i in range(100, 115)]
    (tmp_path / "september.csv").write_text("\n".join([HEADER, *moved, *joined]) + "\n", encoding="utf-8")
    report = import_pupils(database, tmp_path / "september.csv", by=COMMAND_LINE, archive_many=True)
    counted.stop()

    assert (report.added, report.updated, report.archived) == (15, 85, 15)
    # 85 updates in 5 transactions, 15 new pupils in 1, 15 leavers in 1, then the ledger row: never one long one.
    assert counted.committed == 8
    roll = {adno: (year, class_name, left) for adno, _first, year, class_name, left, _key in the_roll(database)}
    assert roll["900015"] == (4, "4B", False)
    assert roll["900000"][2] is True and roll["900100"] == (1, "1A", False)
    with database.reading() as session:
        [entry] = session.exec(select(LedgerEntry).where(LedgerEntry.action == "import_pupils")
                               .order_by(LedgerEntry.id.desc()).limit(1)).all()
    assert '"added": 15' in entry.detail and '"archived": 15' in entry.detail and '"updated": 85' in entry.detail


def test_a_scan_between_two_batches_is_recorded(database, tmp_path, monkeypatch, school):
    # Another kiosk's check-in, made while the import is between two of its transactions, is saved and stays.
    monkeypatch.setattr(pupil_import, "BATCH", 10)
    scanned = []

    def scan_once(session):
        if not scanned:  # the import's first batch is committed: its write lock is free
            scanned.append(True)
            scanned.append(phones.phone_in(database, school.walker, "HBR"))

    event.listen(Session, "after_commit", scan_once)
    try:
        report = import_pupils(database, school_file(tmp_path / "roll.csv", 0, 50), by=COMMAND_LINE,
                               full=False)
    finally:
        event.remove(Session, "after_commit", scan_once)
    assert report.added == 50
    assert scanned[1].location == "6A cupboard"
    assert [row.code for row in phones.phones_held(database, by=COMMAND_LINE)] == [school.walker]


def test_an_import_stopped_part_way_is_finished_by_importing_the_file_again(database, tmp_path, monkeypatch):
    monkeypatch.setattr(pupil_import, "BATCH", 20)
    path = school_file(tmp_path / "roll.csv", 0, 90)

    commits = []

    def power_cut(session):
        commits.append(1)
        if len(commits) == 3:  # the third batch never reaches the disk
            raise KeyboardInterrupt

    event.listen(Session, "before_commit", power_cut)
    try:
        with pytest.raises(KeyboardInterrupt):
            import_pupils(database, path, by=COMMAND_LINE)
    finally:
        event.remove(Session, "before_commit", power_cut)
    assert len(the_roll(database)) == 40  # two whole batches, nothing of the third

    report = import_pupils(database, path, by=COMMAND_LINE)
    assert (report.added, report.archived) == (50, 0)
    assert [(adno, first, year) for adno, first, year, *_ in the_roll(database)] == sorted(
        (str(900000 + i), f"Pupil{i}", i % 6 + 1) for i in range(90))
