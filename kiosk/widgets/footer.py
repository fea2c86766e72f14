"""Textual's footer, except that keys a screen marks "wide only" leave it below 100 columns (they still work)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KioskFooter(Footer):
    """A screen lists the actions of its less-used keys in ``WIDE_ONLY``; an 80-column footer has room for the rest.

    A screen's ``FOOTER_HIDES`` (an attribute or property) names keys left out of the footer altogether, e.g.
    the leadership's review for a teacher: the key still answers, with a sentence saying who it is for.
    """

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()
    SCOPED_CSS = False  # the rule starts at the screen (its -narrow class), above the footer

    def compose(self) -> ComposeResult:
        wide_only = getattr(self.screen, "WIDE_ONLY", ())
        hidden = getattr(self.screen, "FOOTER_HIDES", ())
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if widget.action in hidden:
                    continue
                if widget.action in wide_only:
                    widget.add_class("-wide-only")
            yield widget
