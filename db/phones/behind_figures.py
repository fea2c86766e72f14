"""The lists behind the leadership team's phone-rule figures (R8): which parents are still untold, who was confiscated
from again, which cupboards went unconfirmed, who went home early and why, which exceptions are due for review.

Each list counts exactly what its figure in policy.py counts, over the same days (voided entries left out), so a
head can go from a number to the names. Names are the first name and the surname's initial (R5): the lists are
exported for governors and inspectors.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa

import db.core.tables as tables
from db.core import LEDGER, CommandLine, Database, acting, day_range, day_start, first_name, short_name, today
from db.phones.local_days import LocalDays
from db.phones.policy import _moment, _voided, unconfirmed_cupboards
from db.phones.views import (
    CupboardUnconfirmed,
    EarlyHandBack,
    ExceptionDue,
    ParentsUntold,
    PolicyLists,
    RepeatConfiscation,
)

PUPIL, STAFF, TASK = tables.pupil, tables.staff, tables.parent_task
CONFISCATION, EXCEPTION = tables.confiscation, tables.phone_exception
NAMES = (PUPIL.c.preferred_first, PUPIL.c.legal_first, PUPIL.c.surname, PUPIL.c.class_name)


def _pupil(preferred: str | None, legal: str, surname: str) -> str:
    return short_name(first_name(preferred, legal), surname)


class _Period:
    """The days asked for, as the figures read them: midnight to midnight at the school."""

    def __init__(self, database: Database, first: date | None, last: date | None):
        self.database, self.now = database, today(database)
        self.first, self.last = day_range(first, last, self.now, from_runs_to_today=True)
        self.lo, self.hi = day_start(database, self.first), day_start(database, self.last + timedelta(days=1))
        self.days = LocalDays(database.engine.dialect.name, database.zone, self.first, max(self.last, self.now))

    def local(self, value) -> datetime:
        return self.database.local(_moment(value))


def parents_untold(database: Database, first: date | None = None, last: date | None = None, *,
                   by: str | CommandLine) -> list[ParentsUntold]:
    """Parents still to tell about a phone that came in between the two days, oldest first, with how long since."""
    acting(database, by, "review", "the parents still to tell")
    return _parents_untold(_Period(database, first, last))


def _parents_untold(period: _Period) -> list[ParentsUntold]:
    now = _moment(period.database.now())
    with period.database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(TASK.c.opened_at, *NAMES).select_from(TASK.join(PUPIL, PUPIL.c.id == TASK.c.pupil_id))
            .where(TASK.c.opened_at >= period.lo, TASK.c.opened_at < period.hi, TASK.c.told_at.is_(None),
                   TASK.c.opened_ledger_id.not_in(_voided()))
            .order_by(TASK.c.opened_at, TASK.c.id)).all()
    return [ParentsUntold(_pupil(preferred, legal, surname), class_name, period.local(opened),
                          max(0, int((now - _moment(opened)).total_seconds() // 60)))
            for opened, preferred, legal, surname, class_name in rows]


def repeat_confiscations(database: Database, first: date | None = None, last: date | None = None, *,
                         by: str | CommandLine) -> list[RepeatConfiscation]:
    """Pupils whose phone was confiscated twice or more between the two days, most often first."""
    acting(database, by, "review", "the repeat confiscations")
    return _repeat_confiscations(_Period(database, first, last))


def _repeat_confiscations(period: _Period) -> list[RepeatConfiscation]:
    with period.database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(CONFISCATION.c.pupil_id, CONFISCATION.c.at, CONFISCATION.c.reason, *NAMES)
            .select_from(CONFISCATION.join(PUPIL, PUPIL.c.id == CONFISCATION.c.pupil_id))
            .where(CONFISCATION.c.at >= period.lo, CONFISCATION.c.at < period.hi,
                   CONFISCATION.c.ledger_id.not_in(_voided()))
            .order_by(CONFISCATION.c.at, CONFISCATION.c.id)).all()
    taken: dict[int, list] = defaultdict(list)
    for row in rows:
        taken[row.pupil_id].append(row)
    found = [RepeatConfiscation(_pupil(r[0].preferred_first, r[0].legal_first, r[0].surname), r[0].class_name,
                                len(r), period.local(r[0].at), period.local(r[-1].at), tuple(x.reason for x in r))
             for r in taken.values() if len(r) >= 2]
    return sorted(found, key=lambda row: (-row.times, row.class_name, row.pupil))


def cupboards_unconfirmed(database: Database, first: date | None = None, last: date | None = None, *,
                          by: str | CommandLine) -> list[CupboardUnconfirmed]:
    """Each day between the two a class cupboard had phones put in and no lock confirmed after the last."""
    acting(database, by, "review", "the cupboards not confirmed locked")
    return _cupboards_unconfirmed(_Period(database, first, last))


def _cupboards_unconfirmed(period: _Period) -> list[CupboardUnconfirmed]:
    with period.database.engine.connect() as conn:
        rows = unconfirmed_cupboards(conn, period.days, period.lo, period.hi)
    return [CupboardUnconfirmed(name, day, phones, period.local(last_in), lock and period.local(lock))
            for name, day, phones, last_in, lock in rows]


def early_hand_backs(database: Database, first: date | None = None, last: date | None = None, *,
                     by: str | CommandLine) -> list[EarlyHandBack]:
    """Phones handed back before home-time between the two days, with the reason given, oldest first."""
    acting(database, by, "review", "the early hand-backs")
    return _early_hand_backs(_Period(database, first, last))


def _early_hand_backs(period: _Period) -> list[EarlyHandBack]:
    home_time = period.days.time_value(period.database.home_time)
    with period.database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(LEDGER.c.at, LEDGER.c.detail, STAFF.c.first_name, STAFF.c.surname, *NAMES)
            .select_from(LEDGER.join(PUPIL, PUPIL.c.id == LEDGER.c.pupil_id)
                         .outerjoin(STAFF, STAFF.c.id == LEDGER.c.staff_id))
            .where(LEDGER.c.action == "phone_out", LEDGER.c.at >= period.lo, LEDGER.c.at < period.hi,
                   LEDGER.c.id.not_in(_voided()), period.days.time_of_day(LEDGER.c.at) < home_time)
            .order_by(LEDGER.c.at, LEDGER.c.id)).all()
    return [EarlyHandBack(_pupil(preferred, legal, surname), class_name, period.local(at), _reason(detail),
                          short_name(staff_first, staff_surname) if staff_first else "the command line")
            for at, detail, staff_first, staff_surname, preferred, legal, surname, class_name in rows]


def _reason(detail: str | None) -> str:
    try:
        found = json.loads(detail or "{}").get("reason")
    except (ValueError, AttributeError):
        found = None
    return found or "no reason recorded"


def exceptions_due(database: Database, first: date | None = None, last: date | None = None, *,
                   by: str | CommandLine) -> list[ExceptionDue]:
    """Pupils' exceptions standing at the last day (or today, if sooner) whose review date had passed, the longest
    overdue first."""
    acting(database, by, "review", "the exceptions due for review")
    return _exceptions_due(_Period(database, first, last))


def _exceptions_due(period: _Period) -> list[ExceptionDue]:
    as_of = min(period.last, period.now)
    with period.database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(EXCEPTION.c.kind, EXCEPTION.c.approved_at, EXCEPTION.c.ended_at, EXCEPTION.c.review_on,
                      STAFF.c.first_name, STAFF.c.surname, *NAMES)
            .select_from(EXCEPTION.join(PUPIL, PUPIL.c.id == EXCEPTION.c.pupil_id)
                         .join(STAFF, STAFF.c.id == EXCEPTION.c.approved_by_id))
            .where(EXCEPTION.c.ledger_id.not_in(_voided()), EXCEPTION.c.review_on < as_of)).all()
    found = [ExceptionDue(_pupil(preferred, legal, surname), class_name, kind, short_name(staff_first, staff_surname),
                          review_on, (as_of - review_on).days)
             for kind, approved, ended, review_on, staff_first, staff_surname, preferred, legal, surname, class_name
             in rows
             if period.local(approved).date() <= as_of and (ended is None or period.local(ended).date() > as_of)]
    return sorted(found, key=lambda row: (-row.days_overdue, row.class_name, row.pupil))


def policy_lists(database: Database, first: date | None = None, last: date | None = None, *,
                 by: str | CommandLine) -> PolicyLists:
    """All five lists for the days given (the review screen's and its export's)."""
    acting(database, by, "review", "the lists behind the phone rules figures")
    period = _Period(database, first, last)
    return PolicyLists(period.first, period.last, tuple(_parents_untold(period)),
                       tuple(_repeat_confiscations(period)), tuple(_cupboards_unconfirmed(period)),
                       tuple(_early_hand_backs(period)), tuple(_exceptions_due(period)))
