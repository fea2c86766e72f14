"""The kiosk application and its factory: the CLI, the tests and the snapshots all build it with make_app."""

from __future__ import annotations

import time
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding

from db.engine import Clock, Database, open_database, utc_now
from db.views import StaffMember
from kiosk.config import Settings
from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.scan import ScanScreen
from kiosk.screens.sign_in import SignInScreen

# What counts as someone using the kiosk. Mouse movement does not: a nudged mouse must not keep it unlocked.
ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)


class KioskApp(App[None]):
    TITLE = "Custody Kiosk"
    CSS_PATH = "app.tcss"
    # The palette offers "Quit": a pupil at the keyboard must not find it.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        # Ctrl+Q is Textual's quit; on a kiosk it signs out instead (priority: it works inside any field).
        Binding("f10", "sign_out", "Sign out", key_display="F10", priority=True),
        Binding("ctrl+q", "sign_out", "Sign out", show=False, priority=True),
        Binding("ctrl+c", "close_kiosk", "Close the kiosk", show=False, priority=True, system=True),
    ]

    cursor_blink = True  # snapshot tests set False on the instance so screenshots are stable

    def __init__(self, settings: Settings, database: Database, printer: Any = None) -> None:
        super().__init__()
        self.settings = settings
        self.database = database
        self.printer = printer  # kept for printing tags and slips (a later issue)
        self.staff: StaffMember | None = None
        self._last_input = time.monotonic()

    def on_mount(self) -> None:
        # Pushed rather than returned from get_default_screen: Textual loads a screen's CSS_PATH only when pushed.
        self.push_screen(SignInScreen())
        self.set_interval(1, lambda: self.lock_if_idle(time.monotonic()))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self._last_input = time.monotonic()
        await super().on_event(event)

    # --- who is signed in ---------------------------------------------------

    def signed_in(self, staff: StaffMember) -> None:
        self.staff = staff
        self._last_input = time.monotonic()
        self.push_screen(ScanScreen(staff))

    def sign_out(self, message: str) -> None:
        """Back to the sign-in screen, whatever was open on top of it."""
        self.staff = None
        while len(self.screen_stack) > 1 and not isinstance(self.screen, SignInScreen):
            self.pop_screen()
        self.screen.start_again(message)

    def lock_if_idle(self, now: float) -> bool:
        """Lock the kiosk (sign out) when nobody has touched it for ``idle_lock_seconds``; True if it locked."""
        if self.staff is None or now - self._last_input < self.settings.idle_lock_seconds:
            return False
        minutes, seconds = divmod(self.settings.idle_lock_seconds, 60)
        idle = f"{minutes} min" if minutes and not seconds else f"{self.settings.idle_lock_seconds} s"
        self.sign_out(f"The kiosk locked itself after {idle} untouched: sign in again.")
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nobody to sign out on the sign-in screen: hide the key there.
        if action == "sign_out" and self.staff is None:
            return False
        return True

    def action_sign_out(self) -> None:
        if self.staff is not None:
            self.sign_out(f"{self.staff.name} signed out.")

    def action_close_kiosk(self) -> None:
        """Closing needs a signed-in member of staff and a second answer: pupils press keys too."""
        if self.staff is None:
            self.notify("Sign in first, then press Ctrl+C to close the kiosk.", severity="warning")
            return
        if isinstance(self.screen, ConfirmScreen):
            return
        self.push_screen(ConfirmScreen("Close Custody Kiosk? Nobody can scan phones here until it is started again.",
                                       yes="Close the kiosk", no="Keep it open"),
                         callback=lambda close: self.exit() if close else None)


def make_app(settings: Settings, *, database: Database | None = None, clock: Clock | None = None,
             printer: Any = None) -> KioskApp:
    """Build the kiosk; tests pass their own database (with a fixed clock) and printer."""
    if database is None:
        database = open_database(settings.database_url(), clock=clock or utc_now, kiosk_name=settings.kiosk_name,
                                 zone=settings.timezone, home_time=settings.home_time)
    return KioskApp(settings, database, printer=printer)
