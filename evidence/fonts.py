"""The pack's typeface: a TrueType font with the letters of the names on a school's roll (Zoë, Łukasz, Nguyễn),
embedded so the text is searchable and copies out as typed. DejaVu Sans, Noto Sans, Liberation Sans or Arial where
the PC has one; else Bitstream Vera, which reportlab ships (Latin-1 letters only)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

REGULAR, BOLD = "PackSans", "PackSans-Bold"

_FOLDERS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
            "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto", "/usr/share/fonts/truetype/liberation",
            "/usr/share/fonts/liberation", "/Library/Fonts", "/System/Library/Fonts/Supplemental",
            os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts"))
_PAIRS = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
          ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"), ("arial.ttf", "arialbd.ttf"),
          ("Arial.ttf", "Arial Bold.ttf"))


def _candidates():
    for folder in _FOLDERS:
        for regular, bold in _PAIRS:
            yield Path(folder) / regular, Path(folder) / bold
    shipped = Path(reportlab.__file__).parent / "fonts"
    yield shipped / "Vera.ttf", shipped / "VeraBd.ttf"


@cache
def register() -> tuple[str, str]:
    """The regular and bold font names, registered with reportlab once per process."""
    for regular, bold in _candidates():
        if regular.is_file() and bold.is_file():
            try:
                pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
                pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            except (TTFError, OSError):  # a damaged or unreadable font file: try the next
                continue
            addMapping(REGULAR, 0, 0, REGULAR)
            addMapping(REGULAR, 1, 0, BOLD)
            addMapping(REGULAR, 0, 1, REGULAR)
            addMapping(REGULAR, 1, 1, BOLD)
            return REGULAR, BOLD
    return "Helvetica", "Helvetica-Bold"
