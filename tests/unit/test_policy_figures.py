"""The leadership team's figures on the phone rules (R8): a fortnight of history written through the ledger
functions, and every figure checked by hand, per class, for the school, per week and by year group."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest
from sqlmodel import select

from db import phones, tags
from db.core import COMMAND_LINE, NotAllowed, Refused, TermDates
from db.core.models import LedgerEntry, Pupil
from db.corrections import void_entry
from db.phones import FIGURE_KEYS, policy_figures
from tagcodes import TagKind, new_code

ENGLAND = TermDates()  # England's usual pattern: 2 Nov 2026 starts the autumn term's second half
ZERO = dict.fromkeys(FIGURE_KEYS, 0) | {"parents_told_median_minutes": None, "parents_told_max_minutes": None,
                                        "confiscation_median_hours": None}


class Fortnight:
    """Tue 10 to Fri 20 November 2026 in three classes (times in London, GMT in November).

    6A: Amira (Year 6, walks home: cupboard, R1) and Ben (Year 6, no permission: office, R2).
    4B: Zoë (Year 4: office). 2C: Chloé (Year 2), on the exceptions register: she keeps her phone.
    """

    def __init__(self, database, school, clock):
        self.database, self.clock = database, clock
        with database.writing() as session:
            session.add(Pupil(adno="1004", legal_first="Chloé", surname="Martin", year=2, class_name="2C"))
            session.commit()
        chloe = tags.issue_phone_tag(database, "1004", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE).code
        amira, ben, zoe = school.walker, school.year6_no_permit, school.year4
        phones.add_exception(database, "1004", "medical", "glucose app only", date(2026, 11, 18), by="HTE")

        # Tue 10: three phones in, the cupboard locked, parents told after 30 and 70 minutes, all back at home-time.
        self.at(10, 8, 45, phones.phone_in, amira, "HBR")
        self.at(10, 8, 46, phones.phone_in, ben, "HBR")
        self.at(10, 8, 50, phones.phone_in, zoe, "LPA")
        self.at(10, 8, 52, phones.check_in_at_kiosk, chloe, "MJO")  # kept: not a check-in
        self.at(10, 9, 0, phones.cupboard_locked, "6A", "HBR")
        self.at(10, 9, 16, phones.parents_told, "1002", "MJO", "phoned mum")
        self.at(10, 10, 0, phones.parents_told, "1003", "MJO", "phoned dad")
        for code in (amira, ben, zoe):
            self.at(10, 15, 20, phones.phone_out, code, "MJO")
        # Wed 11: the cupboard is not confirmed locked; Ben goes early (his parents are never told); Amira's phone
        # stays overnight.
        self.at(11, 8, 45, phones.phone_in, amira, "HBR")
        self.at(11, 8, 47, phones.phone_in, ben, "HBR")
        self.at(11, 11, 0, phones.phone_out, ben, "MJO", reason="dentist appointment")
        # Thu 12: Amira's phone found in the cupboard (not a new check-in), locked, back at home-time. Zoë's phone
        # comes in, is confiscated, her parents told 25 minutes after it came in; collected 31 hours later.
        self.at(12, 8, 40, phones.check_in_at_kiosk, amira, "HBR")
        self.at(12, 8, 50, phones.cupboard_locked, "6A", "HBR")
        self.at(12, 8, 55, phones.phone_in, zoe, "LPA")
        self.at(12, 9, 0, phones.confiscate, zoe, "MJO", "used in class")
        self.at(12, 9, 20, phones.parents_told, "1003", "MJO", "phoned dad")
        self.at(12, 15, 30, phones.phone_out, amira, "HBR")
        self.at(13, 16, 0, phones.phone_out, zoe, "MJO", to="Mrs Wiśniewska")
        # Mon 16: Amira in, locked, back. Ben's check-in was the wrong pouch: voided. Zoë's phone confiscated again
        # (from her bag, not checked in), collected 25 hours later.
        self.at(16, 8, 45, phones.phone_in, amira, "HBR")
        self.at(16, 8, 50, phones.phone_in, ben, "HBR")
        self.at(16, 8, 52, void_entry, self.newest(), "scanned the wrong pouch", "MJO")
        self.at(16, 8, 55, phones.cupboard_locked, "6A", "HBR")
        self.at(16, 10, 0, phones.confiscate, zoe, "MJO", "used in class again")
        self.at(16, 15, 20, phones.phone_out, amira, "HBR")
        self.at(17, 11, 0, phones.phone_out, zoe, "MJO", to="Mrs Wiśniewska")
        clock.set_local(16, 0, day=20)  # the report is read on Friday 20 November after school

    def at(self, day: int, hour: int, minute: int, action, *args, **kwargs):
        self.clock.set_local(hour, minute, day=day)
        return action(self.database, *args, **kwargs)

    def newest(self) -> int:
        with self.database.reading() as session:
            return session.exec(select(LedgerEntry.id).order_by(LedgerEntry.id.desc())).first()


@pytest.fixture
def fortnight(database, school, clock) -> Fortnight:
    return Fortnight(database, school, clock)


def figures(row) -> dict:
    return {key: value for key, value in asdict(row).items() if key in FIGURE_KEYS}


SIX_A = ZERO | {"school_days": 9, "phones_in": 5, "pupils_with_phones": 2, "cupboard_phones": 3, "office_phones": 2,
                "handed_back": 4, "left_overnight": 1, "early_hand_backs": 1, "parents_told": 1,
                "parents_not_told": 1, "parents_told_median_minutes": 30.0, "parents_told_max_minutes": 30.0,
                "cupboard_unconfirmed_days": 1}
FOUR_B = ZERO | {"school_days": 9, "phones_in": 2, "pupils_with_phones": 1, "office_phones": 2, "handed_back": 1,
                 "parents_told": 2, "parents_told_median_minutes": 47.5, "parents_told_max_minutes": 70.0,
                 "confiscations": 2, "confiscation_repeat_pupils": 1, "confiscation_median_hours": 28.0}
TWO_C = ZERO | {"school_days": 9, "exceptions_active": 1, "exceptions_review_due": 1}
SCHOOL = ZERO | {"school_days": 9, "phones_in": 7, "pupils_with_phones": 3, "cupboard_phones": 3, "office_phones": 4,
                 "handed_back": 5, "left_overnight": 1, "early_hand_backs": 1, "parents_told": 3,
                 "parents_not_told": 1, "parents_told_median_minutes": 30.0, "parents_told_max_minutes": 70.0,
                 "cupboard_unconfirmed_days": 1, "confiscations": 2, "confiscation_repeat_pupils": 1,
                 "confiscation_median_hours": 28.0, "exceptions_active": 1, "exceptions_review_due": 1}


def test_each_figure_per_class_and_for_the_school(database, fortnight):
    report = policy_figures(database, date(2026, 11, 10), date(2026, 11, 20), terms=ENGLAND, by=COMMAND_LINE)
    assert (report.first, report.last, report.per) == (date(2026, 11, 10), date(2026, 11, 20), None)
    assert [row.class_name for row in report.rows] == ["2C", "4B", "6A", "school"]
    assert [figures(row) for row in report.rows] == [TWO_C, FOUR_B, SIX_A, SCHOOL]


def test_one_class_keeps_its_row_and_the_schools(database, fortnight):
    report = policy_figures(database, date(2026, 11, 10), date(2026, 11, 20), terms=ENGLAND, class_name="6a",
                            by=COMMAND_LINE)
    assert [(row.class_name, figures(row)) for row in report.rows] == [("6A", SIX_A), ("school", SCHOOL)]


def test_this_half_term_runs_from_its_first_day_to_today(database, fortnight):
    report = policy_figures(database, terms=ENGLAND, by=COMMAND_LINE)  # the default period
    assert (report.first, report.last) == (date(2026, 11, 2), date(2026, 11, 20))
    assert figures(report.rows[-1]) == SCHOOL | {"school_days": 15}


def test_per_week(database, fortnight):
    report = policy_figures(database, date(2026, 11, 10), date(2026, 11, 20), terms=ENGLAND, per="week",
                            by=COMMAND_LINE)
    got = {(row.week, row.class_name): figures(row) for row in report.rows}
    first, second = date(2026, 11, 9), date(2026, 11, 16)
    assert list(got) == [(week, name) for week in (first, second) for name in ("2C", "4B", "6A", "school")]
    assert all(row.day is None and row.year is None for row in report.rows)
    # Week of 9 November: Tue 10 to Fri 13 in the period (4 school days). The exception is not due until the 18th.
    assert got[first, "6A"] == ZERO | {"school_days": 4, "phones_in": 4, "pupils_with_phones": 2, "cupboard_phones": 2,
                                       "office_phones": 2, "handed_back": 3, "left_overnight": 1,
                                       "early_hand_backs": 1, "parents_told": 1, "parents_not_told": 1,
                                       "parents_told_median_minutes": 30.0, "parents_told_max_minutes": 30.0,
                                       "cupboard_unconfirmed_days": 1}
    assert got[first, "4B"] == ZERO | {"school_days": 4, "phones_in": 2, "pupils_with_phones": 1, "office_phones": 2,
                                       "handed_back": 1, "parents_told": 2, "parents_told_median_minutes": 47.5,
                                       "parents_told_max_minutes": 70.0, "confiscations": 1,
                                       "confiscation_median_hours": 31.0}
    assert got[first, "2C"] == ZERO | {"school_days": 4, "exceptions_active": 1}
    assert got[first, "school"] == ZERO | {
        "school_days": 4, "phones_in": 6, "pupils_with_phones": 3, "cupboard_phones": 2, "office_phones": 4,
        "handed_back": 4, "left_overnight": 1, "early_hand_backs": 1, "parents_told": 3, "parents_not_told": 1,
        "parents_told_median_minutes": 30.0, "parents_told_max_minutes": 70.0, "cupboard_unconfirmed_days": 1,
        "confiscations": 1, "confiscation_median_hours": 31.0, "exceptions_active": 1}
    # Week of 16 November: Ben's voided check-in counts nowhere; Zoë's second confiscation is her only one this week.
    assert got[second, "6A"] == ZERO | {"school_days": 5, "phones_in": 1, "pupils_with_phones": 1,
                                        "cupboard_phones": 1, "handed_back": 1}
    assert got[second, "4B"] == ZERO | {"school_days": 5, "confiscations": 1, "confiscation_median_hours": 25.0}
    assert got[second, "2C"] == ZERO | {"school_days": 5, "exceptions_active": 1, "exceptions_review_due": 1}
    assert got[second, "school"] == ZERO | {
        "school_days": 5, "phones_in": 1, "pupils_with_phones": 1, "cupboard_phones": 1, "handed_back": 1,
        "confiscations": 1, "confiscation_median_hours": 25.0, "exceptions_active": 1, "exceptions_review_due": 1}


def test_per_day_lists_each_school_day(database, fortnight):
    report = policy_figures(database, date(2026, 11, 10), date(2026, 11, 13), terms=ENGLAND, per="day",
                            class_name="6A", by=COMMAND_LINE)
    got = {(row.day, row.class_name): figures(row) for row in report.rows}
    assert [day for day, name in got if name == "6A"] == [date(2026, 11, n) for n in (10, 11, 12, 13)]
    assert got[date(2026, 11, 11), "6A"] == ZERO | {
        "school_days": 1, "phones_in": 2, "pupils_with_phones": 2, "cupboard_phones": 1, "office_phones": 1,
        "handed_back": 1, "left_overnight": 1, "early_hand_backs": 1, "parents_not_told": 1,
        "cupboard_unconfirmed_days": 1}
    assert got[date(2026, 11, 12), "6A"] == ZERO | {"school_days": 1}  # found in place: not a new check-in


def test_by_year_group_beside_the_pupils_in_each_year(database, fortnight):
    report = policy_figures(database, date(2026, 11, 10), date(2026, 11, 20), terms=ENGLAND, per="year",
                            by=COMMAND_LINE)
    assert [(row.year, row.pupils_in_year, row.class_name) for row in report.rows] == [
        (2, 1, "school"), (4, 1, "school"), (6, 2, "school"), (None, 4, "school")]
    assert [figures(row) for row in report.rows] == [TWO_C, FOUR_B, SIX_A, SCHOOL]


def test_refusals_in_one_sentence(database, fortnight):
    with pytest.raises(NotAllowed):
        policy_figures(database, terms=ENGLAND, by="HBR")  # a teacher: the figures are the leadership team's
    with pytest.raises(Refused, match="No pupil is in class “7Z”"):
        policy_figures(database, terms=ENGLAND, class_name="7Z", by="HTE")
    with pytest.raises(Refused, match="is not a period"):
        policy_figures(database, terms=ENGLAND, period="last-week", by="HTE")
    with pytest.raises(Refused, match="not both"):
        policy_figures(database, date(2026, 11, 10), terms=ENGLAND, period="this-term", by="HTE")
    with pytest.raises(Refused, match="leave out --class"):
        policy_figures(database, terms=ENGLAND, per="year", class_name="6A", by="HTE")
    with pytest.raises(Refused, match="swap them"):
        policy_figures(database, date(2026, 11, 20), date(2026, 11, 10), terms=ENGLAND, by="HTE")


def test_a_phone_still_held_today_is_not_yet_left_overnight_and_a_late_phone_needs_a_new_lock(database, school, clock):
    phones.phone_in(database, school.walker, "HBR")  # Tue 10 November, 08:40
    clock.set_local(8, 50)
    phones.cupboard_locked(database, "6A", "HBR")
    clock.set_local(9, 30)  # a late walker's phone after the lock: the cupboard needs confirming again
    with database.writing() as session:
        session.add(Pupil(adno="1005", legal_first="Ola", surname="Nowak", year=6, class_name="6A", walk_home=True,
                          walk_home_at=clock.moment))
        session.commit()
    late = tags.issue_phone_tag(database, "1005", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE).code
    phones.phone_in(database, late, "HBR")
    clock.set_local(12, 0)
    (six_a, school_row) = policy_figures(database, terms=ENGLAND, class_name="6A", per="day", by="HTE").rows[-2:]
    assert (six_a.day, six_a.phones_in, six_a.cupboard_phones, six_a.handed_back, six_a.left_overnight,
            six_a.cupboard_unconfirmed_days) == (date(2026, 11, 10), 2, 2, 0, 0, 1)
    clock.set_local(9, 0, day=11)  # the next morning: they were left overnight
    row = policy_figures(database, date(2026, 11, 10), date(2026, 11, 10), terms=ENGLAND, by="HTE").rows[-1]
    assert (row.phones_in, row.left_overnight, row.handed_back) == (2, 2, 0)
