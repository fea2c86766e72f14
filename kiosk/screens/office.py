"""The office screen: every phone held and where, parents still to tell, cupboards not confirmed locked."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from db.core import UNREACHABLE, CupboardCheck, HeldPhoneRow, ParentsToTell, Refused
from db.phones import cupboards_to_check, parents_pending, parents_told, phones_held
from kiosk.live import when_ledger_changes
from kiosk.screens.ask import AskScreen
from kiosk.widgets.footer import KioskFooter
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.table import KioskTable

HOW_TOLD = ("Phoned", "Spoke at the gate", "Message sent")
# After home-time a phone still held needs a look; one left overnight needs action.
STATUS_STYLE = {"held": "", "still held": "bold #000000 on #f2a900", "left overnight": "bold #ffffff on #a4161a"}


class OfficeScreen(Screen):
    CSS_PATH = "office.tcss"
    AUTO_FOCUS = "#pending"
    refresh_seconds = 5.0  # other kiosks write to the same database: keep the lists live
    BINDINGS = [
        Binding("escape,f1", "back", "Back to scanning", key_display="Esc"),
        Binding("t", "told", "Parents told", key_display="T"),
        Binding("p", "print_still_held", "Print still-held list", key_display="P"),
        Binding("f9", "print_queue", "Print queue", key_display="F9"),
    ]
    WIDE_ONLY = ("print_queue",)  # at 80 columns: the status bar names F9 whenever the queue holds anything

    class Loaded(Message):
        def __init__(self, held: list[HeldPhoneRow], pending: list[ParentsToTell], cupboards: list[CupboardCheck],
                     error: str | None = None) -> None:
            super().__init__()
            self.held, self.pending, self.cupboards, self.error = held, pending, cupboards, error

    class Told(Message):
        def __init__(self, pupil: str, refusal: str | None) -> None:
            super().__init__()
            self.pupil, self.refusal = pupil, refusal

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[ParentsToTell] = []

    def compose(self) -> ComposeResult:
        yield StatusBar("Office screen")
        yield Static(id="cupboards", markup=False)
        yield Static("Phones held now", id="held-title", classes="heading")
        yield KioskTable(id="held", cursor_type="row", zebra_stripes=True)
        yield Static("Parents still to tell  (select one, then press T)", id="pending-title", classes="heading")
        yield KioskTable(id="pending", cursor_type="row", zebra_stripes=True)
        yield KioskFooter()

    def on_mount(self) -> None:
        # Long free text goes last: on a narrow screen it is what gets cut.
        self.query_one("#held", DataTable).add_columns("Where", "Status", "Pupil", "Class", "Since", "Phone",
                                                       "Checked in by")
        self.query_one("#pending", DataTable).add_columns("Pupil", "Class", "Since", "Reason")
        self.set_interval(self.refresh_seconds, self.reload)
        when_ledger_changes(self, self.reload)  # a check-in at a classroom kiosk shows here within about a second

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load(self.app.database, self.app.staff.code)

    @work(thread=True, exclusive=True, group="office", exit_on_error=False)
    def load(self, database, staff_code: str) -> None:
        try:
            loaded = self.Loaded(phones_held(database, by=staff_code), parents_pending(database, by=staff_code),
                                 cupboards_to_check(database, by=staff_code))
        except Exception:
            self.log.error("loading the office lists failed")
            loaded = self.Loaded([], [], [], error=UNREACHABLE)
        if not get_current_worker().is_cancelled:  # a newer reload replaced this one: its lists are older
            self.post_message(loaded)

    def on_office_screen_loaded(self, message: Loaded) -> None:
        if message.error:  # keep the last lists on screen; say they may be out of date
            area = self.query_one("#cupboards", Static)
            area.update(f"{message.error} These lists may be out of date.")
            area.set_class(True, "-refused")
            return
        self.query_one("#cupboards").remove_class("-refused")
        self._show_cupboards(message.cupboards)
        held = self.query_one("#held", DataTable)
        row = held.cursor_row
        held.clear()
        for phone in message.held:
            held.add_row(phone.location, Text(phone.status, style=STATUS_STYLE.get(phone.status, "")), phone.pupil,
                         phone.class_name, self._when(phone.since), phone.description or "", phone.by, key=phone.code)
        held.move_cursor(row=min(row, max(held.row_count - 1, 0)))
        self.query_one("#held-title", Static).update(f"Phones held now: {len(message.held)}")

        self.pending = message.pending
        pending = self.query_one("#pending", DataTable)
        row = pending.cursor_row
        pending.clear()
        for task in message.pending:
            pending.add_row(task.pupil, task.class_name, self._when(task.since), task.reason, key=str(task.task_id))
        pending.move_cursor(row=min(row, max(pending.row_count - 1, 0)))
        self.query_one("#pending-title", Static).update(
            f"Parents still to tell: {len(message.pending)}" + ("  (select one, then press T)" if message.pending else ""))

    def _when(self, moment) -> str:
        """Today's times as 09:05; older ones with the day, because they were left overnight."""
        database = self.app.database
        if moment.date() == database.local(database.now()).date():
            return f"{moment:%H:%M}"
        return f"{moment:%a %d %b %H:%M}"

    def _show_cupboards(self, cupboards: list[CupboardCheck]) -> None:
        # The school's evidence of reasonable care: every cupboard holding phones confirmed locked today.
        area = self.query_one("#cupboards", Static)
        area.set_class(bool(cupboards), "-warning")
        if not cupboards:
            area.update("Every cupboard holding phones has been confirmed locked today.")
            return
        lines = []
        for check in cupboards:
            phones = "1 phone" if check.phones == 1 else f"{check.phones} phones"
            last = f"last confirmed {check.locked_at:%H:%M}, before more phones went in" if check.locked_at \
                else "not confirmed locked today"
            lines.append(f"⚠ {check.location}: {phones}, {last}.")
        area.update("\n".join(lines))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_print_still_held(self) -> None:
        self.app.print_still_held()

    def action_print_queue(self) -> None:
        self.app.show_print_queue()

    def action_told(self) -> None:
        table = self.query_one("#pending", DataTable)
        if not self.pending or table.cursor_row >= len(self.pending):
            self.app.bell()
            self.notify("There are no parents left to tell.", severity="warning")
            return
        task = self.pending[table.cursor_row]
        self.app.push_screen(AskScreen(f"How were {task.pupil}'s parents told?", HOW_TOLD,
                                       "Or type it, e.g. phoned mum at 10:05"),
                             callback=lambda how: self._record_told(task, how))

    def _record_told(self, task: ParentsToTell, how: str | None) -> None:
        if how:
            self.record_told(task, how, self.app.staff.code)

    @work(thread=True, group="told", exit_on_error=False)
    def record_told(self, task: ParentsToTell, how: str, staff_code: str) -> None:
        database = self.app.database
        try:
            parents_told(database, task.pupil_ref, staff_code, how)
        except Refused as exc:
            self.post_message(self.Told(task.pupil, str(exc)))
        except Exception:
            self.log.error("recording parents told failed")
            self.post_message(self.Told(task.pupil, UNREACHABLE))
        else:
            self.post_message(self.Told(task.pupil, None))

    def on_office_screen_told(self, message: Told) -> None:
        if message.refusal:
            self.app.bell()
            self.notify(message.refusal, severity="error", timeout=10)
        else:
            self.notify(f"Recorded: {message.pupil}'s parents have been told.")
        self.reload()
