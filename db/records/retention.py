"""Retention (R7): records past their school's retention periods are blanked or deleted by ``kiosk purge``.

Ledger rows are never deleted, or the chain would no longer link: a purged row
is blanked in place (who, which pupil and tag, where, the detail) and marked
with the purge's time, keeping its id, time, kiosk, action and both hashes, so
the next row still follows it and the counts per day survive for the
statistics (R8). In the same transaction the purge appends a ``purge``
checkpoint naming how many rows it blanked and a digest of their ids, which is
what ``db.audit.verify`` accepts a blanked row against.

Nothing still live is touched: a phone held, a parents-to-tell task still
open, a device out or not yet uploaded, an unreleased confiscation, a current
exception, and the ledger rows those records point to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection

from db.core import LEDGER, CommandLine, Database, append, find_staff
from db.core import school_year_start as academic_year_start
from db.core.models import (
    Confiscation,
    ConsentEvent,
    DeviceLoan,
    HeldPhone,
    ParentTask,
    PhoneException,
    Pupil,
    StaffPhoneException,
    Tag,
)

HELD, TASK, LOAN = HeldPhone.__table__, ParentTask.__table__, DeviceLoan.__table__
CONFISCATION, EXCEPTION, STAFF_PHONE = Confiscation.__table__, PhoneException.__table__, StaffPhoneException.__table__
CONSENT, TAG, PUPIL = ConsentEvent.__table__, Tag.__table__, Pupil.__table__

# Which ledger actions each retention period covers.
ACTIONS: dict[str, tuple[str, ...]] = {
    "custody": ("phone_in", "phone_in_again", "phone_out", "phone_kept", "parents_told", "cupboard_locked",
                "walk_home_permitted", "walk_home_revoked", "tag_issued", "pin_wrong", "set_pin", "stock_take"),
    "device_loans": ("device_out", "device_returned", "device_uploaded"),
    "confiscations": ("phone_confiscated", "confiscation_released"),
    "exceptions": ("exception_added", "exception_ended", "staff_phone_agreed", "imei_note_set"),
}
CATEGORIES = (*ACTIONS, "leavers")
COVERED = tuple(action for actions in ACTIONS.values() for action in actions)
# Deleted in this order: rows pointing at a pupil or tag go before the pupil and the tag.
TABLES = ("parent_task", "device_loan", "confiscation", "phone_exception", "staff_phone_exception",
          "consent_event", "tag", "pupil")


@dataclass(frozen=True)
class Retention:
    """Whole school years kept before the current one, per kind of record (0 = the current school year only)."""

    custody_years: int = 1
    device_loans_years: int = 1
    confiscations_years: int = 3
    exceptions_years: int = 6
    leavers_years: int = 1

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{field.name} must be a whole number of years, 0 or more (got {value!r})")

    def years(self, category: str) -> int:
        return getattr(self, f"{category}_years")


@dataclass(frozen=True)
class PurgeReport:
    cutoffs: dict[str, date]  # category → records from before this day are purged
    redacted: dict[str, int]  # category → ledger rows blanked ("leavers": the leavers' remaining rows)
    deleted: dict[str, int]  # table → rows deleted
    leavers: int  # pupils removed
    dry_run: bool
    checkpoint_id: int | None = None  # the purge's own ledger row (None on a dry run)

    @property
    def total_redacted(self) -> int:
        return sum(self.redacted.values())


def cutoffs(today: date, retention: Retention) -> dict[str, date]:
    """1 September, N school years before the current school year's start, per category."""
    start = academic_year_start(today)
    return {category: date(start.year - retention.years(category), 9, 1) for category in CATEGORIES}


def redacted_digest(ids) -> str:
    """SHA-256 of the blanked ids, ascending, joined by commas (what a checkpoint records)."""
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()


class _DryRun(Exception):
    def __init__(self, report: PurgeReport):
        self.report = report


def purge(database: Database, retention: Retention, *, by: str | CommandLine, dry_run: bool = False) -> PurgeReport:
    """Blank and delete what is past the retention periods, in one transaction with its checkpoint.

    A dry run does exactly the same work and rolls it back, so its counts are
    what a real purge would do at that moment.
    """
    try:
        with database.transaction() as conn:
            database.lift_scan_limits(conn)  # years of records at once: longer than a scan may take
            staff = find_staff(conn, by, "admin", "purging old records")
            report = _purge(conn, database, retention, staff, dry_run)
            if dry_run:
                raise _DryRun(report)
            return report
    except _DryRun as rolled_back:
        return rolled_back.report


def _purge(conn: Connection, database: Database, retention: Retention, staff, dry_run: bool) -> PurgeReport:
    now = database.now()
    # The checkpoint is found by its time, so two purges must not share one (a clock held still in tests).
    last = conn.execute(sa.select(sa.func.max(LEDGER.c.at)).where(LEDGER.c.action == "purge")).scalar()
    if last is not None and last >= now:
        now = last + timedelta(microseconds=1)
    days = cutoffs(database.local(now).date(), retention)
    cut = {category: datetime.combine(day, time(), database.zone) for category, day in days.items()}
    deleted = dict.fromkeys(TABLES, 0)

    # Finished records past their period go first, so the ledger rows they pointed to are free to blank.
    deleted["parent_task"] = _delete(conn, TASK, TASK.c.told_at.is_not(None), TASK.c.told_at < cut["custody"])
    finished = sa.func.coalesce(LOAN.c.uploaded_at, LOAN.c.returned_at)
    deleted["device_loan"] = _delete(conn, LOAN, LOAN.c.returned_at.is_not(None),
                                     sa.or_(LOAN.c.uploaded_at.is_not(None), LOAN.c.images == 0),
                                     finished < cut["device_loans"])
    deleted["confiscation"] = _delete(conn, CONFISCATION, CONFISCATION.c.released_at.is_not(None),
                                      CONFISCATION.c.released_at < cut["confiscations"])
    deleted["phone_exception"] = _delete(conn, EXCEPTION, EXCEPTION.c.ended_at.is_not(None),
                                         EXCEPTION.c.ended_at < cut["exceptions"])
    deleted["staff_phone_exception"] = _delete(conn, STAFF_PHONE, STAFF_PHONE.c.ends_on < days["exceptions"])

    kept = _still_referred_to()
    redacted = dict.fromkeys(CATEGORIES, 0)
    for category, actions in ACTIONS.items():
        redacted[category] = _blank(conn, now, LEDGER.c.action.in_(actions), LEDGER.c.at < cut[category],
                                    LEDGER.c.id.not_in(kept))

    leavers = _removable_leavers(conn, cut["leavers"])
    if leavers:
        # Their remaining rows (consent answers, anything no period covers) go with them.
        redacted["leavers"] = _blank(conn, now, LEDGER.c.pupil_id.in_(leavers))
        codes = sa.select(TAG.c.code).where(TAG.c.pupil_id.in_(leavers)).scalar_subquery()
        deleted["consent_event"] = _delete(conn, CONSENT, CONSENT.c.pupil_id.in_(leavers))
        deleted["tag"] = _delete(conn, TAG, TAG.c.code.in_(codes))
        deleted["pupil"] = _delete(conn, PUPIL, PUPIL.c.id.in_(leavers))

    # A dry run writes the checkpoint too and then rolls back: the same work, the same counts.
    ids = conn.execute(sa.select(LEDGER.c.id).where(LEDGER.c.purged_at == now)).scalars()
    checkpoint_id = append(conn, database, "purge", staff_id=staff.id, at=now, detail={
        "cutoffs": {category: day.isoformat() for category, day in days.items()},
        "redacted": sum(redacted.values()), "redacted_digest": redacted_digest(ids), "deleted": deleted})
    return PurgeReport(cutoffs=days, redacted=redacted, deleted=deleted, leavers=deleted["pupil"], dry_run=dry_run,
                       checkpoint_id=None if dry_run else checkpoint_id)


def _delete(conn: Connection, table: sa.Table, *where) -> int:
    return conn.execute(table.delete().where(*where)).rowcount


_BLANK = {"pupil_id": None, "staff_id": None, "tag_code": None, "from_location_id": None, "to_location_id": None,
          "voids_id": None, "detail": "{}"}


def _blank(conn: Connection, now: datetime, *where) -> int:
    return conn.execute(LEDGER.update().where(LEDGER.c.purged_at.is_(None), *where)
                        .values(purged_at=now, **_BLANK)).rowcount


def _still_referred_to() -> sa.Select:
    """Ledger ids named by a record that stays (live, or within its period): their evidence stays with them."""
    refs = [HELD.c.ledger_id, TASK.c.opened_ledger_id, LOAN.c.out_ledger_id, LOAN.c.returned_ledger_id,
            LOAN.c.uploaded_ledger_id, CONFISCATION.c.ledger_id, CONFISCATION.c.released_ledger_id,
            EXCEPTION.c.ledger_id, STAFF_PHONE.c.ledger_id, CONSENT.c.ledger_id]
    # NOT IN with a NULL in the list matches nothing: leave the NULLs out.
    return sa.union(*(sa.select(ref).where(ref.is_not(None)) for ref in refs))


def _removable_leavers(conn: Connection, cut: datetime) -> list[int]:
    """Pupils who left before the cut-off and whom no record still kept refers to."""
    pupil_id = PUPIL.c.id
    # Nested two deep: without correlate() the tags subquery would read every pupil, not the outer one.
    tags = sa.select(TAG.c.code).where(TAG.c.pupil_id == pupil_id).correlate(PUPIL)
    blockers = [
        sa.select(HELD.c.tag_code).where(sa.or_(HELD.c.pupil_id == pupil_id, HELD.c.tag_code.in_(tags))),
        sa.select(TASK.c.id).where(sa.or_(TASK.c.pupil_id == pupil_id, TASK.c.tag_code.in_(tags))),
        sa.select(CONFISCATION.c.id).where(sa.or_(CONFISCATION.c.pupil_id == pupil_id,
                                                  CONFISCATION.c.tag_code.in_(tags))),
        sa.select(EXCEPTION.c.id).where(EXCEPTION.c.pupil_id == pupil_id),
        # A ledger row about them still kept under its own (longer) period.
        sa.select(LEDGER.c.id).where(LEDGER.c.pupil_id == pupil_id, LEDGER.c.purged_at.is_(None),
                                     LEDGER.c.action.in_(COVERED)),
    ]
    query = sa.select(pupil_id).where(PUPIL.c.left_at.is_not(None), PUPIL.c.left_at < cut,
                                      *(~sa.exists(blocker) for blocker in blockers))
    return list(conn.execute(query.order_by(pupil_id)).scalars())
