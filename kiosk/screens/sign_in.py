"""Signing in: a badge scan (or staff code), then a PIN. The kiosk starts and locks back to here."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from kiosk.screens.base import KioskScreen
from kiosk.widgets.big_text import BigText
from kiosk.widgets.scan_field import ScanField
from kiosk.widgets.status_bar import StatusBar
from kiosk.work import Done, Failed, Refusal, carry_out


class SignInScreen(KioskScreen, Screen):
    CSS_PATH = "sign_in.tcss"
    AUTO_FOCUS = "#code"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # 80×24: a tighter card

    code = ""  # the staff code once its Enter came, while the PIN is typed

    def compose(self) -> ComposeResult:
        settings = self.kiosk.settings
        yield StatusBar(" · ".join(filter(None, (settings.school_name, f"kiosk {settings.kiosk_name}"))))
        with Center():
            with Vertical(id="card"):
                yield BigText("Custody Kiosk", id="title")
                yield Static("Pupils' phones: in each morning, back at home-time.", id="about")
                yield Label("Scan your badge or type your staff code", id="code-label")
                yield ScanField(id="code", one_per_enter=True, placeholder="Staff code or badge")
                yield Label("Your PIN", id="pin-label")
                yield ScanField(id="pin", one_per_enter=True, password=True, placeholder="PIN")
                yield Static(id="message", markup=False)
                if self.kiosk.sign_in_hint:
                    yield Static(self.kiosk.sign_in_hint, id="hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.start_again()

    @property
    def message(self) -> str:
        return str(self.query_one("#message", Static).content)

    def start_again(self, message: str = "", *, refused: bool = False) -> None:
        """Empty both fields and wait for a badge; ``message`` says why (locked, signed out, refused)."""
        code, pin = self.query_one("#code", ScanField), self.query_one("#pin", ScanField)
        code.value = pin.value = self.code = ""
        code.disabled = pin.disabled = False
        self.query_one("#card").remove_class("-pin")
        note = self.query_one("#message", Static)
        note.update(message)
        note.set_class(refused, "-refused")
        code.focus()

    @on(Input.Submitted, "#code")
    def code_entered(self, event: Input.Submitted) -> None:
        code, pin = self.query_one("#code", ScanField), self.query_one("#pin", ScanField)
        if self.code:
            # A second Enter in the code field: a badge and its PIN typed at once, before the PIN box had the focus.
            pin.value = event.value + pin.value
            self.post_message(Input.Submitted(pin, pin.value))
            return
        if not event.value.strip():
            return
        self.code = event.value
        pin.value = code.take_unended() + pin.value  # typed after the code's Enter: the start of the PIN
        if not code.value:
            code.value = self.code  # shown while the PIN is typed
        self.query_one("#card").add_class("-pin")
        self.query_one("#message", Static).update("")
        pin.focus()

    @on(Input.Submitted, "#pin")
    def pin_entered(self, event: Input.Submitted) -> None:
        code = self.code
        if not code.strip():
            self.start_again()
            return
        for field in self.query(ScanField):
            field.disabled = True  # one attempt at a time; re-enabled by the answer
        self.query_one("#message", Static).update("Checking…")
        self.check(code, event.value)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def check(self, code: str, pin: str) -> None:
        # argon2 is deliberately slow: keep it off the event loop.
        kiosk = self.kiosk
        kiosk.database_ready.wait()  # the database may still be opening just after start-up
        if kiosk.database_problem:
            self.post_message(Failed("sign-in", None, kiosk.database_problem))
            return
        from db.people import sign_in  # loaded with the database, after the first frame

        carry_out(self, "sign-in", None, sign_in, kiosk.database, code, pin)

    @on(Refusal)
    @on(Failed)
    def not_signed_in(self, message: Refusal | Failed) -> None:
        self.app.chime("refused")
        self.start_again(message.sentence, refused=True)

    def on_done(self, message: Done) -> None:
        self.start_again()
        self.kiosk.signed_in(message.value)
