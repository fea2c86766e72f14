"""The exceptions register and confiscation at the kiosk, driven as a teacher and the office do."""

from __future__ import annotations

from datetime import date

import pytest

from db import phones
from db.core import COMMAND_LINE
from db.phones import custody_report, phones_held
from kiosk.screens.ask import AskScreen
from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.scan import ScanScreen
from tests.tui.helpers import build_app, on_screen, open_office, panel, phone_of, scan, settle, signed_in


async def test_a_pupil_on_the_exceptions_register_keeps_the_phone_in_green(school):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    phones.add_exception(school, pupil.upn, "medical", "Glucose monitor app; phone on silent.",
                             date(2027, 3, 1), by="HTE")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)
        shown = panel(pilot)
        assert shown.mood == "-done" and "refused" not in app.chimes
        assert "Keeps phone: medical" in shown.text and "Glucose monitor app" in shown.text
    assert pupil.phone_tag not in {r.code for r in phones_held(school, by=COMMAND_LINE)}


@pytest.mark.both_backends
async def test_confiscating_at_the_kiosk_then_the_office_releases_it_to_a_named_parent(school, clock):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f12")
        assert isinstance(app.screen, AskScreen) and "Confiscate a phone" in app.screen.question
        await pilot.press(*pupil.phone_tag, "enter")
        assert isinstance(app.screen, AskScreen) and "Why" in app.screen.question
        assert f"{pupil.name}'s ({pupil.class_name}) phone" in app.screen.question  # whose phone, before anything
        await pilot.click("#choice-0")  # "Used in class"
        await settle(pilot)
        assert isinstance(app.screen, AskScreen) and "Where will" in app.screen.question
        assert [str(b.label) for b in app.screen.query(".choice")] == ["Office", "6A cupboard"]
        await pilot.click("#choice-0")  # the office
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.startswith(f"Confiscate {pupil.name}'s phone (6A)?")
        assert "Why: Used in class" in app.screen.question and "Kept in: Office" in app.screen.question
        assert pupil.phone_tag not in {r.code for r in phones_held(school, by=COMMAND_LINE)}  # nothing yet
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        shown = panel(pilot)
        assert shown.mood == "-note" and "Confiscated" in shown.text and "Office" in shown.text
        assert "Released only to a parent or carer" in shown.text
    assert {r.code: r.location for r in phones_held(school, by=COMMAND_LINE)}[pupil.phone_tag] == "Office"

    clock.set_local(10, 30)  # the office sees it as confiscated, and a parent or carer to collect it
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        await settle(pilot)
        held = app.screen.query_one("#held")
        [row] = [held.get_row(key) for key in held.rows if key.value == pupil.phone_tag]
        assert (str(row[1]), row[2], row[4], row[6]) == ("confiscated", pupil.name, "08:55", "Hannah Brooks")
        text = on_screen(app)
        assert "Hannah Brooks" in text  # nothing pushed off the screen
        assert "Confiscated phones for a parent or carer to collect: 1" in text
        pending = app.screen.query_one("#pending")
        [task] = [pending.get_row(key) for key in pending.rows if key.value == f"collect-{pupil.phone_tag}"]
        assert (task[0], task[2]) == (pupil.name, "08:55")
        assert task[3] == "Confiscated (Used in class): parent or carer to collect from Office"
        assert "Confiscated (Used in class): parent or carer to collect from Office" in text

    clock.set_local(15, 20)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "MJO", "4567")
        await scan(pilot, pupil.phone_tag)  # home-time: the pupil asks for it back
        assert isinstance(app.screen, AskScreen)
        assert "not to the pupil" in app.screen.question and pupil.name in app.screen.question
        assert pupil.phone_tag in {r.code for r in phones_held(school, by=COMMAND_LINE)}  # nothing handed back yet
        await pilot.press(*"Mrs Khan (mum)", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        shown = panel(pilot)
        assert "Released to a parent" in shown.text and "released to Mrs Khan (mum)" in shown.text
        assert "Hand back to" not in shown.text  # never the pupil's name as the one to give it to
    assert phones.phones_to_collect(school, by="MJO") == []  # the task closes when the phone goes to a parent
    [released] = [e for e in custody_report(school, by=COMMAND_LINE) if e.action == "confiscation released"]
    assert released.pupil == pupil.name and "Mrs Khan (mum)" in released.note


async def test_the_idle_lock_covers_every_screen(school):
    import time

    from kiosk.screens.sign_in import SignInScreen

    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        for key in ("f2", "f3", "f9", "f11", "f12"):  # office, find pupil, print queue, devices review, confiscate
            await signed_in(pilot, "HTE", "5678")
            await pilot.press(key)
            await settle(pilot)
            opened = type(app.screen).__name__
            assert opened != "ScanScreen", key
            assert app.lock_if_idle(time.monotonic() + 121), opened
            await pilot.pause()
            assert isinstance(app.screen, SignInScreen) and app.staff is None, opened
            assert len(app.screen_stack) == 2, opened  # nothing of the last person's left behind
