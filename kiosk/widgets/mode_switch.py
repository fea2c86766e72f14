"""Morning check-in or home-time hand-back: two big toggles that never take the scan field's focus."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button

from kiosk.scan import ScanMode

LABELS = {ScanMode.MORNING: "F5  Morning check-in", ScanMode.HOME_TIME: "F6  Home-time hand-back"}
# The chosen mode is named in words and a symbol as well as in blue, so it reads in monochrome (after a red
# refusal too).
ON, OFF = "● {} · on", "○ {}"


class ModeButton(Button, can_focus=False):
    """Clickable, but focus stays in the scan field so the next scan is never lost."""


class ModeSwitch(Horizontal):
    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()

    @dataclass
    class Chosen(Message):
        mode: str  # a ScanMode's value

    def compose(self) -> ComposeResult:
        for mode, label in LABELS.items():
            yield ModeButton(OFF.format(label), id=mode, classes="mode")

    def show(self, mode: str) -> None:
        for button in self.query(ModeButton):
            on = button.id == mode
            button.set_class(on, "-on")
            button.label = (ON if on else OFF).format(LABELS[button.id])

    @property
    def chosen(self) -> str:
        """The chosen mode as the buttons say it in words, e.g. "● F5  Morning check-in · on"."""
        return next((str(button.label) for button in self.query(ModeButton) if button.has_class("-on")), "")

    @on(Button.Pressed, ".mode")
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(event.button.id))
