"""What the leadership's two review views share: a line for what happened (an export saved, a bad date refused) and
the way back to the scan screen. The scan screen opens each view (ScanScreen._open_review)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.screen import Screen
from textual.widgets import DataTable, Static

from kiosk.screens.base import KioskScreen


class ReviewScreen(KioskScreen, Screen):
    def say(self, sentence: str, refused: bool = False) -> None:
        if refused:
            self.app.chime("refused")
        area = self.query_one("#message", Static)
        area.update(sentence)
        area.set_class(refused, "-refused")
        area.display = True

    def action_back(self) -> None:
        self.app.pop_screen()

    @staticmethod
    @contextmanager
    def refilling(table: DataTable) -> Iterator[DataTable]:
        """Fill ``table`` afresh (a new period, a reload) with the cursor kept on the same row, or the last one."""
        row = table.cursor_row
        table.clear()
        yield table
        table.move_cursor(row=min(row, max(table.row_count - 1, 0)))
