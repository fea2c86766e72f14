"""The kiosk application and its factory: the CLI, the tests and the snapshots all build it with make_app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.signal import Signal
from textual.worker import Worker, WorkerState, get_current_worker

from db.core import CoverBadge, CustodyResult, Refused, StaffMember
from kiosk import backup_watch
from kiosk.backup_watch import RETRY_SECONDS, BackupStatus
from kiosk.config import Settings, config_file, settings_exposed
from kiosk.failures import sentence_for
from kiosk.live import LedgerWatch
from kiosk.print_queue import FAILED, PrintQueue, QueuedJob
from kiosk.screens.base import StaysUp
from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.theme import HIGH_CONTRAST, PALETTES, THEMES
from kiosk.work import Done, Failed, Refusal, carry_out

if TYPE_CHECKING:
    from db.core import Database
    from db.devices import LendResult
    from kiosk.printing import PrintJob

# What counts as someone using the kiosk. Mouse movement does not: a nudged mouse must not keep it unlocked.
ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
# What a failed job is called in the sentence that says it waits in the queue.
WAITS = {"tag": "The tag waits", "tags": "The tags wait", "receipt": "The receipt waits", "list": "The list waits",
         "slip": "The slip waits"}
SAME_FAILURE_SECONDS = 30  # a dead printer and a queue of receipts: say it once, not once per phone
# Told apart by ear as well as by colour: one ring for done, two for "done, but note this", three for refused.
RINGS = {"done": 1, "note": 2, "refused": 3}
RING_GAP_SECONDS = 0.3  # terminals run bells closer than this together into one


class KioskApp(StaysUp, App[None]):
    TITLE = "Custody Kiosk"
    CSS_PATH = "app.tcss"
    # The palette offers "Quit": a pupil at the keyboard must not find it.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        # Ctrl+Q is Textual's quit; on a kiosk it signs out instead (priority: it works inside any field).
        Binding("f10", "sign_out", "Sign out", key_display="F10", priority=True),
        Binding("ctrl+q", "sign_out", "Sign out", show=False, priority=True),
        Binding("ctrl+c", "close_kiosk", "Close the kiosk", show=False, priority=True, system=True),
        # Every key of the screen in use, for the person signed in: on any screen, at any width (80×24 has no room
        # in the footer for them all). "?" reaches it only while the field in use is empty (ScanField).
        Binding("f1", "help", "Help", key_display="?/F1", tooltip="This list of keys", priority=True),
        Binding("question_mark", "help", "Help", show=False, tooltip="This list of keys", priority=True),
    ]

    # Screens get -narrow below 100 columns: the footer leaves out the keys they mark WIDE_ONLY.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    cursor_blink = True  # snapshot tests set False on the instance so screenshots are stable

    @dataclass
    class PrintJobChanged(Message):
        """The print worker started, printed or failed a job."""

        job: QueuedJob

    def __init__(self, settings: Settings, database: Database | None = None, *,
                 clock: Callable[[], datetime] | None = None, printer: str | None = None,
                 sign_in_hint: str | None = None, backups: bool | None = None) -> None:
        super().__init__()
        chosen = THEMES[settings.theme]
        self.register_theme(chosen)
        self.theme = chosen.name
        self.palette = PALETTES[settings.theme]  # the theme's colours for table cells and charts
        self.settings = settings
        self.rings_due = 0  # rings of a pattern still to come (tests wait for them)
        self.sign_in_hint = sign_in_hint  # the demo's codes and PINs: the terminal hides what was printed
        self.database = database  # opened after the first frame when not given (see open_database)
        self.database_ready = threading.Event()
        self.database_problem: str | None = None
        self.clock = clock or (database.clock if database else (lambda: datetime.now(timezone.utc)))
        self._clock_given = clock is not None  # a test's: it stands in for the server's too (open_database)
        self.zone = ZoneInfo(settings.timezone)
        self.printer = printer or settings.printer  # a printer URI; None: printing says how to set one
        self.print_queue = PrintQueue(self.clock)
        self.print_queue_changed: Signal[PrintQueue] = Signal(self, "print-queue-changed")
        self._last_failure: tuple[str, float] = ("", 0.0)
        self._said_no_printer = False
        self.staff: StaffMember | None = None
        self._last_input = time.monotonic()
        # Other kiosks' writes, and whether the database can be reached (it may open after the first frame).
        self.live = LedgerWatch(self, lambda: self.database, self.database_back)
        if database is not None:
            self.database_ready.set()
        # The day's own backup: on for the school's kiosk (it opens its database itself), off for the demo and tests.
        self.backups_on = database is None if backups is None else backups
        self.backup_status = BackupStatus()
        self._backing_up = False
        self._backup_failed_at = -RETRY_SECONDS

    def on_mount(self) -> None:
        self.set_class(self.settings.theme == HIGH_CONTRAST, "-high-contrast")  # heavier borders (app.tcss)
        # Pushed rather than returned from get_default_screen: Textual loads a screen's CSS_PATH only when pushed.
        self.push_screen(SignInScreen())
        self.set_interval(1, lambda: self.lock_if_idle(time.monotonic()))
        if self.database is None:
            self.call_after_refresh(self.open_database)  # after the first frame: the import holds the GIL
        else:
            try:
                self.database_problem = damaged_file(self.database)
            except Exception as exc:  # noqa: BLE001 - the sign-in screen says it in one sentence
                self.database_problem = sentence_for(exc)
            self.live.start()
            if self.backups_on:
                self.start_backups()
        exposed = settings_exposed()
        if exposed:
            self.notify(exposed, title="Settings", severity="warning", timeout=30)

    def on_unmount(self) -> None:
        self.live.stop()

    def local_now(self) -> datetime:
        """Now in the school's time zone, from the injected clock (fixed in tests and snapshots)."""
        return self.clock().astimezone(self.zone)

    @work(thread=True, group="database", exit_on_error=False)
    def open_database(self) -> None:
        """Load the database layer and connect after the sign-in screen is up: SQLAlchemy costs half a second."""
        from db.core import Unreachable, open_database, require_ready

        settings = self.settings
        try:
            database = open_database(settings.database_url(), clock=self.clock if self._clock_given else None,
                                     kiosk_name=settings.kiosk_name,
                                     zone=settings.timezone, home_time=settings.home_time)
            require_ready(database)
            self.database = database
            self.database_problem = damaged_file(database)
        except Unreachable as exc:
            # Down at start-up: keep the connection details, so the watch notices when it is back (database_back).
            self.database, self.database_problem = database, str(exc)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the sign-in screen says so in one sentence
            self.database_problem = sentence_for(exc)
        finally:
            self.database_ready.set()
        if self.database is not None:
            self.live.start()
        if self.database is not None and self.backups_on:  # a server down now: the backup says so, and tries later
            self.call_from_thread(self.start_backups)
        if self.database_problem:
            self.call_from_thread(self._show_database_problem)

    def database_back(self) -> None:
        """The watch reached the database again (watch thread): a kiosk that started during an outage checks it."""
        from db.core import require_ready

        if self.database_problem is None:  # the watch runs only on a database that opened, or was unreachable
            return
        try:
            require_ready(self.database)
            self.database_problem = damaged_file(self.database)
        except Exception as exc:  # noqa: BLE001 - not set up, or gone again: the sign-in screen says which
            self.database_problem = sentence_for(exc)

    def _show_database_problem(self) -> None:
        if isinstance(self.screen, SignInScreen):
            self.chime("refused")
            self.screen.start_again(self.database_problem, refused=True)

    def chime(self, kind: str) -> None:
        """The bell pattern for a result (done, note or refused), spaced by timers; silent with sounds = false."""
        if not self.settings.sounds:
            return
        rings = RINGS[kind]
        self.bell()
        self.rings_due += rings - 1
        for ring in range(1, rings):
            self.set_timer(ring * RING_GAP_SECONDS, self._ring_again)

    def _ring_again(self) -> None:
        self.rings_due -= 1
        self.bell()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Workers post their own outcome (kiosk/work.py); one that failed outside that, a bug, is logged and said."""
        if event.state == WorkerState.ERROR:
            self.chime("refused")
            self.notify(sentence_for(event.worker.error), severity="error", timeout=15)

    def unexpected(self, error: Exception) -> None:
        """A bug in a handler, a timer or a dialog's answer: logged for IT, said in red, and the kiosk stays up."""
        self.chime("refused")
        self.notify(sentence_for(error, not_done="Not done"), title="Kiosk fault", severity="error", timeout=15)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self._last_input = time.monotonic()
        await super().on_event(event)

    # --- the day's backup ---------------------------------------------------------
    # Checked once a minute in a thread (the folder may be a slow network share); the copy itself reads one snapshot
    # of the database, so scanning carries on while it runs.

    def start_backups(self) -> None:
        self.set_interval(60, self.check_backups)
        self.check_backups()

    def check_backups(self) -> None:
        if not self._backing_up and self.database is not None:
            self._backing_up = True
            self.keep_backed_up()

    @work(thread=True, group="backup", exit_on_error=False)
    def keep_backed_up(self) -> None:
        may_try = time.monotonic() - self._backup_failed_at >= RETRY_SECONDS
        try:
            status = backup_watch.keep(self.database, self.settings, self.local_now(), self.backup_status, may_try)
        finally:
            self._backing_up = False
        if status.problem and may_try:
            self._backup_failed_at = time.monotonic()
        self.backup_status = status  # the status bar and the office screen read it at their next tick

    # --- who is signed in ---------------------------------------------------

    def signed_in(self, staff: StaffMember) -> None:
        from kiosk.screens.scan import ScanScreen  # the database layer is loaded by now

        self.staff = staff
        self._last_input = time.monotonic()
        self.push_screen(ScanScreen(staff))

    def sign_out(self, message: str) -> None:
        """Back to the sign-in screen, whatever was open on top of it.

        The screens' own timers and workers stop first: nothing of the last person's loads, reloads or is
        shown after they have gone (a list reloading for nobody was how the kiosk used to crash).
        """
        self.staff = None
        leaving = [screen for screen in self.screen_stack if not isinstance(screen, SignInScreen)]
        for screen in leaving:
            self.workers.cancel_node(screen)
            for node in screen.walk_children(with_self=True):
                for timer in list(node._timers):  # Textual keeps no public list of a node's timers
                    timer.stop()
        while len(self.screen_stack) > 1 and not isinstance(self.screen, SignInScreen):
            self.pop_screen()
        self.screen.start_again(message)

    def lock_if_idle(self, now: float) -> bool:
        """Lock the kiosk (sign out) when nobody has touched it for ``idle_lock_seconds``; True if it locked."""
        if self.staff is None or now - self._last_input < self.settings.idle_lock_seconds:
            return False
        minutes, seconds = divmod(self.settings.idle_lock_seconds, 60)
        idle = f"{minutes} min" if minutes and not seconds else f"{self.settings.idle_lock_seconds} s"
        self.sign_out(f"The kiosk locked itself after {idle} untouched: sign in again.")
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nobody to sign out on the sign-in screen: hide the key there.
        if action == "sign_out" and self.staff is None:
            return False
        return True

    def action_help(self) -> None:
        from kiosk.screens.help import HelpScreen, keys_for

        if isinstance(self.screen, HelpScreen):  # ? or F1 again closes it
            self.screen.dismiss(None)
            return
        who = f"Keys for {self.staff.name}" if self.staff is not None else "Keys"
        where = getattr(self.screen, "HELP_TITLE", "")
        self.push_screen(HelpScreen(f"{who}{' · ' + where if where else ''}", keys_for(self.screen)))

    def action_sign_out(self) -> None:
        if self.staff is not None:
            self.sign_out(f"{self.staff.name} signed out.")

    def action_close_kiosk(self) -> None:
        """Closing needs a signed-in member of staff and a second answer: pupils press keys too."""
        if self.staff is None:
            self.notify("Sign in first, then press Ctrl+C to close the kiosk.", severity="warning")
            return
        if isinstance(self.screen, ConfirmScreen):
            return
        self.push_screen(ConfirmScreen("Close Custody Kiosk? Nobody can scan phones here until it is started again.",
                                       yes="Close the kiosk", no="Keep it open"),
                         callback=lambda close: self.exit() if close else None)

    # --- printing -------------------------------------------------------------
    # Printing never holds up a scan: the custody action is saved first, on its own; the job is made in one
    # thread worker and sent in another, one job at a time, and a failed job waits in the queue (F9).

    def printer_problem(self) -> str | None:
        """Why nothing can be printed (no printer set, or an address that cannot work), or None."""
        if not self.printer:
            return (f'No printer is set up for this kiosk: add printer = "tcp://192.168.1.50" (your printer\'s '
                    f"address) to {config_file()} or set KIOSK_PRINTER, then start the kiosk again.")
        from kiosk.printing import check_printer  # no escpos: only the address is parsed

        try:
            check_printer(self.printer)
        except Refused as exc:
            return str(exc)
        return None

    def print_tag(self, code: str) -> bool:
        """Queue one tag; False (and a sentence) if there is no printer to print it on."""
        from kiosk import printing  # the database layer is loaded by the time anyone prints

        return self._queue_job("tag", partial(printing.tags_job, paper=self.settings.paper, code=code))

    def print_class_tags(self, class_name: str) -> bool:
        from kiosk import printing

        return self._queue_job("tags", partial(printing.tags_job, paper=self.settings.paper, class_name=class_name))

    def print_still_held(self) -> bool:
        from kiosk import printing

        return self._queue_job("list", partial(printing.still_held_job, paper=self.settings.paper,
                                                     by=self.staff.code, anchors=self.settings.backups()))

    def print_receipt(self, result: CustodyResult) -> bool:
        """A check-in slip; with no printer, said once rather than at every scan."""
        from kiosk import printing

        paper = self.settings.paper
        return self._queue_job("receipt", lambda _database: printing.check_in_receipt_job(result, paper),
                               say_once=True)

    def print_cover_slip(self, badge: CoverBadge) -> bool:
        """A cover teacher's slip (code and PIN) when a printer is set; the office screen shows them either way."""
        from kiosk import printing

        if self.printer_problem():
            return False
        paper = self.settings.paper
        return self._queue_job("slip", lambda _database: printing.cover_slip_job(badge, paper))

    def print_no_photo_slip(self, lent: LendResult) -> bool:
        """The do-not-photograph slip that goes with a lent device: the list shown on screen at the lending (R3, R5)."""
        from kiosk import printing

        loan, paper = lent.loan, self.settings.paper
        return self._queue_job("slip", lambda database: printing.no_photo_slip_job(
            database, loan.class_name, paper, device=loan.device, at=f"Lent {loan.out:%H:%M %a %d %b} to {loan.staff}",
            listing=lent.no_photo))

    def _queue_job(self, kind: str, make: Callable[[Database], PrintJob], say_once: bool = False) -> bool:
        problem = self.printer_problem()
        if problem:
            if not (say_once and self._said_no_printer):
                self.notify(problem, title="Nothing printed", severity="warning", timeout=12)
            self._said_no_printer = self._said_no_printer or say_once
            return False
        self.make_print_job(kind, self.printer, make)
        return True

    @work(thread=True, group="print-jobs", exit_on_error=False)
    def make_print_job(self, kind: str, printer: str, make: Callable[[Database], PrintJob]) -> None:
        """Read the data and lay out the job off the event loop (the first job imports python-escpos)."""
        carry_out(self, "print-job", (kind, printer), make, self.database, not_done="Not printed")

    def on_done(self, message: Done) -> None:
        """A job's bytes are made: it goes into the queue (the app's only worker that posts back)."""
        kind, printer = message.key
        queued = self.print_queue.submit(message.value, printer, kind)
        if kind != "receipt":  # a slip per phone at scanner speed would bury the screen in messages
            self.notify(f"Printing: {queued.title}.", timeout=4)
        self.print_queue_changed.publish(self.print_queue)
        self.start_printing()

    @on(Refusal)
    @on(Failed)
    def nothing_printed(self, message: Refusal | Failed) -> None:
        self.chime("refused")
        self.notify(message.sentence, title="Nothing printed", severity="error", timeout=10)

    @work(thread=True, group="print", exit_on_error=False)
    def start_printing(self) -> None:
        """Print whatever waits, one job at a time; if a job is printing already, its worker takes the rest."""
        from kiosk.printing import send

        worker = get_current_worker()
        while not worker.is_cancelled and (queued := self.print_queue.start_next()) is not None:
            self.post_message(self.PrintJobChanged(queued))
            try:
                send(queued.job, queued.printer)
                problem = None
            except Exception as exc:  # noqa: BLE001 - whatever the printer library did, the job waits and says why
                problem = sentence_for(exc, not_done="Not printed")
            done = self.print_queue.finish(queued.id, problem)
            if done is not None:
                self.post_message(self.PrintJobChanged(done))

    def on_kiosk_app_print_job_changed(self, message: PrintJobChanged) -> None:
        self.print_queue_changed.publish(self.print_queue)
        job = message.job
        if job.state != FAILED:
            return
        saved = "Saved. " if job.kind == "receipt" else ""  # the check-in itself is in the record
        sentence = f"{saved}{job.problem} {WAITS.get(job.kind, 'It waits')} in the print queue (F9)."
        if job.kind == "receipt":
            last, when = self._last_failure
            if job.problem == last and time.monotonic() - when < SAME_FAILURE_SECONDS:
                return
            self._last_failure = (job.problem, time.monotonic())
        self.notify(sentence, title="Not printed", severity="warning", timeout=15)

    def show_print_queue(self) -> None:
        from kiosk.screens.print_queue import PrintQueueScreen

        if not isinstance(self.screen, PrintQueueScreen):
            self.push_screen(PrintQueueScreen())


# Said at sign-in when SQLite's own check finds the file damaged: nothing is scanned into it.
DAMAGED_AT_START = ("The kiosk's database file is damaged, so nothing can be recorded on it: tell IT to restore the "
                    "last backup (`kiosk restore --list` shows them).")


def damaged_file(database: Database) -> str | None:
    """SQLite's quick check of the file at start-up: the sentence that stops sign-in, or None for a sound file."""
    from db.records import file_damage

    return DAMAGED_AT_START if file_damage(database) else None


def make_app(settings: Settings, *, database: Database | None = None, clock: Callable[[], datetime] | None = None,
             printer: str | None = None, sign_in_hint: str | None = None, backups: bool | None = None) -> KioskApp:
    """Build the kiosk; tests pass their own database (with a fixed clock) and printer address.

    ``printer`` overrides ``settings.printer`` (a URI such as tcp://192.168.1.50 or file:/dev/usb/lp0).

    Without a database the app opens ``settings.database_url()`` itself, after its first frame, and makes the day's
    backup by itself; ``backups`` says otherwise (a test of the backups passes its database and True).
    """
    return KioskApp(settings, database, clock=clock, printer=printer, sign_in_hint=sign_in_hint, backups=backups)
