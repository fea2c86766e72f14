"""The kiosk's own backups: the day's backup made by itself, and the amber warning when it is overdue or the folder
cannot be used (the status bar in a few words, the office screen in full)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk.app import make_app
from kiosk.config import Settings
from tests.faults import read_only
from tests.tui.helpers import build_app, notes, open_office, settle, wait_until

pytestmark = pytest.mark.both_backends  # a PostgreSQL school backs up through copy-to


def backing_up(school, folder: Path):
    settings = Settings(db=school.url, kiosk_name="test-kiosk", backup_folder=str(folder))
    return make_app(settings, database=school, backups=True)


def backups_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("kiosk-"))


async def test_the_kiosk_makes_the_days_backup_by_itself_after_home_time_and_at_a_late_start(school, clock, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    app = backing_up(school, folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        # No backup since yesterday's backup time (the PC was off): one is made as the kiosk starts.
        assert backups_in(folder) == ["kiosk-2026-11-10T0855.db"]
        clock.set_local(15, 59)
        app.check_backups()
        await settle(pilot)
        assert backups_in(folder) == ["kiosk-2026-11-10T0855.db"]  # not due again before 16:00
        clock.set_local(16, 0)
        app.check_backups()
        await settle(pilot)
        assert backups_in(folder) == ["kiosk-2026-11-10T1600.db"]  # the day's backup (rotation keeps a day's newest)
        await pilot.pause(1.1)
        assert not app.screen.query_one("#backup", Static).display  # all well: nothing said


async def test_an_overdue_backup_and_a_folder_that_cannot_be_written_are_said_in_amber(school, clock, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "kiosk-2026-11-04T1600.db").write_bytes(b"Wednesday's backup")  # Thu, Fri, Mon, Tue since
    with read_only(folder):
        app = backing_up(school, folder)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            bar = app.screen.query_one("#backup", Static)
            assert await wait_until(pilot, lambda: bar.display)
            assert str(bar.content) == "Backup overdue: last Wed 04 Nov"
            await open_office(pilot)
            assert str(app.screen.query_one("#backup-warning", Static).content) == (
                f"⚠ The backup folder {folder} cannot be written to: nothing was backed up, and the last good backup "
                "is still there. The last good backup was made Wed 04 Nov 2026 at 16:00, more than two school days "
                "ago: check the backup folder (setting backup_folder), or run `kiosk backup`.")
            assert str(app.screen.query_one("#backup", Static).content) == "Backup overdue: last Wed 04 Nov"
    assert backups_in(folder) == ["kiosk-2026-11-04T1600.db"]


async def test_a_backup_folder_that_cannot_be_reached_is_said_at_once(school, clock, tmp_path):
    folder = tmp_path / "unplugged"
    app = backing_up(school, folder)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one("#backup", Static)
        assert await wait_until(pilot, lambda: bar.display)
        assert str(bar.content) == "Backup not made: see the office screen"
        await open_office(pilot)
        assert str(app.screen.query_one("#backup-warning", Static).content) == (
            f"⚠ The backup folder {folder} cannot be reached (is the USB disk or network share connected?). "
            "This kiosk has seen no good backup yet.")
    assert not folder.exists()


async def test_a_settings_file_with_a_password_others_can_read_is_noted_on_the_kiosk(school, tmp_path):
    import os

    settings = Path(os.environ["XDG_CONFIG_HOME"]) / "custody-kiosk" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text('db = "postgresql+psycopg://kiosk:Winter2026@server/kiosk"\n')
    settings.chmod(0o644)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert notes(app) == [f"Settings: Warning: {settings} holds a password and other users of this PC can read "
                              f"it: run `chmod 600 {settings}`."]
