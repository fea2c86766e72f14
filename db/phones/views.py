"""Plain data only the phones room hands back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from db.core import StockResult


@dataclass(frozen=True)
class PhoneNotIn:
    """A tagged pupil of the class whose phone has not come in today (it may simply be at home)."""

    code: str
    pupil: str
    description: str | None


# The figures of `kiosk report policy`, in the order the JSON, the CSV and the table give them (the first is `class`).
FIGURE_KEYS = ("school_days", "phones_in", "pupils_with_phones", "cupboard_phones", "office_phones", "handed_back",
               "left_overnight", "early_hand_backs", "parents_told", "parents_not_told", "parents_told_median_minutes",
               "parents_told_max_minutes", "cupboard_unconfirmed_days", "confiscations", "confiscation_repeat_pupils",
               "confiscation_median_hours", "exceptions_active", "exceptions_review_due")


@dataclass(frozen=True)
class PolicyFigures:
    """How the phone rules worked for one class (or the school, or a year group) over a period, week or day (R8).

    Counts of ledger events that stand (voided ones left out); each pupil counted in the class they are in now.
    """

    class_name: str  # a class, or "school"
    school_days: int
    phones_in: int  # check-ins (a phone left overnight and found in the morning is not a new one)
    pupils_with_phones: int  # distinct pupils who checked a phone in
    cupboard_phones: int  # R1: to the class cupboard
    office_phones: int  # R2: to the office, parents to tell
    handed_back: int  # on the day it came in
    left_overnight: int  # still held (not confiscated) at the end of the day it came in
    early_hand_backs: int  # handed back before home-time (each with its reason)
    parents_told: int  # of the parents-to-tell tasks opened in the period, told by now
    parents_not_told: int  # … still to tell now
    parents_told_median_minutes: float | None  # from the check-in to the parents told
    parents_told_max_minutes: float | None
    cupboard_unconfirmed_days: int  # days a cupboard had phones put in it and no lock confirmed after the last
    confiscations: int
    confiscation_repeat_pupils: int  # pupils confiscated from twice or more in the period (the week, the day)
    confiscation_median_hours: float | None  # from the confiscation to the release to a parent or carer
    exceptions_active: int  # pupils' exceptions standing at the period's end (or today, if sooner)
    exceptions_review_due: int  # … whose review date had passed by then
    week: date | None = None  # per week: its Monday
    day: date | None = None  # per day
    year: int | None = None  # per year group: -1 Nursery, 0 Reception, 1-6; None for the school
    pupils_in_year: int | None = None  # per year group: pupils on roll in it now (the school: all on roll)


@dataclass(frozen=True)
class PolicyReport:
    """The period the figures cover (its first and last day, inclusive) and the rows: one per class (per week or
    day when asked) and the school's, or one per year group and the school's."""

    first: date
    last: date
    per: str | None
    rows: tuple[PolicyFigures, ...]


@dataclass(frozen=True)
class StockPhone:
    """One phone in a stock-take: whose it is (R5: first name and surname initial), and where the record says it is."""

    code: str
    pupil: str  # "Amira K."; the tag's code alone when the pupil's record is gone (a leaver purged)
    class_name: str | None
    description: str | None
    result: StockResult
    record: str  # where the record says the phone is: "in the Office since 08:45 today", "not checked in"


@dataclass(frozen=True)
class StockPlace:
    """A cupboard or the office, as a stock-take starts on it: what the record says is there now."""

    ref: str  # what `stock_take` takes for this place again: its class, or "office", or its location tag
    name: str
    class_name: str | None
    expected: int


@dataclass(frozen=True)
class StockTake:
    """A stock-take as recorded: the counts, and every phone expected or found (found, missing, not expected).

    ``found`` counts every phone scanned here, expected or not; ``missing`` and ``not_expected`` name the
    phones to look into.
    """

    entry: int
    at: datetime
    place: str
    class_name: str | None
    by: str  # first name and surname initial (R5 for anything printed; the evidence pack prints it)
    expected: int
    found: int
    phones: tuple[StockPhone, ...]

    @property
    def missing(self) -> tuple[StockPhone, ...]:
        return tuple(p for p in self.phones if p.result == StockResult.MISSING)

    @property
    def not_expected(self) -> tuple[StockPhone, ...]:
        return tuple(p for p in self.phones if p.result == StockResult.NOT_EXPECTED)

    @property
    def all_found(self) -> bool:
        """Every phone the record put here was found here (phones not expected aside)."""
        return not self.missing
