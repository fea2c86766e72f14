"""The school's term dates: which days are school days, and what "this half-term", "this term" and "this year" mean.

A school writes its own dates in the ``term_dates`` setting (README, "Setting your term dates"): its terms, the
half-term breaks inside them, and single days closed (INSET days, bank holidays), each as ``YYYY-MM-DD..YYYY-MM-DD``
or one ``YYYY-MM-DD``. A school year the setting does not cover (no term starting in it) follows England's usual
pattern (``england``): fixed approximations around a computed Easter, to be replaced by the school's own dates.

School days are the weekdays inside a term, outside its half-term break and the closed days. A term's half-terms
are the parts its breaks cut it into. Light: no database import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from db.core.errors import Refused
from db.core.words import school_year_start

PERIODS = ("this-half-term", "this-term", "this-year")
MON, FRI = 0, 4


@dataclass(frozen=True)
class Span:
    first: date
    last: date

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Term:
    """One term: its days, its half-term break(s) and the other days the school is closed."""

    span: Span
    breaks: tuple[Span, ...] = ()
    closed: frozenset[date] = frozenset()

    def half_terms(self) -> list[Span]:
        """The term cut by its breaks: two half-terms for a term with one break."""
        parts, first = [], self.span.first
        for gap in sorted(self.breaks, key=lambda s: s.first):
            parts.append(Span(first, gap.first - timedelta(days=1)))
            first = gap.last + timedelta(days=1)
        parts.append(Span(first, self.span.last))
        # A part runs from a weekday to a weekday: the weekends beside a break belong to the holiday.
        parts = [Span(_first_weekday(p.first), _last_weekday(p.last)) for p in parts]
        return [p for p in parts if p.first <= p.last]

    def is_school_day(self, day: date) -> bool:
        return (day in self.span and day.weekday() <= FRI and day not in self.closed
                and not any(day in gap for gap in self.breaks))


def easter(year: int) -> date:
    """Easter Sunday (the Gregorian computus, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _first_weekday(day: date) -> date:
    return day if day.weekday() <= FRI else _weekday_on_or_after(day, MON)


def _last_weekday(day: date) -> date:
    return day if day.weekday() <= FRI else _weekday_on_or_before(day, FRI)


def _week(monday: date) -> Span:
    return Span(monday, monday + timedelta(days=4))


@lru_cache(maxsize=32)
def england(year_start: int) -> tuple[Term, Term, Term]:
    """England's usual pattern for the school year starting in September ``year_start`` (approximate dates):

    - autumn: the first weekday from 2 September to the Friday before Christmas week; half-term the week of the
      last Monday in October;
    - spring: the first weekday from 5 January to the Friday before Holy Week; half-term the week from the Monday
      on or after 12 February;
    - summer: the Monday after Easter week to the last weekday on or before 22 July; half-term the week of the
      late-May bank holiday (the last Monday in May); the early-May bank holiday closed.

    The Easter holiday is the week before Easter Sunday and the week after (Good Friday, Easter Monday).
    """
    y, n = year_start, year_start + 1
    christmas_monday = _weekday_on_or_before(date(y, 12, 25), MON)
    autumn = Term(Span(_first_weekday(date(y, 9, 2)), christmas_monday - timedelta(days=3)),
                  (_week(_weekday_on_or_before(date(y, 10, 31), MON)),))
    holy_monday = easter(n) - timedelta(days=6)
    spring = Term(Span(_first_weekday(date(n, 1, 5)), holy_monday - timedelta(days=3)),
                  (_week(_weekday_on_or_after(date(n, 2, 12), MON)),))
    may_day = _weekday_on_or_after(date(n, 5, 1), MON)
    back = holy_monday + timedelta(days=14)  # after a late Easter, the term starts the day after the bank holiday
    summer = Term(Span(back + timedelta(days=1) if back == may_day else back, _last_weekday(date(n, 7, 22))),
                  (_week(_weekday_on_or_before(date(n, 5, 31), MON)),), frozenset({may_day}))
    return autumn, spring, summer


def _span(text: str, setting: str) -> Span:
    """``2026-09-02..2026-12-18`` or one day ``2026-11-27``; refused in a sentence naming the setting."""
    first, _, last = str(text).strip().partition("..")
    try:
        span = Span(date.fromisoformat(first.strip()), date.fromisoformat((last or first).strip()))
    except ValueError:
        raise Refused(f"“{str(text)[:40]}” in the term_dates setting ({setting}) is not a date or a range of dates: "
                      "write it like 2026-09-02..2026-12-18, or 2026-11-27 for one day.") from None
    if span.last < span.first:
        raise Refused(f"“{text}” in the term_dates setting ({setting}) ends before it starts: swap the dates.")
    return span


@dataclass(frozen=True)
class TermDates:
    """The school's terms (from the setting, England's pattern for the school years it leaves out)."""

    terms: tuple[Term, ...] = ()

    def _year(self, year_start: int) -> tuple[Term, ...]:
        first, last = date(year_start, 9, 1), date(year_start + 1, 8, 31)
        own = tuple(t for t in self.terms if first <= t.span.first <= last)
        return own or england(year_start)

    def terms_of_year(self, day: date) -> tuple[Term, ...]:
        """The terms of the school year ``day`` falls in, in order."""
        return self._year(school_year_start(day).year)

    def term_of(self, day: date) -> Term | None:
        return next((t for t in self.terms_of_year(day) if day in t.span), None)

    def is_school_day(self, day: date) -> bool:
        term = self.term_of(day)
        return term is not None and term.is_school_day(day)

    def school_days(self, first: date, last: date) -> int:
        return sum(self.is_school_day(first + timedelta(days=n)) for n in range((last - first).days + 1))

    def period(self, name: str, today: date) -> tuple[date, date]:
        """"this-half-term", "this-term" or "this-year": its first day to its last, or to today while it runs.

        In a holiday, "this" half-term or term is the one just ended (the summer holiday's is last summer's).
        """
        wanted = (name or "").strip().lower()
        if wanted not in PERIODS:
            raise Refused(f"“{(name or '')[:30]}” is not a period: use this-half-term, this-term or this-year.")
        year = school_year_start(today).year
        # Before the first term of a school year (1 September), "this" one is still last year's.
        terms = self._year(year) if self._year(year)[0].span.first <= today else self._year(year - 1)
        if wanted == "this-year":
            span = Span(terms[0].span.first, terms[-1].span.last)
        else:
            pieces = [t.span for t in terms] if wanted == "this-term" else \
                [half for t in terms for half in t.half_terms()]
            span = [s for s in pieces if s.first <= today][-1]
        return span.first, min(span.last, today)


def term_dates(terms: list[str] | None = None, half_terms: list[str] | None = None,
               closed: list[str] | None = None) -> TermDates:
    """The school's own dates from the setting's three lists; each half-term break and closed day goes to the term
    it falls in (one outside every term is refused: it is most likely a typing slip)."""
    spans = sorted((_span(t, "terms") for t in terms or ()), key=lambda s: s.first)
    for before, after in zip(spans, spans[1:]):
        if after.first <= before.last:
            raise Refused(f"Two terms in the term_dates setting overlap ({before.last} and {after.first}): "
                          "check the terms' dates.")
    breaks: dict[Span, list[Span]] = {s: [] for s in spans}
    days_off: dict[Span, set[date]] = {s: set() for s in spans}
    for text in half_terms or ():
        gap = _span(text, "half_terms")
        breaks[_term_holding(spans, gap, text, "half_terms")].append(gap)
    for text in closed or ():
        gap = _span(text, "closed")
        term = _term_holding(spans, gap, text, "closed")
        days_off[term].update(gap.first + timedelta(days=n) for n in range((gap.last - gap.first).days + 1))
    return TermDates(tuple(Term(s, tuple(breaks[s]), frozenset(days_off[s])) for s in spans))


def _term_holding(spans: list[Span], gap: Span, text: str, setting: str) -> Span:
    for span in spans:
        if gap.first in span and gap.last in span:
            return span
    raise Refused(f"“{text}” in the term_dates setting ({setting}) is not inside one of its terms: "
                  "check the dates, or add the term.")
