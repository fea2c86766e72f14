"""The scan screen: one always-focused field, one big result, today's phones underneath."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from functools import partial

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from db.core import (
    UNDO_MINUTES,
    AnswerNeeded,
    ClassPhone,
    CupboardCheck,
    CustodyResult,
    Database,
    HeldPhoneRow,
    Outcome,
    ParentNeeded,
    StaffMember,
    TagInfo,
    may,
    plural,
    short_time,
    today,
)
from db.devices import DeviceInfo
from db.phones import (
    PhoneNotIn,
    StockPlace,
    class_cupboard,
    class_phones_today,
    cupboard_locked,
    phones_held,
    phones_not_in,
)
from kiosk.live import when_ledger_changes
from kiosk.scan import ScanMode, read_scan
from kiosk.screens.ask import AskScreen
from kiosk.screens.base import KioskScreen
from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.device import DeviceScreen
from kiosk.screens.find_pupil import FindPupilScreen
from kiosk.screens.office import OfficeScreen
from kiosk.screens.scan_corrections import UndoAndConfiscate
from kiosk.screens.scan_printing import TagPrinting
from kiosk.screens.stock_take import StockTakeScreen
from kiosk.screens.tag_preview import TagPreviewScreen
from kiosk.widgets.footer import KioskFooter
from kiosk.widgets.mode_switch import ModeSwitch
from kiosk.widgets.result_panel import ResultPanel
from kiosk.widgets.scan_field import ScanField
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.table import KioskTable
from kiosk.work import Done, Failed, Refusal, carry_out

NOON = time(12, 0)  # before noon the kiosk starts in morning check-in, after it in home-time hand-back
NARROW, NARROW_PHONE = 100, 18  # below 100 columns the list's phone descriptions wrap in 18 columns
NARROW_CLASS_PHONE = 14  # a class teacher's list has one column fewer but a wider "Back" ("left overnight")
LIST_AFTER_SECONDS = 0.25  # the list under the panel catches up this soon after the last scan
HAND_BACK_REASONS = ("Early leaver", "Appointment", "Collected by parent")
READY = {
    ScanMode.MORNING: ("Scan a phone", "Morning check-in: scan the tag on each phone pouch as it is handed in."),
    ScanMode.HOME_TIME: ("Scan to hand back",
                         "Home-time: scan the pouch, then give the phone to the pupil named here."),
}


class ScanScreen(UndoAndConfiscate, TagPrinting, KioskScreen, Screen):
    CSS_PATH = "scan.tcss"
    AUTO_FOCUS = "#scan"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # 80×24 gets a tighter layout
    BINDINGS = [
        # The tooltip is the sentence the help (? or F1) gives for the key.
        Binding("f2", "office", "Office", key_display="F2",
                tooltip="The office screen: phones held, parents to tell, voiding an entry, cover badges"),
        Binding("f3", "find_pupil", "Find pupil", key_display="F3",
                tooltip="Find a pupil by part of their name and give their phone a tag"),
        Binding("f4", "cupboard_locked", "Cupboard locked", key_display="F4",
                tooltip="Say the class cupboard is locked"),
        Binding("f5", "mode('morning')", "Morning", show=False, tooltip="Morning check-in: scanning checks phones in"),
        Binding("f6", "mode('home-time')", "Home-time", show=False,
                tooltip="Home-time hand-back: scanning hands phones back"),
        Binding("f7", "print_class_tags", "Class tags", key_display="F7",
                tooltip="Print a class's phone tags (asks first, with the count)"),
        Binding("f8", "reprint_tag", "Reprint tag", key_display="F8",
                tooltip="Print again the tag of the phone just scanned"),
        Binding("f9", "print_queue", "Print queue", key_display="F9",
                tooltip="The print queue: what is printing, and jobs that failed"),
        Binding("f12", "confiscate", "Confiscate", key_display="F12",
                tooltip="Confiscate a phone (kept until a parent or carer collects it)"),
        # F11 is a class teacher's "Not in yet" and the leadership's review (for whom it is shown): the cameras and
        # iPads first, R there switches to the phone rules.
        Binding("f11", "not_in_yet", "Not in", key_display="F11",
                tooltip="Switch the list between today's phones and the pupils whose phone is not in yet"),
        Binding("f11", "devices_review", "Review", key_display="F11",
                tooltip="The leadership's review: the school's cameras and iPads, and (R there) the phone rules"),
        # Every F-key is taken, so the stock-take has Ctrl+T, listed by ? or F1; scanning a cupboard's or the
        # office's location tag starts one too, which is how it is meant to be used.
        Binding("ctrl+t", "stock_take", "Stock-take", key_display="Ctrl+T", show=False,
                tooltip="Stock-take: scan a cupboard's or the office's location tag, then every phone in it"),
        # U undoes the signed-in person's last scan, only while the scan field is empty (it passes the letter on
        # then): a code typed by hand may still contain a U.
        Binding("u,U", "undo", "Undo my last scan", key_display="U", show=False, priority=True,
                tooltip=f"Undo your last scan (within {UNDO_MINUTES} minutes, with a reason)"),
    ]
    # Below 100 columns the footer keeps the keys used every day; F7, F8 and F12 still work there (the print
    # queue screen names F7).

    mode: reactive[ScanMode] = reactive(ScanMode.MORNING, init=False)

    WIDE_ONLY = ("print_class_tags", "confiscate", "reprint_tag")  # at 80 columns a teacher's F11 takes F8's place

    @property
    def FOOTER_HIDES(self) -> tuple[str, ...]:  # noqa: N802 - read by KioskFooter like WIDE_ONLY
        """Keys that still work but stay out of the footer, so that F10 Sign out always fits.

        The leadership's F11 takes F8's place; the status bar names F9 whenever the print queue holds anything.
        """
        return ("print_queue",) + (("reprint_tag",) if may(self.staff, "review") else ())

    PHONE_KEYS = ("find_pupil", "cupboard_locked", "mode", "print_class_tags", "reprint_tag", "confiscate",
                  "not_in_yet", "undo", "stock_take")

    def offers(self, action: str) -> bool:
        """F2 for the office and the leadership, F11's review for the leadership; phone keys for those with phones."""
        if action == "office":
            return may(self.staff, "office")
        if action == "devices_review":
            return may(self.staff, "review")
        if action.split("(")[0] in self.PHONE_KEYS:
            return may(self.staff, "phones")
        return True

    def __init__(self, staff: StaffMember) -> None:
        super().__init__()
        self.staff = staff  # fixed for this screen's life: signing out closes it
        self._seq = 0  # the newest scan started
        self._shown = 0  # the newest scan whose outcome is on the panel
        self._listing = False
        self._list_again = False
        self._reload_timer: Timer | None = None
        self._last_code: tuple[int, str] | None = None  # (seq, code) of the newest scan that was recorded
        self._wrap_phone = False  # the office's and leadership's list at 80 columns: phone descriptions wrap
        self._not_in = False  # a class teacher's list shows the tagged pupils whose phones are not in yet (F11)

    def compose(self) -> ComposeResult:
        yield StatusBar()
        yield ModeSwitch()
        field = ScanField(id="scan", one_per_enter=True,
                          placeholder="Scan a tag (phone pouch, camera or iPad), or type the code under the QR")
        field.pass_when_empty = ("u", "U")
        yield field
        yield ResultPanel(id="result")
        yield Static(id="phones-title", markup=False)
        table = KioskTable(id="phones", cursor_type="none", zebra_stripes=True)
        table.can_focus = False  # a click on the list must not take focus from the scan field
        yield table
        yield KioskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#phones", DataTable)
        # Below 100 columns the description wraps in a narrower column rather than being cut at the edge.
        self._wrap_phone = self.app.size.width < NARROW
        if self.staff.class_name:
            self._class_columns(table)
        else:
            table.add_columns("Pupil", "Class", "Where", "Since", "Status")
            table.add_column("Phone", width=NARROW_PHONE if self._wrap_phone else None)
        database = self.kiosk.database
        morning = database.local(database.now()).time() < NOON
        self.set_reactive(ScanScreen.mode, ScanMode.MORNING if morning else ScanMode.HOME_TIME)
        self.watch_mode(self.mode)
        self.refresh_phones()
        when_ledger_changes(self, self.refresh_phones)  # a colleague's scan at another kiosk shows in the list too

    def watch_mode(self, mode: ScanMode) -> None:
        self.query_one(ModeSwitch).show(mode)
        self.query_one(ResultPanel).show_ready(*READY[mode])
        self._shown = self._seq  # a result still on its way belongs to the other mode: don't show it
        self.focus_scan()

    def focus_scan(self) -> None:
        self.query_one("#scan", ScanField).focus()

    def on_screen_resume(self) -> None:
        self.focus_scan()
        self.refresh_phones()

    def action_mode(self, mode: str) -> None:
        self.mode = ScanMode(mode)

    def on_mode_switch_chosen(self, message: ModeSwitch.Chosen) -> None:
        self.mode = ScanMode(message.mode)
        self.focus_scan()

    # --- scanning ---------------------------------------------------------

    @on(Input.Submitted, "#scan")
    def scanned(self, event: Input.Submitted) -> None:
        text = event.value  # the field has taken it out already: the scanner may be typing the next code
        if text.strip():
            self.start_scan(text, self.mode)

    def start_scan(self, text: str, mode: ScanMode, reason: str | None = None, to: str | None = None) -> None:
        self._seq += 1
        self.scan(self._seq, text, mode, self.staff.code, reason, to)

    @work(thread=True, group="scan", exit_on_error=False)
    def scan(self, seq: int, text: str, mode: ScanMode, staff_code: str, reason: str | None, to: str | None) -> None:
        # Not exclusive: an exclusive worker would cancel the previous scan at scanner speed.
        carry_out(self, "scan", (seq, text), read_scan, self.kiosk.database, text, staff_code, mode, reason, to)

    def on_done(self, message: Done) -> None:
        """Each worker's answer; ``key`` starts with the sequence number for anything shown on the panel."""
        match message.task:
            case "scan" if isinstance(message.value, DeviceInfo):
                self._device_scanned(message.key[0], message.value)
            case "scan" if isinstance(message.value, StockPlace):
                self._stock_place_scanned(message.key[0], message.value)
            case "scan":
                self._scanned(message.key[0], message.value)
            case "cupboard":
                self.query_one(ResultPanel).show_cupboard_locked(message.value, self.staff.name)
                self._shown = max(self._shown, message.key[0])
                self.refresh_phones_soon()  # the list's heading stops warning about the cupboard
            case "phones":
                self._fill_table(message.value)
                self._listed()
            case "undo-offer":
                self._offer_undo(message.value)
            case "undo":
                done = message.value
                self.query_one(ResultPanel).show("-note", "Undone", f"{done.what}: voided (entry {done.entry}).",
                                                 done.outcome)
                self._shown = max(self._shown, message.key[0])
                self.refresh_phones_soon()
            case "confiscate-who":
                self._confiscate_why_ask(message.key[1], *message.value)
            case "tag-count":
                self._ask_to_print_class(message.key[1], message.value)
            case "tag":
                tag = message.value
                self.app.push_screen(TagPreviewScreen(tag), callback=lambda yes: self._previewed(tag, yes))

    def on_refusal(self, message: Refusal) -> None:
        if isinstance(message.refusal, AnswerNeeded):  # a hand-back the kiosk finishes by asking one more thing
            self._ask(message.key[1], message.refusal)
        else:
            self.not_done(message)

    def on_failed(self, message: Failed) -> None:
        self.not_done(message)

    def not_done(self, message: Refusal | Failed) -> None:
        """Red, with the bell; nothing is shown as saved. A list that could not load keeps what it showed."""
        if message.task == "phones":
            self._listed()
            return
        if message.task in ("tag", "tag-count"):
            self.app.chime("refused")
            self.notify(message.sentence, title="Nothing printed", severity="error")
            return
        seq = message.key[0]
        if message.task == "scan" and seq <= self._shown:  # an earlier scan failed after a later one succeeded
            self.app.chime("refused")
            self.notify(message.sentence, title="An earlier scan was not recorded", severity="error", timeout=10)
        else:
            self.query_one(ResultPanel).show_refused(message.sentence)
        self._shown = max(self._shown, seq)

    def _scanned(self, seq: int, result: CustodyResult) -> None:
        if seq > self._shown:
            panel = self.query_one(ResultPanel)
            if result.outcome == Outcome.HANDED_BACK:
                panel.show_handed_back(result)
            elif result.outcome == Outcome.CONFISCATED:
                panel.show_confiscated(result)
            elif result.outcome == Outcome.RELEASED:
                panel.show_released(result)
            else:
                panel.show_checked_in(result)
        self._shown = max(self._shown, seq)
        if self._last_code is None or seq > self._last_code[0]:
            self._last_code = (seq, result.code)
        if result.outcome in (Outcome.CUPBOARD, Outcome.OFFICE) and self.kiosk.settings.receipt_on_check_in:
            self.kiosk.print_receipt(result)  # the check-in is saved already: printing cannot undo it
        self.refresh_phones_soon()

    def _device_scanned(self, seq: int, info: DeviceInfo) -> None:
        if seq <= self._shown:  # a phone scanned after it has already answered: stay on the scan
            return
        self._shown = seq
        self.app.push_screen(DeviceScreen(self.staff, info), callback=self._device_done)

    def _stock_place_scanned(self, seq: int, place: StockPlace) -> None:
        """A cupboard's or the office's location tag: its stock-take starts (nothing is recorded until F4)."""
        if seq <= self._shown:
            return
        self._shown = seq
        self.app.push_screen(StockTakeScreen(self.staff, place), callback=self._device_done)

    def action_stock_take(self) -> None:
        if self._for_phones():
            self.app.push_screen(StockTakeScreen(self.staff), callback=self._device_done)

    def _device_done(self, summary: str | None) -> None:
        if summary:
            self.query_one(ResultPanel).show_ready(READY[self.mode][0], summary)
        self.focus_scan()

    def _ask(self, text: str, question: AnswerNeeded) -> None:
        """Ask why a phone goes home early, or which parent or carer collects a confiscated one; then try again."""
        if isinstance(question, ParentNeeded):
            self.app.chime("note")  # the pupil asked for a confiscated phone: make the adult look
            box = AskScreen(f"{question}\n\nWho is collecting {question.pupil}'s phone?", (),
                            "The parent or carer's name, e.g. Mrs Khan (mum)")
            answer, still_held = "to", "Cancelled: the confiscated phone is still held."
        else:
            home = self.kiosk.database.home_time
            box = AskScreen(f"It is before home-time ({home:%H:%M}). Why is {question.pupil}'s phone being handed "
                            "back early?", HAND_BACK_REASONS, "Or type the reason, e.g. dentist at 14:00")
            answer, still_held = "reason", "Cancelled: the phone is still held."
        self.app.push_screen(box, callback=partial(self._answered, text, answer, still_held))

    def _answered(self, text: str, answer: str, still_held: str, given: str | None) -> None:
        if given:
            self.start_scan(text, ScanMode.HOME_TIME, **{answer: given})
        else:
            self.query_one(ResultPanel).show_ready("Not handed back", still_held)
        self.focus_scan()

    # --- today's phones ---------------------------------------------------

    def refresh_phones_soon(self) -> None:
        """Reload the list once the scanner pauses: at scanner speed, one reload for a burst of scans."""
        if self._reload_timer is not None:
            self._reload_timer.stop()
        self._reload_timer = self.set_timer(LIST_AFTER_SECONDS, self.refresh_phones)

    def refresh_phones(self) -> None:
        """Reload the list; scans arriving while it loads ask for one more load, not one each."""
        self._reload_timer = None
        if self.signed_out:  # this screen is closing: the next person's screen lists their own phones
            return
        if self._listing:
            self._list_again = True
            return
        self._listing = True
        self.list_phones(self.staff)

    @work(thread=True, group="phones", exit_on_error=False)
    def list_phones(self, staff: StaffMember) -> None:
        carry_out(self, "phones", self._not_in, phones_for, self.kiosk.database, staff, self._not_in)

    def _listed(self) -> None:
        self._listing = False
        if self._list_again:
            self._list_again = False
            self.refresh_phones()

    def _class_columns(self, table: DataTable) -> None:
        # The free-text description goes last: on a narrow screen it is the column that gets cut.
        table.clear(columns=True)
        if self._not_in:
            table.add_columns("Pupil", "Phone", "Tag")
        else:
            table.add_columns("Pupil", "Where", "In", "Back")
            table.add_column("Phone", width=NARROW_CLASS_PHONE if self._wrap_phone else None)

    def _fill_table(self, rows: ClassList | list[HeldPhoneRow]) -> None:
        table = self.query_one("#phones", DataTable)
        table.clear()
        title = self.query_one("#phones-title", Static)
        if isinstance(rows, ClassList):
            self._fill_class(table, title, rows)
        else:
            title.update(f"Every phone held now: {len(rows)}")
            for row in rows:
                status = Text(row.status, style=self.app.palette.held.get(row.status, ""))
                # A phone held since an earlier day (confiscated, left overnight) shows that day.
                since = short_time(row.since, today(self.kiosk.database))
                table.add_row(row.pupil, row.class_name, row.location, since, status,
                              row.description or "", key=row.code, height=None if self._wrap_phone else 1)

    def _fill_class(self, table: DataTable, title: Static, listed: ClassList) -> None:
        """A class teacher's list: today's phones and those left overnight, or (F11) the phones not in yet."""
        class_name = self.staff.class_name
        if listed.not_in is not None:
            if not self._not_in:  # the answer to a list the teacher has since switched away from
                return
            title.update(_with_cupboard(f"{class_name}: {plural(len(listed.not_in), 'tagged pupil')} whose phone "
                                        "is not in yet (F11: back to today's phones)", listed.cupboard,
                                        self.app.palette.note_badge))
            for pupil in listed.not_in:
                table.add_row(pupil.pupil, pupil.description or "", pupil.code)
            return
        if self._not_in:
            return
        today_rows = [row for row in listed.phones if not row.left_overnight]
        overnight = len(listed.phones) - len(today_rows)
        back = sum(1 for row in today_rows if row.handed_back)
        heading = f"{class_name}'s phones today: {len(today_rows)} in, {back} handed back"
        if overnight:
            heading += f"; {overnight} left overnight (scan each to check it in)"
        title.update(_with_cupboard(heading, listed.cupboard, self.app.palette.note_badge))
        height = None if self._wrap_phone else 1
        for row in listed.phones:
            if row.left_overnight:
                badge = self.app.palette.note_badge
                table.add_row(row.pupil, row.location, Text(f"{row.checked_in:%a %H:%M}", style=badge),
                              Text("left overnight", style=badge), row.description or "", height=height)
            else:
                table.add_row(row.pupil, row.location, f"{row.checked_in:%H:%M}",
                              f"{row.handed_back:%H:%M}" if row.handed_back else "", row.description or "",
                              height=height)

    # --- keys -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "not_in_yet":  # a class's list: anyone else's F11 is the devices review
            return bool(self.staff.class_name)
        if action == "undo":  # the letter belongs to the scan field once something is typed there
            return not self.query_one("#scan", ScanField).value
        return super().check_action(action, parameters)

    def action_not_in_yet(self) -> None:
        """Switch the list under the panel between today's phones and the class's phones not in yet."""
        if not self.staff.class_name:
            raise SkipAction()
        self._not_in = not self._not_in
        self._class_columns(self.query_one("#phones", DataTable))
        self.query_one("#phones-title", Static).update("Loading…")
        self.refresh_phones()
        self.focus_scan()

    def action_office(self) -> None:
        if may(self.staff, "office"):
            self.app.push_screen(OfficeScreen())
            return
        self._not_for_you("The office screen is for office staff and the leadership team: ask the office for "
                          "what it shows (phones held, parents to tell).")

    def action_devices_review(self) -> None:
        if may(self.staff, "review"):
            self._open_review("devices")
            return
        self._not_for_you("The review of the school's cameras and iPads and of the phone rules is for the "
                          "leadership team: ask a member of SLT.")

    def _open_review(self, view: str | None) -> None:
        """The leadership's review: its devices view or its phone-rules view. Each view closes with the name of the
        other when R is pressed there (None for Esc), so the two screens never import each other."""
        if view is None:
            return
        if view == "devices":
            from kiosk.screens.devices_review import DevicesReviewScreen as View  # plotext loads only for the review
        else:
            from kiosk.screens.phone_rules import PhoneRulesScreen as View
        self.app.push_screen(View(), self._open_review)

    def _not_for_you(self, why: str) -> None:
        """A key this person has no use for, pressed anyway: said in the note colour, no bell (nothing went wrong)."""
        self.query_one(ResultPanel).show("-note", "Not on your keys", f"{why} Press ? or F1 for your keys.")
        self._shown = self._seq

    def _for_phones(self) -> bool:
        """Phone keys (F3, F4, F7, F12) pressed by someone with no phones to look after (an administrator)."""
        if may(self.staff, "phones"):
            return True
        self._not_for_you("Phones are for teachers, office staff and the leadership team.")
        return False

    def action_find_pupil(self) -> None:
        if not self._for_phones():
            return
        self.app.push_screen(FindPupilScreen(), callback=self._tag_issued)

    def _tag_issued(self, tag: TagInfo | None) -> None:
        if tag is not None:
            where = "put the printed tag on the pouch, or write" if self.kiosk.printer else "write"
            self.query_one(ResultPanel).show_ready(
                f"New tag {tag.code}", f"For {tag.label}: {where} {tag.code} on the pouch, then scan it when the "
                "phone is handed in.")
            self._shown = self._seq
            # The phone is usually in the teacher's hand: offer to check it in now rather than leave it unrecorded.
            self.app.push_screen(ConfirmScreen(f"Check {tag.label}'s phone in now?\n\nThe new tag is {tag.code}: "
                                               "the phone is recorded as handed in, as if its tag had been scanned.",
                                               yes="Check it in now", no="Not now", offer=True),
                                 callback=partial(self._check_in_new_tag, tag))
        self.focus_scan()

    def _check_in_new_tag(self, tag: TagInfo, now: bool) -> None:
        if now and not self.signed_out:
            self.start_scan(tag.code, ScanMode.MORNING)
        self.focus_scan()

    def action_cupboard_locked(self) -> None:
        if not self._for_phones():
            return
        if self.staff.class_name:
            self._lock(self.staff.class_name)
            return
        self.app.push_screen(AskScreen("Which class's cupboard have you locked?", placeholder="The class, e.g. 6A"),
                             callback=self._lock)

    def _lock(self, class_name: str | None) -> None:
        if class_name:
            self._seq += 1
            self.lock_cupboard(self._seq, class_name, self.staff.code)
        self.focus_scan()

    @work(thread=True, group="cupboard", exit_on_error=False)
    def lock_cupboard(self, seq: int, class_name: str, staff_code: str) -> None:
        carry_out(self, "cupboard", (seq, class_name), cupboard_locked, self.kiosk.database, class_name, staff_code)


@dataclass(frozen=True)
class ClassList:
    """What a class teacher's screen lists: today's phones (and those left overnight), or the phones not in yet;
    and the class cupboard when it is not confirmed locked."""

    phones: list[ClassPhone]
    not_in: list[PhoneNotIn] | None
    cupboard: CupboardCheck | None


def phones_for(database: Database, staff: StaffMember, not_in: bool = False) -> ClassList | list[HeldPhoneRow]:
    """The list under the panel: a teacher's class today; every phone held for the office and leadership."""
    if staff.class_name:
        cupboard = class_cupboard(database, staff.class_name, by=staff.code)
        if not_in:
            return ClassList([], phones_not_in(database, staff.class_name, by=staff.code), cupboard)
        return ClassList(class_phones_today(database, staff.class_name, by=staff.code), None, cupboard)
    return phones_held(database, by=staff.code) if may(staff, "office") else []  # an administrator has none


def _with_cupboard(heading: str, cupboard: CupboardCheck | None, badge: str) -> Text:
    """The list's heading, and the class cupboard's warning after it when it holds phones not confirmed locked."""
    text = Text(heading)
    if cupboard is not None:
        text.append("   ")
        text.append(f"⚠ {cupboard.location} not confirmed locked: F4 once it is", style=badge)
    return text
