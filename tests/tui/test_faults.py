"""A fault at the kiosk: the big panel names it in its own sentence (red, the bell), nothing is saved, and the
next scan goes through once the fault is gone. Real faults on the demo school's SQLite file (tests/faults.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from db.core import COMMAND_LINE, Database, FaultKind, open_database, sentence, sqlite_url
from db.phones import phones_held
from kiosk.failures import UNKNOWN, log_file
from kiosk.screens import scan as scan_screen
from kiosk.screens.scan import ScanScreen
from kiosk.screens.sign_in import SignInScreen
from tests.faults import (
    SURPRISE,
    disk_full,
    fall_over,
    phone_in_falls_over,
    read_only,
    read_only_mount,
    small_disk,
    write_lock,
)
from tests.tui.helpers import build_app, copy_school, notes, on_screen, panel, phone_of, scan, sign_in, signed_in

pytestmark = pytest.mark.both_backends  # the live view and outages differ by backend


@pytest.fixture
def school(demo_school_file, tmp_path, clock):
    """The demo school's file, its writes waiting a second (not fifteen) for another kiosk's lock."""
    path = tmp_path / "school.db"
    path.write_bytes(demo_school_file.read_bytes())
    clock.set_local(8, 55)
    database = open_database(sqlite_url(path), clock=clock, kiosk_name="test-kiosk", lock_wait_ms=1000)
    yield database
    database.engine.dispose()


@pytest.fixture
def school_on_small_disk(demo_school_file, tmp_path, clock):
    with small_disk(tmp_path / "disk") as disk:
        database = copy_school(demo_school_file, disk, clock)
        yield database
        database.engine.dispose()  # before the disk goes


def db_file(database: Database) -> Path:
    return Path(database.url.removeprefix("sqlite:///"))


@contextmanager
def made_read_only(database: Database) -> Iterator[None]:
    with read_only(db_file(database)):
        database.engine.dispose()  # the kiosk's open connections keep their write handles; its next ones cannot
        yield


async def check_in_during(database: Database, fault: AbstractContextManager, said: str) -> None:
    """Scan a phone while ``fault`` holds: ``said`` on the red panel and nothing saved; then scan it again."""
    pupil = phone_of(database, walker=True, held=False, class_name="6A")
    before = database.newest_entry()
    app = build_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        with fault:
            await scan(pilot, pupil.phone_tag)
            assert panel(pilot).mood == "-refused"
            assert panel(pilot).text == f"Not recorded\n{said}"
            assert app.chimes.count("refused") == 1
            shown = on_screen(app)
            assert "Traceback" not in shown and "Error" not in shown and SURPRISE not in shown
        assert database.newest_entry() == before
        assert pupil.phone_tag not in {row.code for row in phones_held(database, by=COMMAND_LINE)}

        await scan(pilot, pupil.phone_tag)  # the fault is gone: the same kiosk carries on
        assert app.is_running and isinstance(app.screen, ScanScreen)
        assert panel(pilot).mood == "-done" and "6A cupboard" in panel(pilot).text
    assert pupil.phone_tag in {row.code for row in phones_held(database, by=COMMAND_LINE)}


async def test_a_full_disk_is_named_and_nothing_is_saved(school_on_small_disk):
    folder = db_file(school_on_small_disk).parent
    await check_in_during(school_on_small_disk, disk_full(folder), sentence(FaultKind.DISK_FULL, on_file=True))


async def test_a_read_only_file_is_named_and_nothing_is_saved(school):
    await check_in_during(school, made_read_only(school), sentence(FaultKind.READ_ONLY, on_file=True))


async def test_a_write_lock_held_past_the_wait_is_named_and_nothing_is_saved(school):
    await check_in_during(school, write_lock(db_file(school)), sentence(FaultKind.BUSY, on_file=True))


async def test_a_fault_the_kiosk_does_not_know_is_logged_with_its_traceback(school, monkeypatch):
    said = UNKNOWN.format(not_done="Not saved", log=log_file())
    await check_in_during(school, phone_in_falls_over(monkeypatch), said)
    log = log_file().read_text()
    assert "Traceback (most recent call last)" in log and f"RuntimeError: {SURPRISE}" in log


async def test_a_worker_that_fails_outside_its_runner_is_logged_and_said(school, monkeypatch):
    # A bug in a worker itself, not in the database call it makes: the app's one handler for failed workers.
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        monkeypatch.setattr(scan_screen, "carry_out", lambda *_args: fall_over())
        await scan(pilot, pupil.phone_tag)
        assert notes(app) == [UNKNOWN.format(not_done="Not saved", log=log_file())]
        assert app.chimes.count("refused") == 1 and app.is_running
    assert f"RuntimeError: {SURPRISE}" in log_file().read_text()


async def sign_in_meets(database: Database) -> str:
    """Start the kiosk on ``database`` and sign in: what the sign-in screen says, in red, with no one signed in."""
    app = build_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "HBR", "1234")
        assert isinstance(app.screen, SignInScreen) and app.staff is None
        assert app.screen.query_one("#message").has_class("-refused")
        shown = on_screen(app)
        assert "Traceback" not in shown and "Error" not in shown
        return app.screen.message


async def test_a_disk_full_before_the_kiosk_starts_is_named_at_sign_in(demo_school_file, tmp_path, clock):
    with small_disk(tmp_path / "disk") as disk:
        database = copy_school(demo_school_file, disk, clock)
        database.engine.dispose()  # closed: no -wal or -shm file left beside it, as after a night switched off
        with disk_full(disk):
            said = await sign_in_meets(database)
        database.engine.dispose()
    assert said == sentence(FaultKind.DISK_FULL, on_file=True)


async def test_a_disk_mounted_read_only_is_named_at_sign_in(school, clock):
    school.engine.dispose()
    with read_only_mount(db_file(school).parent) as view:
        database = open_database(sqlite_url(view / "school.db"), clock=clock, kiosk_name="test-kiosk")
        said = await sign_in_meets(database)
        database.engine.dispose()
    assert said == sentence(FaultKind.READ_ONLY, on_file=True)
