"""The kiosk never shows green for a scan that is not in the file at its path, and will not start scanning on a
damaged file (issue 13): the demo school's real SQLite file, changed under the running kiosk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from db.core import COMMAND_LINE, FaultKind, open_database, sentence, sqlite_url
from db.phones import phones_held
from kiosk.app import DAMAGED_AT_START
from kiosk.screens.sign_in import SignInScreen
from tests.cli.test_whole_record_cli import damage_pupil_page
from tests.tui.helpers import build_app, panel, phone_of, scan, sign_in, signed_in

MOVED = sentence(FaultKind.MOVED, on_file=True)


@pytest.fixture
def school(demo_school_file, tmp_path, clock):
    """The demo school's file in a data folder of its own, which a test may take away."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(demo_school_file, folder / "school.db")
    clock.set_local(8, 55)
    database = open_database(sqlite_url(folder / "school.db"), clock=clock, kiosk_name="test-kiosk")
    yield database
    database.engine.dispose()


def db_file(database) -> Path:
    return Path(database.url.removeprefix("sqlite:///"))


async def scans_refused_after(school, take_away, said: tuple[str, ...] = (MOVED,)) -> str:
    """One phone checked in (green), then ``take_away`` the file; the next two scans are red with one of the
    sentences ``said``, never green. Returns the tag of the phone refused."""
    first = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, first.phone_tag)
        assert panel(pilot).mood == "-done"
        second = phone_of(school, walker=True, held=False, class_name="6A")
        take_away()
        for _ in range(2):  # and it stays refused: nothing more can be saved until the kiosk restarts
            await scan(pilot, second.phone_tag)
            assert panel(pilot).mood == "-refused"
            assert panel(pilot).text in {f"Not recorded\n{sentence}" for sentence in said}
        assert app.chimes == ["done", "refused", "refused"]
    return second.phone_tag


async def test_a_removed_data_folder_refuses_the_next_scan(school):
    folder = db_file(school).parent
    # The kiosk's open file taken away says so; a connection opened after it finds no file at all, and says
    # that (the live view's thread may hold the open one at that moment). Either way: red, nothing saved.
    await scans_refused_after(school, lambda: shutil.rmtree(folder),
                              (MOVED, sentence(FaultKind.UNREACHABLE, on_file=True)))
    assert not folder.exists()


async def test_a_deleted_wal_file_refuses_the_next_scan(school):
    refused = await scans_refused_after(school, db_file(school).with_name("school.db-wal").unlink)
    school.engine.dispose()
    again = open_database(school.url)
    assert refused not in {row.code for row in phones_held(again, by=COMMAND_LINE)}
    again.engine.dispose()


async def test_a_damaged_file_stops_the_kiosk_at_sign_in(school):
    school.engine.dispose()
    damage_pupil_page(db_file(school))
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "HBR", "1234")
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.message == DAMAGED_AT_START
        assert app.screen.query_one("#message").has_class("-refused")
        assert app.staff is None

