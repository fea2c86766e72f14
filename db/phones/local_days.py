"""The school's day, week and time of day of a stored (UTC) time, worked out inside SQL, so a report can count by
them without reading every row into Python.

PostgreSQL knows time zones (``timezone('Europe/London', at)``). SQLite does not: there the offset is a ``CASE``
on the zone's changes (summer time) between two days, worked out here once, and ``date(at, '+60 minutes')``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import Date, Time, case, cast, func


def _offset(zone: ZoneInfo, moment: datetime) -> int:
    return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)


def zone_changes(zone: ZoneInfo, first: date, last: date) -> tuple[int, list[tuple[datetime, int]]]:
    """The offset (minutes) in force before ``first``, and each change up to ``last``: (UTC moment, new offset)."""
    moment = datetime.combine(first - timedelta(days=1), time(0), tzinfo=timezone.utc)
    end = datetime.combine(last + timedelta(days=2), time(0), tzinfo=timezone.utc)
    before = offset = _offset(zone, moment)
    changes: list[tuple[datetime, int]] = []
    while moment < end:
        following = moment + timedelta(days=1)
        if _offset(zone, following) != offset:
            low, high = moment, following  # the change lies in (low, high]: halve to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _offset(zone, middle) == offset else (low, middle)
            offset = _offset(zone, high)
            changes.append((high.replace(second=0, microsecond=0), offset))
        moment = following
    return before, changes


class LocalDays:
    """SQL for the school's local date, Monday of the week and time of day of a time column, between two days."""

    def __init__(self, dialect: str, zone: ZoneInfo, first: date, last: date):
        self.sqlite = dialect == "sqlite"
        self.zone = zone
        self.before, self.changes = zone_changes(zone, first, last)

    def _modifier(self, column):
        """SQLite: the "+60 minutes" that turns this row's UTC time into the school's."""
        if not self.changes:
            return sa.literal(f"{self.before:+d} minutes")
        whens, offset = [], self.before
        for moment, new in self.changes:
            whens.append((column < moment, f"{offset:+d} minutes"))
            offset = new
        return case(*whens, else_=f"{offset:+d} minutes")

    def _local(self, column):
        return func.timezone(self.zone.key, column)

    def day(self, column):
        if self.sqlite:
            return func.date(column, self._modifier(column))
        return cast(self._local(column), Date)

    def week(self, column):
        """The Monday of the week the time falls in."""
        if self.sqlite:
            return func.date(column, self._modifier(column), "weekday 0", "-6 days")
        return cast(func.date_trunc("week", self._local(column)), Date)

    def time_of_day(self, column):
        if self.sqlite:
            return func.time(column, self._modifier(column))
        return cast(self._local(column), Time)

    def date_value(self, day: date):
        """A date to compare with ``day()``: SQLite's is text."""
        return day.isoformat() if self.sqlite else day

    def time_value(self, moment: time):
        return moment.strftime("%H:%M:%S") if self.sqlite else moment

    @staticmethod
    def read(value) -> date | None:
        """A ``day()`` or ``week()`` value as a date."""
        if value is None or isinstance(value, date):
            return value
        return date.fromisoformat(str(value)[:10])
