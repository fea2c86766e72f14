"""The kiosk application and its factory: the CLI, the tests and the snapshots all build it with make_app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual import events, work
from textual.app import App
from textual.binding import Binding

from db.errors import Refused
from db.views import StaffMember
from kiosk.config import Settings
from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.sign_in import SignInScreen

if TYPE_CHECKING:
    from db.engine import Database

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

    def __init__(self, settings: Settings, database: Database | None = None, *,
                 clock: Callable[[], datetime] | None = None, printer: Any = None) -> None:
        super().__init__()
        self.settings = settings
        self.database = database  # opened after the first frame when not given (see open_database)
        self.database_ready = threading.Event()
        self.database_problem: str | None = None
        self.clock = clock or (database.clock if database else (lambda: datetime.now(timezone.utc)))
        self.zone = ZoneInfo(settings.timezone)
        self.printer = printer  # kept for printing tags and slips (a later issue)
        self.staff: StaffMember | None = None
        self._last_input = time.monotonic()
        if database is not None:
            self.database_ready.set()

    def on_mount(self) -> None:
        # Pushed rather than returned from get_default_screen: Textual loads a screen's CSS_PATH only when pushed.
        self.push_screen(SignInScreen())
        self.set_interval(1, lambda: self.lock_if_idle(time.monotonic()))
        if self.database is None:
            self.call_after_refresh(self.open_database)  # after the first frame: the import holds the GIL

    def local_now(self) -> datetime:
        """Now in the school's time zone, from the injected clock (fixed in tests and snapshots)."""
        return self.clock().astimezone(self.zone)

    @work(thread=True, group="database", exit_on_error=False)
    def open_database(self) -> None:
        """Load the database layer and connect after the sign-in screen is up: SQLAlchemy costs half a second."""
        from db.engine import NotReady, open_database, require_ready

        settings = self.settings
        try:
            database = open_database(settings.database_url(), clock=self.clock, kiosk_name=settings.kiosk_name,
                                     zone=settings.timezone, home_time=settings.home_time)
            require_ready(database)
            self.database = database
        except (NotReady, Refused) as exc:
            self.database_problem = str(exc)
        except Exception:  # noqa: BLE001 - whatever went wrong, the sign-in screen says so in one sentence
            self.database_problem = "The school database cannot be reached: check the network cable, then try again."
        finally:
            self.database_ready.set()
        if self.database_problem:
            self.call_from_thread(self._show_database_problem)

    def _show_database_problem(self) -> None:
        if isinstance(self.screen, SignInScreen):
            self.bell()
            self.screen.start_again(self.database_problem, refused=True)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self._last_input = time.monotonic()
        await super().on_event(event)

    # --- who is signed in ---------------------------------------------------

    def signed_in(self, staff: StaffMember) -> None:
        from kiosk.screens.scan import ScanScreen  # the database layer is loaded by now

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


def make_app(settings: Settings, *, database: Database | None = None, clock: Callable[[], datetime] | None = None,
             printer: Any = None) -> KioskApp:
    """Build the kiosk; tests pass their own database (with a fixed clock) and printer.

    Without a database the app opens ``settings.database_url()`` itself, after its first frame.
    """
    return KioskApp(settings, database, clock=clock, printer=printer)
