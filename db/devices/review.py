"""The leadership's review of the school's cameras and iPads: loans, uploads outstanding, devices not back,
images per week."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import select

from db.core import CommandLine, Database, acting, day_range, day_start, today
from db.core.models import DeviceLoan
from db.devices.lending import loans_of
from db.devices.views import Loan, WeekImages


def _range(database: Database, start: date | None, end: date | None) -> tuple[date, date]:
    return day_range(start, end, today(database), from_runs_to_today=True)


def loans_report(database: Database, start: date | None = None, end: date | None = None,
                 class_name: str | None = None, *, by: str | CommandLine) -> list[Loan]:
    """Every loan lent between two school days (inclusive; default today), oldest first; optionally one class."""
    acting(database, by, "review", "the report of camera and iPad loans")
    start, end = _range(database, start, end)
    with database.reading() as session:
        query = select(DeviceLoan).where(DeviceLoan.out_at >= day_start(database, start),
                                         DeviceLoan.out_at < day_start(database, end + timedelta(days=1)))
        if class_name:
            query = query.where(func.upper(DeviceLoan.class_name) == " ".join(class_name.split()).upper())
        rows = session.exec(query.order_by(DeviceLoan.out_at, DeviceLoan.id)).all()
        return loans_of(session, database, list(rows))


def outstanding_uploads(database: Database, *, by: str | CommandLine) -> list[Loan]:
    """Loans back with images not yet confirmed on the Drive, oldest first (whatever day)."""
    acting(database, by, "review", "the list of uploads outstanding")
    with database.reading() as session:
        rows = session.exec(select(DeviceLoan).where(DeviceLoan.returned_at.is_not(None),
                                                     DeviceLoan.uploaded_at.is_(None), DeviceLoan.images > 0)
                            .order_by(DeviceLoan.out_at)).all()
        return loans_of(session, database, list(rows))


def devices_not_back(database: Database, *, by: str | CommandLine) -> list[Loan]:
    """Devices still out from an earlier day, or from today after the end of the day (18:00)."""
    acting(database, by, "review", "the list of devices not back")
    with database.reading() as session:
        rows = session.exec(select(DeviceLoan).where(DeviceLoan.returned_at.is_(None))
                            .order_by(DeviceLoan.out_at)).all()
        return [loan for loan in loans_of(session, database, list(rows)) if loan.not_back]


def devices_out(database: Database, *, by: str | CommandLine) -> list[Loan]:
    """Every device out now, oldest loan first."""
    acting(database, by, "review", "the list of devices out")
    with database.reading() as session:
        rows = session.exec(select(DeviceLoan).where(DeviceLoan.returned_at.is_(None))
                            .order_by(DeviceLoan.out_at)).all()
        return loans_of(session, database, list(rows))


def images_per_week(database: Database, start: date | None = None, end: date | None = None,
                    class_name: str | None = None, *, by: str | CommandLine) -> list[WeekImages]:
    """Images claimed and verified per ISO week of lending, every week of the range (empty ones too), for a chart."""
    loans = loans_report(database, start, end, class_name, by=by)
    start, end = _range(database, start, end)
    monday = start - timedelta(days=start.weekday())
    weeks: dict[date, list[Loan]] = {}
    while monday <= end:
        weeks[monday] = []
        monday += timedelta(days=7)
    for loan in loans:
        day = loan.out.date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(loan)
    result = []
    for monday, group in sorted(weeks.items()):
        year, week, _ = monday.isocalendar()
        result.append(WeekImages(week=f"{year}-W{week:02d}", monday=monday, loans=len(group),
                                 images=sum(loan.images or 0 for loan in group),
                                 verified=sum(loan.verified or 0 for loan in group)))
    return result

