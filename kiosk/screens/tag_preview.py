"""A tag as it will be printed: the label, the phone, the QR and the code, with Print and Close."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from db.core import TagInfo
from kiosk.screens.base import StaysUp
from kiosk.theme import QR
from kiosk.widgets.big_text import BigText
from labels import qr_halfblocks


class TagPreviewScreen(StaysUp, ModalScreen[bool]):
    """Returns True to print the tag, False to close without printing."""

    CSS_PATH = "tag_preview.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, tag: TagInfo, heading: str = "The tag as it will be printed") -> None:
        super().__init__()
        self.tag = tag
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.heading, id="heading", markup=False)
            with Horizontal(id="tag"):
                yield Static(Text(qr_halfblocks(self.tag.code), style=QR, no_wrap=True), id="qr")
                with Vertical(id="words"):
                    yield Static(self.tag.label, id="label", markup=False)
                    yield Static(self.tag.description or "", id="description", markup=False)
                    yield BigText(self.tag.code, id="code")
                    with Horizontal(id="buttons"):
                        yield Button("Print", id="print", variant="success")
                        yield Button("Close", id="close")
                    yield Static("Enter: print · Escape: close", id="hint")

    def on_mount(self) -> None:
        self.query_one("#description").display = bool(self.tag.description)
        self.query_one("#print", Button).focus()

    @property
    def text(self) -> str:
        """What the tag says, one part per line (what a test or a screen reader reads)."""
        return "\n".join(part for part in (self.tag.label, self.tag.description, self.tag.code) if part)

    @on(Button.Pressed, "#print")
    def print_it(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(False)
