"""A DataTable that never shows columns cut to their headings' width after a reload."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class KioskTable(DataTable):
    """Textual 8's DataTable works out column widths when idle, after a reload has drawn some lines, and its
    line caches leave the widths out of their keys: now and then a screen kept rows drawn with the old widths
    (columns cut to their headings). Every time the widths are worked out again, the lines drawn before go.
    """

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        redraw(self)


def redraw(table: DataTable) -> None:
    """Drop every line the table drew before its column widths were known, and draw it again."""
    table._clear_caches()
    table.refresh()
