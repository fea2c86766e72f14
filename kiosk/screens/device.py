"""A school camera or iPad, scanned: lend it (showing and printing the class's do-not-photograph list), take it
back with the number of images taken, and confirm its images are on the school Drive (R3, R4, R5).

The scan screen opens this when a device tag is scanned. The top panel says what state the device is in, and
then what happened (green done, amber look twice, red refused with the bell); below it is the one next step.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Input, Label, ProgressBar, Static
from textual.worker import get_current_worker

from db import devices
from db.core import DeviceStatus, StaffMember, plural, when
from db.devices import DeviceInfo, FewerFound, LendResult, Loan, NoPhotoPupil, UploadResult
from kiosk.screens.ask import AskScreen
from kiosk.screens.base import KioskScreen
from kiosk.widgets.footer import KioskFooter
from kiosk.widgets.result_panel import ResultPanel
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.tick_box import TickBox
from kiosk.work import Done, Failed, Refusal, carry_out
from photos import Progress

PURPOSES = ("Trip", "PE", "Class photos", "Assembly")
NOTES_SHOWN = 8  # files the folder check could not read: the first few, then a count
KIND_WORDS = {"ipad": "iPad", "camera": "camera", "phone": "phone"}
FEWER_FOUND_REASONS = ("Blurred or repeated images deleted", "Miscounted at the return")


def clean_folder(text: str) -> str:
    """The folder as typed or pasted: Windows' "Copy as path" puts quotes round it."""
    return text.strip().strip('"').strip("'").strip()


class DeviceScreen(KioskScreen, Screen[str | None]):
    """Returns a one-line summary of what was done, for the scan screen's panel (None if nothing was)."""

    CSS_PATH = "device.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("escape", "back", "Back to scanning", key_display="Esc"),
        # At 80×24 the do-not-photograph lists can be longer than the screen: the arrows scroll them, whichever
        # button has the focus.
        Binding("down,pagedown", "scroll_step(1)", "Scroll down", show=False,
                tooltip="Scroll the lists on this screen down (the do-not-photograph lists)"),
        Binding("up,pageup", "scroll_step(-1)", "Scroll up", show=False, tooltip="Scroll them back up"),
    ]

    @dataclass
    class Progressed(Message):
        """How far the folder check has got."""

        progress: Progress

    def __init__(self, staff: StaffMember, info: DeviceInfo) -> None:
        super().__init__()
        self.staff = staff
        self.info = info
        self.summary: str | None = None  # what the scan screen says once this closes
        self.listing_text = ""  # the do-not-photograph list in plain words (what a test or a screen reader reads)
        self._stop = threading.Event()  # the Stop button: the folder check ends at its next file
        self._busy = False  # a second Enter while the first is saving must not lend (or return) twice

    # --- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusBar("School camera or iPad")
        yield Static(id="device", markup=False)
        yield ResultPanel(id="state")
        with ContentSwitcher(id="steps"):
            with Vertical(id="lend"):
                with Horizontal(classes="row"):
                    yield Label("Class", classes="label")
                    yield Input(self.staff.class_name or "", id="class", placeholder="e.g. 4B", max_length=32)
                with Horizontal(classes="row"):
                    yield Label("What for", classes="label")
                    yield Input(id="purpose", placeholder="Choose below, or type it, e.g. trip to the museum",
                                select_on_focus=False,  # a key typed on a button after Tab adds to it
                                max_length=devices.PURPOSE_MAX)
                with Horizontal(classes="buttons"):
                    for i, purpose in enumerate(PURPOSES):
                        yield Button(purpose, id=f"purpose-{i}", classes="purpose")
                    yield Button("Lend", id="lend-it", variant="success")
                yield Static("A purpose button lends at once; or type what it is for and press Enter. "
                             "Escape: back to scanning.", classes="hint")
            with Vertical(id="return"):
                with Horizontal(classes="row"):
                    yield Label("Images taken on it, videos included", classes="label wide")
                    yield Input(id="images", placeholder="e.g. 24 (0 if none)", restrict=r"[0-9]*", max_length=6)
                with Horizontal(classes="buttons"):
                    yield Button("Return it", id="return-it", variant="success")
                yield Static("Count them on the device, type the number and press Enter. Escape: back to scanning.",
                             classes="hint")
            with Vertical(id="upload"):
                yield Label("The school Drive folder the images were uploaded to, as this PC sees it:")
                yield Input(self._drive_folder(), id="folder",
                            placeholder="e.g. G:\\Shared drives\\Photos\\6A (empty: confirm without a check)")
                yield TickBox("The images have been deleted from the device", id="wiped")
                with Horizontal(classes="buttons"):
                    yield Button("Check the folder and confirm", id="confirm", variant="success")
                yield Static("The kiosk counts this device's images taken during the loan in that folder. With no "
                             "folder the upload is recorded as unverified. Escape: back to scanning.", classes="hint")
            with Vertical(id="checking"):
                yield Static(id="progress-text", markup=False)
                yield ProgressBar(id="progress", total=None, show_eta=False, show_percentage=False)
                with Horizontal(classes="buttons"):
                    yield Button("Stop", id="stop", variant="error")
            with VerticalScroll(id="lent"):
                yield Static(id="no-photo")
                yield Static(id="slip", markup=False)
                yield Static(id="not-published")
            with VerticalScroll(id="finished"):
                yield Static(id="after", markup=False)
        with Horizontal(id="after-buttons"):
            yield Button("Confirm the upload now", id="upload-now", variant="primary")
            yield Button("Back to scanning", id="done", variant="success")
        yield KioskFooter()

    def _drive_folder(self) -> str:
        return self.kiosk.settings.drive_folder or ""

    def on_mount(self) -> None:
        self.show_device(self.info)

    @property
    def panel(self) -> ResultPanel:
        return self.query_one("#state", ResultPanel)

    @property
    def text(self) -> str:
        """What the screen says: the panel, then the do-not-photograph list or what came after, in plain words."""
        step = self.query_one("#steps", ContentSwitcher).current
        extra = {"lent": self.listing_text, "finished": str(self.query_one("#after", Static).content)}.get(step, "")
        return "\n".join(part for part in (self.panel.text, extra) if part)

    def step(self, name: str, buttons: tuple[str, ...] = ()) -> None:
        """Show one next step (and the buttons under it), and put the cursor where the person types next."""
        self.query_one("#steps", ContentSwitcher).current = name
        bar = self.query_one("#after-buttons")
        bar.display = bool(buttons)
        for button in bar.query(Button):
            button.display = button.id in buttons
        first = {"lend": "#purpose" if self.query_one("#class", Input).value else "#class", "return": "#images",
                 "upload": "#folder", "checking": "#stop"}.get(name)
        if first is None and buttons:
            first = f"#{buttons[-1]}"
        if first is not None:
            self.query_one(first).focus()

    def action_scroll_step(self, lines: int) -> None:
        shown = self.query_one("#steps", ContentSwitcher).visible_content
        if isinstance(shown, VerticalScroll):
            shown.scroll_relative(y=lines * max(1, shown.size.height - 2), animate=False)

    def when(self, moment: datetime) -> str:
        """13:05 today, or 13:05 on Mon 9 Nov."""
        return when(moment, self.kiosk.local_now())

    def kind(self) -> str:
        return KIND_WORDS.get(self.info.kind, "device")

    # --- what state the device is in -----------------------------------------

    def show_device(self, info: DeviceInfo) -> None:
        self.info = info
        model = info.model if info.model.lower().startswith(info.make.lower()) else f"{info.make} {info.model}"
        tag = f" · tag {info.tag_code}" if info.tag_code else ""
        self.query_one("#device", Static).update(f"{info.label} · {model}{tag}")
        loan = info.loan
        if info.status == DeviceStatus.IN:
            self.panel.show("-ready", f"Lend {info.name}",
                            f"{info.label} is in. Nothing is lent yet: say which class it is for and what for, "
                            f"and it will be lent to you, {self.staff.name}.")
            self.step("lend")
        elif info.status == DeviceStatus.OUT:
            late = " It should have been back by the end of that day." if loan.not_back else ""
            self.panel.show("-note" if loan.not_back else "-ready", f"{info.name} is out",
                            f"With {self.whose(loan, 'you')} for {loan.class_name} ({loan.purpose}) since "
                            f"{self.when(loan.out)}. "
                            f"Bringing it back? Say how many images (videos included) were taken on it.{late}")
            self.step("return")
        else:  # upload outstanding
            self.panel.show("-note", "Upload to confirm",
                            f"Back since {self.when(loan.returned)} with {plural(loan.images or 0, 'image')} from "
                            f"{self.whose(loan, 'your', 's')} loan for {loan.class_name}, not yet confirmed on the "
                            "school Drive: "
                            f"it cannot be lent again until they are.")
            self.step("upload")
            self.folder_changed()

    def whose(self, loan: Loan, you: str, suffix: str = "") -> str:
        """The borrower as said to the person signed in: "you" for their own loan, else the name ("'s" with suffix)."""
        return you if loan.staff_code == self.staff.code else loan.staff + ("'" + suffix if suffix else "")

    def refused(self, sentence: str, headline: str = "Not recorded") -> None:
        self.panel.show("-refused", headline, sentence)  # the panel rings

    # --- lending -------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Typing while a button of the lending form has the focus (after a Tab) goes into "What for", not nowhere:
        a purpose typed must never be lost, and Enter then lends for what was typed, not for the button's default."""
        focused = self.focused
        on_a_lend_button = isinstance(focused, Button) and (focused.has_class("purpose") or focused.id == "lend-it")
        if event.is_printable and event.character and on_a_lend_button:
            purpose = self.query_one("#purpose", Input)
            purpose.value += event.character
            purpose.focus()
            purpose.cursor_position = len(purpose.value)
            event.stop()
            event.prevent_default()

    @on(Input.Submitted, "#class")
    def class_given(self) -> None:
        self.query_one("#purpose", Input).focus()

    @on(Button.Pressed, ".purpose")
    def purpose_chosen(self, event: Button.Pressed) -> None:
        purpose = str(event.button.label)
        self.query_one("#purpose", Input).value = purpose
        self.start_lending(purpose)

    @on(Input.Submitted, "#purpose")
    @on(Button.Pressed, "#lend-it")
    def lend_pressed(self) -> None:
        self.start_lending(self.query_one("#purpose", Input).value)

    def start_lending(self, purpose: str) -> None:
        class_name = " ".join(self.query_one("#class", Input).value.split())
        purpose = " ".join(purpose.split())
        if not class_name:
            self.panel.show("-ready", f"Lend {self.info.name}", "Type the class it is for first, e.g. 4B.")
            self.query_one("#class", Input).focus()
        elif not purpose:
            self.panel.show("-ready", f"Lend {self.info.name}",
                            "Say what it is for: choose a button, or type it (e.g. trip to the museum).")
            self.query_one("#purpose", Input).focus()
        elif not self._busy:
            self._busy = True
            self.lend(class_name, purpose)

    @work(thread=True, exclusive=True, group="device", exit_on_error=False)
    def lend(self, class_name: str, purpose: str) -> None:
        carry_out(self, "lend", None, devices.lend_device, self.kiosk.database, self.device_code, self.staff.code,
                  class_name, purpose)

    @property
    def device_code(self) -> str:
        """What names the device to db.devices: its tag, or its asset tag when it has none."""
        return self.info.tag_code or self.info.asset_tag

    def on_done(self, message: Done) -> None:
        self._busy = False
        match message.task:
            case "lend":
                self.show_lent(message.value)
            case "return":
                self.show_returned(message.value)
            case "upload":
                self.show_uploaded(message.value, message.key)

    def on_refusal(self, message: Refusal) -> None:
        if message.task == "upload" and self._stop.is_set():  # the person stopped it: nothing wrong, nothing recorded
            self._busy = False
            self.panel.show("-note", "Check stopped", message.sentence)
            self.step("upload")
        elif message.task == "upload" and isinstance(message.refusal, FewerFound):
            self._fewer_found(message.key, message.refusal)
        else:
            self.not_done(message)

    def on_failed(self, message: Failed) -> None:
        self.not_done(message)

    def not_done(self, message: Refusal | Failed) -> None:
        self._busy = False
        self.refused(message.sentence, "Not lent" if message.task == "lend" else "Not recorded")
        if message.task == "upload":
            self.step("upload")

    def show_lent(self, lent: LendResult) -> None:
        loan = lent.loan
        self.panel.show("-done", f"{self.info.name} lent to {loan.class_name}",
                        f"To you, {loan.staff}, for “{loan.purpose}” at {loan.out:%H:%M}. When it comes back, scan its "
                        "tag again and say how many images were taken.")
        self.summary = f"{loan.device} lent to {loan.staff} for {loan.class_name} at {loan.out:%H:%M}."
        self.show_no_photo(lent)
        slip = self.query_one("#slip", Static)
        if not self.kiosk.printer:
            slip.update("No slip printed: this kiosk has no printer set up. Note the names above before the "
                        "first image is taken.")
        elif self.kiosk.print_no_photo_slip(lent):  # the loan is saved: a printer problem cannot undo it
            slip.update(f"The list is printing on the slip printer ({self.kiosk.printer}): keep it with the "
                        f"{self.kind()}.")
        else:  # an address that cannot work: the message in the corner says why
            slip.update("No slip printed: the printer's address is not right. Note the names above before the "
                        "first image is taken.")
        self.step("lent", ("done",))

    def show_no_photo(self, lent: LendResult) -> None:
        listing = lent.no_photo
        area = self.query_one("#no-photo", Static)
        lines = []
        if listing.pupils:
            area.border_title = (f"Do not photograph in {listing.class_name}: "
                                 f"{plural(len(listing.pupils), 'pupil')} of {listing.on_roll}")
            area.update(self._names(listing.pupils))
            lines = [area.border_title] + [f"{p.short_name}: {p.refused_text}" for p in listing.pupils]
        else:
            area.border_title = f"Do not photograph in {listing.class_name}"
            area.update(Text(f"Everyone in {listing.class_name} may be photographed.", style="bold"))
            lines = [f"Everyone in {listing.class_name} may be photographed."]
        area.set_class(not listing.pupils, "-everyone")
        others = self.query_one("#not-published", Static)
        others.display = bool(listing.not_published)
        if listing.not_published:
            others.border_title = "May be photographed, but the images must not go on"
            others.update(self._names(listing.not_published))
            lines += [others.border_title] + [f"{p.short_name}: {p.refused_text}" for p in listing.not_published]
        self.listing_text = "\n".join(lines)

    @staticmethod
    def _names(pupils: tuple[NoPhotoPupil, ...]) -> Table:
        grid = Table.grid(padding=(0, 3))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for pupil in pupils:
            grid.add_row(pupil.short_name, pupil.refused_text)
        return grid

    # --- return --------------------------------------------------------------

    @on(Input.Submitted, "#images")
    @on(Button.Pressed, "#return-it")
    def return_pressed(self) -> None:
        typed = self.query_one("#images", Input).value.strip()
        if not typed.isdigit():
            self.panel.show("-ready", f"{self.info.name} is out",
                            "Type how many images (videos included) were taken on it (0 if none), then press Enter.")
            self.query_one("#images", Input).focus()
        elif not self._busy:
            self._busy = True
            self.return_device(int(typed))

    @work(thread=True, exclusive=True, group="device", exit_on_error=False)
    def return_device(self, images: int) -> None:
        carry_out(self, "return", None, devices.return_device, self.kiosk.database, self.device_code, self.staff.code,
                  images)

    def show_returned(self, loan: Loan) -> None:
        after = self.query_one("#after", Static)
        if loan.images:
            images = plural(loan.images, "image")
            self.panel.show("-done", f"{self.info.name} is back",
                            f"{images} recorded. Upload them to the school Drive, delete them from the "
                            f"{self.kind()}, then confirm the upload: now, or scan its tag again later.")
            after.update(f"Until the upload is confirmed, {self.info.label} cannot be lent again.")
            self.summary = f"{loan.device} is back with {images}: the upload is still to confirm."
            self.step("finished", ("upload-now", "done"))
            self.query_one("#upload-now", Button).focus()  # Enter goes on to the next step, not away from it
        else:
            self.panel.show("-done", f"{self.info.name} is back",
                            "No images were taken, so there is nothing to upload: it can be lent again.")
            after.update("")
            self.summary = f"{loan.device} is back, no images."
            self.step("finished", ("done",))

    @on(Button.Pressed, "#upload-now")
    def upload_now(self) -> None:
        self.step("upload")
        self.folder_changed()

    # --- upload confirmation -------------------------------------------------

    @on(Input.Changed, "#folder")
    def folder_changed(self) -> None:
        typed = clean_folder(self.query_one("#folder", Input).value)
        self.query_one("#confirm", Button).label = "Check the folder and confirm" if typed \
            else "Confirm without a check"

    @on(Input.Submitted, "#folder")
    @on(Button.Pressed, "#confirm")
    def confirm_pressed(self) -> None:
        if self._busy:
            return
        self._busy = True
        folder = clean_folder(self.query_one("#folder", Input).value) or None
        wiped = self.query_one("#wiped", TickBox).value
        self._stop.clear()
        if folder:
            self.query_one("#progress-text", Static).update(f"Reading {folder} …")
            self.step("checking")
        self.confirm_upload(folder, wiped)

    def _fewer_found(self, folder: str, found: FewerFound) -> None:
        """Fewer in the folder than claimed: nothing is recorded until the person looks again or gives a reason."""
        self._busy = False
        self.panel.show("-note", f"{found.found} of {found.claimed} found: not confirmed yet", str(found))
        self.step("upload")
        question = (f"Only {found.found} of the {found.claimed} images claimed were found in the folder.\n\n"
                    "To confirm the upload anyway, say why the rest are not there. To look again later (once the "
                    "Drive has synced, or the rest are uploaded), press Escape: the upload stays outstanding.")
        self.app.push_screen(AskScreen(question, FEWER_FOUND_REASONS, "Or type the reason, e.g. 2 images of the "
                                       "floor deleted"), callback=lambda reason: self._fewer_found_answer(folder,
                                                                                                         reason))

    def _fewer_found_answer(self, folder: str, reason: str | None) -> None:
        if not reason:
            self.panel.show("-note", "Not confirmed: look again",
                            "Nothing was recorded: the upload is still outstanding (the leadership team sees it on "
                            "the review). Check the folder again once the rest are on the Drive.")
            self.step("upload")
            return
        if self._busy or self.signed_out:
            return
        self._busy = True
        wiped = self.query_one("#wiped", TickBox).value
        self._stop.clear()
        self.query_one("#progress-text", Static).update(f"Reading {folder} …")
        self.step("checking")
        self.confirm_upload(folder, wiped, reason)

    @work(thread=True, exclusive=True, group="device", exit_on_error=False)
    def confirm_upload(self, folder: str | None, wiped: bool, reason: str | None = None) -> None:
        worker = get_current_worker()
        carry_out(self, "upload", folder, devices.confirm_upload, self.kiosk.database, self.device_code,
                  self.staff.code, folder=folder, wiped=wiped, reason=reason,
                  progress=lambda update: self.post_message(self.Progressed(update)),
                  cancelled=lambda: self._stop.is_set() or worker.is_cancelled)

    def on_device_screen_progressed(self, message: Progressed) -> None:
        done = message.progress
        self.query_one("#progress-text", Static).update(
            f"Reading the Drive folder: {plural(done.files, 'file')} looked at, {plural(done.photos, 'image')} so far.")

    @on(Button.Pressed, "#stop")
    def stop_pressed(self) -> None:
        self._stop.set()
        self.query_one("#progress-text", Static).update("Stopping…")

    def show_uploaded(self, result: UploadResult, folder: str | None) -> None:
        loan = result.loan
        claimed, verified = result.claimed, result.verified
        done = f"Confirmed by {loan.uploaded_by} at {loan.uploaded_at:%H:%M}"
        again = "" if loan.outstanding else " It can be lent again."
        if verified is None:
            headline = "Upload recorded"
            detail = (f"{done}: {plural(claimed, 'image')} on the Drive, unverified (no folder was checked)."
                      f"{again}")
        else:
            headline = f"{verified} of {claimed} on the Drive"
            detail = (f"{plural(verified, 'image')} from this loan found in {folder} "
                      f"({plural(result.files, 'file')} read). {done}.{again}")
        good = verified is not None and verified == claimed and not result.note and not result.unregistered
        notes = "\n".join(filter(None, (result.note, *result.remarks)))
        self.panel.show("-done" if good else "-note", headline, detail, notes)
        self.query_one("#after", Static).update(self._notes(result))
        self.summary = (f"{loan.device}: {verified} of {claimed} images found on the Drive." if verified is not None
                        else f"{loan.device}: upload recorded, unverified.")
        self.step("finished", ("done",))

    @staticmethod
    def _notes(result: UploadResult) -> str:
        lines = []
        if result.notes:
            lines.append(f"{plural(len(result.notes), 'file')} in the folder could not be checked:")
            lines += [f"  {note.path}: {note.note}" for note in result.notes[:NOTES_SHOWN]]
            if len(result.notes) > NOTES_SHOWN:
                lines.append(f"  … and {len(result.notes) - NOTES_SHOWN} more")
        return "\n".join(lines)

    # --- leaving -------------------------------------------------------------

    @on(Button.Pressed, "#done")
    def done_pressed(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        """Back to scanning; a folder check still running stops first (it records nothing)."""
        if self.query_one("#steps", ContentSwitcher).current == "checking":
            self.stop_pressed()
            return
        self.dismiss(self.summary)
