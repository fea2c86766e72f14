"""The leadership's review of the phone rules (R8), the other view of the review (R switches to and from the cameras
and iPads): for a period (this half-term unless another is chosen), the figures by class, phones checked in and
office phones (R2) per week, and the lists behind the figures; E saves them all as CSV files.

For SLT (and admin) only: the scan screen explains that to anyone else, and the db functions refuse them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot

from db import phones
from db.core import Database, Refused, TermDates, in_school_year, plural
from db.phones import PolicyFigures, PolicyLists, PolicyReport
from kiosk.policy_report import export_policy
from kiosk.review_days import monday, parse_days
from kiosk.screens.ask import AskScreen
from kiosk.screens.review_base import ReviewScreen
from kiosk.widgets.footer import KioskFooter
from kiosk.widgets.status_bar import StatusBar
from kiosk.widgets.table import KioskTable
from kiosk.widgets.week_bars import FIRST_MARKER, SECOND_MARKER, draw_weeks
from kiosk.work import Done, Failed, Refusal, carry_out

MAX_CHART_WEEKS = 16  # a term; more bars than this are too thin to label at 80 columns
PERIODS = {"this-half-term": "This half-term", "this-term": "This term", "this-year": "This school year"}
# The figures table: what the leadership chase first (at 80 columns the last ones are cut, and the line under the
# table says the selected class's figures whole, with the minutes and hours until parents were told and phones
# collected). The school days are the same for every class: in the range line.
COLUMNS = (("phones_in", "In"), ("pupils_with_phones", "Pupils"), ("cupboard_phones", "Cupbd"),
           ("office_phones", "Office"), ("parents_not_told", "Untold"), ("parents_told", "Told"),
           ("cupboard_unconfirmed_days", "Unlocked"), ("confiscations", "Confisc"),
           ("confiscation_repeat_pupils", "Repeat"), ("early_hand_backs", "Early"), ("left_overnight", "Night"),
           ("handed_back", "Back"), ("exceptions_review_due", "Review"), ("exceptions_active", "Except"))


@dataclass(frozen=True)
class Shown:
    """What the screen shows for the period chosen."""

    report: PolicyReport
    weeks: list[PolicyFigures]  # the school's row for each week (the chart), up to MAX_CHART_WEEKS
    lists: PolicyLists


def load_rules(database: Database, terms: TermDates, period: str | None, first: date | None, last: date | None,
               by: str) -> Shown:
    report = phones.policy_figures(database, first, last, terms=terms, period=None if first else period, by=by)
    start = max(report.first, monday(report.last) - timedelta(weeks=MAX_CHART_WEEKS - 1))
    weekly = phones.policy_figures(database, start, report.last, terms=terms, per="week", by=by)
    return Shown(report, [row for row in weekly.rows if row.class_name == "school"],
                 phones.policy_lists(database, report.first, report.last, by=by))


def waited(minutes: int) -> str:
    """"25 min", "3 h 20 min", "9 days 7 h"."""
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{plural(days, 'day')} {hours} h" if hours else plural(days, "day")
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def in_words(row: PolicyFigures) -> str:
    """The selected class's (or the school's) figures an 80-column table cuts, and the times behind them."""
    name = "The school" if row.class_name == "school" else row.class_name
    words = [f"{row.early_hand_backs} handed back early, {row.left_overnight} left overnight, {row.handed_back} back "
             "the same day"]
    if row.parents_told_median_minutes is not None:
        words.append(f"parents told after {number(row.parents_told_median_minutes)} min (median), "
                     f"{number(row.parents_told_max_minutes)} min at most")
    if row.confiscations:
        words.append(f"{plural(row.confiscation_repeat_pupils, 'pupil')} confiscated from twice or more"
                     + ("" if row.confiscation_median_hours is None else
                        f", collected after {number(row.confiscation_median_hours)} h (median)"))
    words.append(f"{plural(row.exceptions_active, 'exception')}, {row.exceptions_review_due} due for review")
    return f"{name}: {' · '.join(words)}"


@dataclass(frozen=True)
class Line:
    """One line of the lists: which list, who, their class, when, what; and the whole of it in words."""

    kind: str
    who: str
    class_name: str
    when: str
    what: str
    words: str


class PhoneRulesScreen(ReviewScreen):
    CSS_PATH = "phone_rules.tcss"
    AUTO_FOCUS = "#figures"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("escape,f11", "back", "Back", key_display="Esc"),
        Binding("h", "period('this-half-term')", "Half-term", key_display="H", tooltip="This half-term (the first "
                "shown)"),
        Binding("t", "period('this-term')", "Term", key_display="T", tooltip="This term"),
        Binding("y", "period('this-year')", "Year", key_display="Y", tooltip="This school year"),
        Binding("d", "days", "Dates…", key_display="D",
                tooltip="Which days: this half-term, this term, this school year, or the first and last day typed"),
        Binding("l", "lists", "Lists", key_display="L",
                tooltip="Go to the lists behind the figures (again: back to the figures)"),
        Binding("e", "export", "Export", key_display="E",
                tooltip="Save the figures and the lists as CSV files in your Documents folder"),
        # The review's other view: the same key comes back (kiosk/screens/devices_review.py).
        Binding("r", "devices", "Devices", key_display="R", tooltip="Switch to the review of the cameras and iPads"),
    ]
    # At 80 columns: in the help (? or F1) and in D's question.
    WIDE_ONLY = ("period('this-half-term')", "period('this-term')", "period('this-year')")

    def __init__(self) -> None:
        super().__init__()
        self.period: str | None = "this-half-term"
        self.first: date | None = None  # days typed instead of a period
        self.last: date | None = None
        self.shown: Shown | None = None
        self.lines: list[Line] = []
        self._asked = False
        self._at_lists = False  # L last went down to the lists

    def compose(self) -> ComposeResult:
        yield StatusBar("Phone rules")
        yield Static("Loading…", id="range", markup=False)
        yield Static(id="message", markup=False)
        with VerticalScroll(id="page", can_focus=False):
            yield KioskTable(id="figures", cursor_type="row", zebra_stripes=True)
            yield Static(id="figures-detail", markup=False)
            yield Static(id="chart-title", markup=False)
            yield PlotextPlot(id="chart")
            yield Static(id="lists-title", markup=False)
            yield KioskTable(id="lists", cursor_type="row", zebra_stripes=True)
            yield Static(id="list-detail", markup=False)
        yield KioskFooter()

    def on_mount(self) -> None:
        self.query_one("#figures", DataTable).add_columns("Class", *(heading for _, heading in COLUMNS))
        self.query_one("#lists", DataTable).add_columns("Behind", "Who", "Class", "When", "What")
        self.query_one("#message").display = False

    def on_screen_resume(self) -> None:
        if self._asked:  # back from a question: its answer reloads (or says what was wrong with it)
            self._asked = False
            return
        self.reload()

    # --- the period shown --------------------------------------------------------

    def action_period(self, name: str) -> None:
        self.period, self.first, self.last = name, None, None
        self.reload()

    def action_days(self) -> None:
        self._asked = True
        self.app.push_screen(AskScreen("Which days? A period, or type the first and the last, e.g. 01/09/2026 "
                                       "18/12/2026.", tuple(PERIODS.values()),
                                       "The first and last day, e.g. 01/09/2026 18/12/2026"), callback=self._days_given)

    def _days_given(self, answer: str | None) -> None:
        if not answer:
            return
        chosen = next((name for name, words in PERIODS.items() if words == answer), None)
        if chosen:
            self.action_period(chosen)
            return
        try:
            self.first, self.last = parse_days(answer)
        except Refused as exc:
            self.say(str(exc), refused=True)
            return
        self.period = None
        self.reload()

    # --- loading -----------------------------------------------------------------

    def reload(self) -> None:
        if self.signed_out:  # the idle lock or F10 is closing this screen
            return
        self.query_one("#message").display = False
        self.load(self.period, self.first, self.last, self.kiosk.staff.code)

    @work(thread=True, exclusive=True, group="rules", exit_on_error=False)
    def load(self, period: str | None, first: date | None, last: date | None, by: str) -> None:
        # The term dates are read here: a date written wrongly in the setting is refused in a sentence.
        carry_out(self, "rules", None, lambda: load_rules(self.kiosk.database, self.kiosk.settings.school_terms(),
                                                          period, first, last, by))

    def on_done(self, message: Done) -> None:
        if message.task == "export":
            self.say(message.value)
            return
        self.shown = message.value
        self.show_range()
        self.show_figures()
        self.show_chart()
        self.show_lists()

    @on(Refusal)
    @on(Failed)
    def not_done(self, message: Refusal | Failed) -> None:
        after = " What is shown may be out of date." if message.task == "rules" and self.shown else ""
        self.say(f"{message.sentence}{after}", refused=True)

    def today(self) -> date:
        return self.kiosk.local_now().date()

    def show_range(self) -> None:
        report = self.shown.report
        first, last = report.first, report.last
        which = f"{PERIODS[self.period].lower()}: " if self.period else ""  # one line at 80 columns
        self.query_one("#range", Static).update(
            f"Phone rules {which}{first.day} {first:%b %Y} to {last.day} {last:%b %Y}, "
            f"{plural(report.rows[-1].school_days, 'school day')}")

    def show_figures(self) -> None:
        table = self.query_one("#figures", DataTable)
        # The school's row first selected (the last); after that the row chosen stays as the period changes.
        row = table.cursor_row if table.row_count else len(self.shown.report.rows) - 1
        table.clear()
        for figures in self.shown.report.rows:
            school = figures.class_name == "school"
            style = "bold" if school else ""
            cells = [number(getattr(figures, key)) for key, _ in COLUMNS]
            table.add_row(Text("School" if school else figures.class_name, style=style),
                          *(Text(cell, style=style, justify="right") for cell in cells), key=figures.class_name)
        table.move_cursor(row=min(row, max(table.row_count - 1, 0)))
        self.show_class()

    @on(DataTable.RowHighlighted, "#figures")
    def show_class(self) -> None:
        table = self.query_one("#figures", DataTable)
        rows = self.shown.report.rows if self.shown else ()
        if table.cursor_row < len(rows):
            self.query_one("#figures-detail", Static).update(in_words(rows[table.cursor_row]))

    def show_chart(self) -> None:
        weeks = self.shown.weeks
        last = self.shown.report.last
        self.query_one("#chart-title", Static).update(
            f"{FIRST_MARKER} Phones checked in and {SECOND_MARKER} office phones (R2) per week, "
            f"{plural(len(weeks), 'week')} to {last.day} {last:%b}")
        palette = self.app.palette
        draw_weeks(self.query_one("#chart", PlotextPlot), [week.week for week in weeks],
                   [week.phones_in for week in weeks], [week.office_phones for week in weeks],
                   ("checked in", "office (R2)"), (palette.rgb("done-light"), palette.rgb("note")))

    # --- the lists behind the figures --------------------------------------------

    def day(self, day: date) -> str:
        """"Wed 4 Nov", with its year outside this school year."""
        year = "" if in_school_year(day, self.today()) else f" {day:%Y}"
        return f"{day:%a} {day.day} {day:%b}{year}"

    def when(self, moment: datetime) -> str:
        return f"{self.day(moment.date())} {moment:%H:%M}"

    def list_lines(self, lists: PolicyLists) -> list[Line]:
        lines = []
        for r in lists.parents_untold:
            lines.append(Line("Parents untold", r.pupil, r.class_name, self.when(r.since),
                              f"waiting {waited(r.waiting_minutes)}",
                              f"{r.pupil} ({r.class_name}): the parents are not yet told about the phone checked in "
                              f"{self.when(r.since)}, {waited(r.waiting_minutes)} ago."))
        for r in lists.repeat_confiscations:
            reasons = "; ".join(r.reasons)
            lines.append(Line("Confiscated again", r.pupil, r.class_name,
                              f"{self.day(r.first.date())} to {self.day(r.last.date())}",
                              f"{r.times} times: {reasons}",
                              f"{r.pupil} ({r.class_name}): phone confiscated {r.times} times, "
                              f"{self.when(r.first)} to {self.when(r.last)}: {reasons}."))
        for r in lists.cupboards_unconfirmed:
            lock = "no lock confirmed that day" if r.locked_at is None else \
                f"locked at {r.locked_at:%H:%M}, before the last phone"
            lines.append(Line("Cupboard not locked", f"{r.class_name} cupboard", r.class_name, self.day(r.day),
                              f"{plural(r.phones, 'phone')} in; {lock}",
                              f"{r.class_name}'s cupboard on {self.day(r.day)}: {plural(r.phones, 'phone')} put in, "
                              f"the last at {r.last_in:%H:%M}; {lock}."))
        for r in lists.early_hand_backs:
            lines.append(Line("Home early", r.pupil, r.class_name, self.when(r.at), r.reason,
                              f"{r.pupil} ({r.class_name}): phone handed back {self.when(r.at)} by {r.by}, before "
                              f"home-time: “{r.reason}”."))
        for r in lists.exceptions_due:
            lines.append(Line("Review due", r.pupil, r.class_name, self.day(r.review_on),
                              f"{r.kind}, {plural(r.days_overdue, 'day')} overdue",
                              f"{r.pupil} ({r.class_name}): the {r.kind} exception approved by {r.approved_by} was due "
                              f"for review on {self.day(r.review_on)} ({plural(r.days_overdue, 'day')} overdue); "
                              "its conditions are in the exceptions register."))
        return lines

    def show_lists(self) -> None:
        lists = self.shown.lists
        self.lines = self.list_lines(lists)
        counts = [plural(len(lists.parents_untold), "parent") + " untold",
                  plural(len(lists.repeat_confiscations), "repeat confiscation"),
                  f"cupboards not confirmed on {plural(len(lists.cupboards_unconfirmed), 'day')}",
                  plural(len(lists.early_hand_backs), "early hand-back"),
                  plural(len(lists.exceptions_due), "review") + " due"]
        title = self.query_one("#lists-title", Static)
        title.update(f"Behind the figures: {' · '.join(counts)}" if self.lines else
                     "Behind the figures: nothing to follow up for these days.")
        with self.refilling(self.query_one("#lists", DataTable)) as table:
            for i, line in enumerate(self.lines):
                table.add_row(line.kind, line.who, line.class_name, line.when, line.what, key=str(i))
            table.display = bool(self.lines)
        self.show_line()

    @on(DataTable.RowHighlighted, "#lists")
    def show_line(self) -> None:
        """The selected line whole: at 80 columns the table cuts the reasons."""
        table = self.query_one("#lists", DataTable)
        detail = self.query_one("#list-detail", Static)
        detail.display = table.cursor_row < len(self.lines)
        if detail.display:
            detail.update(self.lines[table.cursor_row].words)

    def action_lists(self) -> None:
        """L: down to the lists (the table focused when there are any), and L again back up to the figures."""
        figures, lists = self.query_one("#figures", DataTable), self.query_one("#lists", DataTable)
        page = self.query_one("#page", VerticalScroll)
        # Down unless the lists have the focus (or, when there are none, their title was scrolled to last time).
        self._at_lists = self.focused is not lists and not (self._at_lists and not lists.display)
        if not self._at_lists:
            figures.focus(scroll_visible=False)
            page.scroll_home(animate=False)
            return
        if lists.display:
            lists.focus(scroll_visible=False)
        page.scroll_to_widget(self.query_one("#lists-title"), top=True, animate=False)

    # --- export, and the way out -------------------------------------------------

    def action_export(self) -> None:
        if self.signed_out or self.shown is None:
            return
        report = self.shown.report
        self.export(report.first, report.last, self.kiosk.staff.code)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export(self, first: date, last: date, by: str) -> None:
        carry_out(self, "export", None, lambda: export_policy(self.kiosk.database, self.kiosk.settings.school_terms(),
                                                              first, last, by))

    def action_devices(self) -> None:
        self.dismiss("devices")  # the scan screen opens the other view (ScanScreen._open_review)
