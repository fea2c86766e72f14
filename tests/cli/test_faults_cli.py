"""`kiosk phone in` meeting a fault: exit 1, that fault's one sentence on stderr, no traceback, nothing saved;
once the fault is gone the same command goes through. The same real faults as the kiosk's (tests/faults.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from db.core import COMMAND_LINE, FaultKind, open_database, sentence, sqlite_url
from db.phones import phones_held
from kiosk.cli import main
from kiosk.failures import UNKNOWN, log_file
from tests.faults import SURPRISE, disk_full, phone_in_falls_over, read_only, small_disk, write_lock
from tests.tui.conftest import demo_school_file  # noqa: F401 - the demo school, shared with tests/tui
from tests.tui.helpers import phone_of


@pytest.fixture
def school_file(demo_school_file, tmp_path) -> Path:
    path = tmp_path / "school.db"
    path.write_bytes(demo_school_file.read_bytes())
    return path


@pytest.fixture
def school_file_on_small_disk(demo_school_file, tmp_path) -> Iterator[Path]:
    with small_disk(tmp_path / "disk") as disk:
        path = disk / "school.db"
        path.write_bytes(demo_school_file.read_bytes())
        yield path


def check_in_during(path: Path, fault: AbstractContextManager, said: str, capsys, clock) -> None:
    """`kiosk phone in` while ``fault`` holds: exit 1 and ``said``, nothing saved; then again without the fault."""
    clock.set_local(8, 55)
    database = open_database(sqlite_url(path), clock=clock)  # to look, as the office would
    pupil = phone_of(database, walker=True, held=False, class_name="6A")
    before = database.newest_entry()
    command = ["--db", sqlite_url(path), "phone", "in", pupil.phone_tag, "--by", "HBR"]
    try:
        with fault:
            assert main(command, clock=clock) == 1
            out, err = capsys.readouterr()
            assert (out, err) == ("", f"{said}\n")
            assert "Traceback" not in err and SURPRISE not in err
        assert database.newest_entry() == before
        assert pupil.phone_tag not in {row.code for row in phones_held(database, by=COMMAND_LINE)}

        assert main(command, clock=clock) == 0  # the fault is gone
        assert capsys.readouterr().out == f"{pupil.name} ({pupil.class_name}): the phone goes to the 6A cupboard.\n"
        assert pupil.phone_tag in {row.code for row in phones_held(database, by=COMMAND_LINE)}
    finally:
        database.engine.dispose()


def test_a_full_disk_is_one_sentence_and_exit_1(school_file_on_small_disk, capsys, clock):
    check_in_during(school_file_on_small_disk, disk_full(school_file_on_small_disk.parent),
                    sentence(FaultKind.DISK_FULL, on_file=True), capsys, clock)


def test_a_read_only_file_is_one_sentence_and_exit_1(school_file, capsys, clock):
    check_in_during(school_file, read_only(school_file), sentence(FaultKind.READ_ONLY, on_file=True), capsys, clock)


def test_a_write_lock_held_past_the_wait_is_one_sentence_and_exit_1(school_file, capsys, clock, monkeypatch):
    # The command line has no option for the wait: a second here, not the fifteen another kiosk's work may take.
    monkeypatch.setattr("db.core.engine.LOCK_WAIT_MS", 1000)
    check_in_during(school_file, write_lock(school_file), sentence(FaultKind.BUSY, on_file=True), capsys, clock)


def test_a_fault_the_command_does_not_know_is_logged_with_its_traceback(school_file, capsys, clock, monkeypatch):
    said = UNKNOWN.format(not_done="Not saved", log=log_file())
    check_in_during(school_file, phone_in_falls_over(monkeypatch), said, capsys, clock)
    log = log_file().read_text()
    assert "Traceback (most recent call last)" in log and f"RuntimeError: {SURPRISE}" in log
