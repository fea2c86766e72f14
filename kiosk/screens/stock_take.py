"""A stock-take (reasonable care of pupils' property): the cupboard's or the office's location tag first (or the
class typed, or "office"), then every phone in it; F4 compares them with the record and records the stock-take.

The scan screen opens this when a location tag is scanned (the place is known) or on Ctrl+T (it asks first).
Each phone scanned adds a line: "✓ found" in green words when the record has it here, "! not expected" in amber
with where the record says it is. Nothing is recorded until F4, and nothing about any phone's custody changes.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from db.core import StaffMember, StockResult, plural
from db.phones import StockPhone, StockPlace, StockTake, stock_take, stock_take_place
from kiosk.scan import stock_take_scan
from kiosk.screens.base import KioskScreen
from kiosk.widgets.footer import KioskFooter
from kiosk.widgets.result_panel import ResultPanel
from kiosk.widgets.scan_field import ScanField
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.table import KioskTable
from kiosk.work import Done, Failed, Refusal, carry_out

WORDS = {StockResult.FOUND: "✓ found", StockResult.MISSING: "✗ missing", StockResult.NOT_EXPECTED: "! not expected"}


class StockTakeScreen(KioskScreen, Screen[str | None]):
    """Returns one line for the scan screen's panel: what was recorded, or that nothing was."""

    CSS_PATH = "stock_take.tcss"
    AUTO_FOCUS = "#stock-scan"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("f4", "finish", "Finish", key_display="F4",
                tooltip="Finish: compare the phones scanned with the record, and record the stock-take"),
        Binding("escape", "back", "Back", key_display="Esc",
                tooltip="Back to scanning (before F4 the stock-take is not recorded)"),
    ]

    def __init__(self, staff: StaffMember, place: StockPlace | None = None) -> None:
        super().__init__()
        self.staff = staff
        self.place = place
        self.phones: dict[str, StockPhone] = {}  # by code, in the order scanned
        self.taken: StockTake | None = None
        self._pending = 0  # phones scanned whose answer has not come back yet: F4 waits for them
        self._finish_asked = False
        self._finishing = False

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield Static(id="stock-title", markup=False)
        yield ScanField(id="stock-scan", one_per_enter=True,
                        placeholder="Scan the location tag, then each phone (or type the code under the QR)")
        yield ResultPanel(id="result")
        yield Static(id="found-title", markup=False)
        table = KioskTable(id="found", cursor_type="none", zebra_stripes=True)
        table.can_focus = False  # the scan field keeps the focus, whatever is clicked
        yield table
        yield KioskFooter()

    def on_mount(self) -> None:
        # The free-text description goes last: on a narrow screen it is the column that gets cut.
        self.query_one("#found", DataTable).add_columns("Result", "Pupil", "Class", "Record", "Phone")
        self._show_place()

    def on_screen_resume(self) -> None:
        self.query_one("#stock-scan", ScanField).focus()

    @property
    def panel(self) -> ResultPanel:
        return self.query_one(ResultPanel)

    def _title(self, text: str) -> None:
        self.query_one("#stock-title", Static).update(text)

    def _show_place(self) -> None:
        if self.place is None:
            self._title("Stock-take: which cupboard, or the office?")
            self.panel.show_ready("Scan the location tag", "The tag on the cupboard or the office. No tag? Type the "
                                  "class (e.g. 6A) or office, then Enter.")
            return
        self.query_one("#stock-scan", ScanField).placeholder = "Scan each phone (or type the code under the QR)"
        expected = self.place.expected
        self._title(f"Stock-take of the {self.place.name}: the record says {plural(expected, 'phone')} "
                    f"{'is' if expected == 1 else 'are'} here")
        self.panel.show_ready("Scan each phone", f"Every phone in the {self.place.name}, one by one. F4 when all "
                              "are scanned: the kiosk compares them with the record. Esc: back, nothing recorded.")
        self._count()

    def _count(self) -> None:
        found = sum(p.result == StockResult.FOUND for p in self.phones.values())
        self.query_one("#found-title", Static).update(
            f"Scanned: {len(self.phones)} ({found} found, {len(self.phones) - found} not expected)")

    # --- scanning -----------------------------------------------------------------------------------------

    @on(Input.Submitted, "#stock-scan")
    def scanned(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        if self.taken is not None:
            self.panel.show("-note", "Already recorded", f"This stock-take is recorded (entry {self.taken.entry}). "
                            "Esc: back to scanning, to start another.")
        elif self._finish_asked or self._finishing:  # F4 has closed the list: a late scan would be left out
            self.panel.show("-note", "Not counted", "F4 was pressed: the stock-take is being recorded without "
                            "this phone. Take stock again if it belongs here.")
        elif self.place is None:
            self.find_place(text, self.staff.code)
        else:
            self._pending += 1
            self.look(self.place.ref, text, self.staff.code)

    @work(thread=True, exclusive=True, group="stock-place", exit_on_error=False)
    def find_place(self, text: str, staff_code: str) -> None:
        carry_out(self, "place", text, stock_take_place, self.kiosk.database, text, by=staff_code)

    @work(thread=True, group="stock-phone", exit_on_error=False)
    def look(self, place: str, text: str, staff_code: str) -> None:
        carry_out(self, "phone", text, stock_take_scan, self.kiosk.database, place, text, staff_code)

    @work(thread=True, exclusive=True, group="stock-finish", exit_on_error=False)
    def record(self, place: str, codes: list[str], staff_code: str) -> None:
        carry_out(self, "finish", None, stock_take, self.kiosk.database, place, codes, staff_code)

    def on_done(self, message: Done) -> None:
        match message.task:
            case "place":
                self.place = message.value
                self._show_place()
            case "phone":
                self._pending -= 1
                self._add(message.value)
                self._finish_if_asked()
            case "finish":
                self._finishing = False
                self.taken = message.value
                self._show_result(message.value)

    def on_refusal(self, message: Refusal) -> None:
        self._not_done(message.task, message.sentence)

    def on_failed(self, message: Failed) -> None:
        self._not_done(message.task, message.sentence)

    def _not_done(self, task: str, sentence: str) -> None:
        """Red, with the bell: a code not counted, a place not known, or the stock-take not recorded."""
        headline = {"phone": "Not counted", "place": "Not started"}.get(task, "Not recorded")
        if task == "phone":
            self._pending -= 1
        if task == "finish":
            self._finishing = False
        self.panel.show_refused(sentence, headline)
        if task == "phone":
            self._finish_if_asked()

    def _add(self, phone: StockPhone) -> None:
        if phone.code in self.phones:
            self.panel.show("-note", "Already scanned", f"{phone.pupil}'s phone is on the list already: scan the "
                            "next one.")
            return
        self.phones[phone.code] = phone
        table = self.query_one("#found", DataTable)
        self._row(table, phone)
        table.scroll_end(animate=False)  # the newest line in view, under the others
        whose = " · ".join(part for part in (phone.class_name, phone.description) if part)
        if phone.result == StockResult.FOUND:
            self.panel.show("-done", phone.pupil, f"{whose} · found: it is recorded here")
        else:
            self.panel.show("-note", phone.pupil, whose, f"Not expected here: the record says {phone.record}.")
        self._count()

    def _row(self, table: DataTable, phone: StockPhone) -> None:
        palette = self.app.palette
        style = {StockResult.FOUND: palette.done_word, StockResult.MISSING: palette.refused_badge,
                 StockResult.NOT_EXPECTED: palette.note_badge}[phone.result]
        table.add_row(Text(WORDS[phone.result], style=style), phone.pupil, phone.class_name or "", phone.record,
                      phone.description or "")

    # --- finishing ----------------------------------------------------------------------------------------

    def action_finish(self) -> None:
        if self.taken is not None:
            self.panel.show("-note", "Already recorded", f"This stock-take is recorded (entry {self.taken.entry}). "
                            "Esc: back to scanning.")
        elif self.place is None:
            self.panel.show("-note", "Scan the location tag first", "The tag on the cupboard or the office (or type "
                            "the class, e.g. 6A, or office), then each phone in it.")
        else:
            self._finish_asked = True
            self._finish_if_asked()

    def _finish_if_asked(self) -> None:
        """F4 was pressed: record once every phone scanned before it has its answer."""
        if self._finish_asked and not self._pending and not self._finishing:
            self._finish_asked, self._finishing = False, True
            self.record(self.place.ref, list(self.phones), self.staff.code)

    def _show_result(self, taken: StockTake) -> None:
        missing, unexpected = taken.missing, taken.not_expected
        counts = (f"Expected {taken.expected}, found {taken.found}, missing {len(missing)}, not expected "
                  f"{len(unexpected)}")
        headline = "All found" if not missing else f"{plural(len(missing), 'phone')} missing"
        notes = []
        if missing:
            notes.append(f"Missing: {', '.join(p.pupil for p in missing)}: look for "
                         f"{'it' if len(missing) == 1 else 'them'}, then tell the office.")
        if unexpected:
            notes.append(f"Not expected: {', '.join(p.pupil for p in unexpected)}: the list says where the record "
                         f"has {'it' if len(unexpected) == 1 else 'each'}.")
        self.panel.show("-note" if notes else "-done", headline,
                        f"{taken.place} · {counts} · recorded at {taken.at:%H:%M} (entry {taken.entry})",
                        " ".join(notes))
        table = self.query_one("#found", DataTable)
        table.clear()
        for phone in taken.phones:
            self._row(table, phone)
        self.query_one("#found-title", Static).update(f"Recorded by {taken.by} · Esc: back to scanning")

    def action_back(self) -> None:
        if self._finishing:  # F4's answer is on its way: leaving now would say "nothing recorded" wrongly
            self.panel.show("-note", "Recording…", "Wait a moment: the stock-take is being recorded.")
            return
        if self.taken is not None:
            taken = self.taken
            self.dismiss(f"Stock-take of the {taken.place} recorded: expected {taken.expected}, found {taken.found}, "
                         f"missing {len(taken.missing)}, not expected {len(taken.not_expected)}.")
        else:
            self.dismiss("Stock-take stopped: nothing was recorded." if self.place else None)
