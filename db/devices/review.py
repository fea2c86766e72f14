"""The leadership's review of the school's cameras and iPads: loans, uploads outstanding, devices not back,
images per week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy import select as columns
from sqlmodel import select

import db.core.tables as tables
from db.core import CommandLine, Database, acting, day_range, day_start, full_name, short_name, today
from db.core.models import DeviceLoan
from db.devices.lending import loan_of, loans_of
from db.devices.views import Loan, WeekImages


def _range(database: Database, start: date | None, end: date | None) -> tuple[date, date]:
    return day_range(start, end, today(database), from_runs_to_today=True)


def loans_report(database: Database, start: date | None = None, end: date | None = None,
                 class_name: str | None = None, *, by: str | CommandLine) -> list[Loan]:
    """Every loan lent between two school days (inclusive; default today), oldest first; optionally one class."""
    return list(loans_between(database, start, end, class_name, by=by))


def loans_between(database: Database, start: date | None = None, end: date | None = None,
                  class_name: str | None = None, *, by: str | CommandLine) -> Iterator[Loan]:
    """loans_report's loans one at a time, each read from the database as it is asked for (`kiosk report devices`
    writes years of loans without holding them). The role is checked and the days read before this returns."""
    acting(database, by, "review", "the report of camera and iPad loans")
    start, end = _range(database, start, end)
    return _loans(database, day_start(database, start), day_start(database, end + timedelta(days=1)), class_name)


_LOAN, _DEVICE = tables.device_loan, tables.device
STREAM_ROWS = 1000  # rows fetched at a time (a server-side cursor's batch on PostgreSQL)


def _loans(database: Database, since: datetime, until: datetime, class_name: str | None) -> Iterator[Loan]:
    lender, returner, uploader = (tables.staff.alias() for _ in range(3))
    query = (columns(*(_LOAN.c[name] for name in ("id", "class_name", "purpose", "out_at", "returned_at", "images",
                                                   "uploaded_at", "verified", "by_model_only", "wiped")),
                     _DEVICE.c.asset_tag.label("asset_tag"), _DEVICE.c.name.label("device_name"),
                     lender.c.first_name.label("lender_first"), lender.c.surname.label("lender_last"),
                     lender.c.code.label("lender_code"), returner.c.first_name.label("returner_first"),
                     returner.c.surname.label("returner_last"), uploader.c.first_name.label("uploader_first"),
                     uploader.c.surname.label("uploader_last"))
             .select_from(_LOAN).join(_DEVICE, _DEVICE.c.id == _LOAN.c.device_id)
             .join(lender, lender.c.id == _LOAN.c.staff_id)
             .outerjoin(returner, returner.c.id == _LOAN.c.returned_by_id)
             .outerjoin(uploader, uploader.c.id == _LOAN.c.uploaded_by_id)
             .where(_LOAN.c.out_at >= since, _LOAN.c.out_at < until))
    if class_name:
        query = query.where(func.upper(_LOAN.c.class_name) == " ".join(class_name.split()).upper())
    now = database.local(database.now())
    with database.engine.connect() as conn:
        for row in conn.execution_options(yield_per=STREAM_ROWS).execute(query.order_by(_LOAN.c.out_at, _LOAN.c.id)):
            yield loan_of(database, row, device=f"{row.asset_tag} {row.device_name}", asset_tag=row.asset_tag,
                          staff=full_name(row.lender_first, row.lender_last), staff_code=row.lender_code,
                          returned_by=_or_none(row.returner_first, row.returner_last),
                          uploaded_by=_or_none(row.uploader_first, row.uploader_last), now=now,
                          staff_short=short_name(row.lender_first, row.lender_last),
                          uploaded_by_short=_or_none(row.uploader_first, row.uploader_last, short=True))


def _or_none(first: str | None, surname: str | None, *, short: bool = False) -> str | None:
    """A member of staff's name from an outer join: None when there is no one (not back, not uploaded)."""
    return (short_name if short else full_name)(first, surname) if first is not None else None


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

