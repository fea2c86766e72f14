"""Find a pupil by name and give their phone a tag on the spot (a new pupil, or a lost pouch)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from db.core import PupilSummary, TagInfo
from db.people import find_pupils
from db.tags import issue_phone_tag
from kiosk.screens.base import KioskScreen
from kiosk.screens.tag_preview import TagPreviewScreen
from kiosk.widgets.big_text import BigText
from kiosk.widgets.scan_field import ScanField
from kiosk.work import Done, Failed, Refusal, carry_out
from tagcodes import TagKind, new_code


def _describe(pupil: PupilSummary) -> str:
    tag = f"has tag {pupil.phone_tag}" if pupil.phone_tag else "no tag yet"
    return f"{pupil.name} · {pupil.class_name} · {tag} · phone {pupil.phone}"


class FindPupilScreen(KioskScreen, ModalScreen[TagInfo | None]):
    """Returns the tag issued, or None when closed without one."""

    CSS_PATH = "find_pupil.tcss"
    BINDINGS = [Binding("escape", "close", "Close"), Binding("down", "to_results", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.pupils: list[PupilSummary] = []
        self.chosen: PupilSummary | None = None
        self.tag: TagInfo | None = None
        self._issuing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Find a pupil and give their phone a tag", id="heading")
            yield ScanField(id="name", placeholder="Type part of the pupil's name, e.g. amira ah")
            yield OptionList(id="pupils")
            yield Static(id="chosen", markup=False)
            yield ScanField(id="description", placeholder="Phone description (optional), e.g. black iPhone, blue case")
            yield Static(id="message", markup=False)
            yield BigText(id="code")
            with Horizontal(id="buttons"):
                yield Button("Print tag…", id="print", variant="primary")
                yield Button("Done", id="done", variant="success")
            yield Static("↓ to the list · Enter: choose · Escape: close", id="hint")

    def on_mount(self) -> None:
        self.query_one("#name", ScanField).focus()

    def _say(self, sentence: str, refused: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(sentence)
        message.set_class(refused, "-refused")

    # --- finding ----------------------------------------------------------

    @on(Input.Changed, "#name")
    def name_changed(self, event: Input.Changed) -> None:
        self.find(event.value, self.kiosk.staff.code)

    @work(thread=True, exclusive=True, group="find", exit_on_error=False)
    def find(self, text: str, by: str) -> None:
        carry_out(self, "find", None, find_pupils, self.kiosk.database, text, by=by)

    def on_done(self, message: Done) -> None:
        if message.task == "issue":
            self._issued(message.value)
        else:
            self._found(message.value)

    @on(Refusal)
    @on(Failed)
    def not_done(self, message: Refusal | Failed) -> None:
        if message.task == "issue":
            self._issuing = False
            self.app.chime("refused")
        self._say(message.sentence, refused=True)

    def _found(self, pupils: list[PupilSummary]) -> None:
        self.pupils = pupils
        options = self.query_one("#pupils", OptionList)
        options.clear_options()
        options.add_options(Option(_describe(p)) for p in self.pupils)
        typed = self.query_one("#name", ScanField).value.strip()
        self._say("" if self.pupils or not typed else "No pupil on roll has that in their name.")

    @on(Input.Submitted, "#name")
    def name_submitted(self) -> None:
        self.action_to_results()

    def action_to_results(self) -> None:
        options = self.query_one("#pupils", OptionList)
        if self.query_one("#name").has_focus and options.option_count:
            options.focus()
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#pupils")
    def pupil_chosen(self, event: OptionList.OptionSelected) -> None:
        self.chosen = self.pupils[event.option_index]
        note = ""
        if self.chosen.phone_tag:
            note = f"\nAlready has tag {self.chosen.phone_tag}: a new tag replaces it (the old one stops working)."
        self.query_one("#chosen", Static).update(f"{self.chosen.name}, {self.chosen.class_name}{note}")
        self.query_one("#dialog").add_class("-describing")
        self._say("Type the phone's description if you like, then press Enter to issue the tag.")
        self.query_one("#description", ScanField).focus()

    # --- issuing ----------------------------------------------------------

    @on(Input.Submitted, "#description")
    def issue(self, event: Input.Submitted) -> None:
        if self.chosen is None:
            return
        ref = self.chosen.upn or self.chosen.adno or self.chosen.phone_tag
        if ref is None:
            self._say(f"{self.chosen.name} has no UPN or admission number: import the pupils again from the MIS.", True)
            return
        # A second Enter while the first is saving must not issue two tags.
        if not self._issuing and not self.signed_out:
            self._issuing = True
            self.issue_tag(ref, event.value, self.kiosk.staff.code)

    @work(thread=True, exclusive=True, group="issue", exit_on_error=False)
    def issue_tag(self, ref: str, description: str, by: str) -> None:
        carry_out(self, "issue", None, issue_phone_tag, self.kiosk.database, ref, lambda: new_code(TagKind.PHONE),
                  description, by=by)

    def _issued(self, tag: TagInfo) -> None:
        self._issuing = False
        self.tag = tag
        self.query_one("#dialog").add_class("-issued")
        self.query_one("#code", BigText).update(self.tag.code)
        if self.kiosk.printer:  # the offer to print: the tag is previewed first, then printed
            self._say(f"New tag {self.tag.code} for {self.tag.label}: press Enter to see it and print it, "
                      "or write the code on the pouch.")
            self.query_one("#print", Button).focus()
            self.query_one("#hint", Static).update("Enter: see the tag and print it · Escape: close")
        else:
            self.query_one("#print").display = False
            self._say(f"New tag {self.tag.code} for {self.tag.label}: write the code on the pouch "
                      "(this kiosk has no printer set up).")
            self.query_one("#done", Button).focus()
            self.query_one("#hint", Static).update("Enter or Escape: close")

    @on(Button.Pressed, "#print")
    def preview(self) -> None:
        self.app.push_screen(TagPreviewScreen(self.tag, "The new tag as it will be printed"),
                             callback=self._previewed)

    def _previewed(self, print_it: bool) -> None:
        if print_it and self.kiosk.print_tag(self.tag.code):
            self.action_close()

    @on(Button.Pressed, "#done")
    def done(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(self.tag)
