"""The leadership's review of the school cameras and iPads (R4, R8): who lent which device, for which class,
whether the images reached the Drive; what is outstanding now; images per week; export to CSV.

For SLT (and admin) only: the scan screen refuses anyone else with a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from db import devices
from db.core import Database, LoanStatus, Refused, in_school_year, plural, school_year_start, short_name
from db.devices import Loan, WeekImages
from kiosk.exports import export_folder, fresh_path
from kiosk.loan_report import LOAN_KEYS, loan_rows
from kiosk.output import write_csv
from kiosk.review_days import monday, parse_days
from kiosk.screens.ask import AskScreen
from kiosk.screens.review_base import ReviewScreen
from kiosk.theme import PALETTES, Palette
from kiosk.widgets.footer import KioskFooter
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.table import KioskTable
from kiosk.widgets.week_bars import FIRST_MARKER, SECOND_MARKER, draw_weeks
from kiosk.work import Done, Failed, Refusal, carry_out

CHART_WEEKS = 10
MAX_CHART_WEEKS = 16  # a term; more bars than this are too thin to label at 80 columns
# The chart's bars in two colours and two fills, so taken and found tell apart in monochrome too; the legend and
# the title name each fill.
TAKEN_MARKER, FOUND_MARKER = FIRST_MARKER, SECOND_MARKER


def table_styles(palette: Palette) -> tuple[dict, dict, str]:
    """The loans table's styles in the app's theme: each status's word, the rest of its row, a late return.

    Outstanding needs someone to chase it: amber, as "done, but note this" is; a device not back is red.
    """
    status = {LoanStatus.NOT_BACK: palette.refused_badge, LoanStatus.UPLOAD_OUTSTANDING: palette.note_badge,
              LoanStatus.FEWER_FOUND: palette.style("bold $note"), LoanStatus.UNVERIFIED: palette.style("bold $note"),
              LoanStatus.VERIFIED: palette.style("$done-light")}
    row = {LoanStatus.NOT_BACK: palette.style("bold $refused-light"),
           LoanStatus.UPLOAD_OUTSTANDING: palette.style("bold $note")}
    return status, row, palette.style("bold $refused-light")


STATUS_STYLE, ROW_STYLE, LATE = table_styles(PALETTES["standard"])  # the standard theme's (tests read them)
RANGE_CHOICES = ("This week", "Last 4 weeks", "This school year")


def staff_short(full: str | None) -> str:
    """"Hannah B.": staff names in the table are short so that every column fits 120 columns."""
    first, _, surname = (full or "").partition(" ")
    return short_name(first, surname)


@dataclass(frozen=True)
class Review:
    """What the screen shows for the days chosen, and the devices now."""

    loans: list[Loan]
    out_now: int
    outstanding: int
    not_back: int
    weeks: list[WeekImages]


def review(database: Database, start: date, end: date, chart_start: date, chart_end: date, class_name: str | None,
           by: str) -> Review:
    return Review(devices.loans_report(database, start, end, class_name, by=by),
                  len(devices.devices_out(database, by=by)), len(devices.outstanding_uploads(database, by=by)),
                  len(devices.devices_not_back(database, by=by)),
                  devices.images_per_week(database, chart_start, chart_end, class_name, by=by))


def export_loans(database: Database, start: date, end: date, class_name: str | None, by: str) -> str:
    """Save the loans shown as a CSV file in the Documents folder (never over last week's); the sentence to show."""
    loans = devices.loans_report(database, start, end, class_name, by=by)
    if not loans:
        raise Refused("No device was lent on those days, so there is nothing to export.")
    name = f"device-loans-{start}-to-{end}{'-' + class_name if class_name else ''}"
    try:
        path = fresh_path(export_folder(), name, ".csv")
        # utf-8-sig: Excel reads Zoë and Wiśniewski right only with the byte-order mark. The columns and cells are
        # those of `kiosk report devices --format csv`.
        with path.open("x", encoding="utf-8-sig", newline="") as out:
            write_csv(loan_rows(loans), LOAN_KEYS, out)
    except OSError as exc:
        raise Refused(f"The list could not be saved ({exc.strerror or exc}): check there is space in your Documents "
                      "folder, then press E again.") from None
    return f"Saved {plural(len(loans), 'loan')} to {path} (open it with Excel or Google Sheets)."


class DevicesReviewScreen(ReviewScreen):
    CSS_PATH = "devices_review.tcss"
    AUTO_FOCUS = "#loans"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("escape,f11", "back", "Back", key_display="Esc"),
        # Short in the footer (the range line above says which week), so that R and F10 fit at 80 columns.
        Binding("p", "week(-1)", "Prev", key_display="P", tooltip="The week before"),
        Binding("n", "week(1)", "Next", key_display="N", tooltip="The week after"),
        Binding("t", "this_week", "This week", key_display="T"),
        Binding("d", "days", "Dates…", key_display="D"),
        Binding("c", "class_filter", "Class…", key_display="C"),
        Binding("e", "export", "Export", key_display="E"),
        # The review's other view: the same key comes back (kiosk/screens/phone_rules.py).
        Binding("r", "phone_rules", "Phone rules", key_display="R",
                tooltip="Switch to the phone rules: figures by class, a chart by week, the lists behind them"),
    ]
    WIDE_ONLY = ("this_week", "class_filter")  # at 80 columns: in the help (? or F1), with every other key

    def __init__(self) -> None:
        super().__init__()
        self.start: date | None = None  # the days shown, set from the school's clock when mounted
        self.end: date | None = None
        self.class_name: str | None = None
        self.loans: list[Loan] = []
        self.weeks: list[WeekImages] = []
        self._asked = False

    def compose(self) -> ComposeResult:
        yield StatusBar("Cameras and iPads review")
        yield Static(id="range", markup=False)
        yield Static(id="summary")
        yield Static(id="message", markup=False)
        yield KioskTable(id="loans", cursor_type="row", zebra_stripes=True)
        yield Static(id="loan-detail", markup=False)
        yield Static(id="chart-title", markup=False)
        yield PlotextPlot(id="chart")
        yield KioskFooter()

    def on_mount(self) -> None:
        # Status second: it is what the leadership chase. At 80 columns the last columns are cut, and the line
        # under the table says the selected loan whole, purpose and all.
        self.query_one("#loans", DataTable).add_columns(
            "Device", "Status", "Staff", "Class", "Out", "Returned", "Images", "Verified", "Uploaded",
            "Purpose")
        self.query_one("#message").display = False
        self.action_this_week(load=False)

    def on_screen_resume(self) -> None:
        if self._asked:  # back from a question: its answer reloads (or says what was wrong with it)
            self._asked = False
            return
        self.reload()

    def ask(self, question: AskScreen, then) -> None:
        self._asked = True
        self.app.push_screen(question, callback=then)

    # --- the days shown --------------------------------------------------------

    def today(self) -> date:
        return self.kiosk.local_now().date()

    def action_this_week(self, load: bool = True) -> None:
        self.start = monday(self.today())
        self.end = self.start + timedelta(days=6)
        if load:
            self.reload()

    def action_week(self, step: int) -> None:
        start = monday(self.start) + timedelta(days=7 * step)
        self.start, self.end = start, start + timedelta(days=6)
        self.reload()

    def action_days(self) -> None:
        self.ask(AskScreen("Which days? Type the first and the last, e.g. 01/09/2026 18/12/2026.", RANGE_CHOICES,
                           "The first and last day, e.g. 01/09/2026 18/12/2026"), self._days_given)

    def _days_given(self, answer: str | None) -> None:
        if not answer:
            return
        today = self.today()
        if answer == "This week":
            self.action_this_week()
            return
        if answer == "Last 4 weeks":
            self.start, self.end = monday(today) - timedelta(days=21), today
        elif answer == "This school year":
            self.start, self.end = school_year_start(today), today
        else:
            try:
                self.start, self.end = parse_days(answer)
            except Refused as exc:
                self.say(str(exc), refused=True)
                return
        self.reload()

    def action_class_filter(self) -> None:
        self.ask(AskScreen("Which class's loans? (All classes: every loan.)", ("All classes",), "The class, e.g. 4B"),
                 self._class_given)

    def _class_given(self, answer: str | None) -> None:
        if answer:
            self.class_name = None if answer == "All classes" else answer.upper()
            self.reload()

    def describe_days(self) -> str:
        """"this week, 16–22 Nov 2026", "the week of 9–15 Nov 2026", "1 Sep 2026 to 22 Nov 2026"."""
        start, end = self.start, self.end
        if end == start + timedelta(days=6) and start.weekday() == 0:
            which = "this week" if start == monday(self.today()) else "the week of"
            first = f"{start.day}" if start.month == end.month else f"{start.day} {start:%b}"
            return f"{which}{',' if which == 'this week' else ''} {first}–{end.day} {end:%b %Y}"
        if start == end:
            return f"on {start:%a} {start.day} {start:%b %Y}"
        return f"from {start.day} {start:%b %Y} to {end.day} {end:%b %Y}"

    # --- loading -----------------------------------------------------------------

    def reload(self) -> None:
        """Load the days shown again (a sentence from the last key goes: it was about what was shown before)."""
        if self.signed_out:  # the idle lock or F10 is closing this screen
            return
        self.query_one("#message").display = False
        # The chart: the ten weeks to the last day shown, or every week of a longer range (up to a term's worth).
        last = monday(self.end)
        first = min(monday(self.start), last - timedelta(weeks=CHART_WEEKS - 1))
        first = max(first, last - timedelta(weeks=MAX_CHART_WEEKS - 1))
        self.load(self.start, self.end, first, self.end, self.class_name, self.kiosk.staff.code)

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def load(self, start: date, end: date, chart_start: date, chart_end: date, class_name: str | None,
             by: str) -> None:
        carry_out(self, "review", None, review, self.kiosk.database, start, end, chart_start, chart_end, class_name,
                  by)

    def on_done(self, message: Done) -> None:
        if message.task == "export":
            self.say(message.value)
            return
        shown: Review = message.value
        self.loans, self.weeks = shown.loans, shown.weeks
        self.show_range()
        self.show_summary(shown.out_now, shown.outstanding, shown.not_back)
        self.show_loans()
        self.show_chart()

    @on(Refusal)
    @on(Failed)
    def not_done(self, message: Refusal | Failed) -> None:
        # A review that did not load keeps what is on screen, and says it may be out of date.
        after = " What is shown may be out of date." if message.task == "review" else ""
        self.say(f"{message.sentence}{after}", refused=True)

    def show_range(self) -> None:
        loans = self.loans
        taken = sum(loan.images or 0 for loan in loans)
        found = sum(loan.verified or 0 for loan in loans)
        who = f"{self.class_name}'s loans" if self.class_name else "Loans"
        self.query_one("#range", Static).update(
            f"{who} {self.describe_days()}: {plural(len(loans), 'loan')}, {taken} images taken, {found} on the Drive")

    def show_summary(self, out_now: int, outstanding: int, not_back: int) -> None:
        line = Text("Now: ")
        line.append(f"{plural(out_now, 'device')} out", style="bold")
        line.append("  ")
        line.append(f" {plural(outstanding, 'upload')} outstanding ",
                    style=self.app.palette.note_badge if outstanding else "bold")
        line.append("  ")
        line.append(f" {not_back} not back by the end of the day ",
                    style=self.app.palette.refused_badge if not_back else "bold")
        self.query_one("#summary", Static).update(line)

    def when(self, moment: datetime | None, since: datetime | None = None) -> str:
        """Mon 13:05 within one week shown, else 9 Nov 13:05 (9 Nov 2025 13:05 outside this school year); only the
        time when it is the same day as ``since``."""
        if moment is None:
            return ""
        if since is not None and moment.date() == since.date():
            return f"{moment:%H:%M}"
        if self.end - self.start < timedelta(days=7) and self.start <= moment.date() <= self.end:
            # The week shown is in the range line above, with its year.
            return f"{moment:%a %H:%M}"
        year = "" if in_school_year(moment.date(), self.today()) else f" {moment:%Y}"
        return f"{moment.day} {moment:%b}{year} {moment:%H:%M}"

    def show_loans(self) -> None:
        status_style, row_styles, late = table_styles(self.app.palette)
        with self.refilling(self.query_one("#loans", DataTable)) as table:
            for loan in self.loans:
                row_style = row_styles.get(loan.status, "")
                uploaded = f"{staff_short(loan.uploaded_by)} {self.when(loan.uploaded_at, loan.returned)}".strip()
                table.add_row(
                    Text(loan.asset_tag, style=row_style),
                    Text(f" {loan.status} " if loan.status in row_styles else loan.status,
                         style=status_style.get(loan.status, "")),
                    Text(staff_short(loan.staff), style=row_style),
                    Text(loan.class_name, style=row_style), Text(self.when(loan.out), style=row_style),
                    Text(self.when(loan.returned, loan.out), style=late if loan.not_back else row_style),
                    Text("" if loan.images is None else str(loan.images), style=row_style),
                    Text("" if loan.verified is None else str(loan.verified), style=row_style),
                    Text(uploaded, style=row_style), Text(loan.purpose, style=row_style), key=str(loan.id))
        self.show_detail()

    @on(DataTable.RowHighlighted, "#loans")
    def show_detail(self) -> None:
        """The selected loan in words, whole: at 80 columns the table cuts the last columns (the purpose)."""
        table = self.query_one("#loans", DataTable)
        detail = self.query_one("#loan-detail", Static)
        if not self.loans or table.cursor_row >= len(self.loans):
            detail.display = False
            return
        detail.display = True
        loan = self.loans[table.cursor_row]
        back = f"back {self.when(loan.returned, loan.out)}" if loan.returned else "not back"
        words = [f"{loan.asset_tag} · {loan.status} · {staff_short(loan.staff)}, {loan.class_name}, "
                 f"“{loan.purpose}” · out {self.when(loan.out)}, {back}"]
        if loan.images is not None:
            words.append(f"{loan.images} taken" + ("" if loan.verified is None else f", {loan.verified} on the Drive"))
        if loan.uploaded_by:
            words.append(f"upload confirmed by {staff_short(loan.uploaded_by)} "
                         f"{self.when(loan.uploaded_at, loan.returned)}")
        detail.update(" · ".join(words))

    def show_chart(self) -> None:
        weeks = self.weeks
        title = self.query_one("#chart-title", Static)
        whose = f"{self.class_name}'s images" if self.class_name else "Images"
        title.update(f"{whose} per week, {len(weeks)} weeks to {self.end.day} {self.end:%b}: {TAKEN_MARKER} taken, and "
                     f"{FOUND_MARKER} found on the Drive")
        draw_weeks(self.query_one("#chart", PlotextPlot), [week.monday for week in weeks],
                   [week.images for week in weeks], [week.verified for week in weeks], ("taken", "found on the Drive"),
                   (self.app.palette.rgb("note"), self.app.palette.rgb("done-light")))

    # --- export ----------------------------------------------------------------

    def action_export(self) -> None:
        if self.signed_out:
            return
        self.export(self.start, self.end, self.class_name, self.kiosk.staff.code)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, start: date, end: date, class_name: str | None, by: str) -> None:
        carry_out(self, "export", None, export_loans, self.kiosk.database, start, end, class_name, by)

    def action_phone_rules(self) -> None:
        self.dismiss("phone rules")  # the scan screen opens the other view (ScanScreen._open_review)
