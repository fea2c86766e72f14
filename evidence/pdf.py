"""The evidence pack as one A4 PDF: searchable text, the title in its metadata, every heading in its outline
(the bookmarks a reader's sidebar shows), "Page N of M" and the ledger anchor at the foot of every page."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from evidence import charts, fonts
from evidence.pack import PackData, day, moment, number, stamp, week_of, year_group

TITLE = "Phone rules: evidence pack"
MAX_ROWS = 250  # a list longer than this is shortened, saying how many more and where they all are
MARGIN = 18 * mm
LABEL = 52 * mm  # the figures' names down the side of a table of figures
FOOT_SIZE, FOOT_COLOUR = 7.5, colors.HexColor("#444444")
PAGES_FORM = "pages"  # the number of pages, known only at the end
COLUMNS_PER_TABLE = 7  # classes side by side on a portrait page, beside the figures' names and the school's

# The figures of `kiosk report policy`, as a governor reads them, in the report's order.
FIGURES = (
    ("school_days", "School days"),
    ("phones_in", "Phones checked in"),
    ("pupils_with_phones", "Pupils who brought a phone"),
    ("cupboard_phones", "To the class cupboard (R1)"),
    ("office_phones", "To the office: should not have come (R2)"),
    ("handed_back", "Handed back the same day"),
    ("left_overnight", "Left overnight"),
    ("early_hand_backs", "Handed back before home-time"),
    ("parents_told", "Parents told"),
    ("parents_not_told", "Parents not yet told"),
    ("parents_told_median_minutes", "Minutes until parents told (median)"),
    ("parents_told_max_minutes", "Minutes until parents told (longest)"),
    ("cupboard_unconfirmed_days", "Cupboard days with no lock confirmed"),
    ("confiscations", "Confiscations"),
    ("confiscation_repeat_pupils", "Pupils confiscated from twice or more"),
    ("confiscation_median_hours", "Hours until collected (median)"),
    ("exceptions_active", "Exceptions in force"),
    ("exceptions_review_due", "Exceptions past their review date"),
)


class _Styles:
    def __init__(self):
        regular, bold = fonts.register()
        self.regular, self.bold = regular, bold
        self.body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=13, spaceAfter=5)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8, leading=10, spaceAfter=0)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=7.5, leading=9, spaceAfter=0)
        self.narrow = ParagraphStyle("narrow", parent=self.cell, fontSize=6.5)  # "Reception" in a column of numbers
        self.title = ParagraphStyle("title", parent=self.body, fontName=bold, fontSize=18, leading=22, spaceAfter=8)
        self.h1 = ParagraphStyle("h1", parent=self.body, fontName=bold, fontSize=13, leading=16, spaceBefore=10,
                                 spaceAfter=6, textColor=colors.HexColor("#1f3a5f"))
        self.h2 = ParagraphStyle("h2", parent=self.body, fontName=bold, fontSize=10.5, leading=13, spaceBefore=6,
                                 spaceAfter=4)


class _Heading(Paragraph):
    """A heading that also goes into the PDF's outline at its level."""

    def __init__(self, text: str, style: ParagraphStyle, level: int):
        super().__init__(escape(text), style)
        self.outline = (text, level)


class _Canvas(Canvas):
    """Each page's foot refers to a form holding the number of pages, drawn once at the end: one layout pass."""

    font = "Helvetica"

    def save(self) -> None:
        self.beginForm(PAGES_FORM)
        self.setFont(self.font, FOOT_SIZE)
        self.setFillColor(FOOT_COLOUR)
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


class _Pack(BaseDocTemplate):
    def __init__(self, target, pack: PackData, styles: _Styles):
        super().__init__(target, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN + 8 * mm, title=f"{TITLE}: {pack.school}, {pack.period}",
                         author=pack.made_by, subject="How the school's phone rules worked (R8)",
                         creator="Custody Kiosk", keywords=pack.anchor or "", lang="en-GB",
                         displayDocTitle=1)  # a reader's title bar shows the title, not the file's name
        self.pack, self.styles, self._headings = pack, styles, 0
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._foot)])

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, _Heading):
            text, level = flowable.outline
            self._headings += 1
            key = f"h{self._headings}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level, closed=False)
            self.canv.showOutline()  # the reader opens with the headings in its sidebar

    def _foot(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(self.styles.regular, FOOT_SIZE)
        canvas.setFillColor(FOOT_COLOUR)
        left, right, y = self.leftMargin, A4[0] - self.rightMargin, MARGIN
        canvas.drawString(left, y, f"{self.pack.school} · {TITLE} · {self.pack.period}")
        words = f"Page {doc.page} of "
        start = right - 12 * mm
        canvas.drawString(start, y, words)
        canvas.saveState()
        canvas.translate(start + canvas.stringWidth(words, self.styles.regular, FOOT_SIZE), y)
        canvas.doForm(PAGES_FORM)
        canvas.restoreState()
        if self.pack.anchor:
            canvas.drawString(left, y - 10, self.pack.anchor)
        canvas.restoreState()


def write_pack(path: str | Path, pack: PackData) -> Path:
    """Write the pack to ``path`` (a PDF); returns the path."""
    styles = _Styles()
    path = Path(path)
    canvas = type("_PackCanvas", (_Canvas,), {"font": styles.regular})
    _Pack(str(path), pack, styles).build(_story(pack, styles), canvasmaker=canvas)
    return path


# --- the story: what the pages say, in order ---------------------------------------------------------------------


def _story(pack: PackData, s: _Styles) -> list:
    story = [Paragraph(escape(TITLE), s.title),
             Paragraph(f"<b>{escape(pack.school or 'The school')}</b>", s.body),
             _facts(pack, s),
             Spacer(1, 4),
             Paragraph("Names are given as a first name and the initial of the surname (R5). Entries corrected later "
                       "(voided in the ledger) are left out. The ledger anchor ties these figures to the school's "
                       "record: <i>kiosk audit verify --anchor</i> with it checks that the record has not changed "
                       "since.", s.small)]
    story += _section("The policy", s) + [Paragraph(escape(pack.policy), s.body)]
    story += _figures_by_class(pack, s) + _figures_by_year(pack, s) + _trends(pack, s)
    story += _exceptions(pack, s) + _confiscations(pack, s) + _early(pack, s) + _cupboards(pack, s)
    story += _devices(pack, s) + _stock_takes(pack, s)
    return story


def _facts(pack: PackData, s: _Styles) -> Table:
    rows = [("Period", pack.period), ("Made", f"{moment(pack.made_at)} by {pack.made_by}"),
            ("Ledger anchor", (pack.anchor or "none: the ledger is empty").removeprefix("Ledger anchor: "))]
    table = Table([[Paragraph(f"<b>{k}</b>", s.body), Paragraph(escape(v), s.body)] for k, v in rows],
                  colWidths=[32 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                               ("TOPPADDING", (0, 0), (-1, -1), 1), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _section(title: str, s: _Styles, room: float = 40 * mm) -> list:
    """A heading, on a new page unless ``room`` is left below it on this one."""
    return [CondPageBreak(room), _Heading(title, s.h1, 0)]


def _sub(title: str, s: _Styles) -> _Heading:
    return _Heading(title, s.h2, 1)


def _grid(rows: list[list], s: _Styles, widths=None, numeric_from: int = 1, header: ParagraphStyle | None = None,
          ) -> Table:
    """A table with a header row repeated on each page, numbers right-aligned from column ``numeric_from``."""
    cells = [[Paragraph(escape(str(c)), s.cell) if isinstance(c, str) else c for c in row] for row in rows]
    cells[0] = [Paragraph(f"<b>{escape(str(c))}</b>", header or s.cell) for c in rows[0]]
    table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), s.regular, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ecf2")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _num(value, s: _Styles) -> Paragraph:
    return Paragraph(escape(number(value)), ParagraphStyle("n", parent=s.cell, alignment=2))


def _none(text: str, s: _Styles) -> list:
    return [Paragraph(escape(text), s.body)]


def _shortened(listed: int, total: int, what: str, pack: PackData, s: _Styles) -> list:
    if total <= listed:
        return []
    return [Spacer(1, 3), Paragraph(f"… and {total - listed:,} more {escape(what)}: <i>{escape(pack.more_command)} "
                                    f"--from {pack.first:%Y-%m-%d} --to {pack.last:%Y-%m-%d}</i> lists them all.",
                                    s.small)]


def _transposed(rows: list, label_of, extra: list[tuple], s: _Styles) -> list:
    """Figures down the side, groups (classes, years) across, a few at a time; the school's column in each."""
    if not rows:
        return _none("No figures were given for this period.", s)
    school = [r for r in rows if str(r.get("class", "")).lower() == "school"]
    groups = [r for r in rows if r not in school]
    size = -(-len(groups) // -(-len(groups) // COLUMNS_PER_TABLE)) if groups else 1  # tables of even width
    chunks = [groups[i:i + size] for i in range(0, len(groups), size)] or [[]]
    out = []
    for chunk in chunks:
        columns = chunk + school
        header = ["Figure"] + [label_of(r) for r in columns]
        body = [[label] + [_num(key(r) if callable(key) else r.get(key), s) for r in columns] for key, label in extra]
        body += [[label] + [_num(r.get(key), s) for r in columns] for key, label in FIGURES]
        width = (A4[0] - 2 * MARGIN - LABEL) / max(len(columns), 1)
        out += [_grid([header] + body, s, widths=[LABEL] + [min(width, 22 * mm)] * len(columns), header=s.narrow),
                Spacer(1, 6)]
    return out


def _figures_by_class(pack: PackData, s: _Styles) -> list:
    note = Paragraph("One column per class and the whole school. Each pupil counts in the class they are in now.",
                     s.small)
    return _section("Figures by class", s) + [note, Spacer(1, 4)] + _transposed(
        list(pack.classes), lambda r: "School" if str(r.get("class")).lower() == "school" else str(r.get("class")),
        [], s)


def _share(row) -> str | None:
    pupils, year = row.get("pupils_with_phones"), row.get("pupils_in_year")
    return f"{100 * pupils / year:.0f}%" if pupils is not None and year else None


def _figures_by_year(pack: PackData, s: _Styles) -> list:
    note = Paragraph("The whole school by year group, beside the number of pupils in each year: whether younger "
                     "pupils bring phones more (R2) is a matter of proportion.", s.small)
    rows = [dict(r, **{"class": "school"}) if r.get("year") is None else r for r in pack.years]
    return _section("Figures by year group", s) + [note, Spacer(1, 4)] + _transposed(
        rows, lambda r: "School" if r.get("year") is None else year_group(r.get("year")),
        [("pupils_in_year", "Pupils in the year (on roll now)"), (_share, "Share who brought a phone")], s)


def _school_weeks(pack: PackData) -> list[tuple]:
    """(Monday, phones in, office phones) per week: the school's rows, else every row added up per week."""
    school = [r for r in pack.weeks if str(r.get("class", "school")).lower() == "school"] or list(pack.weeks)
    totals: dict = defaultdict(Counter)
    for row in school:
        monday = week_of(row.get("week"))
        if monday is not None:
            totals[monday].update({"in": row.get("phones_in") or 0, "office": row.get("office_phones") or 0})
    return [(monday, totals[monday]["in"], totals[monday]["office"]) for monday in sorted(totals)]


def _trends(pack: PackData, s: _Styles) -> list:
    weeks = _school_weeks(pack)
    mondays = [w for w, _, _ in weeks]
    return _section("Trends by week", s, room=90 * mm) + [
        KeepTogether([charts.weekly_bars("Phones checked in, per week", mondays, [n for _, n, _ in weeks],
                                         font=s.regular), Spacer(1, 8)]),
        KeepTogether([charts.weekly_bars("Phones to the office, per week: pupils who should not have brought one "
                                         "(R2)", mondays, [n for _, _, n in weeks], font=s.regular,
                                         colour=colors.HexColor("#b35c00"))]),
    ]


def _exceptions(pack: PackData, s: _Styles) -> list:
    head = _section("Exceptions register", s) + [Paragraph(
        "Pupils who keep their phone, as agreed by the leadership team: what was agreed and when it is reviewed. "
        "Neither the pupil nor any diagnosis is printed.", s.small), Spacer(1, 4)]
    if not pack.exceptions:
        return head + _none("No exceptions were in force in this period.", s)
    rows = [["Class", "Kind", "Conditions", "Approved by", "Approved", "Review by", "Ended"]]
    due = pack.made_at.date()
    rows += [[e.class_name, e.kind, e.conditions, e.approved_by, day(e.approved_on),
              day(e.review_on) + (" (overdue)" if e.ended_on is None and e.review_on < due else ""),
              day(e.ended_on) if e.ended_on else "–"] for e in pack.exceptions]
    return head + [_grid(rows, s, widths=[14 * mm, 17 * mm, 54 * mm, 22 * mm, 22 * mm, 22 * mm, 22 * mm],
                         numeric_from=99)]


def _confiscations(pack: PackData, s: _Styles) -> list:
    head = _section("Confiscations", s)
    if not pack.confiscations:
        return head + _none("No phones were confiscated in this period.", s)
    repeats = len({(c.pupil, c.class_name) for c in pack.confiscations if c.pupil_count >= 2})
    head.append(Paragraph(f"{_plural(len(pack.confiscations), 'confiscation')}; {_plural(repeats, 'pupil')} had a "
                          "phone confiscated twice or more in the period (marked “repeat”).", s.body))
    rows = [["When", "Pupil", "Class", "Reason", "By", "Collected", "Hours"]]
    shown = pack.confiscations[:MAX_ROWS]
    rows += [[stamp(c.at), c.pupil + (" (repeat)" if c.pupil_count >= 2 else ""), c.class_name, c.reason, c.by,
              stamp(c.released_at) if c.released_at else "still held", _num(c.hours, s)] for c in shown]
    return head + [_grid(rows, s, widths=[28 * mm, 30 * mm, 14 * mm, 38 * mm, 20 * mm, 28 * mm, 12 * mm],
                         numeric_from=6)] + _shortened(len(shown), len(pack.confiscations), "confiscations", pack, s)


def _early(pack: PackData, s: _Styles) -> list:
    head = _section("Early hand-backs", s)
    if not pack.early_hand_backs:
        return head + _none("No phones were handed back before home-time in this period.", s)
    reasons = Counter(e.reason or "(no reason recorded)" for e in pack.early_hand_backs)
    summary = [["Reason", "Times"]] + [[reason, _num(n, s)] for reason, n in reasons.most_common(20)]
    shown = pack.early_hand_backs[:MAX_ROWS]
    rows = [["When", "Pupil", "Class", "Reason", "By"]]
    rows += [[stamp(e.at), e.pupil, e.class_name, e.reason, e.by] for e in shown]
    total = Paragraph(f"{_plural(len(pack.early_hand_backs), 'phone')} handed back before home-time, each with its "
                      "reason.", s.body)
    return head + [total, _sub("By reason", s), _grid(summary, s, widths=[120 * mm, 20 * mm]),
                   _sub("Each hand-back", s),
                   _grid(rows, s, widths=[30 * mm, 26 * mm, 14 * mm, 78 * mm, 24 * mm], numeric_from=99)] + \
        _shortened(len(shown), len(pack.early_hand_backs), "early hand-backs", pack, s)


def _cupboards(pack: PackData, s: _Styles) -> list:
    head = _section("Cupboard lock confirmations", s)
    if not pack.cupboards:
        return head + _none("No phones went into a class cupboard in this period.", s)
    per: dict = defaultdict(Counter)
    last: dict = {}
    for d in pack.cupboards:
        per[d.cupboard].update({"days": 1, "confirmed": int(d.confirmed), "phones": d.phones})
        if d.locked_at and (d.cupboard not in last or d.locked_at > last[d.cupboard]):
            last[d.cupboard] = d.locked_at
    summary = [["Cupboard", "Days with phones", "Confirmed locked", "Not confirmed", "Phones put in",
                "Last confirmation"]]
    summary += [[name, _num(c["days"], s), _num(c["confirmed"], s), _num(c["days"] - c["confirmed"], s),
                 _num(c["phones"], s), stamp(last[name]) if name in last else "never"]
                for name, c in sorted(per.items())]
    missed = [d for d in pack.cupboards if not d.confirmed]
    out = head + [Paragraph("A class cupboard holding phones is confirmed locked after the last phone goes in (R1).",
                            s.small), Spacer(1, 4),
                  _grid(summary, s, widths=[34 * mm, 24 * mm, 26 * mm, 24 * mm, 22 * mm, 34 * mm])]
    out.append(_sub("Days not confirmed", s))
    if not missed:
        return out + _none("Every cupboard day was confirmed locked after its last phone.", s)
    rows = [["Day", "Cupboard", "Phones", "Last phone in", "Lock confirmed"]]
    rows += [[day(d.day), d.cupboard, _num(d.phones, s), f"{d.last_in:%H:%M}",
              f"{d.locked_at:%H:%M} (before the last phone)" if d.locked_at else "not that day"]
             for d in missed[:MAX_ROWS]]
    return out + [_grid(rows, s, widths=[30 * mm, 34 * mm, 16 * mm, 24 * mm, 50 * mm], numeric_from=2)] + \
        _shortened(min(len(missed), MAX_ROWS), len(missed), "days not confirmed", pack, s)


def _devices(pack: PackData, s: _Styles) -> list:
    head = _section("Cameras and iPads (R3, R4)", s) + [Paragraph(
        "Photographs of pupils are taken only on school devices (R3) and go only to the school's Drive or a school "
        "computer (R4): each loan, the images claimed on return, and those confirmed on the Drive.", s.small),
        Spacer(1, 4)]
    if not pack.loans:
        return head + _none("No cameras or iPads were lent in this period.", s)
    per: dict = defaultdict(Counter)
    for loan in pack.loans:
        unchecked = loan.uploaded_at is not None and loan.verified is None  # confirmed without a folder checked
        per[loan.device].update({"loans": 1, "images": loan.images or 0, "verified": loan.verified or 0,
                                 "unchecked": (loan.images or 0) if unchecked else 0,
                                 "outstanding": int(str(loan.status) in ("out", "not back", "upload outstanding"))})
    summary = [["Device", "Loans", "Images claimed", "Found on the Drive (folder checked)",
                "Confirmed uploaded, not checked", "Loans not back or not uploaded"]]
    summary += [[name, _num(c["loans"], s), _num(c["images"], s), _num(c["verified"], s), _num(c["unchecked"], s),
                 _num(c["outstanding"], s)] for name, c in sorted(per.items())]
    shown = pack.loans[:MAX_ROWS]
    rows = [["Lent", "Device", "By", "Class", "Purpose", "Images", "On the Drive", "Status"]]
    rows += [[stamp(loan.out), loan.device, loan.staff_short, loan.class_name, loan.purpose, _num(loan.images, s),
              _num(loan.verified, s), str(loan.status)] for loan in shown]
    return head + [_grid(summary, s, widths=[42 * mm, 14 * mm, 22 * mm, 32 * mm, 32 * mm, 32 * mm]),
                   _sub("Each loan", s),
                   _grid(rows, s, widths=[29 * mm, 27 * mm, 19 * mm, 12 * mm, 31 * mm, 15 * mm, 16 * mm, 24 * mm],
                         numeric_from=5)] + _shortened(len(shown), len(pack.loans), "loans", pack, s)


def _count(value) -> str:
    """A stock-take's count, or its list of codes with their number."""
    if isinstance(value, list | tuple | set):
        return f"{len(value):,}" + (f": {', '.join(map(str, value))}" if value else "")
    return number(value)


def _stock_takes(pack: PackData, s: _Styles) -> list:
    head = _section("Stock-takes", s) + [Paragraph(
        "Each cupboard or the office checked phone by phone: the phones the record expected there, those found, "
        "those missing, and any found that were not expected.", s.small), Spacer(1, 4)]
    if not pack.stock_takes:
        return head + _none("No stock-takes in this period.", s)
    rows = [["When", "Place", "By", "Expected", "Found", "Missing", "Not expected"]]
    for take in pack.stock_takes:
        when = take.get("when")
        rows.append([stamp(when) if hasattr(when, "hour") else number(when), number(take.get("place")),
                     number(take.get("who")), _count(take.get("expected")), _count(take.get("found")),
                     _count(take.get("missing")), _count(take.get("not_expected"))])
    return head + [_grid(rows, s, widths=[28 * mm, 26 * mm, 22 * mm, 18 * mm, 18 * mm, 30 * mm, 32 * mm],
                         numeric_from=99)]
