"""The amber banner a kiosk shows while this PC's clock differs from the school's record (the PostgreSQL server's
clock) by more than two minutes. Records are right regardless: they use the school's time (db/core/engine.py)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static


class ClockBanner(Static):
    """Hidden while the clocks agree; follows the app's ``live.clock`` signal (kiosk/live.py)."""

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()

    def __init__(self) -> None:
        super().__init__(markup=False, id="clock-wrong")

    def on_mount(self) -> None:
        watch = getattr(self.app, "live", None)
        self.show_clock(watch.clock_wrong if watch is not None else None)
        if watch is not None:
            watch.clock.subscribe(self, self.show_clock)

    def show_clock(self, sentence: str | None) -> None:
        if sentence:
            self.update(sentence)
        self.display = bool(sentence)
