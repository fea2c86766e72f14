"""Term dates: England's usual pattern, a school's own dates from the setting, school days and the periods."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.core import Refused, TermDates, easter, term_dates

ENGLAND = TermDates()


def test_easter_sundays():
    assert [easter(year) for year in (2024, 2025, 2026, 2027, 2038)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28), date(2038, 4, 25)]


def test_englands_pattern_for_2026_27():
    autumn, spring, summer = ENGLAND.terms_of_year(date(2026, 11, 10))
    assert [(h.first, h.last) for h in autumn.half_terms()] == [
        (date(2026, 9, 2), date(2026, 10, 23)), (date(2026, 11, 2), date(2026, 12, 18))]
    assert [(h.first, h.last) for h in spring.half_terms()] == [
        (date(2027, 1, 5), date(2027, 2, 12)), (date(2027, 2, 22), date(2027, 3, 19))]  # Easter 28 March
    assert [(h.first, h.last) for h in summer.half_terms()] == [
        (date(2027, 4, 5), date(2027, 5, 28)), (date(2027, 6, 7), date(2027, 7, 22))]
    assert not ENGLAND.is_school_day(date(2027, 5, 3))  # the early-May bank holiday
    # 195: the 190 days pupils are in and 5 INSET days, which only a school's own closed days can say.
    assert ENGLAND.school_days(date(2026, 9, 1), date(2027, 8, 31)) == 195


@pytest.mark.parametrize(("today", "period", "span"), [
    (date(2026, 11, 10), "this-half-term", (date(2026, 11, 2), date(2026, 11, 10))),
    (date(2026, 11, 10), "this-term", (date(2026, 9, 2), date(2026, 11, 10))),
    (date(2026, 11, 10), "this-year", (date(2026, 9, 2), date(2026, 11, 10))),
    (date(2026, 10, 28), "this-half-term", (date(2026, 9, 2), date(2026, 10, 23))),  # in half-term: the one just ended
    (date(2026, 8, 10), "this-term", (date(2026, 4, 13), date(2026, 7, 22))),  # the summer holiday: last summer's
    (date(2026, 8, 10), "this-year", (date(2025, 9, 2), date(2026, 7, 22))),
    (date(2026, 9, 1), "this-half-term", (date(2026, 6, 1), date(2026, 7, 22))),  # before the autumn term starts
])
def test_periods_run_to_today_or_to_their_end(today, period, span):
    assert ENGLAND.period(period, today) == span


def test_a_schools_own_dates_and_englands_for_the_years_they_leave_out():
    own = term_dates(["2026-09-03..2026-12-16", "2027-01-06..2027-03-26"], ["2026-10-26..2026-10-30"],
                     ["2026-11-27", "2027-01-06"])
    assert own.period("this-half-term", date(2026, 11, 10)) == (date(2026, 11, 2), date(2026, 11, 10))
    assert own.period("this-term", date(2026, 9, 10)) == (date(2026, 9, 3), date(2026, 9, 10))
    assert not own.is_school_day(date(2026, 11, 27)) and not own.is_school_day(date(2026, 10, 28))
    assert own.is_school_day(date(2026, 12, 16)) and not own.is_school_day(date(2026, 12, 18))
    assert own.school_days(date(2026, 11, 23), date(2026, 11, 29)) == 4
    assert own.terms_of_year(date(2026, 1, 10)) == ENGLAND.terms_of_year(date(2026, 1, 10))  # 2025-26: England's


@pytest.mark.parametrize(("terms", "half_terms", "said"), [
    (["2026-09-03..2026-13-16"], [], "is not a date or a range of dates"),
    (["2026-12-16..2026-09-03"], [], "ends before it starts: swap the dates"),
    (["2026-09-03..2026-12-16", "2026-12-01..2027-03-26"], [], "Two terms in the term_dates setting overlap"),
    (["2026-09-03..2026-12-16"], ["2026-12-21..2026-12-24"], "is not inside one of its terms"),
])
def test_a_date_written_wrongly_is_refused_in_a_sentence(terms, half_terms, said):
    with pytest.raises(Refused, match=said):
        term_dates(terms, half_terms)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(("this-half-term", "this-term", "this-year")))
def test_every_period_starts_on_a_school_day_and_ends_by_today(today, period):
    first, last = ENGLAND.period(period, today)
    assert first <= last <= today and ENGLAND.is_school_day(first)
