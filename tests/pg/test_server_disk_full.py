"""The school database server's disk full, for real: the test database lives in a tablespace on a small tmpfs,
filled to the last byte. A write that needs room is refused in one sentence, exit 1, and nothing is saved."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from db.core import FaultKind, open_database, sentence, upgrade
from kiosk.cli import main
from tests.conftest import SmallSchool
from tests.faults import disk_full


@pytest.fixture
def database_on_a_small_disk(postgres):
    """A migrated database whose tables are on a 24 MB tmpfs; skipped when the server is not on this machine."""
    admin = make_url(postgres.admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    disk = Path(tempfile.mkdtemp(prefix="kiosk-pg-disk-"))
    disk.chmod(0o755)  # the server's own user must reach its tablespace
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "kiosk-pg-test", str(disk)]).returncode:
        disk.rmdir()
        pytest.skip("a full server disk needs root to mount a small tmpfs for a tablespace")
    name = f"kiosk_full_{uuid.uuid4().hex[:8]}"
    try:
        (disk / "space").mkdir()
        shutil.chown(disk / "space", "postgres", "postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            try:
                conn.execute(f"CREATE TABLESPACE {name} LOCATION '{disk / 'space'}'")
            except psycopg.Error as exc:  # another machine's server cannot see this folder
                pytest.skip(f"the test server cannot use a folder on this machine: {exc}")
            conn.execute(f"CREATE DATABASE {name} TABLESPACE {name}")
        yield make_url(postgres.admin_url).set(database=name).render_as_string(hide_password=False), disk
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"DROP TABLESPACE IF EXISTS {name}")
    finally:
        subprocess.run(["umount", "--lazy", str(disk)])
        disk.rmdir()


@pytest.mark.postgres
def test_a_full_server_disk_is_one_sentence_and_saves_nothing(database_on_a_small_disk, clock, capsys, tmp_path):
    url, disk = database_on_a_small_disk
    # A whole school's roll, more than the table's free room: the server must grow the file on the full disk.
    pupils = tmp_path / "roll.csv"
    pupils.write_text("Forename,Surname,Year,Form,Adno\n" + "".join(f"Pupil{n},Surname{n},5,5A,{n:06d}\n"
                                                                     for n in range(1, 2001)), encoding="utf-8")
    database = open_database(url, clock=clock, kiosk_name="office-pc")
    try:
        upgrade(database)
        SmallSchool(database)
        before = database.newest_entry()
        with disk_full(disk):
            status = main(["--db", url, "import", "pupils", str(pupils), "--yes"], clock=clock)
            out, err = capsys.readouterr()
        assert (status, out, err) == (1, "", sentence(FaultKind.DISK_FULL, on_file=False) + "\n")
        assert database.newest_entry() == before
        assert main(["--db", url, "import", "pupils", str(pupils), "--yes"], clock=clock) == 0  # room again
    finally:
        database.engine.dispose()
