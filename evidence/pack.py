"""What an evidence pack holds: plain data, gathered by the kiosk (kiosk/evidence_pack.py) and printed here.

The lists come as the rooms hand them back (any object with the attributes named below will do: this package
imports no database). Every name in them is already a first name and surname initial (R5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

Row = Mapping[str, Any]


class Confiscated(Protocol):
    at: datetime
    pupil: str
    class_name: str
    reason: str
    by: str
    location: str
    released_at: datetime | None
    hours: float | None
    pupil_count: int


class HandedBackEarly(Protocol):
    at: datetime
    pupil: str
    class_name: str
    reason: str
    by: str


class CupboardDay(Protocol):
    day: date
    cupboard: str
    phones: int
    last_in: datetime
    locked_at: datetime | None
    confirmed: bool


class RegisterEntry(Protocol):
    class_name: str
    kind: str
    conditions: str
    approved_by: str
    approved_on: date
    review_on: date
    ended_on: date | None


class Loan(Protocol):
    device: str
    staff_short: str
    class_name: str
    purpose: str
    out: datetime
    returned: datetime | None
    images: int | None
    uploaded_at: datetime | None
    verified: int | None
    status: str


@dataclass(frozen=True)
class PackData:
    """Everything one pack prints, for one period.

    ``classes``: the figures of ``kiosk report policy`` as its JSON gives them (one mapping per class, and the
    last with ``class`` = "school"); ``years``: the same per year group (``year``, ``pupils_in_year``); ``weeks``:
    per week (``week``: its Monday), the school's rows drawn as the trend charts. ``stock_takes``: mappings with
    ``when``, ``place``, ``who``, ``expected``, ``found``, ``missing``, ``not_expected`` (counts, or lists of codes).
    """

    school: str
    first: date
    last: date
    made_at: datetime
    made_by: str
    anchor: str | None  # "Ledger anchor: K1-…", exactly as `kiosk audit anchor` gives the anchor
    policy: str
    classes: Sequence[Row] = ()
    years: Sequence[Row] = ()
    weeks: Sequence[Row] = ()
    exceptions: Sequence[RegisterEntry] = ()
    confiscations: Sequence[Confiscated] = ()
    early_hand_backs: Sequence[HandedBackEarly] = ()
    cupboards: Sequence[CupboardDay] = ()
    loans: Sequence[Loan] = ()
    stock_takes: Sequence[Row] = ()
    more_command: str = "kiosk report custody"  # where the whole of a shortened list can be read

    @property
    def period(self) -> str:
        return f"{day(self.first)} to {day(self.last)}"


def day(value: date) -> str:
    """"Tue 10 Nov 2026"."""
    return f"{value:%a} {value.day} {value:%b %Y}"


def moment(value: datetime) -> str:
    """"Tue 10 Nov 2026 08:40"."""
    return f"{day(value)} {value:%H:%M}"


def stamp(value: datetime) -> str:
    """"10 Nov 2026 08:40": a time in a table's narrow column."""
    return f"{value.day} {value:%b %Y %H:%M}"


def number(value: Any) -> str:
    """A figure as a table shows it: 1,234; 12.5; a dash for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return str(value)


def year_group(value: Any) -> str:
    """A year group as schools say it (Nursery -1, Reception 0, Year 1-6); text passes through."""
    if isinstance(value, int):
        return {-1: "Nursery", 0: "Reception"}.get(value, f"Year {value}")
    return str(value)


def week_of(value: Any) -> date | None:
    """A week's Monday from a date or its ISO text (as the JSON gives it)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
