"""Shared by the Pilot and snapshot tests: build the kiosk on a real database and drive it like a teacher."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot

from db import demo, people
from db.core import COMMAND_LINE, Database, PupilSummary, StaffMember, open_database, sqlite_url
from db.people import pupil_summary
from db.phones import phones_held
from db.tags import list_tags
from kiosk.app import KioskApp, make_app
from kiosk.config import Settings
from kiosk.widgets.result_panel import ResultPanel


def fill_demo_school(template: Path, folder: Path) -> Path:
    """A migrated database file filled with the demo school at 08:55 on Tuesday 10 November 2026."""
    from datetime import datetime, timezone

    from tests.conftest import LONDON, HandClock  # the shared test clock

    path = folder / "school.db"
    shutil.copy(template, path)
    clock = HandClock(datetime(2026, 11, 10, 8, 55, tzinfo=LONDON).astimezone(timezone.utc))
    database = open_database(sqlite_url(path), clock=clock, kiosk_name="test-kiosk")
    demo.fill(database)
    database.engine.dispose()  # checkpoints the WAL into the file, so a plain copy is complete
    return path


def copy_school(filled: Path, folder: Path, clock) -> Database:
    """A test's own copy of the demo school, on the test's clock set to 08:55."""
    path = folder / "school.db"
    shutil.copy(filled, path)
    clock.set_local(8, 55)
    return open_database(sqlite_url(path), clock=clock, kiosk_name="test-kiosk")


def build_app(database: Database, *, idle_lock_seconds: int = 120, blink: bool = False, printer: str | None = None,
              paper: str = "80mm", receipt_on_check_in: bool = False, drive_folder: str | None = None,
              theme: str = "standard", sounds: bool = True) -> KioskApp:
    settings = Settings(db=database.url, kiosk_name="test-kiosk", idle_lock_seconds=idle_lock_seconds, paper=paper,
                        printer=printer, receipt_on_check_in=receipt_on_check_in, drive_folder=drive_folder,
                        theme=theme, sounds=sounds)
    app = make_app(settings, database=database, printer=printer)
    app.cursor_blink = blink
    app.bells, app.chimes = 0, []  # each ring of the bell; each pattern asked for ("done", "note", "refused")

    def bell() -> None:  # headless apps have no terminal to ring: count the rings instead
        app.bells += 1

    def chime(kind: str, ring=app.chime) -> None:  # the app's own pattern still rings (bell above)
        app.chimes.append(kind)
        ring(kind)

    app.bell, app.chime = bell, chime
    return app


async def rings(pilot: Pilot) -> int:
    """How many times the bell has rung, once the rings of a pattern still to come (on timers) have rung."""
    await wait_until(pilot, lambda: not pilot.app.rings_due)
    return pilot.app.bells


async def settle(pilot: Pilot) -> None:
    """Let thread workers finish and their messages land."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def sign_in(pilot: Pilot, code: str, pin: str) -> None:
    """Type a staff code and PIN into the sign-in screen, as a teacher does."""
    await pilot.press(*code, "enter", *pin, "enter")
    await settle(pilot)


async def wait_until(pilot: Pilot, condition, timeout: float = 5.0) -> bool:
    """Poll a condition while the app runs (for timers: the idle lock, the office refresh)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.1)
    return True


async def list_caught_up(pilot: Pilot) -> None:
    """Wait for the scan screen's list, which reloads a moment after the last scan."""
    from kiosk.screens.scan import LIST_AFTER_SECONDS

    await pilot.pause(LIST_AFTER_SECONDS + 0.05)
    await settle(pilot)


_STAFF: dict[tuple[str, str], StaffMember] = {}


async def signed_in(pilot: Pilot, code: str, pin: str) -> None:
    """Start a test already signed in (the sign-in screen has its own tests; argon2 is slow on purpose)."""
    if (code, pin) not in _STAFF:
        _STAFF[code, pin] = people.sign_in(pilot.app.database, code, pin)
    pilot.app.signed_in(_STAFF[code, pin])
    await settle(pilot)


async def scan(pilot: Pilot, code: str, end: str = "enter") -> None:
    """A scanner reads a tag: the code's keys back to back, then CR (or LF), and the kiosk answers."""
    scanner_types(pilot, code, end)
    await settle(pilot)


def panel(pilot: Pilot) -> ResultPanel:
    return pilot.app.screen.query_one(ResultPanel)


def phone_of(database: Database, *, walker: bool, held: bool, class_name: str | None = None,
             nth: int = 0) -> PupilSummary:
    """A tagged pupil (the nth that fits): a Year 6 walker (phone to the cupboard) or not (office), whose phone is
    or is not held."""
    held_codes = {row.code for row in phones_held(database, by=COMMAND_LINE)}
    for tag in list_tags(database, "phone"):
        if (tag.code in held_codes) != held:
            continue
        pupil = pupil_summary(database, tag.code)
        if (pupil.year == 6 and pupil.walk_home) == walker and class_name in (None, pupil.class_name):
            if nth == 0:
                return pupil
            nth -= 1
    raise LookupError("the demo school has no such pupil")


def scanner_types(pilot: Pilot, text: str, end: str = "enter") -> None:
    """Send a code's keys the way a USB scanner does: back to back, without waiting for the kiosk.

    ``pilot.press`` waits for the app to go idle after every key (about 60 ms a key), which is
    far slower than a scanner; this feeds the same key events through the same driver queue.
    """
    from textual import events
    from textual.keys import _character_to_key

    driver = pilot.app._driver
    for ch in text:
        key = ch if ch.isalnum() else _character_to_key(ch)
        driver.send_message(events.Key(key, ch))
    driver.send_message(events.Key(end, "\r" if end == "enter" else "\n"))


def notes(app: KioskApp) -> list[str]:
    """The notifications on screen now, title and sentence together."""
    return [f"{n.title}: {n.message}" if n.title else n.message for n in app._notifications]


def on_screen(app: KioskApp) -> str:
    """Every character on the terminal now, line by line: what a person in front of the kiosk reads."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def device_tag(database: Database, asset: str) -> str:
    """The code on a demo device's tag (IPAD-01..03, CAM-01)."""
    [code] = [tag.code for tag in list_tags(database, "device") if tag.label.split()[0] == asset]
    return code


async def open_office(pilot: Pilot) -> None:
    """Office staff sign in and open the office screen (F2)."""
    from kiosk.screens.office import OfficeScreen

    await signed_in(pilot, "MJO", "4567")
    await pilot.press("f2")
    await settle(pilot)
    assert isinstance(pilot.app.screen, OfficeScreen)


def untagged_pupil(database: Database) -> PupilSummary:
    """A pupil with no phone tag yet whose full name finds nobody else (typed in the F3 box)."""
    return next(p for p in people.find_pupils(database, "a", limit=200, by=COMMAND_LINE)
                if p.phone_tag is None and len(people.find_pupils(database, p.name, by=COMMAND_LINE)) == 1)


async def tag_with_f3(pilot: Pilot, pupil: PupilSummary, description: str = "blue Nokia") -> None:
    """F3, the pupil's name, choose them, describe the phone: the new tag's screen is up."""
    await pilot.press("f3", *pupil.name)
    await settle(pilot)
    await pilot.press("down", "enter", *description, "enter")
    await settle(pilot)
