"""The school's words, each written once: names as staff see and print them (R5), the school year,
"13:05 today", a time in a table (with its year outside this school year), a date typed by a person, a range
of days, plurals.

Light on purpose: no database import, so the kiosk's first frame can use it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from db.core.errors import Refused

if TYPE_CHECKING:
    from db.core.engine import Database

DATE_FORMS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")


def first_name(preferred: str | None, legal: str) -> str:
    """The name a pupil is known by: the preferred first name, else the legal one."""
    return preferred or legal


def full_name(first: str, surname: str) -> str:
    """On screen, for staff only."""
    return f"{first} {surname}"


def short_name(first: str, surname: str) -> str:
    """R5: anything printed or beside a picture shows the first name and the surname's initial only ("Amira K.")."""
    return f"{first} {surname[:1]}." if surname else first


def known_as(preferred: str | None, legal: str, surname: str) -> str:
    """A pupil's name as staff know it, from the three columns a query read: ``full_name`` of ``first_name``."""
    return full_name(first_name(preferred, legal), surname)


def pupil_first(pupil) -> str:
    """``first_name`` of a pupil row or object (preferred_first, legal_first)."""
    return first_name(pupil.preferred_first, pupil.legal_first)


def pupil_name(pupil) -> str:
    return full_name(pupil_first(pupil), pupil.surname)


def pupil_short(pupil) -> str:
    return short_name(pupil_first(pupil), pupil.surname)


def year_name(year: int) -> str:
    """A year group as schools say it: "Nursery" (-1), "Reception" (0), "Year 6"."""
    return {-1: "Nursery", 0: "Reception"}.get(year, f"Year {year}")


def plural(count: int, word: str, many: str | None = None) -> str:
    """``3 images``, ``1 image``; ``many`` for words that do not just take an s."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def school_year_start(day: date) -> date:
    """1 September of the school year the day falls in (a school year ends on 31 August)."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def today(database: Database) -> date:
    """The date at the school now, by the database's clock."""
    return database.local(database.now()).date()


def day_start(database: Database, day: date) -> datetime:
    """Midnight at the school on that day, as an aware time."""
    return datetime.combine(day, time(0), tzinfo=database.zone)


def in_school_year(day: date, today: date) -> bool:
    """Whether ``day`` falls in the school year ``today`` is in: a date outside it is shown with its year."""
    start = school_year_start(today)
    return start <= day < start.replace(year=start.year + 1)


def day_and_time(moment: datetime, today: date) -> str:
    """``Tue 10 Nov 08:40`` in a table; ``Tue 10 Nov 2025 08:40`` when the day is not in this school year."""
    year = "" if in_school_year(moment.date(), today) else f" {moment:%Y}"
    return f"{moment:%a %d %b}{year} {moment:%H:%M}"


def short_time(moment: datetime, today: date) -> str:
    """``09:05`` today; an older time with its day (``Mon 09 Nov 15:10``), as `day_and_time` writes it."""
    return f"{moment:%H:%M}" if moment.date() == today else day_and_time(moment, today)


def when(moment: datetime, now: datetime) -> str:
    """``13:05 today``, or ``13:05 on Mon 9 Nov`` (``… 9 Nov 2025`` outside this school year): both times in the
    school's zone."""
    if moment.date() == now.date():
        return f"{moment:%H:%M} today"
    year = "" if in_school_year(moment.date(), now.date()) else f" {moment:%Y}"
    return f"{moment:%H:%M} on {moment:%a} {moment.day} {moment:%b}{year}"


def parse_day(text: str | None, what: str) -> date | None:
    """A date as a person types it: 2026-11-10, 10/11/2026 or 10-11-2026 (None stays None)."""
    if text is None:
        return None
    text = text.strip()
    for form in DATE_FORMS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise Refused(f"“{text[:20]}” is not a date for {what}: write it like 2026-11-10 or 10/11/2026.")


def day_range(start: date | None, end: date | None, today: date, *,
              from_runs_to_today: bool = False) -> tuple[date, date]:
    """The first and last day of a report, inclusive; today when neither is given, refused when they are swapped.

    One day given is that day alone; with ``from_runs_to_today`` a --from alone runs up to today
    (the devices report), while a --to alone is still that day.
    """
    if from_runs_to_today:
        end = end or today
        start = start or end
    else:
        start = start or today
        end = end or start
    if end < start:
        raise Refused("The --to date is before the --from date: swap them.")
    return start, end
