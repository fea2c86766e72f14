"""The kiosk's colours, named once (harlequin's colors.py), in the one Textual theme the app registers.

Stylesheets read them as ``$done``, ``$note-light``…; Python styles for table cells and charts are written with
the same names (``style("bold $text-on-note on $note")``). Everything that is not a result uses Textual's dark
theme as it is (its blue ``$primary``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from textual.color import Color
from textual.theme import BUILTIN_THEMES

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
THEME = replace(BUILTIN_THEMES["textual-dark"], name="custody-kiosk", variables=COLOURS)

_NAME = re.compile(r"\$([a-z-]+)")


def style(text: str) -> str:
    """A Rich style written with the theme's names, in its colours: "bold $note" → "bold #f2a900"."""
    return _NAME.sub(lambda name: COLOURS[name[1]], text)


def rgb(name: str) -> tuple[int, int, int]:
    """One of the theme's colours as red, green and blue (plotext's charts take those)."""
    return Color.parse(COLOURS[name]).rgb


# A word in a table that needs someone: amber to look at, red to act on (as the panels are).
NOTE_BADGE = style("bold $text-on-note on $note")
REFUSED_BADGE = style("bold $text-on-refused on $refused")
# After home-time a phone still held needs a look; one left overnight needs action (office and scan screens).
HELD_STYLE = {HeldStatus.STILL_HELD: NOTE_BADGE, HeldStatus.LEFT_OVERNIGHT: REFUSED_BADGE,
              HeldStatus.CONFISCATED: NOTE_BADGE}
# A QR code on screen: lit blocks are its light modules, white on black whatever the theme, so a phone camera
# reads the screen.
QR = "#ffffff on #000000"
