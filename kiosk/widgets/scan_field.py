"""An input a barcode scanner can type into: it submits on CR (Enter) and on LF (Ctrl+J)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class ScanField(Input):
    """Scanners end a code with CR or LF; Textual's Input submits only on CR by itself."""

    BINDINGS = [Binding("ctrl+j", "submit", "Submit", show=False)]
    pass_when_empty: tuple[str, ...] = ()  # letters the screen's bindings take while nothing is typed (scan's U)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        if not self.value and (key in self.pass_when_empty or key == "question_mark"):  # ? opens the keys' help
            return False
        return super().check_consume_key(key, character)

    def on_mount(self) -> None:
        # Snapshot tests turn blinking off app-wide so screenshots are stable.
        self.cursor_blink = getattr(self.app, "cursor_blink", True)
