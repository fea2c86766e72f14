"""A small question in a box: a few ready answers as buttons, or type your own. Escape cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from kiosk.screens.base import StaysUp
from kiosk.widgets.scan_field import ScanField


class AskScreen(StaysUp, ModalScreen[str | None]):
    """Returns the chosen or typed answer, or None when cancelled."""

    CSS_PATH = "ask.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, choices: tuple[str, ...] = (), placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.choices = choices
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question, id="question", markup=False)
            if self.choices:
                with Horizontal(id="choices"):
                    for i, choice in enumerate(self.choices):
                        yield Button(choice, id=f"choice-{i}", classes="choice")
            yield ScanField(id="answer", placeholder=self.placeholder)
            # A keyboard kiosk: the answers are reached with Tab (the field is last, so Tab wraps to the first).
            hint = "Tab: the answers above (Enter chooses one). Or type an answer and press Enter. Escape: cancel." \
                if self.choices else "Type the answer and press Enter. Escape: cancel."
            yield Static(hint, id="hint")

    def on_mount(self) -> None:
        self.query_one("#answer", ScanField).focus()

    @on(Button.Pressed, ".choice")
    def chosen(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.label))

    @on(Input.Submitted, "#answer")
    def typed(self, event: Input.Submitted) -> None:
        answer = " ".join(event.value.split())
        if answer:
            self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
