"""The evidence pack (issue 16, R8): a week of a small school's record made through the ledger functions, the pack
written with given policy figures, and read back by two independent readers (pypdf, poppler's pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from db import devices, phones
from db.core import COMMAND_LINE, Refused
from db.core.models import LedgerEntry
from db.corrections import void_entry
from db.devices import import_devices
from db.records import head
from evidence import MAX_ROWS, PackData, write_pack
from kiosk.config import POLICY_PARAGRAPH, Settings
from kiosk.evidence_pack import gather_pack, make_pack

FIRST, LAST = date(2026, 11, 9), date(2026, 11, 13)
SECTIONS = ["The policy", "Figures by class", "Figures by year group", "Trends by week", "Exceptions register",
            "Confiscations", "Early hand-backs", "By reason", "Each hand-back", "Cupboard lock confirmations",
            "Days not confirmed", "Cameras and iPads (R3, R4)", "Each loan", "Stock-takes"]
SURNAMES = ("Khan", "O'Connor", "O’Connor", "Wiśniewski", "Brooks", "Jones", "Teale", "Patel")


def figures(name: str, base: int, **more) -> dict:
    """A row as `kiosk report policy --format json` gives it, with numbers easy to find in the text."""
    row = {"class": name, "school_days": 5, "phones_in": base, "pupils_with_phones": base - 1, "cupboard_phones": 3,
           "office_phones": base - 3, "handed_back": base - 2, "left_overnight": 1, "early_hand_backs": 1,
           "parents_told": 2, "parents_not_told": 1, "parents_told_median_minutes": 78.5,
           "parents_told_max_minutes": 241, "cupboard_unconfirmed_days": 1, "confiscations": 2,
           "confiscation_repeat_pupils": 1, "confiscation_median_hours": 7.25, "exceptions_active": 1,
           "exceptions_review_due": 0}
    return row | more


CLASSES = [figures("4B", 417), figures("6A", 623), figures("school", 1040)]
YEARS = [figures("school", 417, year=4, pupils_with_phones=6, pupils_in_year=30),
         figures("school", 623, year=6, pupils_with_phones=14, pupils_in_year=28),
         figures("school", 1040, year=None, pupils_with_phones=20, pupils_in_year=58)]
WEEKS = [figures("school", 311, week="2026-11-02"), figures("school", 729, week="2026-11-09")]


@pytest.fixture
def week(database, clock, school, tmp_path):
    """Tue 10 to Fri 13 Nov 2026 (the pack covers the week from Monday 9): R1 and R2 phones, parents told after
    80 minutes, an early hand-back with its reason and one voided, an unconfirmed cupboard, a confiscation
    collected after 7 hours and a repeat, an exception, and a camera lent and its photos confirmed on the Drive."""
    (tmp_path / "devices.csv").write_text("Asset Tag,Type,Name,Make,Model,Serial\nCAM-01,camera,Canon 1,Canon,"
                                          "EOS 2000D,12345678901\n", encoding="utf-8")
    import_devices(database, tmp_path / "devices.csv", by=COMMAND_LINE)
    clock.set_local(8, 40, day=10)
    phones.phone_in(database, school.walker, "HBR")  # R1: the 6A cupboard
    phones.cupboard_locked(database, "6A", "HBR")
    clock.set_local(8, 45)
    phones.phone_in(database, school.year4, "LPA")  # R2: the office, parents to tell
    clock.set_local(10, 5)
    phones.parents_told(database, "1003", "MJO", "phone call")
    clock.set_local(11, 0)
    phones.phone_out(database, school.year4, "MJO", reason="dentist appointment")
    clock.set_local(15, 20)
    phones.phone_out(database, school.walker, "HBR")

    clock.set_local(8, 40, day=11)  # Wednesday: the cupboard is never confirmed locked
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year6_no_permit, "HBR")
    clock.set_local(9, 30)
    phones.confiscate(database, school.year6_no_permit, "HBR", "used in class")
    clock.set_local(11, 0)
    phones.phone_out(database, school.walker, "MJO", reason="typed by mistake")
    void_entry(database, _last_hand_back(database), "scanned the wrong phone", "MJO")
    clock.set_local(15, 20)
    phones.phone_out(database, school.walker, "HBR")
    clock.set_local(16, 30)
    phones.phone_out(database, school.year6_no_permit, "MJO", to="his mother")  # collected after 7 hours

    clock.set_local(9, 0, day=12)
    phones.confiscate(database, school.year6_no_permit, "MJO", "filming in the playground")  # the repeat
    clock.set_local(9, 30)
    phones.add_exception(database, "1003", "medical", "kept in her bag on silent", date(2027, 3, 1), by="HTE")
    devices.lend_device(database, "CAM-01", "LPA", "4B", "science walk")
    clock.set_local(12, 0)
    devices.return_device(database, "CAM-01", "LPA", 12)
    devices.confirm_upload(database, "CAM-01", "LPA")
    clock.set_local(14, 0, day=13)
    return school


def _last_hand_back(database) -> int:
    with database.reading() as session:
        return session.exec(select(func.max(LedgerEntry.id)).where(LedgerEntry.action == "phone_out")).one()


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(school_name="Rainow Primary", backup_folder=str(tmp_path / "backups"), kiosk_name="office-pc")


def test_the_gathered_lists_name_pupils_and_staff_by_first_name_and_initial(database, week, settings):
    pack = gather_pack(database, settings, FIRST, LAST, by="HTE", classes=CLASSES)
    assert (pack.school, pack.made_by, pack.policy) == ("Rainow Primary", "Helen T.", POLICY_PARAGRAPH)
    assert pack.anchor == f"Ledger anchor: {head(database)}"
    assert [(c.pupil, c.by, c.reason, c.hours, c.pupil_count) for c in pack.confiscations] == [
        ("Ben O.", "Hannah B.", "used in class", 7.0, 2), ("Ben O.", "Maria J.", "filming in the playground", None, 2)]
    assert [(e.pupil, e.reason, e.by) for e in pack.early_hand_backs] == [("Zoë W.", "dentist appointment", "Maria J.")]
    assert [(d.day, d.phones, d.confirmed) for d in pack.cupboards] == [(date(2026, 11, 10), 1, True),
                                                                      (date(2026, 11, 11), 1, False)]
    assert [(e.class_name, e.kind, e.approved_by, e.review_on) for e in pack.exceptions] == [
        ("4B", "medical", "Helen T.", date(2027, 3, 1))]
    assert [(loan.staff_short, loan.images) for loan in pack.loans] == [("Lucy P.", 12)]


def test_a_teacher_cannot_make_the_pack(database, week, settings):
    with pytest.raises(Refused):
        gather_pack(database, settings, FIRST, LAST, by="HBR")


@pytest.fixture
def pdf(database, week, settings, tmp_path) -> Path:
    takes = [{"when": "Thu 12 Nov 2026 15:40", "place": "6A cupboard", "who": "Hannah B.", "expected": 2, "found": 1,
              "missing": ["P-K3M9-QXT"], "not_expected": 0}]
    return make_pack(tmp_path / "pack.pdf", database, settings, FIRST, LAST, by="HTE", classes=CLASSES, years=YEARS,
                     weeks=WEEKS, stock_takes=takes)


def _pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (poppler-utils; .ci/run installs it)")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_the_pack_reads_back_with_the_figures_anchor_and_short_names(database, pdf):
    text = _pdftotext(pdf)
    words = " ".join(text.split())
    anchor = f"Ledger anchor: {head(database)}"
    assert anchor in text
    for figure in ("1,040", "623", "417", "78.5", "241", "7.2", "58", "30"):  # the rows given, as tables show them
        assert figure in text
    assert "Share who brought a phone" in words and all(share in words for share in ("20%", "50%", "34%"))
    for name in ("Ben O.", "Zoë W.", "Helen T.", "Hannah B.", "Lucy P.", "Maria J."):
        assert name in text, name
    for surname in SURNAMES:
        assert surname not in text, surname
    assert "dentist appointment" in text and "typed by mistake" not in text  # the voided hand-back is left out
    assert "used in class" in text and "filming in the playground" in text and "Ben O. (repeat)" in words
    assert "kept in her bag on silent" in words and "medical" in text
    assert "Canon 1" in text and "science walk" in text
    assert "6A cupboard" in text and "P-K3M9-QXT" in text
    assert "Rainow Primary" in text and "Mon 9 Nov 2026 to Fri 13 Nov 2026" in words


def test_the_pack_has_a_title_an_outline_and_page_numbers(pdf):
    reader = PdfReader(pdf)
    assert reader.metadata.title == "Phone rules: evidence pack: Rainow Primary, Mon 9 Nov 2026 to Fri 13 Nov 2026"
    assert reader.metadata.author == "Helen T."
    catalog = reader.trailer["/Root"]
    assert (catalog["/Lang"], catalog["/PageMode"]) == ("en-GB", "/UseOutlines")
    outline = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else outline.append(item.title)

    walk(reader.outline)
    assert outline == SECTIONS
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, 1):
        assert f"Page {number} of {pages}" in " ".join(page.extract_text().split())  # the total: a form at its end
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.1)  # A4


def test_an_empty_period_says_so_in_each_section(database, school, settings, tmp_path):
    path = make_pack(tmp_path / "empty.pdf", database, settings, FIRST, LAST, by=COMMAND_LINE)
    words = " ".join(_pdftotext(path).split())
    for sentence in ("No stock-takes in this period.", "No phones were confiscated in this period.",
                     "No exceptions were in force in this period.", "No cameras or iPads were lent in this period.",
                     "No phones went into a class cupboard in this period.", "No figures were given for this period.",
                     "by the command line on office-pc"):
        assert sentence in words, sentence


@dataclass(frozen=True)
class HandBack:
    at: datetime
    pupil: str
    class_name: str
    reason: str
    by: str


def test_a_long_list_is_shortened_saying_how_many_more_and_every_letter_of_a_name_is_searchable(tmp_path):
    """The PDF writer alone, fed plain data: names from across a school's roll come out as typed."""
    at = datetime(2026, 11, 10, 11, 0)
    names = ["Łukasz N.", "Nguyễn T.", "Zoë W.", "Siobhán O."]
    backs = [HandBack(at, names[n % 4], "5A", f"appointment {n}", "Maria J.") for n in range(MAX_ROWS + 10)]
    pack = PackData(school="Meadowbank Primary", first=FIRST, last=LAST, made_at=at, made_by="Helen T.",
                    anchor="Ledger anchor: K1-000231-7QF3KD2M-20261128T1544", policy="Phones go to the office.",
                    early_hand_backs=backs)
    words = " ".join(_pdftotext(write_pack(tmp_path / "long.pdf", pack)).split())
    assert all(name in words for name in names)
    assert f"appointment {MAX_ROWS - 1} " in words and f"appointment {MAX_ROWS} " not in words
    assert "… and 10 more early hand-backs: kiosk report custody --from 2026-11-09 --to 2026-11-13 lists them all." \
        in words
    assert f"{MAX_ROWS + 10} phones handed back before home-time" in words


@dataclass(frozen=True)
class ReportRow:
    """A row as the policy report's own dataclass gives it (``class_name``, not the JSON's ``class``)."""

    class_name: str
    phones_in: int
    year: int | None = None


def test_the_report_rows_may_come_as_its_dataclasses(database, school, settings):
    pack = gather_pack(database, settings, FIRST, LAST, by="HTE",
                       classes=[ReportRow("6A", 12), ReportRow("school", 12)], years=[ReportRow("school", 3, year=6)])
    assert pack.classes == ({"class": "6A", "phones_in": 12, "year": None},
                            {"class": "school", "phones_in": 12, "year": None})
    assert pack.years == ({"class": "school", "phones_in": 3, "year": 6},)


def test_in_summer_time_home_time_and_the_day_are_the_schools(database, clock, school):
    """15:30 in June is 14:30 in UTC: after home-time at the school, so not an early hand-back."""
    clock.moment = clock.moment.replace(year=2027, month=6, day=15)  # a Tuesday in summer time
    clock.set_local(8, 40)  # 07:40 UTC
    phones.phone_in(database, school.year4, "LPA")
    phones.phone_in(database, school.walker, "HBR")
    clock.set_local(15, 30)
    phones.phone_out(database, school.year4, "MJO")
    phones.phone_out(database, school.walker, "HBR")
    clock.set_local(8, 40, day=16)
    phones.phone_in(database, school.year4, "LPA")
    clock.set_local(14, 30)
    phones.phone_out(database, school.year4, "MJO", reason="orthodontist")
    first, last = date(2027, 6, 14), date(2027, 6, 18)
    early = phones.early_hand_backs(database, first, last, by="HTE")
    assert [(e.at.strftime("%d %H:%M"), e.reason) for e in early] == [("16 14:30", "orthodontist")]
    [cupboard] = phones.cupboard_days(database, first, last, by="HTE")
    assert (cupboard.day, cupboard.last_in.strftime("%H:%M"), cupboard.confirmed) == (date(2027, 6, 15), "08:40", False)
