"""Is the phone policy working? The leadership team's figures per class, week, day or year group (R8).

Every figure comes from the ledger rows that stand (a voided row and what it opened are left out) and the
projections written with them, counted in SQL per group (the class, or the year group) and per week or day: a
year of a large school's record is a few grouped queries, not a walk through its rows (bench/report_policy.py).
Each pupil counts in the class and year they are in now: the record keeps no class history.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import Connection, case, func

import db.core.tables as tables
from db.core import LEDGER, CommandLine, Database, Refused, acting, day_range, day_start, today
from db.core.terms import TermDates
from db.phones.local_days import LocalDays
from db.phones.views import PolicyFigures, PolicyReport

PUPIL, LOCATION, TASK = tables.pupil, tables.location, tables.parent_task
CONFISCATION, EXCEPTION = tables.confiscation, tables.phone_exception
PER = ("week", "day", "year")
SCHOOL = "school"
# What can follow a check-in for the same phone: handed back, confiscated, or found in place the next morning.
MOVES = ("phone_out", "phone_confiscated", "phone_in_again")
# Grouped by the first two columns' places: PostgreSQL would not match two bound copies of a date expression.
FIRST_TWO = (sa.literal_column("1"), sa.literal_column("2"))
_COUNTS = ("phones_in", "pupils_with_phones", "cupboard_phones", "office_phones", "handed_back", "left_overnight",
           "early_hand_backs", "parents_told", "parents_not_told", "cupboard_unconfirmed_days", "confiscations",
           "confiscation_repeat_pupils", "exceptions_active", "exceptions_review_due")


def _voided():
    return sa.select(LEDGER.c.voids_id).where(LEDGER.c.action == "entry_voided", LEDGER.c.voids_id.is_not(None))


def policy_figures(database: Database, first: date | None = None, last: date | None = None, *,
                   terms: TermDates, period: str | None = None, class_name: str | None = None,
                   per: str | None = None, by: str | CommandLine) -> PolicyReport:
    """The figures between two days (inclusive), or for ``period`` (this-half-term, this-term, this-year: to today
    while it runs); this half-term when neither is given. ``per`` "week" or "day" gives each class's rows for every
    week (every school day, and any other day something happened) of the period, "year" one row per year group with
    the pupils on roll in it. ``class_name`` keeps that class's rows and the school's."""
    acting(database, by, "review", "the phone rules figures")
    now = today(database)
    if per is not None and per not in PER:
        raise Refused(f"“{per[:20]}” is not a way to split the figures: use --by week, --by day or --by year.")
    if period is not None and (first or last):
        raise Refused("Give either --period or --from and --to, not both.")
    if per == "year" and class_name:
        raise Refused("--by year shows the whole school by year group: leave out --class.")
    if first or last:
        first, last = day_range(first, last, now, from_runs_to_today=True)
    else:
        first, last = terms.period(period or "this-half-term", now)
    days = LocalDays(database.engine.dialect.name, database.zone, first, max(last, now))
    with database.engine.connect() as conn:
        wanted = _class(conn, class_name) if class_name else None
        groups = _groups(conn, per == "year")
        figures = _Figures(database, conn, days, first, last, now, per)
        tally = figures.count()
    rows = _rows(tally, groups, terms, first, last, per, now, wanted)
    return PolicyReport(first=first, last=last, per=per, rows=tuple(rows))


def _class(conn: Connection, class_name: str) -> str:
    """The class as the roll spells it (“6a” is 6A), leavers' classes too; refused if no pupil was ever in it."""
    typed = " ".join(class_name.split())[:32]
    found = conn.execute(sa.select(PUPIL.c.class_name).where(func.upper(PUPIL.c.class_name) == typed.upper())
                         .order_by(PUPIL.c.left_at.is_not(None)).limit(1)).scalar()
    if found is None:
        raise Refused(f"No pupil is in class “{typed}”: check the class, e.g. 4B.")
    return found


def _groups(conn: Connection, by_year: bool) -> dict:
    """The classes (each with its year group, by most of its pupils on roll) or year groups, in school order, with
    their pupils on roll."""
    rows = conn.execute(sa.select(PUPIL.c.class_name, PUPIL.c.year, func.count())
                        .where(PUPIL.c.left_at.is_(None)).group_by(PUPIL.c.class_name, PUPIL.c.year)).all()
    if by_year:
        pupils: Counter = Counter()
        for _, year, count in rows:
            pupils[year] += count
        return dict(sorted(pupils.items()))
    year_of: dict[str, Counter] = defaultdict(Counter)
    for name, year, count in rows:
        year_of[name][year] += count
    return {name: years.most_common(1)[0][0] for name, years in year_of.items()}


class _Figures:
    """The grouped queries, each adding to one tally keyed by (group, bucket): group the class name (or year),
    bucket the week's Monday, the day, or None for the whole period."""

    def __init__(self, database: Database, conn: Connection, days: LocalDays, first: date, last: date, now: date,
                 per: str | None):
        self.database, self.conn, self.days, self.now, self.per = database, conn, days, now, per
        self.lo, self.hi = day_start(database, first), day_start(database, last + timedelta(days=1))
        self.tally: dict[tuple, Counter] = defaultdict(Counter)
        self.values: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))

    def group(self, pupil=PUPIL):
        return pupil.c.year if self.per == "year" else pupil.c.class_name

    def bucket(self, column):
        if self.per == "week":
            return self.days.week(column)
        if self.per == "day":
            return self.days.day(column)
        return sa.literal(None)

    def key(self, group, bucket) -> tuple:
        return group, LocalDays.read(bucket)

    def count(self) -> dict:
        self.check_ins()
        self.early_hand_backs()
        self.parents()
        self.cupboards()
        self.confiscations()
        return {"tally": self.tally, "values": self.values, "exceptions": self.exceptions()}

    def check_ins(self) -> None:
        later, after = LEDGER.alias("later"), LEDGER.alias("after")
        following = (sa.select(later.c.id).where(later.c.tag_code == LEDGER.c.tag_code, later.c.id > LEDGER.c.id,
                                                 later.c.action.in_(MOVES), later.c.id.not_in(_voided()))
                     .order_by(later.c.id).limit(1).scalar_subquery())
        # Each check-in with its day and its next move's day, worked out once a row.
        ins = (sa.select(LEDGER.c.pupil_id, LEDGER.c.to_location_id, self.bucket(LEDGER.c.at).label("bucket"),
                         self.days.day(LEDGER.c.at).label("day_in"), after.c.id.label("next_id"),
                         after.c.action.label("next_action"), self.days.day(after.c.at).label("next_day"))
               .select_from(LEDGER.outerjoin(after, after.c.id == following))
               .where(LEDGER.c.action == "phone_in", LEDGER.c.at >= self.lo, LEDGER.c.at < self.hi,
                      LEDGER.c.id.not_in(_voided())))
        if self.days.sqlite:
            ins = ins.limit(-1)  # a LIMIT keeps SQLite from folding it into the query below, copying each date() in
        ins = ins.subquery("ins")
        same_day_out = (ins.c.next_action == "phone_out") & (ins.c.next_day == ins.c.day_in)
        overnight = ((ins.c.next_id.is_(None) & (ins.c.day_in < self.days.date_value(self.now)))
                     | (ins.c.next_day > ins.c.day_in))
        query = (sa.select(self.group(), ins.c.bucket, func.count(), func.count(ins.c.pupil_id.distinct()),
                           func.sum(case((LOCATION.c.kind == "cupboard", 1), else_=0)),
                           func.sum(case((LOCATION.c.kind == "office", 1), else_=0)),
                           func.sum(case((same_day_out, 1), else_=0)), func.sum(case((overnight, 1), else_=0)))
                 .select_from(ins.join(PUPIL, PUPIL.c.id == ins.c.pupil_id)
                              .outerjoin(LOCATION, LOCATION.c.id == ins.c.to_location_id))
                 .group_by(*FIRST_TWO))
        for group, bucket, *counts in self.conn.execute(query):
            self.tally[self.key(group, bucket)].update(dict(zip(
                ("phones_in", "pupils_with_phones", "cupboard_phones", "office_phones", "handed_back",
                 "left_overnight"), (int(n or 0) for n in counts))))

    def early_hand_backs(self) -> None:
        home_time = self.days.time_value(self.database.home_time)
        query = (sa.select(self.group(), self.bucket(LEDGER.c.at), func.count())
                 .select_from(LEDGER.join(PUPIL, PUPIL.c.id == LEDGER.c.pupil_id))
                 .where(LEDGER.c.action == "phone_out", LEDGER.c.at >= self.lo, LEDGER.c.at < self.hi,
                        LEDGER.c.id.not_in(_voided()), self.days.time_of_day(LEDGER.c.at) < home_time)
                 .group_by(*FIRST_TWO))
        for group, bucket, count in self.conn.execute(query):
            self.tally[self.key(group, bucket)]["early_hand_backs"] += count

    def _minutes(self, start, end):
        if self.days.sqlite:
            return (func.julianday(end) - func.julianday(start)) * 1440.0
        return func.extract("epoch", end - start) / 60.0

    def parents(self) -> None:
        """The parents-to-tell tasks opened in the period (by check-ins that stand): told by now, and how long after."""
        query = (sa.select(self.group(), self.bucket(TASK.c.opened_at),
                           case((TASK.c.told_at.is_not(None), self._minutes(TASK.c.opened_at, TASK.c.told_at))))
                 .select_from(TASK.join(PUPIL, PUPIL.c.id == TASK.c.pupil_id))
                 .where(TASK.c.opened_at >= self.lo, TASK.c.opened_at < self.hi,
                        # Told after it was opened, or not yet: the index on told_at skips the older tasks (opened_at
                        # has none), which a school keeps for a year and the bench for five.
                        sa.or_(TASK.c.told_at >= self.lo, TASK.c.told_at.is_(None)),
                        TASK.c.opened_ledger_id.not_in(_voided())))
        for group, bucket, minutes in self.conn.execute(query):
            key = self.key(group, bucket)
            if minutes is None:
                self.tally[key]["parents_not_told"] += 1
            else:
                self.tally[key]["parents_told"] += 1
                self.values[key]["told_minutes"].append(float(minutes))

    def cupboards(self) -> None:
        """Per cupboard and day: the last phone put in it against the last lock confirmed."""
        year_of = _groups(self.conn, False) if self.per == "year" else {}
        for name, when, _phones, _last_in, _lock in unconfirmed_cupboards(self.conn, self.days, self.lo, self.hi):
            bucket = when - timedelta(days=when.weekday()) if self.per == "week" else \
                when if self.per == "day" else None
            group = year_of.get(name) if self.per == "year" else name
            self.tally[(group, bucket)]["cupboard_unconfirmed_days"] += 1

    def _hours(self, start, end):
        return self._minutes(start, end) / 60.0

    def confiscations(self) -> None:
        query = (sa.select(self.group(), self.bucket(CONFISCATION.c.at), CONFISCATION.c.pupil_id,
                           case((CONFISCATION.c.released_at.is_not(None),
                                 self._hours(CONFISCATION.c.at, CONFISCATION.c.released_at))))
                 .select_from(CONFISCATION.join(PUPIL, PUPIL.c.id == CONFISCATION.c.pupil_id))
                 .where(CONFISCATION.c.at >= self.lo, CONFISCATION.c.at < self.hi,
                        CONFISCATION.c.ledger_id.not_in(_voided())))
        taken: dict[tuple, Counter] = defaultdict(Counter)
        for group, bucket, pupil, hours in self.conn.execute(query):
            key = self.key(group, bucket)
            self.tally[key]["confiscations"] += 1
            taken[key][pupil] += 1
            if hours is not None:
                self.values[key]["held_hours"].append(float(hours))
        for key, pupils in taken.items():
            self.tally[key]["confiscation_repeat_pupils"] += sum(1 for n in pupils.values() if n >= 2)

    def exceptions(self) -> list[tuple]:
        """Every pupil's exception (a short list): group, approved on, ended on, review date."""
        query = (sa.select(self.group(), EXCEPTION.c.approved_at, EXCEPTION.c.ended_at, EXCEPTION.c.review_on)
                 .select_from(EXCEPTION.join(PUPIL, PUPIL.c.id == EXCEPTION.c.pupil_id))
                 .where(EXCEPTION.c.ledger_id.not_in(_voided())))
        local = self.database.local
        return [(group, local(_moment(approved)).date(), local(_moment(ended)).date() if ended else None, review)
                for group, approved, ended, review in self.conn.execute(query)]


def unconfirmed_cupboards(conn: Connection, days: LocalDays, lo: datetime, hi: datetime) -> list[tuple]:
    """(class, day, phones put in, the last put in, the last lock that day or None) for each day between ``lo`` and
    ``hi`` a class cupboard had phones put in and no lock confirmed after the last (live rule:
    ``cupboards_to_check``), in order of class and day."""
    day = days.day(LEDGER.c.at)
    went_in = (sa.select(LOCATION.c.class_name, day, func.count(), func.max(LEDGER.c.at))
               .select_from(LEDGER.join(LOCATION, LOCATION.c.id == LEDGER.c.to_location_id))
               .where(LEDGER.c.action.in_(("phone_in", "phone_in_again")), LOCATION.c.kind == "cupboard",
                      LEDGER.c.at >= lo, LEDGER.c.at < hi, LEDGER.c.id.not_in(_voided()))
               .group_by(*FIRST_TWO))
    locked = dict(((name, day_), last) for name, day_, last in conn.execute(
        sa.select(LOCATION.c.class_name, day, func.max(LEDGER.c.at))
        .select_from(LEDGER.join(LOCATION, LOCATION.c.id == LEDGER.c.to_location_id))
        .where(LEDGER.c.action == "cupboard_locked", LEDGER.c.at >= lo, LEDGER.c.at < hi)
        .group_by(*FIRST_TWO)))
    found = []
    for name, day_, phones, last_in in conn.execute(went_in):
        lock = locked.get((name, day_))
        if lock is not None and _moment(lock) >= _moment(last_in):
            continue
        found.append((name, LocalDays.read(day_), int(phones), _moment(last_in),
                      _moment(lock) if lock is not None else None))
    return sorted(found, key=lambda row: (row[0] or "", row[1]))


def _moment(value) -> datetime:
    """An aggregate's time: SQLite hands back text or naive UTC, PostgreSQL an aware time."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _buckets(terms: TermDates, first: date, last: date, per: str | None, tally: dict) -> list[tuple]:
    """(bucket, its first day, its last day) in order: every week of the period, or every school day and any day
    with figures, or the period itself."""
    if per == "week":
        monday, result = first - timedelta(days=first.weekday()), []
        while monday <= last:
            result.append((monday, max(monday, first), min(monday + timedelta(days=6), last)))
            monday += timedelta(days=7)
        return result
    if per == "day":
        busy = {bucket for _, bucket in tally}
        return [(d, d, d) for n in range((last - first).days + 1)
                if terms.is_school_day(d := first + timedelta(days=n)) or d in busy]
    return [(None, first, last)]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _rows(counted: dict, groups: dict, terms: TermDates, first: date, last: date, per: str | None, now: date,
          wanted: str | None) -> list[PolicyFigures]:
    tally, values, exceptions = counted["tally"], counted["values"], counted["exceptions"]
    by_year = per == "year"
    # Classes that have no pupil on roll now (leavers') still show their figures, after the others.
    names = list(set(groups) | {g for g, _ in tally if g is not None} | ({wanted} if wanted else set()))
    names.sort(key=lambda name: name if by_year else (groups.get(name, 99), name))
    rows = []
    for bucket, start, end in _buckets(terms, first, last, per, tally):
        as_of = min(end, now)
        school_days = terms.school_days(start, end)
        school: Counter = Counter()
        pooled: dict[str, list[float]] = defaultdict(list)
        for name in names:
            counts = Counter(tally.get((name, bucket), Counter()))
            for group, approved, ended, review in exceptions:
                if group == name and approved <= as_of and (ended is None or ended > as_of):
                    counts["exceptions_active"] += 1
                    counts["exceptions_review_due"] += review < as_of
            found = values.get((name, bucket), {})
            for what, numbers in found.items():
                pooled[what] += numbers
            school.update(counts)
            if wanted is None or name == wanted:
                rows.append(_figures(SCHOOL if by_year else name, school_days, counts, found, per, bucket,
                                     year=name if by_year else None,
                                     pupils=groups.get(name, 0) if by_year else None))
        rows.append(_figures(SCHOOL, school_days, school, pooled, per, bucket, year=None,
                             pupils=sum(groups.values()) if by_year else None))
    return rows


def _figures(name: str, school_days: int, counts: Counter, values: dict, per: str | None, bucket: date | None, *,
             year: int | None, pupils: int | None) -> PolicyFigures:
    told = values.get("told_minutes", [])
    return PolicyFigures(
        class_name=name, school_days=school_days, **{key: int(counts[key]) for key in _COUNTS},
        parents_told_median_minutes=_median(told), parents_told_max_minutes=round(max(told), 1) if told else None,
        confiscation_median_hours=_median(values.get("held_hours", [])),
        week=bucket if per == "week" else None, day=bucket if per == "day" else None, year=year,
        pupils_in_year=pupils)

