"""A tick box that says ticked or not in a symbol, not only in colour: [✓] ticked, [ ] not (Textual's ▐X▌ shows
the same X either way and only its colour changes)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox

TICKED, NOT_TICKED = "✓", " "


class TickBox(Checkbox):
    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        return Content.assemble("[", (TICKED if self.value else NOT_TICKED, button_style), "]")

    @property
    def shown(self) -> str:
        """What the box says, as plain text: "[✓] The images have been deleted from the device"."""
        return self.render().plain
