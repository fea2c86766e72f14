"""The office screen: every phone held, parents still to tell, cupboards not confirmed locked."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from db.core import COMMAND_LINE
from db.phones import cupboards_to_check, custody_report, parents_pending, phones_held
from kiosk.scan import ScanMode, scan_phone
from kiosk.screens.ask import AskScreen
from kiosk.screens.office import OfficeScreen
from tests.tui.helpers import build_app, open_office, phone_of, settle, wait_until


def rows(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_office_screen_lists_phones_by_place_parents_to_tell_and_unlocked_cupboards(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        held = rows(app, "#held")
        expected = phones_held(school, by=COMMAND_LINE)
        assert [(r[0], r[2]) for r in held] == [(p.location, p.pupil) for p in expected]
        assert [r[0] for r in held] == sorted(r[0] for r in held)  # grouped by where the phone is
        assert {r[1] for r in held} == {"held"}
        assert [r[0] for r in rows(app, "#pending")] == [t.pupil for t in parents_pending(school, by=COMMAND_LINE)]
        # 6B's teacher has not confirmed the cupboard locked this morning.
        warning = app.screen.query_one("#cupboards")
        assert warning.has_class("-warning")
        [unlocked] = cupboards_to_check(school, by=COMMAND_LINE)
        assert f"6B cupboard: {unlocked.phones} phones, not confirmed locked today" in str(warning.content)
        assert "6A cupboard" not in str(warning.content)


async def test_after_home_time_phones_are_still_held_and_next_morning_left_overnight(school, clock):
    clock.set_local(15, 40)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        assert {r[1] for r in rows(app, "#held")} == {"still held"}
        clock.advance(hours=17)  # Wednesday 08:40
        app.screen.reload()
        await settle(pilot)
        assert {r[1] for r in rows(app, "#held")} == {"left overnight"}
        assert "Tue 10 Nov" in rows(app, "#held")[0][4]  # an old phone shows its day, not just the time
        assert "2026" not in rows(app, "#held")[0][4]  # in this school year
        clock.moment = clock.moment.replace(year=2027, month=9, day=7)  # left since the last school year
        app.screen.reload()
        await settle(pilot)
        assert rows(app, "#held")[0][4].startswith("Tue 10 Nov 2026 ")


@pytest.mark.both_backends
async def test_t_records_how_the_parents_were_told(school):
    pending = parents_pending(school, by=COMMAND_LINE)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        await pilot.press("down")  # the second task in the list
        await pilot.press("t")
        assert isinstance(app.screen, AskScreen)
        assert pending[1].pupil in app.screen.question
        await pilot.click("#choice-0")  # "Phoned"
        await settle(pilot)
        assert isinstance(app.screen, OfficeScreen)
        assert [r[0] for r in rows(app, "#pending")] == [pending[0].pupil] + [t.pupil for t in pending[2:]]
    assert [t.task_id for t in parents_pending(school, by=COMMAND_LINE)] == (
        [pending[0].task_id] + [t.task_id for t in pending[2:]])
    told = [e for e in custody_report(school, by=COMMAND_LINE) if e.action == "parents told"]
    assert told[-1].pupil == pending[1].pupil and "how: Phoned" in told[-1].note


async def test_the_lists_stay_live_while_another_kiosk_scans(school, monkeypatch):
    monkeypatch.setattr(OfficeScreen, "refresh_seconds", 0.2)
    pupil = phone_of(school, walker=False, held=False, class_name="4B")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        before = len(rows(app, "#pending"))
        scan_phone(school, pupil.phone_tag, "LPA", ScanMode.MORNING)  # a classroom kiosk, same database
        assert await wait_until(pilot, lambda: pupil.name in [r[2] for r in rows(app, "#held")])
        assert len(rows(app, "#pending")) == before + 1


async def test_escape_and_f2_go_back_to_scanning(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        await pilot.press("f2")
        assert not isinstance(app.screen, OfficeScreen)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#scan")
