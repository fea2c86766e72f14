"""Corrections at the kiosk: a teacher undoes their own last scan (U, with a reason); cover badges on the office
screen and given from it."""

from __future__ import annotations

import pytest

from db.core import COMMAND_LINE
from db.phones import custody_report, phones_held
from kiosk.screens.ask import AskScreen
from tests.tui.helpers import (
    build_app,
    notes,
    on_screen,
    open_office,
    panel,
    phone_of,
    scan,
    settle,
    signed_in,
    wait_until,
)


def held_codes(database) -> set[str]:
    return {row.code for row in phones_held(database, by=COMMAND_LINE)}


@pytest.mark.both_backends
async def test_a_teacher_undoes_their_last_scan_with_a_reason(school, clock):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)
        assert pupil.phone_tag in held_codes(school)
        clock.advance(minutes=2)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, AskScreen)
        question = app.screen.question
        assert question.startswith(f"Undo: {pupil.name}'s phone checked in (6A cupboard), at 08:55 (entry ")
        assert "The entry stays in the record, marked as voided." in question
        await pilot.press(*"scanned the wrong pouch", "enter")
        await settle(pilot)
        shown = panel(pilot)
        assert shown.mood == "-note"
        assert "Undone" in shown.text
        assert f"{pupil.name}'s phone is no longer recorded as held in the 6A cupboard." in shown.text
        assert app.focused is app.screen.query_one("#scan")
        # Nothing left to undo: the kiosk says so rather than offering the void again.
        await pilot.press("u")
        await settle(pilot)
        assert "Nothing to undo" in panel(pilot).text
    assert pupil.phone_tag not in held_codes(school)
    events = [e for e in custody_report(school, by=COMMAND_LINE) if e.code == pupil.phone_tag]
    assert [e.action for e in events] == ["phone in", "entry voided"]
    assert events[0].voided_by == events[1].entry
    assert events[1].note.endswith("scanned the wrong pouch") and events[1].by == "Hannah Brooks"


async def test_a_u_inside_a_typed_code_is_typed_not_an_undo(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("i", "p", "a", "u")
        await settle(pilot)
        assert app.screen.query_one("#scan").value == "ipau"
        assert not isinstance(app.screen, AskScreen)


async def test_the_office_voids_the_selected_phones_entry_from_the_kiosk(school):
    first = phones_held(school, by=COMMAND_LINE)[0]
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        await settle(pilot)
        detail = str(app.screen.query_one("#held-detail").render())
        assert detail.startswith(f"Entry {first.entry}: {first.pupil}'s phone, {first.location} since ")
        assert detail.endswith(f" · checked in by {first.by}")
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, AskScreen)
        assert f"The selected phone's is {first.entry} ({first.pupil})" in app.screen.question
        await pilot.click("#choice-0")
        await settle(pilot)
        assert app.screen.question.startswith(f"Why is entry {first.entry} being voided?")
        await pilot.press(*"checked in twice", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: any(n.startswith("Voided: ") for n in notes(app)))
        [note] = [n for n in notes(app) if n.startswith("Voided: ")]
        assert note.startswith(f"Voided: Entry {first.entry} voided: {first.pupil}'s phone checked in")
    assert first.code not in held_codes(school)
    [void] = [e for e in custody_report(school, by=COMMAND_LINE) if e.action == "entry voided"]
    assert (void.by, void.note) == ("Maria Jones", f"voids entry {first.entry} (phone in): checked in twice")


async def test_the_office_gives_a_cover_badge_and_shows_it_for_the_day(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_office(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert app.screen.question.startswith("A cover badge for one day")
        await pilot.press(*"Sam Jones", "enter")
        await settle(pilot)
        assert app.screen.question == "Which class is Sam Jones covering today?"
        await pilot.press(*"6a", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: any(n.startswith("Cover badge: ") for n in notes(app)))
        [note] = [n for n in notes(app) if n.startswith("Cover badge: ")]
        assert note.startswith("Cover badge: Sam Jones, 6A, until 18:00: code CV")
        assert "Write them on a slip for them now: the PIN is not shown again." in note
        code, pin = note.split("code ")[1].split(",")[0], note.split("PIN ")[1].split(".")[0]
        await wait_until(pilot, lambda: "Cover today: Sam Jones, 6A, until 18:00" in on_screen(app))
        assert f"Cover today: Sam Jones, 6A, until 18:00 (code {code})." in on_screen(app)
    # The cover teacher signs in with that code and PIN, and scans as 6A's teacher, under their own name.
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, code, pin)
        await scan(pilot, pupil.phone_tag)
        assert panel(pilot).mood == "-done"
    [row] = [r for r in phones_held(school, by=COMMAND_LINE) if r.code == pupil.phone_tag]
    assert row.by == "Sam Jones"
