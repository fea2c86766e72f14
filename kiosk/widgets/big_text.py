"""Text in three-row letters, so a name or a tag code can be read from across a classroom."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

# Each glyph is three rows of equal width, drawn with heavy box lines (the style of Textual's Digits).
FONT: dict[str, tuple[str, str, str]] = {
    "A": ("┏━┓", "┣━┫", "╹ ╹"), "B": ("┏┓ ", "┣┻┓", "┗━┛"), "C": ("┏━╸", "┃  ", "┗━╸"),
    "D": ("╺┳┓", " ┃┃", "╺┻┛"), "E": ("┏━╸", "┣╸ ", "┗━╸"), "F": ("┏━╸", "┣╸ ", "╹  "),
    "G": ("┏━╸", "┃╺┓", "┗━┛"), "H": ("╻ ╻", "┣━┫", "╹ ╹"), "I": ("╻", "┃", "╹"),
    "J": ("  ╻", "  ┃", "┗━┛"), "K": ("╻┏ ", "┣┻┓", "╹ ╹"), "L": ("╻  ", "┃  ", "┗━╸"),
    "M": ("┏┳┓", "┃┃┃", "╹ ╹"), "N": ("┏┓╻", "┃┗┫", "╹ ╹"), "O": ("┏━┓", "┃ ┃", "┗━┛"),
    "P": ("┏━┓", "┣━┛", "╹  "), "Q": ("┏━┓", "┃ ┃", "┗━╋"), "R": ("┏━┓", "┣┳┛", "╹┗╸"),
    "S": ("┏━┓", "┗━┓", "┗━┛"), "T": ("╺┳╸", " ┃ ", " ╹ "), "U": ("╻ ╻", "┃ ┃", "┗━┛"),
    "V": ("╻ ╻", "┃┏┛", "┗┛ "), "W": ("╻ ╻", "┃╻┃", "┗┻┛"), "X": ("╻ ╻", "┏╋┛", "╹ ╹"),
    "Y": ("╻ ╻", "┗┳┛", " ╹ "), "Z": ("┏━┓", "┏━┛", "┗━╸"),
    "0": ("┏━┓", "┃ ┃", "┗━┛"), "1": ("╺┓ ", " ┃ ", "╺┻╸"), "2": ("╺━┓", "┏━┛", "┗━╸"),
    "3": ("╺━┓", " ━┫", "╺━┛"), "4": ("╻ ╻", "┗━┫", "  ╹"), "5": ("┏━╸", "┗━┓", "╺━┛"),
    "6": ("┏━╸", "┣━┓", "┗━┛"), "7": ("╺━┓", "  ┃", "  ╹"), "8": ("┏━┓", "┣━┫", "┗━┛"),
    "9": ("┏━┓", "┗━┫", "╺━┛"),
    "-": ("   ", "╺━╸", "   "), "'": ("╻", "╹", " "), ".": (" ", " ", "╹"), ":": (" ", "╏", " "),
    "→": ("  ", "→ ", "  "), " ": ("  ", "  ", "  "),
}
# Letters that Unicode does not decompose into a base letter and an accent.
_PLAIN = str.maketrans({"Ł": "L", "Ø": "O", "Đ": "D", "Ħ": "H", "Æ": "AE", "Œ": "OE", "ẞ": "SS", "’": "'"})


def _font_form(text: str) -> str | None:
    """The text as the font can draw it (capitals, accents dropped), or None if it cannot."""
    upper = text.upper().translate(_PLAIN)
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", upper) if not unicodedata.combining(ch))
    bare = bare.replace("ß", "SS").translate(_PLAIN)
    return bare if all(ch in FONT for ch in bare) else None


def big_rows(text: str) -> list[str] | None:
    """Three rows drawing the text, or None if a character has no glyph."""
    form = _font_form(text)
    if form is None:
        return None
    rows = ["", "", ""]
    for i, ch in enumerate(form):
        gap = "" if i == 0 or ch == " " or form[i - 1] == " " else " "
        for r in range(3):
            rows[r] += gap + FONT[ch][r]
    return rows


def layout_big(text: str, width: int) -> list[str] | None:
    """The rows that fit the width: one line of big letters, else one big line per word group, else None."""
    rows = big_rows(text)
    if rows is None:
        return None
    if len(rows[0]) <= width:
        return rows
    # Too wide: break between words, filling each big line as far as it goes.
    lines: list[list[str]] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        trial_rows = big_rows(trial)
        if trial_rows and len(trial_rows[0]) <= width:
            current = trial
            continue
        if not current:
            return None  # one word alone is too wide
        lines.append(big_rows(current))
        current = word
        if len(big_rows(current)[0]) > width:
            return None
    if current:
        lines.append(big_rows(current))
    return [row for block in lines for row in block]


class BigText(Widget):
    """A line of text drawn three rows high; plain bold text when it cannot fit."""

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    def update(self, text: str) -> None:
        self._text = text
        self.refresh(layout=True)

    def _rows(self, width: int) -> list[str] | None:
        return layout_big(self._text, width) if self._text else None

    def get_content_width(self, container: Size, viewport: Size) -> int:
        rows = self._rows(container.width)
        return max((len(r) for r in rows), default=0) if rows else len(self._text)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._text:
            return 0
        rows = self._rows(width)
        return len(rows) if rows else max(1, -(-len(self._text) // max(width, 1)))

    def render(self) -> Text:
        rows = self._rows(self.content_size.width)
        if rows is None:
            return Text(self._text, style="bold")
        return Text("\n".join(rows), style="bold", no_wrap=True, overflow="crop")
