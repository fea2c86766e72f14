"""The kiosk never closes on its own: whatever screen or dialog is open, the idle lock and F10 bring back the
sign-in screen with the app still running, and a bug in a handler is said in red while the kiosk stays up."""

from __future__ import annotations

import time

import pytest

from db.core import COMMAND_LINE
from db.phones import phones_held
from kiosk.screens.sign_in import SignInScreen
from tests.tui.helpers import (
    build_app,
    device_tag,
    notes,
    on_screen,
    phone_of,
    scan,
    settle,
    signed_in,
)

HTE, MJO, HBR = ("HTE", "5678"), ("MJO", "4567"), ("HBR", "1234")  # leadership (no class), office, 6A


async def keys(pilot, *pressed):
    await pilot.press(*pressed)
    await settle(pilot)


async def held_phone(pilot):
    return phone_of(pilot.app.database, walker=False, held=True).phone_tag


async def unheld_phone(pilot):
    return phone_of(pilot.app.database, walker=False, held=False).phone_tag


async def confiscate_why(pilot):
    await keys(pilot, "f12", *await unheld_phone(pilot), "enter")


async def confiscate_where(pilot):
    await confiscate_why(pilot)
    await pilot.click("#choice-0")
    await settle(pilot)


async def confiscate_confirm(pilot):
    await confiscate_where(pilot)
    await pilot.click("#choice-0")
    await settle(pilot)


async def reprint_preview(pilot):
    await scan(pilot, await unheld_phone(pilot))  # checked in: F8 reprints the tag of the phone just scanned
    await keys(pilot, "f8")


async def hand_back_early(pilot):
    await keys(pilot, "f6")
    await scan(pilot, await held_phone(pilot))


async def new_tag_preview(pilot):
    pupil = phone_of(pilot.app.database, walker=False, held=False)
    await keys(pilot, "f3", *pupil.name)
    await keys(pilot, "down", "enter", *"blue Nokia", "enter")
    await keys(pilot, "enter")


async def check_in_offer(pilot):
    await new_tag_preview(pilot)
    await keys(pilot, "escape")  # not printed: the find pupil box stays, with its Done
    await keys(pilot, "escape")


async def device_screen(pilot):
    await scan(pilot, device_tag(pilot.app.database, "IPAD-01"))


# Every screen, and every dialog that can open on it: (who, how to get there, the screen or dialog then on top).
OPENINGS = {
    "scan": (MJO, (), "ScanScreen"),
    "scan: confiscate, which phone": (MJO, ("f12",), "AskScreen"),
    "scan: confiscate, why": (MJO, confiscate_why, "AskScreen"),
    "scan: confiscate, where kept": (MJO, confiscate_where, "AskScreen"),
    "scan: confiscate, confirm": (MJO, confiscate_confirm, "ConfirmScreen"),
    "scan: which cupboard": (HTE, ("f4",), "AskScreen"),
    "scan: which class's tags": (HTE, ("f7",), "AskScreen"),
    "scan: print the class's tags?": (HBR, ("f7",), "ConfirmScreen"),
    "scan: check the new tag in now?": (MJO, check_in_offer, "ConfirmScreen"),
    "scan: close the kiosk?": (MJO, ("ctrl+c",), "ConfirmScreen"),
    "scan: reprint tag preview": (MJO, reprint_preview, "TagPreviewScreen"),
    "scan: why hand back early": (MJO, hand_back_early, "AskScreen"),
    "office": (MJO, ("f2",), "OfficeScreen"),
    "office: how were the parents told": (MJO, ("f2", "t"), "AskScreen"),
    "office: print queue": (MJO, ("f2", "f9"), "PrintQueueScreen"),
    "office: close the kiosk?": (MJO, ("f2", "ctrl+c"), "ConfirmScreen"),
    "office: its keys (? or F1)": (MJO, ("f2", "f1"), "HelpScreen"),
    "print queue": (MJO, ("f9",), "PrintQueueScreen"),
    "find pupil": (MJO, ("f3",), "FindPupilScreen"),
    "find pupil: new tag preview": (MJO, new_tag_preview, "TagPreviewScreen"),
    "devices review": (HTE, ("f11",), "DevicesReviewScreen"),
    "devices review: which days": (HTE, ("f11", "d"), "AskScreen"),
    "devices review: which class": (HTE, ("f11", "c"), "AskScreen"),
    "device": (MJO, device_screen, "DeviceScreen"),
    "stock-take": (MJO, ("ctrl+t",), "StockTakeScreen"),
}


# Signing out is the screens' own doing: the database behind them does not enter it, so SQLite alone. One kiosk per
# opening signs out both ways in turn (the idle lock, then F10): the second round also shows the first left nothing.
@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("opening", list(OPENINGS))
async def test_signing_out_from_every_screen_and_dialog_leaves_the_kiosk_running(school, tmp_path, opening):
    who, steps, expected = OPENINGS[opening]
    app = build_app(school, printer=f"file:{tmp_path / 'printer.prn'}")
    async with app.run_test(size=(120, 36)) as pilot:
        for how in ("idle lock", "F10"):
            await signed_in(pilot, *who)
            if callable(steps):
                await steps(pilot)
            else:
                await keys(pilot, *steps)
            assert type(app.screen).__name__ == expected, (opening, how)
            if how == "idle lock":
                assert app.lock_if_idle(time.monotonic() + 121)
            else:
                await pilot.press("f10")
            await settle(pilot)
            await pilot.pause(0.3)  # a timer or a resumed screen that reloads for nobody would fail about now
            await settle(pilot)
            assert app.is_running and app.return_code is None, (opening, how)
            assert isinstance(app.screen, SignInScreen) and app.staff is None, (opening, how)
            assert len(app.screen_stack) == 2, (opening, how)  # nothing of the last person's is left behind
            assert not [n for n in notes(app) if "fault" in n], notes(app)
            said = "locked itself" if how == "idle lock" else "signed out"
            assert said in on_screen(app), (opening, how)
        # and the next person can sign in and scan
        await signed_in(pilot, *MJO)
        assert type(app.screen).__name__ == "ScanScreen"


async def test_a_bug_in_a_screen_is_said_and_the_kiosk_stays_up(school, monkeypatch):
    from kiosk.screens.office import OfficeScreen

    def broken(self):
        raise ZeroDivisionError("a bug")

    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, *MJO)
        monkeypatch.setattr(OfficeScreen, "reload", broken)
        await keys(pilot, "f2")  # the screen's resume reloads: the bug fires inside a message handler
        await pilot.pause(0.2)
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, OfficeScreen)
        [said] = [n for n in notes(app) if "fault" in n]
        assert "the kiosk hit a fault it does not know" in said and "tell IT" in said
        assert app.chimes.count("refused") == 1
        # the office screen still answers keys, and the kiosk still records scans
        await keys(pilot, "escape")
        assert type(app.screen).__name__ == "ScanScreen"
        code = phone_of(school, walker=False, held=False).phone_tag
        await scan(pilot, code)
        assert code in {row.code for row in phones_held(school, by=COMMAND_LINE)}
