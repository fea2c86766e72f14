"""The big panel a teacher reads from across the room: green done, amber done-with-a-note, red refused."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from db.core import CupboardCheck, CustodyResult, Outcome, plural
from kiosk.widgets.big_text import BigText

MOODS = ("-ready", "-done", "-note", "-refused")
# Said on the panel's top edge beside the colour, so each kind reads in monochrome (NO_COLOR, a washed-out
# projector, a colour-blind teacher); the bell pattern says it too (KioskApp.chime).
KINDS = {"-done": "✓ Done", "-note": "! Note this", "-refused": "✗ Refused"}


class ResultPanel(Vertical):
    """Shows one outcome at a time; ``text`` is what it says, in plain words."""

    DEFAULT_CSS = (Path(__file__).with_suffix(".tcss")).read_text()
    _detail = _note = ""

    def compose(self) -> ComposeResult:
        yield BigText(id="headline")
        yield Static(id="detail", markup=False)
        yield BigText(id="where")
        yield Static(id="note", markup=False)

    def on_mount(self) -> None:
        self.show_ready("Scan a phone tag")

    @property
    def mood(self) -> str:
        return next((m for m in MOODS if self.has_class(m)), "-ready")

    @property
    def kind(self) -> str:
        """The kind of result in words ("✓ Done", "! Note this", "✗ Refused"), or "" while ready."""
        return KINDS.get(self.mood, "")

    @property
    def text(self) -> str:
        """Everything the panel says, one part per line (what a test or a screen reader reads)."""
        parts = [self.query_one("#headline", BigText).text, self._detail, self.query_one("#where", BigText).text,
                 self._note]
        return "\n".join(part for part in parts if part)

    def show(self, mood: str, headline: str, detail: str = "", note: str = "") -> None:
        """Any outcome: ``mood`` is one of -ready, -done (green), -note (amber), -refused (red)."""
        self._show(mood, headline, detail, "", note)

    def _show(self, mood: str, headline: str, detail: str = "", where: str = "", note: str = "") -> None:
        self.set_class(True, mood)
        for other in MOODS:
            if other != mood:
                self.remove_class(other)
        self._detail, self._note = detail, note
        self.border_title = KINDS.get(mood)
        self.query_one("#headline", BigText).update(headline)
        self.query_one("#detail", Static).update(detail)
        self.query_one("#where", BigText).update(where)
        self.query_one("#note", Static).update(note)
        self.query_one("#detail").display = bool(detail)
        self.query_one("#where").display = bool(where)
        self.query_one("#note").display = bool(note)
        if mood in KINDS and hasattr(self.app, "chime"):
            self.app.chime(mood[1:])

    def show_ready(self, instruction: str, detail: str = "") -> None:
        self._show("-ready", instruction, detail)

    def show_checked_in(self, result: CustodyResult) -> None:
        """Morning: whose phone it is and where it goes; amber when the parents must be told.

        A pupil on the exceptions register keeps the phone: green (not a breach), amber when due for review.
        """
        detail = _whose(result)
        if result.outcome == Outcome.KEEPS_PHONE:
            self._show("-note" if result.review_due else "-done", result.pupil, detail,
                       result.location[:1].upper() + result.location[1:], result.note or "")
            return
        if result.outcome in (Outcome.IN_AGAIN, Outcome.ALREADY_IN):  # found in place, or a double read: green
            self._show("-done", result.pupil, detail, f"✓ {result.location}", result.note or "")
            return
        self._show("-note" if result.note else "-done", result.pupil, detail, f"→ {result.location}", result.note or "")

    def show_released(self, result: CustodyResult) -> None:
        """A confiscated phone given to a parent or carer: never "hand back to" the pupil's name in large type."""
        self._show("-done", "Released to a parent", f"{_whose(result)} · from the {result.location}", "",
                   result.note or "")

    def show_confiscated(self, result: CustodyResult) -> None:
        detail = _whose(result)
        self._show("-note", "Confiscated", detail, f"→ {result.location}", result.note or "")

    def show_handed_back(self, result: CustodyResult) -> None:
        """Home-time: the name in large type, so the right phone goes to the right child."""
        detail = _whose(result)
        detail += f" · from the {result.location}"
        self._show("-note" if result.note else "-done", f"Hand back to {result.pupil}", detail, "",
                   result.note or "")

    def show_cupboard_locked(self, check: CupboardCheck, by: str) -> None:
        when = check.locked_at.strftime("%H:%M") if check.locked_at else ""
        self._show("-done", f"{check.location} locked",
                   f"Confirmed at {when} by {by}, with {plural(check.phones, 'phone')} inside.")

    def show_refused(self, sentence: str, headline: str = "Not recorded") -> None:
        self._show("-refused", headline, sentence)


def _whose(result: CustodyResult) -> str:
    """Whose phone, in small type under the headline: the name, the class, the phone's description."""
    return " · ".join(part for part in (result.pupil, result.class_name, result.description) if part)
