"""The kiosk's colours, named once (harlequin's colors.py), in two Textual themes: the standard one and a
high-contrast one for a washed-out projector or a colour-blind teacher (``theme`` in settings.toml).

Stylesheets read them as ``$done``, ``$note-light``…; Python styles for table cells and charts are written with
the same names (``palette.style("bold $text-on-note on $note")``), in the colours of the theme the app chose.
Everything that is not a result uses Textual's dark theme as it is (its blue ``$primary``). Colour is never the
only sign: every state also says so in words or a symbol (✓ ! ✗, ● ○, [✓] [ ]), so it reads with NO_COLOR too.
"""

from __future__ import annotations

import re
from dataclasses import replace

from textual.color import Color
from textual.theme import BUILTIN_THEMES, Theme

from db.core import HeldStatus

COLOURS = {
    # What a teacher reads from two metres: dark green done, amber done-but-note-this, dark red refused.
    "done": "#1b6e35",
    "done-light": "#3fbf6a",  # the done panel's edge; green words on the dark screen
    "note": "#f2a900",
    "note-light": "#ffd15c",  # the note panel's edge
    "refused": "#a4161a",
    "refused-light": "#ff5a5f",  # the refused panel's edge; red words on the dark screen
    # White on dark green and dark red; black on amber (white on amber is unreadable).
    "text-on-done": "#ffffff",
    "text-on-note": "#000000",
    "text-on-refused": "#ffffff",
}
# Pure black and white with bright result colours, each carrying black text; edges and words in white or yellow.
HIGH_CONTRAST_COLOURS = {
    "done": "#00e060",
    "done-light": "#ffffff",
    "note": "#ffe600",
    "note-light": "#ffffff",
    "refused": "#ff4a4a",
    "refused-light": "#ffffff",
    "text-on-done": "#000000",
    "text-on-note": "#000000",
    "text-on-refused": "#000000",
}
STANDARD = "standard"
HIGH_CONTRAST = "high-contrast"
THEME = replace(BUILTIN_THEMES["textual-dark"], name="custody-kiosk", variables=COLOURS)
HIGH_CONTRAST_THEME = Theme(
    name="custody-kiosk-high-contrast", dark=True, primary="#ffe600", secondary="#ffffff", accent="#ffe600",
    foreground="#ffffff", background="#000000", surface="#000000", panel="#1a1a1a", boost="#262626",
    success="#00e060", warning="#ffe600", error="#ff4a4a",
    variables={**HIGH_CONTRAST_COLOURS, "text-muted": "#ffffff", "text-disabled": "#d0d0d0", "text-primary": "#000000",
               "button-color-foreground": "#000000", "footer-key-foreground": "#ffe600",
               "block-cursor-foreground": "#000000", "block-cursor-background": "#ffe600",
               "input-selection-background": "#ffe600 50%"})
THEMES = {STANDARD: THEME, HIGH_CONTRAST: HIGH_CONTRAST_THEME}

_NAME = re.compile(r"\$([a-z-]+)")


class Palette:
    """The Rich styles of one theme for table cells and charts (stylesheets use the theme's variables)."""

    def __init__(self, colours: dict[str, str]) -> None:
        self.colours = colours
        # A word in a table that needs someone: amber to look at, red to act on (as the panels are).
        self.note_badge = self.style("bold $text-on-note on $note")
        self.refused_badge = self.style("bold $text-on-refused on $refused")
        self.done_word = self.style("bold $done-light")  # a line that is as it should be: green words, no badge
        # After home-time a phone still held needs a look; one left overnight needs action (office, scan screens).
        self.held = {HeldStatus.STILL_HELD: self.note_badge, HeldStatus.LEFT_OVERNIGHT: self.refused_badge,
                     HeldStatus.CONFISCATED: self.note_badge}

    def style(self, text: str) -> str:
        """A Rich style written with the theme's names, in its colours: "bold $note" → "bold #f2a900"."""
        return _NAME.sub(lambda name: self.colours[name[1]], text)

    def rgb(self, name: str) -> tuple[int, int, int]:
        """One of the theme's colours as red, green and blue (plotext's charts take those)."""
        return Color.parse(self.colours[name]).rgb


PALETTES = {STANDARD: Palette(COLOURS), HIGH_CONTRAST: Palette(HIGH_CONTRAST_COLOURS)}
_STANDARD = PALETTES[STANDARD]
style, rgb = _STANDARD.style, _STANDARD.rgb
NOTE_BADGE, REFUSED_BADGE, HELD_STYLE = _STANDARD.note_badge, _STANDARD.refused_badge, _STANDARD.held
# A QR code on screen: lit blocks are its light modules, white on black whatever the theme, so a phone camera
# reads the screen.
QR = "#ffffff on #000000"
