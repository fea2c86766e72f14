"""Textual's footer, except that keys a screen marks "wide only" leave it below 100 columns (they still work)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

NARROW = 100  # App.HORIZONTAL_BREAKPOINTS' -narrow


class KioskFooter(Footer):
    """A screen lists the actions of its less-used keys in ``WIDE_ONLY``; an 80-column footer has room for the rest.

    Every key, these included, is listed by ? or F1 ("?/F1 Help" is always in the footer); below 100 columns the
    footer is compact (less space between keys) so that it and F10 Sign out fit.

    A screen's ``FOOTER_HIDES`` (an attribute or property) names keys left out of the footer altogether, e.g.
    the leadership's review for a teacher: the key still answers, with a sentence saying who it is for.
    """

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()
    SCOPED_CSS = False  # the rule starts at the screen (its -narrow class), above the footer

    def compose(self) -> ComposeResult:
        wide_only = getattr(self.screen, "WIDE_ONLY", ())
        hidden = getattr(self.screen, "FOOTER_HIDES", ())
        offers = getattr(self.screen, "offers", lambda _action: True)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if widget.action in hidden or not offers(widget.action):
                    continue
                if widget.action in wide_only:
                    widget.add_class("-wide-only")
                if widget.action == "help":  # at the right edge: never pushed off by a long row of keys
                    widget.add_class("-help")
            yield widget

    def on_resize(self) -> None:
        self.compact = self.app.size.width < NARROW

