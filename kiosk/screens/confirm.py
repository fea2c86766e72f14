"""Yes or no, with "no" focused: a key pressed by accident must not do the serious thing."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.screens.base import StaysUp


class ConfirmScreen(StaysUp, ModalScreen[bool]):
    CSS_PATH = "confirm.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, yes: str, no: str, *, offer: bool = False) -> None:
        """``offer``: "yes" is the next step offered, not a serious thing, so it has the focus (Enter takes it)."""
        super().__init__()
        self.question, self.yes, self.no = question, yes, no
        self.offer = offer

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question", markup=False)
            with Horizontal(id="buttons"):
                yield Button(self.no, id="no", variant="default" if self.offer else "primary")
                yield Button(self.yes, id="yes", variant="success" if self.offer else "error")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.offer else "#no", Button).focus()

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed)
    def answered(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
