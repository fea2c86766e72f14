"""The red banner a kiosk shows while the school database cannot be reached; it goes by itself when it is back."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

AFTER = "Nothing scanned now is recorded: keep those phones to one side. This goes by itself when the database is back."


class OutageBanner(Static):
    """Hidden while the database answers; follows the app's ``live.reach`` signal (kiosk/live.py), which carries
    the outage's own sentence (a server, or this PC's database file)."""

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()

    def __init__(self) -> None:
        super().__init__(markup=False, id="outage")

    def on_mount(self) -> None:
        watch = getattr(self.app, "live", None)
        self.show_outage(watch.outage if watch is not None else None)
        if watch is not None:
            watch.reach.subscribe(self, self.show_outage)

    def show_outage(self, sentence: str | None) -> None:
        if sentence:
            self.update(f"{sentence}\n{AFTER}")
        self.display = bool(sentence)
