"""The scan screen's two keys that change a record already made: U undoes your own last scan (a new ledger row
voids it, with a reason), F12 confiscates a phone (a sanction, not safekeeping: released only to a parent).

A mixin: ScanScreen supplies ``staff``, ``kiosk``, ``_seq``, ``_shown``, ``signed_out``, ``focus_scan`` and
``_for_phones``,
and its ``on_done`` routes the "undo-offer", "undo" and "confiscate-who" answers here.
"""

from __future__ import annotations

from functools import partial

from textual import work

from db.core import UNDO_MINUTES, CustodyResult, Database, PupilSummary, Voidable
from db.corrections import last_own_entry, void_entry
from db.people import pupil_summary
from db.phones import confiscate, phone_places
from kiosk.scan import read_phone_code
from kiosk.screens.ask import AskScreen
from kiosk.screens.confirm import ConfirmScreen
from kiosk.widgets.result_panel import ResultPanel
from kiosk.work import carry_out

UNDO_REASONS = ("Scanned by mistake", "Wrong pouch", "Pupil kept the phone")
CONFISCATION_REASONS = ("Used in class", "Used at break", "Not handed in")


class UndoAndConfiscate:
    # --- undo: a mistaken scan voided by a new ledger row, with a reason --------------------------------

    def action_undo(self) -> None:
        self.find_undo(self.staff.code)

    @work(thread=True, exclusive=True, group="undo", exit_on_error=False)
    def find_undo(self, staff_code: str) -> None:
        carry_out(self, "undo-offer", (self._seq,), last_own_entry, self.kiosk.database, staff_code)

    def _offer_undo(self, offer: Voidable | None) -> None:
        if offer is None:
            self.query_one(ResultPanel).show("-note", "Nothing to undo",
                                             f"You have recorded nothing in the last {UNDO_MINUTES} minutes that "
                                             "can be undone here: ask the office to void an older entry.")
            self._shown = self._seq
            return
        self.app.push_screen(AskScreen(f"Undo: {offer.what}, at {offer.at:%H:%M} (entry {offer.entry})?\n\n"
                                       "Why? The entry stays in the record, marked as voided.", UNDO_REASONS,
                                       "Or type the reason, e.g. scanned Ben's pouch by mistake"),
                             callback=partial(self._undo_why, offer))

    def _undo_why(self, offer: Voidable, reason: str | None) -> None:
        if reason:
            self._seq += 1
            self.undo(self._seq, offer.entry, reason, self.staff.code)
        self.focus_scan()

    @work(thread=True, group="undo", exit_on_error=False)
    def undo(self, seq: int, entry: int, reason: str, staff_code: str) -> None:
        carry_out(self, "undo", (seq,), void_entry, self.kiosk.database, entry, reason, staff_code)

    # --- confiscation: a sanction, not safekeeping ----------------------------

    def action_confiscate(self) -> None:
        if not self._for_phones():
            return
        self.app.push_screen(AskScreen("Confiscate a phone: scan its tag (or type the code under the QR).", (),
                                       "The phone's tag code"), callback=self._confiscate_which)

    def _confiscate_which(self, text: str | None) -> None:
        # Whose phone it is comes first: the person confiscating sees the pupil's name before anything is recorded.
        if text:
            self._seq += 1
            self.confiscation_pupil(self._seq, text)
        self.focus_scan()

    @work(thread=True, group="confiscate-who", exit_on_error=False)
    def confiscation_pupil(self, seq: int, text: str) -> None:
        carry_out(self, "confiscate-who", (seq, text), whose_phone, self.kiosk.database, text)

    def _confiscate_why_ask(self, text: str, pupil: PupilSummary, places: list[str]) -> None:
        self.app.push_screen(AskScreen(f"Why is {pupil.name}'s ({pupil.class_name}) phone being confiscated?",
                                       CONFISCATION_REASONS, "Or type the reason"),
                             callback=partial(self._confiscate_where, text, pupil, places))

    def _confiscate_where(self, text: str, pupil: PupilSummary, places: list[str], reason: str | None) -> None:
        if not reason:
            self.focus_scan()
            return
        # The office, or the pupil's class cupboard if it has one; any other room with a location tag is typed.
        choices = tuple(place for place in places if place in ("Office", f"{pupil.class_name} cupboard"))
        self.app.push_screen(AskScreen(f"Where will {pupil.name}'s phone be kept until a parent or carer collects "
                                       "it?", choices or ("Office",), "Or type the place, e.g. Head's office"),
                             callback=partial(self._confiscate_confirm, text, pupil, reason))

    def _confiscate_confirm(self, text: str, pupil: PupilSummary, reason: str, where: str | None) -> None:
        if not where:
            self.focus_scan()
            return
        question = (f"Confiscate {pupil.name}'s phone ({pupil.class_name})?\n\nWhy: {reason}\nKept in: {where}\n\n"
                    "It is released only to a parent or carer.")
        self.app.push_screen(ConfirmScreen(question, yes="Confiscate", no="Cancel"),
                             callback=partial(self._confiscate_now, text, reason, where))

    def _confiscate_now(self, text: str, reason: str, where: str, yes: bool) -> None:
        if yes and not self.signed_out:
            self._seq += 1
            self.confiscate_phone(self._seq, text, reason, where, self.staff.code)
        elif not yes:
            self.query_one(ResultPanel).show_ready("Not confiscated", "Cancelled: nothing was recorded.")
            self._shown = self._seq
        self.focus_scan()

    @work(thread=True, group="scan", exit_on_error=False)
    def confiscate_phone(self, seq: int, text: str, reason: str, where: str, staff_code: str) -> None:
        carry_out(self, "scan", (seq, text), confiscate_tag, self.kiosk.database, text, staff_code, reason, where)


def confiscate_tag(database: Database, text: str, staff_code: str, reason: str, where: str) -> CustodyResult:
    return confiscate(database, read_phone_code(text), staff_code, reason, where)


def whose_phone(database: Database, text: str) -> tuple[PupilSummary, list[str]]:
    """The pupil whose phone is about to be confiscated, and the places it can be kept."""
    return pupil_summary(database, read_phone_code(text)), phone_places(database)
