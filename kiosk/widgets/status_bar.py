"""The top line of every screen: who is signed in (or which kiosk this is) and the school's time."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class StatusBar(Horizontal):
    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()

    def __init__(self, place: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._place = place

    def compose(self) -> ComposeResult:
        yield Static(id="who", markup=False)
        yield Static(id="clock", markup=False)

    def on_mount(self) -> None:
        self.refresh_line()
        self.set_interval(1, self.refresh_line)

    def refresh_line(self) -> None:
        """Read the time from the app's clock (a test's clock is fixed, so screenshots are stable)."""
        app = self.app
        staff = getattr(app, "staff", None)
        if staff is not None:
            who = f"Signed in: {staff.name}" + (f" · class {staff.class_name}" if staff.class_name else f" · {staff.role}")
        else:
            who = "Nobody signed in"
        self.query_one("#who", Static).update(f"{who}{' · ' + self._place if self._place else ''}")
        self.query_one("#clock", Static).update(app.local_now().strftime("%a %d %b  %H:%M"))
