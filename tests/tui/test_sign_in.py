"""Signing in at the kiosk: a wrong PIN or an unknown code is refused in one red sentence; the right one opens
scanning."""

from __future__ import annotations

import pytest
from textual import events

from db.core import COMMAND_LINE
from db.tags import issue_staff_tag
from kiosk.screens.scan import ScanScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.widgets.scan_field import ScanField
from kiosk.widgets.status_bar import StatusBar
from tagcodes import TagKind, new_code
from tests.tui.helpers import build_app, settle, sign_in


def fields(app) -> tuple[str, str]:
    return app.screen.query_one("#code", ScanField).value, app.screen.query_one("#pin", ScanField).value


async def test_wrong_pin_is_refused_in_red_and_stays_on_sign_in(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "HBR", "0000")
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert screen.message == "That PIN is not right: try again."
        assert screen.query_one("#message").has_class("-refused")
        assert app.chimes.count("refused") == 1
        assert app.staff is None
        assert fields(app) == ("", "")  # cleared, ready for the next badge
        assert app.focused is screen.query_one("#code")


async def test_unknown_staff_code_is_refused(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "ZZZ", "1234")
        assert isinstance(app.screen, SignInScreen)
        assert app.screen.message.startswith("No member of staff has the code “ZZZ”")
        assert app.chimes.count("refused") == 1
        assert app.staff is None


@pytest.mark.both_backends
async def test_right_pin_opens_scanning_with_the_name_shown(school):
    # Demo staff have no badge tags: a typed staff code is enough.
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "hbr", "1234")
        assert isinstance(app.screen, ScanScreen)
        assert app.staff.code == "HBR"
        who = str(app.screen.query_one(StatusBar).query_one("#who").content)
        assert "Hannah Brooks" in who and "6A" in who
        assert "refused" not in app.chimes


async def test_badge_scan_and_line_feed_sign_in(school):
    badge = issue_staff_tag(school, "DOK", lambda: new_code(TagKind.STAFF), by=COMMAND_LINE)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        # A scanner that ends with LF (ctrl+j) instead of CR.
        await pilot.press(*badge.code, "ctrl+j")
        await pilot.press(*"2345", "ctrl+j")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        assert app.staff.name == "David Okafor"


async def test_a_badge_and_a_pin_typed_at_once_sign_in(school):
    # A badge scan and the PIN typed straight after reach the kiosk before the PIN box has the focus (a busy PC):
    # every key is queued at once here, as a scanner and a quick typist send them.
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        for key in "HBR\r1234\r":
            app.post_message(events.Key("enter" if key == "\r" else key, key))
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        assert app.staff.name == "Hannah Brooks"
