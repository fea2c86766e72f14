"""The office screen: every phone held and where, parents still to tell, cupboards not confirmed locked."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from db.core import CoverBadge, CupboardCheck, Database, HeldPhoneRow, ParentsToTell, plural, short_time, today
from db.corrections import void_entry
from db.people import cover_today, give_cover_badge
from db.phones import ToCollect, cupboards_to_check, parents_pending, parents_told, phones_held, phones_to_collect
from kiosk.live import when_ledger_changes
from kiosk.screens.ask import AskScreen
from kiosk.screens.base import KioskScreen
from kiosk.widgets.footer import KioskFooter
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.table import KioskTable
from kiosk.work import Done, Failed, Refusal, carry_out

HOW_TOLD = ("Phoned", "Spoke at the gate", "Message sent")


@dataclass(frozen=True)
class OfficeLists:
    """The screen's lists, read together."""

    held: list[HeldPhoneRow]
    pending: list[ParentsToTell]
    cupboards: list[CupboardCheck]
    collect: list[ToCollect]  # confiscated phones: the office's task until a parent or carer collects one
    covers: list[CoverBadge] = ()


def office_lists(database: Database, staff_code: str) -> OfficeLists:
    return OfficeLists(phones_held(database, by=staff_code), parents_pending(database, by=staff_code),
                       cupboards_to_check(database, by=staff_code), phones_to_collect(database, by=staff_code),
                       cover_today(database, by=staff_code))


class OfficeScreen(KioskScreen, Screen):
    CSS_PATH = "office.tcss"
    AUTO_FOCUS = "#pending"
    refresh_seconds = 5.0  # other kiosks write to the same database: keep the lists live
    BINDINGS = [
        Binding("escape,f2", "back", "Back to scanning", key_display="Esc"),
        Binding("t", "told", "Parents told", key_display="T",
                tooltip="Record how the selected pupil's parents were told"),
        Binding("p", "print_still_held", "Print still-held list", key_display="P",
                tooltip="Print the list of every phone still held"),
        Binding("f9", "print_queue", "Print queue", key_display="F9",
                tooltip="The print queue: what is printing, and jobs that failed"),
        Binding("v", "void", "Void", key_display="V",
                tooltip="Void an entry (a mistaken scan, loan or confiscation), with a reason"),
        Binding("c", "cover", "Cover badge", key_display="C",
                tooltip="Give a cover teacher a one-day badge for a class"),
    ]
    # At 80 columns the footer keeps F10 Sign out and ?/F1 Help: the rest are in the help; T is named in the
    # heading of the parents' list. The status bar names F9 whenever the queue holds anything.
    WIDE_ONLY = ("told", "void", "cover")
    FOOTER_HIDES = ("print_queue",)

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[ParentsToTell] = []
        self.collect: list[ToCollect] = []
        self.held: list[HeldPhoneRow] = []

    def compose(self) -> ComposeResult:
        yield StatusBar("Office screen")
        yield Static(id="cupboards", markup=False)
        yield Static(id="backup-warning", markup=False)
        yield Static("Phones held now", id="held-title", classes="heading")
        yield KioskTable(id="held", cursor_type="row", zebra_stripes=True)
        yield Static(id="held-detail", markup=False)
        yield Static("Parents still to tell  (select one, then press T)", id="pending-title", classes="heading")
        yield KioskTable(id="pending", cursor_type="row", zebra_stripes=True)
        yield Static(id="pending-detail", markup=False)
        yield KioskFooter()

    def show_backup(self) -> None:
        """The backup warning in full (the status bar has a few words of it), or nothing when all is well."""
        said = self.kiosk.backup_status.sentence(self.kiosk.local_now().date())
        warning = self.query_one("#backup-warning", Static)
        warning.update(f"⚠ {said}" if said else "")  # as the cupboards' warning above it
        warning.display = bool(said)

    def on_mount(self) -> None:
        self.show_backup()
        # Long free text goes last: on a narrow screen it is what gets cut, and the line under each table says
        # the selected row whole.
        self.query_one("#held", DataTable).add_columns("Where", "Status", "Pupil", "Class", "Since", "Phone",
                                                       "Checked in by")
        self.query_one("#pending", DataTable).add_columns("Pupil", "Class", "Since", "Reason")
        self.set_interval(self.refresh_seconds, self.reload)
        when_ledger_changes(self, self.reload)  # a check-in at a classroom kiosk shows here within about a second

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        if self.signed_out:  # the idle lock or F10 is closing this screen: nobody to load the lists for
            return
        self.show_backup()
        self.load(self.kiosk.database, self.kiosk.staff.code)

    @work(thread=True, exclusive=True, group="office", exit_on_error=False)
    def load(self, database: Database, staff_code: str) -> None:
        # Exclusive: a newer reload replaces this one, and this one's older lists are never shown.
        carry_out(self, "lists", None, office_lists, database, staff_code)

    def on_done(self, message: Done) -> None:
        if message.task == "void":
            done = message.value
            self.notify(f"Entry {done.entry} voided: {done.what}. {done.outcome}", title="Voided", timeout=12)
            self.reload()
        elif message.task == "cover":
            self._cover_given(message.value)
        elif message.task == "told":
            self.notify(f"Recorded: {message.key}'s parents have been told.")
            self.reload()
        else:
            self._show_lists(message.value)

    @on(Refusal)
    @on(Failed)
    def not_done(self, message: Refusal | Failed) -> None:
        if message.task in ("told", "void", "cover"):
            self.app.chime("refused")
            self.notify(message.sentence, severity="error", timeout=10)
            self.reload()
            return
        # Keep the last lists on screen and say they may be out of date (no bell: the lists reload every few seconds).
        area = self.query_one("#cupboards", Static)
        area.update(f"{message.sentence} These lists may be out of date.")
        area.set_class(True, "-refused")

    def _show_lists(self, lists: OfficeLists) -> None:
        self.query_one("#cupboards").remove_class("-refused")
        self._show_cupboards(lists.cupboards, lists.covers)
        held = self.query_one("#held", DataTable)
        row = held.cursor_row
        held.clear()
        for phone in lists.held:
            # "confiscated", since when it was taken; its reason is on the to-do list below, whole (a long reason
            # here would push "Checked in by" off the screen).
            status = Text(phone.status, style=self.app.palette.held.get(phone.status, ""))
            held.add_row(phone.location, status, phone.pupil, phone.class_name, self._when(phone.since),
                         phone.description or "", phone.by, key=phone.code)
        held.move_cursor(row=min(row, max(held.row_count - 1, 0)))
        self.query_one("#held-title", Static).update(f"Phones held now: {len(lists.held)}")
        self.held = lists.held
        self._show_detail()

        self.pending = lists.pending
        self.collect = lists.collect
        pending = self.query_one("#pending", DataTable)
        row = pending.cursor_row
        pending.clear()
        for task in lists.pending:
            reason = Text(task.reason)
            if task.went_home:  # first, so a narrow screen cuts the reason rather than this
                went = f"phone went home {self._when(task.went_home)}"
                reason = Text.assemble((went, self.app.palette.note_badge), " · ", reason)
            pending.add_row(task.pupil, task.class_name, self._when(task.since), reason, key=str(task.task_id))
        for phone in lists.collect:  # under the parents to tell: closed by releasing the phone, not by T
            pending.add_row(phone.pupil, phone.class_name, self._when(phone.since),
                            f"Confiscated ({phone.reason}): parent or carer to collect from {phone.location}",
                            key=f"collect-{phone.code}")
        pending.move_cursor(row=min(row, max(pending.row_count - 1, 0)))
        title = f"Parents still to tell: {len(lists.pending)}"
        if lists.collect:
            title += f" · Confiscated phones for a parent or carer to collect: {len(lists.collect)}"
        self.query_one("#pending-title", Static).update(
            title + ("  (select one, then press T)" if lists.pending else ""))
        self._show_pending_detail()

    def _when(self, moment) -> str:
        """Today's times as 09:05; older ones with the day, because they were left overnight (and the year, when
        they were left since before this school year)."""
        return short_time(moment, today(self.kiosk.database))

    @on(DataTable.RowHighlighted, "#held")
    def _show_detail(self) -> None:
        """The selected phone whole (at 80 columns the table cuts its description), and its ledger entry: the
        number `kiosk void` and V take."""
        table = self.query_one("#held", DataTable)
        detail = self.query_one("#held-detail", Static)
        if not self.held or table.cursor_row >= len(self.held):
            detail.update("V: void an entry by its number (the custody report's entry column) · C: cover badge")
            return
        phone = self.held[table.cursor_row]
        parts = [f"Entry {phone.entry}: {phone.pupil}'s phone, {phone.location} since {self._when(phone.since)}",
                 phone.description or "no description", f"{phone.status}: {phone.reason}" if phone.reason else "",
                 f"checked in by {phone.by}"]
        detail.update(" · ".join(filter(None, parts)))

    @on(DataTable.RowHighlighted, "#pending")
    def _show_pending_detail(self) -> None:
        """The selected task's reason whole: at 80 columns the table cuts it."""
        table = self.query_one("#pending", DataTable)
        detail = self.query_one("#pending-detail", Static)
        row = table.cursor_row
        if row < len(self.pending):
            task = self.pending[row]
            went = f"Phone went home {self._when(task.went_home)}. " if task.went_home else ""
            detail.update(f"{task.pupil}, {task.class_name}: {went}{task.reason}")
        elif row - len(self.pending) < len(self.collect):
            phone = self.collect[row - len(self.pending)]
            detail.update(f"{phone.pupil}, {phone.class_name}: confiscated ({phone.reason}); a parent or carer "
                          f"collects it from {phone.location}")
        else:
            detail.update("")

    def _show_cupboards(self, cupboards: list[CupboardCheck], covers=()) -> None:
        # The school's evidence of reasonable care: every cupboard holding phones confirmed locked today.
        area = self.query_one("#cupboards", Static)
        area.set_class(bool(cupboards), "-warning")
        cover = [f"Cover today: {c.name}, {c.class_name}, until {c.until:%H:%M} (code {c.code})." for c in covers]
        if not cupboards:
            area.update("\n".join(["Every cupboard holding phones has been confirmed locked today.", *cover]))
            return
        lines = []
        for check in cupboards:
            phones = plural(check.phones, "phone")
            last = f"last confirmed {check.locked_at:%H:%M}, before more phones went in" if check.locked_at \
                else "not confirmed locked today"
            lines.append(f"⚠ {check.location}: {phones}, {last}.")
        area.update("\n".join(lines + cover))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_print_still_held(self) -> None:
        self.kiosk.print_still_held()

    def action_print_queue(self) -> None:
        self.kiosk.show_print_queue()

    def action_told(self) -> None:
        table = self.query_one("#pending", DataTable)
        if self.pending and table.cursor_row >= len(self.pending):
            self.app.chime("refused")
            self.notify("That phone was confiscated: it is released when a parent or carer collects it (scan its "
                        "tag and give their name). Select a pupil above it to record that parents were told.",
                        severity="warning", timeout=10)
            return
        if not self.pending or table.cursor_row >= len(self.pending):
            self.app.chime("refused")
            self.notify("There are no parents left to tell." + (
                " The confiscated phones are released when a parent or carer collects them." if table.row_count
                else ""), severity="warning")
            return
        task = self.pending[table.cursor_row]
        self.app.push_screen(AskScreen(f"How were {task.pupil}'s parents told?", HOW_TOLD,
                                       "Or type it, e.g. phoned mum at 10:05"),
                             callback=lambda how: self._record_told(task, how))

    def _record_told(self, task: ParentsToTell, how: str | None) -> None:
        if how and not self.signed_out:
            self.record_told(task, how, self.kiosk.staff.code)

    @work(thread=True, group="told", exit_on_error=False)
    def record_told(self, task: ParentsToTell, how: str, staff_code: str) -> None:
        carry_out(self, "told", task.pupil, parents_told, self.kiosk.database, task.pupil_ref, staff_code, how)

    # --- corrections and cover badges ---------------------------------------------------------------

    def action_void(self) -> None:
        table = self.query_one("#held", DataTable)
        selected = self.held[table.cursor_row] if self.held and table.cursor_row < len(self.held) else None
        choices = (str(selected.entry),) if selected else ()
        about = f" The selected phone's is {selected.entry} ({selected.pupil})." if selected else ""
        self.app.push_screen(AskScreen(f"Void which entry? Type its number from the custody report.{about}", choices,
                                       "The entry number, e.g. 1042"), callback=self._void_which)

    def _void_which(self, entry: str | None) -> None:
        if entry:
            self.app.push_screen(AskScreen(f"Why is entry {entry} being voided? It stays in the record, marked as "
                                           "voided, and what it changed is put back.", (),
                                           "The reason, e.g. scanned the wrong pouch"),
                                 callback=partial(self._void_why, entry))

    def _void_why(self, entry: str, reason: str | None) -> None:
        if reason:
            self.void(entry, reason, self.kiosk.staff.code)

    @work(thread=True, group="void", exit_on_error=False)
    def void(self, entry: str, reason: str, staff_code: str) -> None:
        carry_out(self, "void", entry, void_entry, self.kiosk.database, entry, reason, staff_code)

    def action_cover(self) -> None:
        self.app.push_screen(AskScreen("A cover badge for one day: the cover teacher's first name and surname?", (),
                                       "e.g. Sam Jones"), callback=self._cover_who)

    def _cover_who(self, name: str | None) -> None:
        if name:
            self.app.push_screen(AskScreen(f"Which class is {name} covering today?", (), "The class, e.g. 6A"),
                                 callback=partial(self._cover_class, name))

    def _cover_class(self, name: str, class_name: str | None) -> None:
        if class_name:
            self.give_cover(name, class_name, self.kiosk.staff.code)

    @work(thread=True, group="cover", exit_on_error=False)
    def give_cover(self, name: str, class_name: str, staff_code: str) -> None:
        carry_out(self, "cover", name, give_cover_badge, self.kiosk.database, name, class_name, staff_code)

    def _cover_given(self, badge: CoverBadge) -> None:
        """The code and PIN are shown (and printed where a printer is set) this once: only the PIN's hash is kept."""
        printed = self.kiosk.print_cover_slip(badge)
        where = "The slip is printing." if printed else "Write them on a slip for them now: the PIN is not shown again."
        self.notify(f"{badge.name}, {badge.class_name}, until {badge.until:%H:%M}: code {badge.code}, PIN {badge.pin}. "
                    f"{where}", title="Cover badge", timeout=120)
        self.reload()
