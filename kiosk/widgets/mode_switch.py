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


class ModeButton(Button, can_focus=False):
    """Clickable, but focus stays in the scan field so the next scan is never lost."""


class ModeSwitch(Horizontal):
    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()

    @dataclass
    class Chosen(Message):
        mode: str  # a ScanMode's value

    def compose(self) -> ComposeResult:
        for mode, label in LABELS.items():
            yield ModeButton(label, id=mode, classes="mode")

    def show(self, mode: str) -> None:
        for button in self.query(ModeButton):
            button.set_class(button.id == mode, "-on")

    @on(Button.Pressed, ".mode")
    def pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Chosen(event.button.id))
