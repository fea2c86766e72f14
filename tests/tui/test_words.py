"""What the kiosk says, as the person in front of it reads it (issue 12, point 16): spoken to the person signed
in, keys rather than clicks, one word for images, and a scanner's double read taken as the one scan it was."""

from __future__ import annotations

from db.core import COMMAND_LINE
from db.phones import custody_report, phones_held
from kiosk.screens.ask import AskScreen
from kiosk.screens.device import DeviceScreen
from kiosk.screens.find_pupil import FindPupilScreen
from kiosk.screens.office import OfficeScreen
from kiosk.screens.scan import ScanScreen
from tests.tui.helpers import (
    build_app,
    device_tag,
    on_screen,
    panel,
    phone_of,
    scan,
    settle,
    signed_in,
)


def held(database) -> set[str]:
    return {row.code for row in phones_held(database, by=COMMAND_LINE)}


async def test_a_refusal_for_the_role_speaks_to_the_teacher_signed_in(school):
    pupil = phone_of(school, walker=True, held=True, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f6")  # 08:55: home-time hand-back before home-time is the office's
        await scan(pilot, pupil.phone_tag)
        shown = panel(pilot)
        assert shown.mood == "-refused"
        assert ("You are signed in as a teacher: handing a phone back before home-time is for office staff or the "
                "leadership team.") in shown.text
        assert "Hannah Brooks is" not in on_screen(app)
    assert pupil.phone_tag in held(school)


async def test_no_screen_asks_for_a_click(school):
    """A keyboard kiosk: every screen a teacher or the office meets names keys, never a click or a tap."""
    pupil = phone_of(school, walker=True, held=True, class_name="6A")
    app = build_app(school)
    seen = []
    async with app.run_test(size=(120, 36)) as pilot:
        seen.append(on_screen(app))  # the sign-in screen
        await signed_in(pilot, "MJO", "4567")
        seen.append(on_screen(app))
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, FindPupilScreen)
        seen.append(on_screen(app))
        await pilot.press("escape")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, OfficeScreen)
        seen.append(on_screen(app))
        await pilot.press("escape")
        await settle(pilot)
        await scan(pilot, device_tag(school, "IPAD-01"))
        assert isinstance(app.screen, DeviceScreen)
        seen.append(on_screen(app))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f6")
        await scan(pilot, pupil.phone_tag)  # before home-time: the kiosk asks why
        assert isinstance(app.screen, AskScreen)
        seen.append(on_screen(app))
        assert "Tab: the answers above (Enter chooses one)" in on_screen(app)
        # The answers are reached from the keyboard: Tab from the answer field to the first, Enter chooses it.
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
    for text in seen:
        assert "click" not in text.lower() and " tap " not in text.lower()
    assert pupil.phone_tag not in held(school)
    events = custody_report(school, by=COMMAND_LINE)
    assert [e.note for e in events if e.code == pupil.phone_tag and e.action == "phone out"] == ["reason: Early leaver"]


async def test_the_do_not_photograph_panel_says_images(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, device_tag(school, "IPAD-03"))
        await pilot.click("#purpose-0")  # "Trip": lends at once
        await settle(pilot)
        text = on_screen(app)
    assert "the images must not go on" in text and "photos" not in text.replace("Photos in school", "")


async def test_a_double_read_with_no_pause_is_one_check_in(school):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag + pupil.phone_tag)  # "P-REEH-8F3P-REEH-8F3": one line, read twice
        shown = panel(pilot)
        assert shown.mood == "-done" and pupil.name in shown.text and "6A cupboard" in shown.text
    checked_in = [e for e in custody_report(school, by=COMMAND_LINE) if e.code == pupil.phone_tag]
    assert [e.action for e in checked_in] == ["phone in"]


async def test_two_different_tags_in_one_line_are_still_refused(school):
    first = phone_of(school, walker=True, held=False, class_name="6A")
    second = phone_of(school, walker=True, held=False, class_name="6A", nth=1)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, first.phone_tag + second.phone_tag)
        shown = panel(pilot)
        assert shown.mood == "-refused" and "is not a Custody Kiosk tag code" in shown.text
    assert not {first.phone_tag, second.phone_tag} & held(school)


async def test_the_device_screen_speaks_to_the_borrower(school):
    code = device_tag(school, "IPAD-03")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, code)
        await pilot.click("#purpose-0")  # "Trip"
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await scan(pilot, code)
        assert "With you for 6A (Trip) since 08:55 today." in panel(pilot).text
        await pilot.press("2", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await scan(pilot, code)
        assert "with 2 images from your loan for 6A, not yet confirmed on the school Drive" in panel(pilot).text
        assert "Hannah Brooks's" not in on_screen(app)


async def test_the_status_bar_names_the_role_in_words(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HTE", "5678")
        assert "Signed in: Helen Teale · leadership team" in on_screen(app)
        assert "slt" not in on_screen(app)
