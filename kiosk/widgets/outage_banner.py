"""The red banner a kiosk shows while the school database cannot be reached; it goes by itself when it is back."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from db.core import UNREACHABLE  # the CLI's sentence too

AFTER = "Nothing scanned now is recorded: keep those phones to one side. This goes by itself when the database is back."


class OutageBanner(Static):
    """Hidden while the database answers; follows the app's ``live.reach`` signal (kiosk/live.py)."""

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()

    def __init__(self) -> None:
        super().__init__(markup=False, id="outage")

    def on_mount(self) -> None:
        watch = getattr(self.app, "live", None)
        self.show_reach(watch is None or watch.reachable)
        if watch is not None:
            watch.reach.subscribe(self, self.show_reach)

    def show_reach(self, reachable: bool) -> None:
        if not reachable:
            self.update(f"{UNREACHABLE}\n{AFTER}")
        self.display = not reachable
