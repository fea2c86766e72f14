"""80×24 (issue 12, points 15 and 16): every key in use is discoverable (? and F1 list them for the person signed in),
keys a person cannot use are not offered, and every column a person needs is readable, cut or not."""

from __future__ import annotations

from db.core import COMMAND_LINE
from db.phones import class_phones_today, parents_pending, phones_held
from kiosk.screens.device import DeviceScreen
from kiosk.screens.devices_review import DevicesReviewScreen
from kiosk.screens.help import HelpScreen
from kiosk.screens.office import OfficeScreen
from kiosk.screens.scan import ScanScreen
from tests.tui.helpers import (
    build_app,
    device_tag,
    list_caught_up,
    on_screen,
    panel,
    scan,
    settle,
    signed_in,
)
from tests.tui.test_devices import history

SMALL = (80, 24)


def footer(app) -> str:
    return on_screen(app).splitlines()[-1]


def flat(app) -> str:
    """The screen's text with wrapped lines joined (a detail line wraps at 80 columns)."""
    return " ".join(" ".join(line.split()) for line in on_screen(app).splitlines())


async def keys_listed(pilot, key: str = "question_mark") -> str:
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, HelpScreen)
    return pilot.app.screen.text


async def test_a_teachers_keys_at_80_by_24_f2_not_offered_every_other_key_in_the_help(school):
    app = build_app(school)
    async with app.run_test(size=SMALL) as pilot:
        await signed_in(pilot, "HBR", "1234")
        bottom = footer(app)
        assert "F2" not in bottom and "?/F1 Help" in bottom and "F10 Sign out" in bottom
        listed = await keys_listed(pilot)
        lines = dict(line.split("  ", 1) for line in listed.splitlines())
        for key in ("F3", "F4", "F5", "F6", "F7", "F8", "F9", "F11", "F12", "U", "F10 / Ctrl+Q", "F1 / ?"):
            assert key in lines, key
        assert "F2" not in lines  # a teacher has no office screen
        assert lines["F7"].startswith("Print a class's phone tags") and lines["U"].startswith("Undo your last scan")
        assert "Undo your last scan" in on_screen(app) and "Esc, ? or F1: close" in on_screen(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ScanScreen)

        await pilot.press("f2")  # pressed anyway: explained in the note colour, no bell
        assert panel(pilot).mood == "-note" and "refused" not in app.chimes
        assert "for office staff and the leadership team" in panel(pilot).text

        app.sign_out("Hannah Brooks signed out.")  # the leadership: F2, F8, F9 and the review too
        await signed_in(pilot, "HTE", "5678")
        assert "?/F1 Help" in footer(app) and "F10 Sign out" in footer(app)
        lines = dict(line.split("  ", 1) for line in (await keys_listed(pilot, "f1")).splitlines())
        assert {"F2", "F7", "F8", "F9", "F12", "U"} <= set(lines)
        assert lines["F11"] == "The leadership's review: the school's cameras and iPads, and (R there) the phone rules"
        await pilot.press("f1")  # F1 again closes it
        assert isinstance(app.screen, ScanScreen)


async def test_the_office_screen_at_80_by_24_says_the_selected_rows_whole_and_lists_v_and_c(school):
    first = phones_held(school, by=COMMAND_LINE)[0]
    [task, *_] = parents_pending(school, by=COMMAND_LINE)
    app = build_app(school)
    async with app.run_test(size=SMALL) as pilot:
        await signed_in(pilot, "MJO", "4567")  # the scan screen's list first: descriptions wrap, not cut
        await list_caught_up(pilot)
        assert f"{first.pupil} {first.class_name} {first.location}" in flat(app)
        assert f"{first.description}" in flat(app)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, OfficeScreen)
        shown = flat(app)
        # The table cuts the description and "Checked in by"; the line under it does not.
        assert f"Entry {first.entry}: {first.pupil}'s phone, {first.location} since" in shown
        assert f"· {first.description} · checked in by {first.by}" in shown
        assert f"{task.pupil}, {task.class_name}: {task.reason}" in shown  # the reason the table cuts
        assert "?/F1 Help" in footer(app) and "F10 Sign out" in footer(app)
        lines = dict(line.split("  ", 1) for line in (await keys_listed(pilot)).splitlines())
        assert lines["V"].startswith("Void an entry") and lines["C"].startswith("Give a cover teacher")
        assert lines["Esc / F2"] == "Back to scanning" and "T" in lines and "F9" in lines
        await pilot.press("escape")
        assert isinstance(app.screen, OfficeScreen)


async def test_the_review_at_80_by_24_shows_status_and_the_selected_loans_purpose(school, clock, tmp_path):
    history(school, clock, tmp_path)
    app = build_app(school)
    async with app.run_test(size=SMALL) as pilot:
        await signed_in(pilot, "HTE", "5678")
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, DevicesReviewScreen)
        shown = on_screen(app)
        assert "Status" in shown and "not back" in shown and "upload outstanding" in shown
        first, second = app.screen.loans
        assert (first.purpose, second.purpose) == ("PE", "Class photos")  # history(): cut from the table at 80
        assert f"“{first.purpose}”" in flat(app) and "Class photos" not in shown
        await pilot.press("down")
        assert f"{second.asset_tag} · {second.status} ·" in flat(app) and f"“{second.purpose}”" in flat(app)


async def test_the_lending_screen_and_the_pin_box_fit_80_by_24(school):
    app = build_app(school)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press(*"HBR", "enter")  # the PIN box appears: the card keeps its bottom edge
        await settle(pilot)
        card = app.screen.query_one("#card")
        assert app.screen.query_one("#pin").region.bottom < card.region.bottom <= SMALL[1] - 1

        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, device_tag(school, "IPAD-03"))
        assert isinstance(app.screen, DeviceScreen)
        await pilot.press("tab", *"Bean plants", "enter")
        await settle(pilot)
        assert "Back to scanning" in on_screen(app)
        done = app.screen.query_one("#done")
        assert done.region.bottom <= SMALL[1] - 1  # above the footer, not under it
        # The second list (photos allowed, but not on the website…) is below the fold at 80×24: ↓ brings it up.
        box = app.screen.query_one("#not-published")
        assert box.region.bottom > done.region.y
        await pilot.press("down")
        await settle(pilot)
        assert box.region.bottom <= done.region.y and app.focused is done
        assert "↓ / Page Down" in (await keys_listed(pilot, "f1"))  # and the help says so


async def test_an_administrator_is_offered_no_phone_keys_and_f4_pressed_anyway_is_explained(school):
    from db.core import StaffMember

    app = build_app(school)
    async with app.run_test(size=SMALL) as pilot:
        app.signed_in(StaffMember(id=999, code="ADM", name="Alan Dean", role="admin", class_name=None))
        await settle(pilot)
        bottom = footer(app)
        assert not any(key in bottom for key in ("F2", "F3", "F4")) and "F10 Sign out" in bottom
        lines = dict(line.split("  ", 1) for line in (await keys_listed(pilot)).splitlines())
        assert not {"F2", "F3", "F4", "F7", "F12", "U"} & set(lines) and "F9" in lines
        await pilot.press("escape", "f4")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)  # no "which cupboard?" question that would only be refused
        assert panel(pilot).mood == "-note" and "refused" not in app.chimes
        assert "Phones are for teachers, office staff and the leadership team." in panel(pilot).text


async def test_a_teachers_list_of_phones_left_overnight_wraps_the_descriptions_at_80_by_24(school, clock):
    left = class_phones_today(school, "6A", by=COMMAND_LINE)
    clock.advance(days=1)  # the next morning: "Tue 08:40" and "left overnight" take the width
    app = build_app(school)
    async with app.run_test(size=SMALL) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await list_caught_up(pilot)
        shown = [row for row in left if row.pupil in on_screen(app)]
        assert "left overnight" in on_screen(app) and any(len(row.description) > 14 for row in shown)
        assert all(row.description in flat(app) for row in shown)  # wrapped, not cut at the edge
