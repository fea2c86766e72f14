"""An input a barcode scanner can type into: it submits on CR (Enter) and on LF (Ctrl+J), one code per Enter."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input

ENDS = ("enter", "ctrl+j")


class ScanField(Input):
    """Scanners end a code with CR or LF; Textual's Input submits only on CR by itself."""

    BINDINGS = [Binding("ctrl+j", "submit", "Submit", show=False)]
    pass_when_empty: tuple[str, ...] = ()  # letters the screen's bindings take while nothing is typed (scan's U)

    def __init__(self, *args, one_per_enter: bool = False, **kwargs) -> None:
        """``one_per_enter``: for codes (a scan, a badge, a PIN), each Enter submits what came before it and takes it
        out of the field; otherwise the field keeps its text, as a search box does."""
        super().__init__(*args, **kwargs)
        self.one_per_enter = one_per_enter
        self._entered: list[str] = []  # what each Enter ended, oldest first, still at the front of the field

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if not self.value and (key in self.pass_when_empty or key == "question_mark"):  # ? opens the keys' help
            return False
        return super().check_consume_key(key, character)

    async def _on_key(self, event: events.Key) -> None:
        # Enter's action runs after the key has gone round the screen and the app, and a scanner's next code (or a
        # PIN typed straight after a badge) is in the field by then. So each Enter ends what was typed before it,
        # here, in the order the keys came: two codes scanned back to back are two scans, not one long one.
        if self.one_per_enter and event.key in ENDS:
            self._entered.append(self.value[sum(map(len, self._entered)):])
        await super()._on_key(event)

    async def action_submit(self) -> None:
        """Submit what this Enter ended and take it out of the field; what was typed after it stays."""
        if not self.one_per_enter:
            await super().action_submit()
            return
        value = self._entered.pop(0) if self._entered else self.value
        if self.value.startswith(value):
            self.value = self.value[len(value):]
        checked = self.validate(value) if "submitted" in self.validate_on else None
        self.post_message(self.Submitted(self, value, checked))

    def take_unended(self) -> str:
        """Take out what was typed after the last Enter, with no Enter of its own yet."""
        waiting = sum(map(len, self._entered))
        unended, self.value = self.value[waiting:], self.value[:waiting]
        return unended

    def on_mount(self) -> None:
        # Snapshot tests turn blinking off app-wide so screenshots are stable.
        self.cursor_blink = getattr(self.app, "cursor_blink", True)
