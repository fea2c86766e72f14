"""The print queue: every job with its state; a failed one can be printed again (R) or cancelled (X)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from db.core import Refused
from kiosk.print_queue import FAILED, PRINTED, PRINTING, PrintQueue, QueuedJob
from kiosk.screens.base import KioskScreen
from kiosk.widgets.footer import KioskFooter
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.table import KioskTable

# Failed is the one that needs a person: red, as a refusal is.
STATE_STYLE = {PRINTING: "bold", PRINTED: "dim"}  # a failed job: the theme's red badge
WHERE_KEYS = "On the scan screen: F7 prints your class's tags, F8 reprints the tag of the phone just scanned."


class PrintQueueScreen(KioskScreen, Screen):
    CSS_PATH = "print_queue.tcss"
    AUTO_FOCUS = "#jobs"
    BINDINGS = [
        Binding("escape,f9", "back", "Back", key_display="Esc"),
        Binding("r", "retry", "Print again", key_display="R"),
        Binding("x,delete", "cancel", "Cancel job", key_display="X"),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar("Print queue")
        yield Static(id="printer", markup=False)
        yield KioskTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Static(id="problem", markup=False)
        yield Static(WHERE_KEYS, id="keys", markup=False)
        yield KioskFooter()

    @property
    def queue(self) -> PrintQueue:
        return self.kiosk.print_queue

    def on_mount(self) -> None:
        self.query_one("#jobs", DataTable).add_columns("Queued", "Job", "State", "Printer")
        self.kiosk.print_queue_changed.subscribe(self, lambda _: self.show_jobs())
        self.show_jobs()

    def show_jobs(self) -> None:
        app = self.kiosk
        self.query_one("#printer", Static).update(
            f"Printer: {app.printer} · paper {app.settings.paper}" if app.printer else app.printer_problem())
        table = self.query_one("#jobs", DataTable)
        selected = self.selected()
        jobs = self.queue.jobs()
        table.clear()
        for job in jobs:
            state = Text(f" {job.state} ", style=self.app.palette.refused_badge if job.state == FAILED
                         else STATE_STYLE.get(job.state, ""))
            when = job.created.astimezone(app.zone)
            table.add_row(f"{when:%H:%M}", job.title, state, job.printer, key=str(job.id))
        ids = [j.id for j in jobs]
        if selected is not None and selected.id in ids:
            table.move_cursor(row=ids.index(selected.id))
        self.show_problem()

    def on_data_table_row_highlighted(self) -> None:
        self.show_problem()

    def selected(self) -> QueuedJob | None:
        table = self.query_one("#jobs", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((j for j in self.queue.jobs() if str(j.id) == key), None)

    def show_problem(self) -> None:
        """Under the list: the selected job's sentence when it failed, else what the keys do."""
        area = self.query_one("#problem", Static)
        job = self.selected()
        if job is None:
            area.update("Nothing to print.")
        elif job.state == FAILED:
            area.update(f"{job.title}: {job.problem} Press R to print it again or X to cancel it.")
        else:
            area.update(f"{job.title}: {job.state}.")
        area.set_class(job is not None and job.state == FAILED, "-failed")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_retry(self) -> None:
        job = self.selected()
        if job is None:
            self.notify("There is nothing in the print queue.", severity="warning")
            return
        try:
            self.queue.retry(job.id)
        except Refused as exc:
            self.notify(str(exc), severity="warning")
            return
        self.kiosk.print_queue_changed.publish(self.queue)
        self.kiosk.start_printing()

    def action_cancel(self) -> None:
        job = self.selected()
        if job is None:
            self.notify("There is nothing in the print queue.", severity="warning")
            return
        try:
            self.queue.cancel(job.id)
        except Refused as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify(f"Cancelled: {job.title}.")
        self.kiosk.print_queue_changed.publish(self.queue)
