"""The scan screen, driven as a teacher does: scan, read the panel, check the school's record."""

from __future__ import annotations

import time

import pytest
from textual.widgets import DataTable, OptionList

from db.core import COMMAND_LINE, Refused
from db.core.models import Pupil
from db.people import find_pupils
from db.phones import class_phones_today, cupboards_to_check, custody_report, parents_pending, phones_held
from db.tags import list_tags
from kiosk.scan import ScanMode, scan_phone
from kiosk.screens.ask import AskScreen
from kiosk.screens.find_pupil import FindPupilScreen
from kiosk.screens.scan import ScanScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.widgets.big_text import BigText
from kiosk.work import Done, Refusal
from tests.tui.helpers import (
    build_app,
    list_caught_up,
    open_office,
    panel,
    phone_of,
    scan,
    settle,
    sign_in,
    signed_in,
    tag_with_f3,
    untagged_pupil,
    wait_until,
)


def held_codes(database) -> dict[str, str]:
    return {row.code: row.location for row in phones_held(database, by=COMMAND_LINE)}


def table_pupils(app) -> list[str]:
    table = app.screen.query_one("#phones", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


@pytest.mark.both_backends
async def test_morning_scan_of_a_walk_home_year_6_phone_goes_to_the_class_cupboard(school):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "HBR", "1234")
        assert app.screen.mode == ScanMode.MORNING  # 08:55: before noon
        await pilot.press(*pupil.phone_tag, "enter")
        await settle(pilot)
        shown = panel(pilot)
        assert shown.mood == "-done"
        assert pupil.name in shown.text and "6A cupboard" in shown.text
        assert held_codes(school)[pupil.phone_tag] == "6A cupboard"
        # The live list under the panel has the new phone at the top.
        await list_caught_up(pilot)
        assert table_pupils(app)[0] == pupil.name
        assert len(table_pupils(app)) == len(class_phones_today(school, "6A", by=COMMAND_LINE))
        assert app.focused is app.screen.query_one("#scan")
        assert "refused" not in app.chimes


async def test_a_younger_pupils_phone_goes_to_the_office_in_amber_and_opens_a_task(school):
    pupil = phone_of(school, walker=False, held=False, class_name="4B")
    pending_before = len(parents_pending(school, by=COMMAND_LINE))
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "LPA", "3456")
        await scan(pilot, pupil.phone_tag)
        shown = panel(pilot)
        assert shown.mood == "-note"
        assert pupil.name in shown.text
        assert "Office" in shown.text and "Parents to be told" in shown.text
    assert held_codes(school)[pupil.phone_tag] == "Office"
    pending = parents_pending(school, by=COMMAND_LINE)
    assert len(pending) == pending_before + 1
    assert pending[-1].pupil == pupil.name


async def test_garbage_is_refused_in_red_with_a_bell_and_nothing_is_written(school):
    ledger_before, held_before = len(custody_report(school, by=COMMAND_LINE)), held_codes(school)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, "HELLO123")
        shown = panel(pilot)
        assert shown.mood == "-refused"
        assert "“HELLO123” is not a Custody Kiosk tag code" in shown.text
        assert app.chimes.count("refused") == 1
        assert app.screen.query_one("#scan").value == ""  # ready for the next scan
    assert len(custody_report(school, by=COMMAND_LINE)) == ledger_before
    assert held_codes(school) == held_before


async def test_a_scan_ending_in_line_feed_is_submitted_too(school):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag, end="ctrl+j")
        assert panel(pilot).mood == "-done"
    assert pupil.phone_tag in held_codes(school)


async def test_home_time_hand_back_names_the_pupil_and_releases_the_phone(school, clock):
    pupil = phone_of(school, walker=True, held=True, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        clock.set_local(15, 20)
        await pilot.press("f6")
        assert app.screen.mode == ScanMode.HOME_TIME
        await scan(pilot, pupil.phone_tag)
        shown = panel(pilot)
        assert shown.mood == "-done"
        assert f"Hand back to {pupil.name}" in shown.text
        assert app.screen.query_one("#headline", BigText).text == f"Hand back to {pupil.name}"
    assert pupil.phone_tag not in held_codes(school)
    back = [row for row in class_phones_today(school, "6A", by=COMMAND_LINE) if row.code == pupil.phone_tag]
    assert back and back[0].handed_back is not None


async def test_after_noon_the_kiosk_starts_in_home_time(school, clock):
    clock.set_local(15, 20)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        assert app.screen.mode == ScanMode.HOME_TIME
        assert app.screen.query_one("#home-time").has_class("-on")
        assert not app.screen.query_one("#morning").has_class("-on")


async def test_before_home_time_the_kiosk_asks_why_and_records_the_reason(school):
    pupil = phone_of(school, walker=True, held=True, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "MJO", "4567")  # early hand-backs are the office's
        await pilot.press("f6")
        await scan(pilot, pupil.phone_tag)
        assert isinstance(app.screen, AskScreen)
        assert pupil.name in app.screen.question
        assert pupil.phone_tag in held_codes(school)  # nothing handed back yet
        await pilot.click("#choice-1")  # "Appointment"
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        shown = panel(pilot)
        assert shown.mood == "-note" and f"Hand back to {pupil.name}" in shown.text
        assert "Appointment" in shown.text
        assert app.focused is app.screen.query_one("#scan")
    assert pupil.phone_tag not in held_codes(school)
    out = [e for e in custody_report(school, by=COMMAND_LINE) if e.action == "phone out" and e.code == pupil.phone_tag]
    assert len(out) == 1 and "reason: Appointment" in out[0].note


async def test_escape_cancels_an_early_hand_back_and_focus_returns_to_the_scan_field(school):
    pupil = phone_of(school, walker=True, held=True, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "MJO", "4567")  # early hand-backs are the office's
        await pilot.press("f6")
        await scan(pilot, pupil.phone_tag)
        assert isinstance(app.screen, AskScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        assert app.focused is app.screen.query_one("#scan")
        assert "still held" in panel(pilot).text
    assert pupil.phone_tag in held_codes(school)


async def test_a_phone_not_held_is_refused_at_home_time_without_asking_for_a_reason(school):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f6")
        await scan(pilot, pupil.phone_tag)
        assert isinstance(app.screen, ScanScreen)
        assert panel(pilot).mood == "-refused"
        assert "is not being held" in panel(pilot).text
        assert app.chimes.count("refused") == 1


async def test_clicking_a_mode_button_keeps_focus_in_the_scan_field(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.click("#home-time")
        await pilot.pause()
        assert app.screen.mode == ScanMode.HOME_TIME
        assert app.focused is app.screen.query_one("#scan")
        await pilot.click("#phones")
        assert app.focused is app.screen.query_one("#scan")


async def test_idle_kiosk_locks_back_to_sign_in(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f3")  # a modal open on top must not keep it unlocked
        now = time.monotonic()
        assert not app.lock_if_idle(now + 60)
        assert app.lock_if_idle(now + 121)
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert app.staff is None
        assert "locked itself after 2 min" in app.screen.message
        assert len(app.screen_stack) == 2  # nothing left behind the sign-in screen


async def test_idle_lock_with_a_real_wait(school):
    app = build_app(school, idle_lock_seconds=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        assert isinstance(app.screen, ScanScreen)
        started = time.monotonic()
        assert await wait_until(pilot, lambda: isinstance(app.screen, SignInScreen))
        assert time.monotonic() - started >= 0.5  # not at once: after the second untouched
        assert app.staff is None


async def test_f10_and_ctrl_q_sign_out_rather_than_quit(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f10")
        assert isinstance(app.screen, SignInScreen) and app.staff is None
        await sign_in(pilot, "HBR", "1234")  # typed, as after a real sign-out
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, SignInScreen) and app.staff is None
        assert app.is_running


async def test_ctrl_c_asks_before_closing_and_keep_it_open_is_the_default(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+c")  # nobody signed in: it will not close
        assert isinstance(app.screen, SignInScreen) and app.is_running
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("ctrl+c")
        await pilot.press("enter")  # Enter on the focused "Keep it open"
        assert isinstance(app.screen, ScanScreen) and app.is_running
        await pilot.press("ctrl+c")
        await pilot.click("#yes")
        await pilot.pause()
        assert not app.is_running


async def test_office_screen_is_explained_to_a_teacher_not_refused(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f2")
        assert isinstance(app.screen, ScanScreen)
        assert panel(pilot).mood == "-note"  # amber: nothing went wrong, it is not one of a teacher's keys
        assert "for office staff and the leadership team" in panel(pilot).text
        assert "refused" not in app.chimes


async def test_office_screen_opens_for_office_staff(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, ScanScreen)
        assert app.focused is app.screen.query_one("#scan")


async def test_find_pupil_issues_a_tag_shown_large(school):
    # A pupil with no tag yet, whose name is unique, so the first result is theirs.
    pupil = next(p for p in find_pupils(school, "a", limit=200, by=COMMAND_LINE)
                 if p.phone_tag is None and len(find_pupils(school, p.name, by=COMMAND_LINE)) == 1)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "MJO", "4567")
        await pilot.press("f3")
        assert isinstance(app.screen, FindPupilScreen)
        await pilot.press(*pupil.name)
        await settle(pilot)
        await pilot.press("down", "enter")
        await pilot.press(*"blue Nokia", "enter")
        await settle(pilot)
        code = app.screen.query_one("#code", BigText).text
        assert code.startswith("P-")
        await pilot.press("enter")  # "Done"
        await settle(pilot)
        await pilot.press("escape")  # "Check the phone in now?": not now
        assert isinstance(app.screen, ScanScreen)
        assert code in panel(pilot).text
        assert app.focused is app.screen.query_one("#scan")
    issued = [tag for tag in list_tags(school, "phone") if tag.code == code]
    assert len(issued) == 1
    assert issued[0].label.startswith(pupil.short_name) and issued[0].description == "blue Nokia"


async def test_find_pupil_finds_a_name_typed_without_its_capital_or_accents_and_shows_it_as_stored(school):
    with school.writing() as session:
        session.add(Pupil(adno="9001", legal_first="Jan", surname="Łaski", year=5, class_name="5A"))
        session.commit()
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")  # a teacher of 6A finds a pupil of 5A
        await pilot.press("f3")
        await pilot.press(*"łaski")
        await settle(pilot)
        assert app.screen.query_one("#name").value == "łaski"
        options = app.screen.query_one("#pupils", OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown == ["Jan Łaski · 5A · no tag yet · phone goes to the office"]
        assert str(app.screen.query_one("#message").render()) == ""
        await pilot.press(*["backspace"] * 5, *"NGUYEN")
        await settle(pilot)
        assert app.screen.query_one("#name").value == "NGUYEN"
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        expected = find_pupils(school, "Nguyễn", by=COMMAND_LINE)
        assert shown and len(shown) == len(expected) and all(" Nguyễn · " in line for line in shown)
        assert [line.split(" · ")[0] for line in shown] == [p.name for p in expected]


async def test_cupboard_locked_for_the_teachers_class(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "DOK", "2345")
        assert "6B cupboard" in [c.location for c in cupboards_to_check(school, by=COMMAND_LINE)]
        await pilot.press("f4")
        await settle(pilot)
        assert panel(pilot).mood == "-done"
        assert "6B cupboard locked" in panel(pilot).text
    assert "6B cupboard" not in [c.location for c in cupboards_to_check(school, by=COMMAND_LINE)]
    assert [e.location for e in custody_report(school, by=COMMAND_LINE)
            if e.action == "cupboard locked"][-1] == "6B cupboard"


async def test_cupboard_locked_asks_staff_without_a_class_which_one(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HTE", "5678")
        await pilot.press("f4")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"6b", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        assert "6B cupboard locked" in panel(pilot).text
    assert cupboards_to_check(school, by=COMMAND_LINE) == []


async def test_only_the_newest_scan_shows_and_an_older_refusal_still_rings(school):
    # Thread workers can finish out of order; the panel follows the order the tags were scanned.
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    result = scan_phone(school, pupil.phone_tag, "HBR", ScanMode.MORNING)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        screen = app.screen
        screen._seq = 2  # two scans are on their way
        screen.post_message(Done("scan", (2, pupil.phone_tag), result))
        screen.post_message(Refusal("scan", (1, "P-0000-000"), Refused("That tag is not in use.")))
        await settle(pilot)
        assert panel(pilot).mood == "-done" and pupil.name in panel(pilot).text
        assert app.chimes.count("refused") == 1
        assert [n.message for n in app._notifications] == ["That tag is not in use."]


async def test_a_tag_given_with_f3_is_offered_for_check_in_at_once(school):
    from kiosk.screens.confirm import ConfirmScreen

    pupil = untagged_pupil(school)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "MJO", "4567")
        await tag_with_f3(pilot, pupil)
        code = app.screen.query_one("#code", BigText).text
        await pilot.press("enter")  # "Done"
        await settle(pilot)
        offer = app.screen
        assert isinstance(offer, ConfirmScreen)
        assert offer.question.startswith(f"Check {pupil.short_name} {pupil.class_name}'s phone in now?")
        assert code in offer.question
        assert offer.focused is offer.query_one("#yes") and str(offer.query_one("#yes").label) == "Check it in now"
        assert code not in {row.code for row in phones_held(school, by=COMMAND_LINE)}
        await pilot.press("enter")  # yes: the phone in the teacher's hand is recorded now
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen) and app.focused is app.screen.query_one("#scan")
        shown = panel(pilot)
        assert shown.mood in ("-done", "-note") and pupil.name.split()[0] in shown.text
        assert code in {row.code for row in phones_held(school, by=COMMAND_LINE)}
