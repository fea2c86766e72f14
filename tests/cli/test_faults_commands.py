"""Each named fault met by a few representative commands: one sentence, exit 1, no traceback (issue 14, point 5).

The faults are real, on a copy of the demo school's file opened afresh by the command, as on a PC whose disk
filled overnight: a full tmpfs, a read-only bind mount, a page overwritten in the file, a folder that is gone,
another process holding the write lock. (tests/cli/test_faults_cli.py meets the same faults mid-shift, with the
file already open, and shows the same command going through once the fault is gone.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.core import FaultKind, open_database, sentence, sqlite_url
from kiosk.cli import main
from tests.cli.test_whole_record_cli import damage_pupil_page
from tests.faults import disk_full, read_only_mount, small_disk, write_lock
from tests.tui.conftest import demo_school_file  # noqa: F401 - the demo school, shared with tests/tui
from tests.tui.helpers import phone_of

PUPILS = Path(__file__).parents[1] / "data" / "sims_student_list.csv"
COMMANDS = ("phone in", "report custody", "audit verify", "backup", "import pupils")
WRITERS = ("phone in", "import pupils")  # the commands a write lock stops; readers read past it (WAL)
READERS = ("report custody", "audit verify")


def school_in(folder: Path, demo_school_file: Path, clock) -> tuple[Path, str]:
    """A copy of the demo school in ``folder``, closed (no -wal, no -shm), and a phone tag not yet checked in."""
    folder.mkdir(exist_ok=True)
    path = folder / "school.db"
    path.write_bytes(demo_school_file.read_bytes())
    clock.set_local(8, 55)
    database = open_database(sqlite_url(path), clock=clock)
    code = phone_of(database, walker=True, held=False, class_name="6A").phone_tag
    database.engine.dispose()
    return path, code


def arguments(command: str, code: str, backups: Path) -> list[str]:
    return {"phone in": ["phone", "in", code, "--by", "HBR"], "report custody": ["report", "custody"],
            "audit verify": ["audit", "verify"], "backup": ["backup", "--to", str(backups)],
            # --yes: the file replaces the demo's roll, so the import goes on to write (and meets the fault there)
            # rather than stopping at its question, which it asks before it writes anything.
            "import pupils": ["import", "pupils", str(PUPILS), "--yes"]}[command]


def expected(kind: FaultKind, command: str) -> str:
    """The fault's sentence; a command that only reads (a report, verify) does not say "Not saved"."""
    said = sentence(kind, on_file=True)
    if command not in READERS:
        return said
    said = said.removeprefix("Not saved — ")
    return said[0].upper() + said[1:]


def said_once(path: Path, command: str, code: str, tmp_path: Path, capsys, clock) -> str:
    """Run the command on ``path``: it must refuse (exit 1) with one line and nothing on standard output."""
    backups = tmp_path / "backups"
    backups.mkdir(exist_ok=True)
    status = main(["--db", sqlite_url(path), *arguments(command, code, backups)], clock=clock)
    out, err = capsys.readouterr()
    assert (status, out) == (1, ""), err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_disk_full_before_the_command_starts(command, demo_school_file, tmp_path, capsys, clock):
    with small_disk(tmp_path / "disk") as disk:
        path, code = school_in(disk, demo_school_file, clock)
        with disk_full(disk):
            said = said_once(path, command, code, tmp_path, capsys, clock)
    assert said == expected(FaultKind.DISK_FULL, command)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_disk_mounted_read_only(command, demo_school_file, tmp_path, capsys, clock):
    _path, code = school_in(tmp_path / "data", demo_school_file, clock)
    with read_only_mount(tmp_path / "data") as view:
        said = said_once(view / "school.db", command, code, tmp_path, capsys, clock)
    assert said == expected(FaultKind.READ_ONLY, command)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "audit verify"])  # its own report: the README's
def test_a_damaged_page_in_the_file(command, demo_school_file, tmp_path, capsys, clock):
    path, code = school_in(tmp_path / "data", demo_school_file, clock)
    damage_pupil_page(path)
    said = said_once(path, command, code, tmp_path, capsys, clock)
    if command == "backup":  # the copy is checked before it counts as a backup
        assert said.startswith("Nothing was backed up, because the copy did not pass its checks: the copy is damaged")
    else:
        assert said == expected(FaultKind.DAMAGED, command)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_database_folder_that_is_gone(command, demo_school_file, tmp_path, capsys, clock):
    path, code = school_in(tmp_path / "data", demo_school_file, clock)
    shutil.rmtree(path.parent)  # a USB disk pulled, a share not mounted
    assert said_once(path, command, code, tmp_path, capsys, clock) == (
        f"The folder {path.parent} does not exist: check the database path.")


@pytest.mark.parametrize("command", WRITERS)
def test_a_write_lock_held_by_another_process(command, demo_school_file, tmp_path, capsys, clock, monkeypatch):
    monkeypatch.setattr("db.core.engine.LOCK_WAIT_MS", 1000)  # a second here, not the fifteen of a school day
    path, code = school_in(tmp_path / "data", demo_school_file, clock)
    with write_lock(path):
        said = said_once(path, command, code, tmp_path, capsys, clock)
    assert said == expected(FaultKind.BUSY, command)
