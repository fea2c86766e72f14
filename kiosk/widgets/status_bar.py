"""The top line of every screen: who is signed in (or which kiosk this is), the print queue, the school's time."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from db.core import role_title
from kiosk.widgets.clock_banner import ClockBanner
from kiosk.widgets.outage_banner import OutageBanner


class StatusBar(Horizontal):
    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()

    def __init__(self, place: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._place = place

    def compose(self) -> ComposeResult:
        yield Static(id="who", markup=False)
        yield Static(id="backup", markup=False)
        yield Static(id="printing", markup=False)
        yield Static(id="clock", markup=False)

    def on_mount(self) -> None:
        self.refresh_line()
        self.set_interval(1, self.refresh_line)
        changed = getattr(self.app, "print_queue_changed", None)
        if changed is not None:  # a job's state shows at once, not at the next tick
            changed.subscribe(self, lambda _: self.refresh_printing())
        if getattr(self.app, "live", None) is not None:
            # Every screen with a status bar gets the outage banner under it, without each screen composing one.
            self.screen.mount(OutageBanner(), ClockBanner(), after=self)

    def refresh_line(self) -> None:
        """Read the time from the app's clock (a test's clock is fixed, so screenshots are stable)."""
        app = self.app
        staff = getattr(app, "staff", None)
        if staff is not None:
            where = f"class {staff.class_name}" if staff.class_name else role_title(staff.role)
            who = f"Signed in: {staff.name} · {where}"
        else:
            who = "Nobody signed in"
        self.query_one("#who", Static).update(f"{who}{' · ' + self._place if self._place else ''}")
        self.query_one("#clock", Static).update(app.local_now().strftime("%a %d %b  %H:%M"))
        self.refresh_printing()
        self.refresh_backup()

    def refresh_backup(self) -> None:
        """Amber words when the last good backup is too old or the last one could not be made."""
        status = getattr(self.app, "backup_status", None)
        words = status.short(self.app.local_now().date()) if status is not None else ""
        backup = self.query_one("#backup", Static)
        backup.update(words)
        backup.display = bool(words)

    def refresh_printing(self) -> None:
        """The print queue in a few words while it holds anything not yet printed; amber when a job failed.

        Only for signed-in staff: F9 opens the queue from their screens, not from the sign-in screen.
        """
        queue = getattr(self.app, "print_queue", None)
        summary = queue.summary() if queue is not None and getattr(self.app, "staff", None) else ""
        printing = self.query_one("#printing", Static)
        printing.update(f"Printer: {summary} · F9" if summary else "")
        printing.display = bool(summary)
        printing.set_class("failed" in summary, "-failed")
