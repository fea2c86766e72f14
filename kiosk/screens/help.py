"""The keys of the screen underneath, for the person signed in: ? or F1 opens it on any screen, at any width.

Built from the screen's and the app's BINDINGS each time it opens, so it lists exactly the keys that answer there
(a key the person cannot use, e.g. F2 for a teacher, is left out: ``KioskScreen.offers``).
"""

from __future__ import annotations

from rich.table import Table
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from kiosk.screens.base import StaysUp

# Textual's own keys (Tab between fields, copying selected text): known to everyone, or not the kiosk's.
TEXTUAL = {binding.action for binding in (*Screen.BINDINGS, *App.BINDINGS) if isinstance(binding, Binding)}
NAMES = {"escape": "Esc", "question_mark": "?", "delete": "Delete", "enter": "Enter", "tab": "Tab", "down": "↓",
         "up": "↑", "pagedown": "Page Down", "pageup": "Page Up"}


def key_name(key: str) -> str:
    """How a key is written on the keyboard: F7, Esc, U, Ctrl+Q."""
    if key in NAMES:
        return NAMES[key]
    return "+".join(part.capitalize() if len(part) > 1 else part.upper() for part in key.split("+"))


def keys_for(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what they do) for every key that works on ``screen`` now: the screen's own in its order, then the
    app's (sign out, this help)."""
    offers = getattr(screen, "offers", None)
    found: dict[str, tuple[list[str], str]] = {}
    actives = screen.active_bindings.items()
    for node in (screen, screen.app):
        for key, active in actives:
            binding: Binding = active.binding
            if active.node is not node or not binding.description or binding.action in TEXTUAL or binding.system:
                continue  # a text field's own editing keys, Textual's own, keys kept for IT (closing the kiosk)
            if offers is not None and not offers(binding.action):
                continue
            names, _ = found.setdefault(binding.action, ([], binding.tooltip or binding.description))
            if key_name(key) not in names:
                names.append(key_name(key))
    return [(" / ".join(sorted(names, key=lambda name: "+" in name)), text) for names, text in found.values()]


class HelpScreen(StaysUp, ModalScreen[None]):
    """The keys of the screen it opened over; Escape, ? or F1 closes it."""

    CSS_PATH = "help.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [Binding("escape,q", "close", "Close", key_display="Esc")]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for keys, text in self.keys:
            grid.add_row(keys, text)
        with Vertical(id="dialog") as dialog:
            dialog.border_title = self.title_text  # in the border: at 80×24 every line inside is for a key
            dialog.border_subtitle = "Esc, ? or F1: close"
            with VerticalScroll(id="keys"):
                yield Static(grid, id="list")

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def text(self) -> str:
        """The list as plain lines (what a test or a screen reader reads)."""
        return "\n".join(f"{keys}  {text}" for keys, text in self.keys)
