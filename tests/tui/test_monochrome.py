"""Every state reads without colour (NO_COLOR, a colour-blind teacher, a washed-out projector): in words and symbols
on the screen's text, by ear in the bell's pattern, and in a high-contrast theme when the school sets one."""

from __future__ import annotations

from textual.color import Color

from db import devices
from kiosk.screens.devices_review import DevicesReviewScreen
from kiosk.theme import HIGH_CONTRAST_COLOURS
from kiosk.widgets.mode_switch import ModeSwitch
from tests.tui.helpers import build_app, device_tag, on_screen, panel, phone_of, rings, scan, settle, signed_in
from tests.tui.test_devices import history


async def test_done_note_and_refused_say_so_in_words_and_ring_one_two_and_three_times(school):
    walker = phone_of(school, walker=True, held=False, class_name="6A")
    younger = phone_of(school, walker=False, held=False, class_name="4B")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, walker.phone_tag)
        assert panel(pilot).mood == "-done" and panel(pilot).kind == "✓ Done"
        assert "✓ Done" in on_screen(app) and "Note this" not in on_screen(app) and "Refused" not in on_screen(app)
        assert await rings(pilot) == 1

        await scan(pilot, "HELLO123")
        assert panel(pilot).mood == "-refused"
        assert "✗ Refused" in on_screen(app) and "✓ Done" not in on_screen(app)
        assert await rings(pilot) == 1 + 3

        app.sign_out("Hannah Brooks signed out.")
        await signed_in(pilot, "LPA", "3456")
        await scan(pilot, younger.phone_tag)  # a younger pupil's phone: to the office, parents to be told
        assert panel(pilot).mood == "-note" and panel(pilot).kind == "! Note this"
        assert "! Note this" in on_screen(app) and "✗ Refused" not in on_screen(app)
        assert await rings(pilot) == 1 + 3 + 2
    assert app.chimes == ["done", "refused", "note"]


async def test_with_sounds_off_a_refusal_is_silent_and_still_says_refused(school):
    app = build_app(school, sounds=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, "HELLO123")
        assert "✗ Refused" in on_screen(app)
        assert await rings(pilot) == 0


async def test_the_mode_after_a_refusal_is_named_in_words(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        assert "● F5  Morning check-in · on" in on_screen(app) and "○ F6  Home-time hand-back" in on_screen(app)
        await pilot.press("f6")
        await scan(pilot, "HELLO123")
        shown = on_screen(app)
        assert "✗ Refused" in shown
        assert "● F6  Home-time hand-back · on" in shown and "○ F5  Morning check-in" in shown
        assert "Morning check-in · on" not in shown
        assert app.screen.query_one(ModeSwitch).chosen == "● F6  Home-time hand-back · on"


async def test_the_tick_box_shows_ticked_or_not_as_a_symbol(school, clock):
    code = device_tag(school, "CAM-01")
    devices.lend_device(school, code, "HBR", "6A", "Trip")
    clock.advance(hours=2)
    devices.return_device(school, code, "HBR", 4)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, code)  # upload to confirm: the folder and the tick box
        assert "[ ] The images have been deleted from the device" in on_screen(app)
        await pilot.click("#wiped")
        await pilot.pause()
        assert "[✓] The images have been deleted from the device" in on_screen(app)
        assert "[ ] The images" not in on_screen(app)


async def test_the_review_chart_draws_taken_and_found_in_different_blocks_and_names_them(school, clock, tmp_path):
    history(school, clock, tmp_path)  # the week of 2 Nov: 5 images taken, 5 found on the Drive
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HTE", "5678")
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, DevicesReviewScreen)
        shown = on_screen(app)
    assert "Images per week, 10 weeks to 15 Nov: █ taken, and ▒ found on the Drive" in shown
    assert "██ taken" in shown and "▒▒ found on the Drive" in shown  # the chart's own legend
    bars = [line for line in shown.splitlines() if "█" in line and "▒" in line and "taken" not in line]
    assert bars, shown  # a week with both: the bars differ by their blocks, not only their colours


async def test_the_high_contrast_theme_is_applied_when_set(school):
    app = build_app(school, theme="high-contrast")
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, "HELLO123")
        assert app.theme == "custody-kiosk-high-contrast" and app.has_class("-high-contrast")
        shown = panel(pilot)
        assert shown.styles.background == Color.parse(HIGH_CONTRAST_COLOURS["refused"])
        assert shown.styles.border.top[0] == "heavy"
        assert "✗ Refused" in on_screen(app)

    standard = build_app(school)
    async with standard.run_test(size=(120, 36)):
        assert standard.theme == "custody-kiosk" and not standard.has_class("-high-contrast")
