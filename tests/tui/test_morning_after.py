"""Issue 12 at the kiosk: the morning after (phones left overnight, a double read), whole names in refusals, a
phone going home before the parents are told, and the class teacher's cupboard warning and "Not in yet" list."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from db.core import COMMAND_LINE
from db.people import pupil_summary
from db.phones import (
    class_phones_today,
    cupboards_to_check,
    custody_report,
    parents_pending,
    phones_held,
    phones_not_in,
)
from kiosk.screens.scan import ScanScreen
from tests.tui.helpers import (
    build_app,
    list_caught_up,
    on_screen,
    open_office,
    panel,
    phone_of,
    scan,
    settle,
    signed_in,
)


def table_rows(app, table_id: str = "#phones") -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def title(app) -> str:
    return str(app.screen.query_one("#phones-title", Static).content)


def ledger_count(database, code: str) -> int:
    return len([e for e in custody_report(database, by=COMMAND_LINE) if e.code == code])


@pytest.mark.both_backends
async def test_next_morning_the_teacher_sees_phones_left_overnight_and_scanning_one_checks_it_in(school, clock):
    left = [row for row in class_phones_today(school, "6A", by=COMMAND_LINE)]
    clock.advance(days=1)  # Wednesday
    clock.set_local(8, 41)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        assert title(app).startswith(f"6A's phones today: 0 in, 0 handed back; {len(left)} left overnight "
                                     "(scan each to check it in)")
        rows = table_rows(app)
        assert {r[0] for r in rows} == {row.pupil for row in left}
        assert {r[3] for r in rows} == {"left overnight"} and {r[2] for r in rows} == {"Tue 08:40", "Tue 08:41",
                                                                                      "Tue 08:42", "Tue 08:43",
                                                                                      "Tue 08:44"}
        first = left[-1]  # the first phone in on Tuesday
        await scan(pilot, first.code)
        shown = panel(pilot)
        assert shown.mood == "-done" and "refused" not in app.chimes
        assert first.pupil in shown.text and "✓ 6A cupboard" in shown.text
        assert "Left in the 6A cupboard overnight (in since 08:40 on Tue 10 Nov): recorded as in today." in shown.text
        await list_caught_up(pilot)
        assert title(app).startswith(f"6A's phones today: 1 in, 0 handed back; {len(left) - 1} left overnight")
        assert table_rows(app)[0][:3] == [first.pupil, "6A cupboard", "08:41"]
    held = {row.code: row for row in phones_held(school, by=COMMAND_LINE)}
    assert held[first.code].status == "held" and f"{held[first.code].since:%a %H:%M}" == "Wed 08:41"
    assert [e.action for e in custody_report(school, by=COMMAND_LINE) if e.code == first.code] == ["phone in again"]


async def test_a_double_read_is_green_already_in_and_records_nothing_new(school, clock):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)  # the scanner reads the tag twice, a moment apart
        assert panel(pilot).mood == "-done" and "→ 6A cupboard" in panel(pilot).text
        await scan(pilot, pupil.phone_tag)
        assert panel(pilot).mood == "-done" and "refused" not in app.chimes, panel(pilot).text
        assert "Already in: checked in at 08:55" in panel(pilot).text
        assert ledger_count(school, pupil.phone_tag) == 1
        clock.advance(seconds=20)  # a nervous pupil holds it to the scanner again
        await scan(pilot, pupil.phone_tag)
        shown = panel(pilot)
        assert shown.mood == "-done" and "refused" not in app.chimes
        assert "Already in: checked in at 08:55. Nothing new was recorded." in shown.text
        assert pupil.name in shown.text and "✓ 6A cupboard" in shown.text
    assert ledger_count(school, pupil.phone_tag) == 1
    assert pupil.phone_tag in {row.code for row in phones_held(school, by=COMMAND_LINE)}


async def test_a_phone_already_in_from_another_kiosk_is_refused_with_the_pupils_whole_name(school):
    pupil = phone_of(school, walker=True, held=True, class_name="6A")  # checked in at 08:40, not a double read
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)
        shown = panel(pilot)
        assert shown.mood == "-refused" and app.chimes.count("refused") == 1
        assert f"{pupil.name}'s phone is already held in the 6A cupboard" in shown.text


async def test_a_phone_going_home_before_the_parents_are_told_is_amber_and_the_office_sees_it(school, clock):
    task = parents_pending(school, by=COMMAND_LINE)[0]
    code = pupil_summary(school, task.pupil_ref).phone_tag
    clock.set_local(15, 20)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        await pilot.press("escape")
        await scan(pilot, code)  # after noon: home-time
        shown = panel(pilot)
        assert shown.mood == "-note"
        assert f"Hand back to {task.pupil}" in shown.text
        assert f"Parents not yet told that {task.pupil} brought a phone: the office still has it to do." in shown.text
        await pilot.press("f2")
        await settle(pilot)
        [row] = [r for r in table_rows(app, "#pending") if r[0] == task.pupil]
        assert row[3].startswith("phone went home 15:20 · ")
    [still] = [t for t in parents_pending(school, by=COMMAND_LINE) if t.task_id == task.task_id]
    assert f"{still.went_home:%H:%M}" == "15:20"
    assert code not in {row.code for row in phones_held(school, by=COMMAND_LINE)}


async def test_the_teacher_sees_the_cupboard_not_confirmed_locked_until_f4(school, clock):
    assert "6B cupboard" in [c.location for c in cupboards_to_check(school, by=COMMAND_LINE)]
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "DOK", "2345")
        assert "⚠ 6B cupboard not confirmed locked: F4 once it is" in title(app)
        assert "⚠ 6B cupboard not confirmed locked" in on_screen(app)
        await pilot.press("f4")
        await settle(pilot)
        await list_caught_up(pilot)
        assert "not confirmed locked" not in title(app)
        # A phone put in after the lock: the cupboard was opened again.
        pupil = phone_of(school, walker=True, held=False, class_name="6B")
        clock.advance(minutes=1)
        await scan(pilot, pupil.phone_tag)
        await list_caught_up(pilot)
        assert "⚠ 6B cupboard not confirmed locked" in title(app)


async def test_f11_lists_the_class_phones_not_in_yet_and_back(school):
    expected = phones_not_in(school, "6A", by="HBR")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        assert "F11 Not in  F10 Sign out" in on_screen(app)
        assert "6A cupboard not confirmed" not in title(app)  # the demo's 6A teacher confirmed it at 08:52
        await pilot.press("f11")
        await settle(pilot)
        assert title(app) == (f"6A: {len(expected)} tagged pupils whose phone is not in yet "
                              "(F11: back to today's phones)")
        assert [r[0] for r in table_rows(app)] == [p.pupil for p in expected]
        assert app.focused is app.screen.query_one("#scan")
        # Scanning one in takes it off the list.
        pupil = phone_of(school, walker=True, held=False, class_name="6A")
        await scan(pilot, pupil.phone_tag)
        await list_caught_up(pilot)
        assert pupil.name not in [r[0] for r in table_rows(app)]
        assert len(table_rows(app)) == len(expected) - 1
        await pilot.press("f11")
        await settle(pilot)
        assert title(app).startswith("6A's phones today: 9 in, 0 handed back")
        assert table_rows(app)[0][0] == pupil.name
        assert isinstance(app.screen, ScanScreen)


async def test_a_phone_recorded_as_in_again_by_mistake_is_undone_back_to_left_overnight(school, clock):
    left = class_phones_today(school, "6A", by=COMMAND_LINE)[-1]  # in at 08:40 on Tuesday
    clock.advance(days=1)
    clock.set_local(8, 41)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, left.code)
        await pilot.press("u")
        await settle(pilot)
        assert app.screen.question.startswith(f"Undo: {left.pupil}'s phone, left in the 6A cupboard overnight, "
                                              "recorded as in today, at 08:41")
        await pilot.press(*"wrong pouch", "enter")
        await settle(pilot)
        assert (f"{left.pupil}'s phone is no longer recorded as in today: it shows as left in the 6A cupboard "
                "overnight again.") in panel(pilot).text
        await list_caught_up(pilot)
        assert [left.pupil, "6A cupboard", "Tue 08:40", "left overnight"] in [row[:4] for row in table_rows(app)]
    held = {row.code: row for row in phones_held(school, by=COMMAND_LINE)}
    assert f"{held[left.code].since:%a %H:%M}" == "Tue 08:40" and held[left.code].by == "Hannah Brooks"
    assert [e.action for e in custody_report(school, by=COMMAND_LINE) if e.code == left.code] == [
        "phone in again", "entry voided"]
