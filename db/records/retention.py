"""Retention (R7): records past their school's retention periods are blanked or deleted by ``kiosk purge``.

Ledger rows are never deleted, or the chain would no longer link: a purged row
is blanked in place (who, which pupil and tag, where, the detail) and marked
with the purge's time, keeping its id, time, kiosk, action and both hashes, so
the next row still follows it and the counts per day survive for the
statistics (R8).

A purge works in short batches (``BATCH`` rows at most), each its own write
transaction closed by its own ``purge`` checkpoint naming how many rows that
batch blanked and a digest of their ids (what ``db.audit.verify`` accepts a
blanked row against). So a scan from another kiosk waits for one batch at most,
never for the whole purge, and a purge stopped part-way (a power cut, kill -9)
leaves every batch it committed whole and verified: run again, it carries on
from there. A dry run only reads.

Nothing still live is touched: a phone held, a parents-to-tell task still
open, a device out or not yet uploaded, an unreleased confiscation, a current
exception, and the ledger rows those records point to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from time import perf_counter

import sqlalchemy as sa
from sqlalchemy import Connection

import db.core.tables as tables
from db.core import LEDGER, CommandLine, Database, acting, append
from db.core import school_year_start as academic_year_start

HELD, TASK, LOAN = tables.held_phone, tables.parent_task, tables.device_loan
CONFISCATION, EXCEPTION, STAFF_PHONE = tables.confiscation, tables.phone_exception, tables.staff_phone_exception
CONSENT, TAG, PUPIL = tables.consent_event, tables.tag, tables.pupil

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
CATEGORY_OF = {action: category for category, actions in ACTIONS.items() for action in actions}
# Deleted in this order: rows pointing at a pupil or tag go before the pupil and the tag.
TABLES = ("parent_task", "device_loan", "confiscation", "phone_exception", "staff_phone_exception",
          "consent_event", "tag", "pupil")
# Rows changed per write transaction, to start with: blanking a row costs SQLite about 0.1 ms (its indexes) on an
# idle machine, several times that on a busy one (bench/purge.py). So each batch is then sized from the last one's
# time to hold the write lock about HOLD_S: a scan from another kiosk waits for one batch at most.
BATCH = 500
HOLD_S = 0.1
SMALLEST, LARGEST = 20, 5000
LEAVERS_BATCH = 50  # pupils removed per write transaction at most, each with their remaining records


@dataclass(frozen=True)
class Retention:
    """Whole school years kept before the current one, per kind of record (0 = the current school year only)."""

    custody_years: int = 1
    device_loans_years: int = 1
    confiscations_years: int = 3
    exceptions_years: int = 6
    leavers_years: int = 1

    def __post_init__(self) -> None:
        for field_ in fields(self):
            value = getattr(self, field_.name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{field_.name} must be a whole number of years, 0 or more (got {value!r})")

    def years(self, category: str) -> int:
        return getattr(self, f"{category}_years")


@dataclass(frozen=True)
class PurgeReport:
    cutoffs: dict[str, date]  # category → records from before this day are purged
    redacted: dict[str, int]  # category → ledger rows blanked ("leavers": the leavers' remaining rows)
    deleted: dict[str, int]  # table → rows deleted
    leavers: int  # pupils removed
    dry_run: bool
    checkpoint_id: int | None = None  # the purge's last checkpoint (None on a dry run)
    batches: int = 0  # write transactions, each with its own checkpoint (0 on a dry run)

    @property
    def total_redacted(self) -> int:
        return sum(self.redacted.values())


@dataclass
class _Tally:
    redacted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    deleted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    blanked_ids: list[int] = field(default_factory=list)

    def add(self, other: _Tally) -> None:
        for category, count in other.redacted.items():
            self.redacted[category] += count
        for table, count in other.deleted.items():
            self.deleted[table] += count


Progress = Callable[[PurgeReport], None]


def cutoffs(today: date, retention: Retention) -> dict[str, date]:
    """1 September, N school years before the current school year's start, per category."""
    start = academic_year_start(today)
    return {category: date(start.year - retention.years(category), 9, 1) for category in CATEGORIES}


def redacted_digest(ids) -> str:
    """SHA-256 of the blanked ids, ascending, joined by commas (what a checkpoint records)."""
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()


def purge(database: Database, retention: Retention, *, by: str | CommandLine, dry_run: bool = False,
          progress: Progress | None = None) -> PurgeReport:
    """Blank and delete what is past the retention periods, in short batches each closed by its checkpoint.

    A dry run reads only (no write lock): it counts what a purge would do at that moment. ``progress`` is
    called after each batch but the last with the totals so far."""
    staff = acting(database, by, "admin", "purging old records")
    days = cutoffs(database.local(database.now()).date(), retention)
    rules = _Rules(database, days)
    if dry_run:
        return _count(database, rules)
    total, batches, checkpoint_id = _Tally(), 0, None
    with database.engine.connect() as conn:  # read before any write lock; each checked again under it
        leavers = list(conn.execute(rules.leavers()).scalars())
    steps = _steps(rules, leavers)
    step = next(steps, None)
    size = BATCH
    while True:
        started = perf_counter()
        with database.transaction() as conn:
            moment = _moment(conn, database)
            tally, room = _Tally(), size
            while step is not None and room > 0:
                used, finished = step(conn, room, tally, moment)
                room -= used
                if finished:
                    step = next(steps, None)
            checkpoint_id = append(conn, database, "purge", staff_id=staff.id, at=moment, detail={
                "cutoffs": {category: day.isoformat() for category, day in days.items()},
                "redacted": len(tally.blanked_ids), "redacted_digest": redacted_digest(tally.blanked_ids),
                "deleted": tally.deleted})
        total.add(tally)
        batches += 1
        held = perf_counter() - started
        if held > 0 and room <= 0:  # a full batch: the next one sized to hold the lock about HOLD_S
            # Down at once after a slow batch, up by half at most after a quick one (a busy machine's next
            # batch is rarely as quick as its last).
            size = max(SMALLEST, min(LARGEST, int(size * 1.5), int(size * HOLD_S / held)))
        report = PurgeReport(cutoffs=days, redacted=dict(total.redacted), deleted=dict(total.deleted),
                             leavers=total.deleted["pupil"], dry_run=False, checkpoint_id=checkpoint_id,
                             batches=batches)
        if step is None:
            return report
        if progress is not None:
            progress(report)
        database.let_kiosks_in()


def _moment(conn: Connection, database: Database) -> datetime:
    """This batch's time: blanked rows are matched to their checkpoint by it, so no two checkpoints share one
    (a clock held still in tests, two batches in one microsecond)."""
    now = database.now()
    last = conn.execute(sa.select(sa.func.max(LEDGER.c.at)).where(LEDGER.c.action == "purge")).scalar()
    if last is not None:
        last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
        if last >= now:
            now = last + timedelta(microseconds=1)
    return now


class _Rules:
    """What goes, as conditions: the purge and its dry run read the same ones."""

    def __init__(self, database: Database, days: dict[str, date]):
        self.days = days
        self.cut = {category: datetime.combine(day, time(), database.zone) for category, day in days.items()}
        cut = self.cut
        self.gone = {
            "parent_task": sa.and_(TASK.c.told_at.is_not(None), TASK.c.told_at < cut["custody"]),
            "device_loan": sa.and_(LOAN.c.returned_at.is_not(None),
                                   sa.or_(LOAN.c.uploaded_at.is_not(None), LOAN.c.images == 0),
                                   sa.func.coalesce(LOAN.c.uploaded_at, LOAN.c.returned_at) < cut["device_loans"]),
            "confiscation": sa.and_(CONFISCATION.c.released_at.is_not(None),
                                    CONFISCATION.c.released_at < cut["confiscations"]),
            "phone_exception": sa.and_(EXCEPTION.c.ended_at.is_not(None), EXCEPTION.c.ended_at < cut["exceptions"]),
            "staff_phone_exception": STAFF_PHONE.c.ends_on < days["exceptions"],
        }

    def kept(self, low: int | None = None, high: int | None = None) -> sa.CompoundSelect:
        """Ledger ids (between ``low`` and ``high`` when given) named by a record that stays (live, or within its
        period): their evidence stays with them."""
        gone = self.gone
        refs = [(HELD.c.ledger_id, None), (TASK.c.opened_ledger_id, gone["parent_task"]),
                (LOAN.c.out_ledger_id, gone["device_loan"]), (LOAN.c.returned_ledger_id, gone["device_loan"]),
                (LOAN.c.uploaded_ledger_id, gone["device_loan"]), (CONFISCATION.c.ledger_id, gone["confiscation"]),
                (CONFISCATION.c.released_ledger_id, gone["confiscation"]),
                (EXCEPTION.c.ledger_id, gone["phone_exception"]), (STAFF_PHONE.c.ledger_id,
                                                                   gone["staff_phone_exception"]),
                (CONSENT.c.ledger_id, None)]
        selects = []
        for ref, goes in refs:
            where = [ref.is_not(None)]  # NOT IN with a NULL in the list matches nothing: leave the NULLs out
            if goes is not None:
                where.append(~goes)
            if low is not None:
                where += [ref > low, ref <= high]
            selects.append(sa.select(ref).where(*where))
        return sa.union_all(*selects)

    def blankable(self, low: int | None = None, high: int | None = None) -> sa.ColumnElement[bool]:
        """A ledger row its period has passed and no kept record names (not blanked yet)."""
        return sa.and_(LEDGER.c.purged_at.is_(None), self.past(), LEDGER.c.id.not_in(self.kept(low, high)))

    def past(self) -> sa.ColumnElement[bool]:
        """A ledger row whose period has passed."""
        return sa.or_(*(sa.and_(LEDGER.c.action.in_(actions), LEDGER.c.at < self.cut[category])
                        for category, actions in ACTIONS.items()))

    def leavers(self, among: list[int] | None = None) -> sa.Select:
        """Pupils who left before the cut-off and whom no record still kept refers to (a leaver's tags: by the
        tag table's pupil index, then each blocker by its own index)."""
        pupil_id = PUPIL.c.id
        tags = sa.select(TAG.c.code).where(TAG.c.pupil_id == pupil_id).correlate(PUPIL)
        gone = self.gone
        blockers = [
            sa.select(HELD.c.tag_code).where(HELD.c.pupil_id == pupil_id),
            sa.select(HELD.c.tag_code).where(HELD.c.tag_code.in_(tags)),
            sa.select(TASK.c.id).where(TASK.c.pupil_id == pupil_id, ~gone["parent_task"]),
            sa.select(TASK.c.id).where(TASK.c.tag_code.in_(tags), ~gone["parent_task"]),
            sa.select(CONFISCATION.c.id).where(CONFISCATION.c.pupil_id == pupil_id, ~gone["confiscation"]),
            sa.select(CONFISCATION.c.id).where(CONFISCATION.c.tag_code.in_(tags), ~gone["confiscation"]),
            sa.select(EXCEPTION.c.id).where(EXCEPTION.c.pupil_id == pupil_id, ~gone["phone_exception"]),
            # A ledger row about them still kept under its own (longer) period.
            sa.select(LEDGER.c.id).where(LEDGER.c.pupil_id == pupil_id, LEDGER.c.purged_at.is_(None),
                                         LEDGER.c.action.in_(COVERED), ~self.blankable()),
        ]
        where = [PUPIL.c.left_at.is_not(None), PUPIL.c.left_at < self.cut["leavers"],
                 *(~sa.exists(blocker) for blocker in blockers)]
        if among is not None:
            where.append(pupil_id.in_(among))
        return sa.select(pupil_id).where(*where).order_by(pupil_id)


# --- the purge's steps: each does at most `room` rows in the caller's transaction ------------------------------

Step = Callable[[Connection, int, _Tally, datetime], tuple[int, bool]]


def _steps(rules: _Rules, leavers: list[int]):
    """Finished records first, so the ledger rows they pointed to are free to blank; then the ledger; then the
    leavers (found before the purge began), whose records are gone by then."""
    keys = {"parent_task": TASK.c.id, "device_loan": LOAN.c.id, "confiscation": CONFISCATION.c.id,
            "phone_exception": EXCEPTION.c.id, "staff_phone_exception": STAFF_PHONE.c.id}
    for table, key in keys.items():
        yield _deleting(table, key, rules.gone[table])
    yield _blanking(rules)
    yield _removing_leavers(rules, leavers)


def _deleting(table: str, key: sa.Column, gone: sa.ColumnElement[bool]) -> Step:
    def step(conn: Connection, room: int, tally: _Tally, _moment: datetime) -> tuple[int, bool]:
        ids = sa.select(key).where(gone).limit(room).scalar_subquery()  # in no order: the period's index serves
        done = conn.execute(key.table.delete().where(key.in_(ids))).rowcount
        tally.deleted[table] += done
        return done, done < room

    return step


_BLANK = {"pupil_id": None, "staff_id": None, "tag_code": None, "from_location_id": None, "to_location_id": None,
          "voids_id": None, "detail": "{}"}


def _blank(conn: Connection, moment: datetime, tally: _Tally, category: str | None, *where) -> int:
    """Blank the rows ``where`` says (by id order); count each under ``category`` or its own action's."""
    rows = conn.execute(sa.select(LEDGER.c.id, LEDGER.c.action).where(*where).order_by(LEDGER.c.id)).all()
    if rows:
        conn.execute(LEDGER.update().where(LEDGER.c.id.in_([row.id for row in rows]))
                     .values(purged_at=moment, **_BLANK))
    for row in rows:
        tally.redacted[category or CATEGORY_OF[row.action]] += 1
        tally.blanked_ids.append(row.id)
    return len(rows)


def _blanking(rules: _Rules) -> Step:
    last = 0  # rows up to here are done (ids only grow, and new rows are within every period)

    def step(conn: Connection, room: int, tally: _Tally, moment: datetime) -> tuple[int, bool]:
        nonlocal last
        # The next `room` rows past their period (by the primary key, from where the last batch stopped), then
        # those of them no kept record names: the kept records' ids read for this window only.
        window = (sa.select(LEDGER.c.id).where(LEDGER.c.id > last, LEDGER.c.purged_at.is_(None), rules.past())
                  .order_by(LEDGER.c.id).limit(room).subquery())
        high, seen = conn.execute(sa.select(sa.func.max(window.c.id), sa.func.count()).select_from(window)).one()
        if high is None:
            return 0, True
        _blank(conn, moment, tally, None, LEDGER.c.id > last, LEDGER.c.id <= high, rules.blankable(last, high))
        last = high
        return seen, False

    return step


def _removing_leavers(rules: _Rules, leavers: list[int]) -> Step:
    done = 0

    def step(conn: Connection, room: int, tally: _Tally, moment: datetime) -> tuple[int, bool]:
        nonlocal done
        chunk = leavers[done:done + LEAVERS_BATCH]
        done += len(chunk)
        # Still removable now (a phone checked in meanwhile keeps its pupil): their few rows, by the pupil index.
        going = list(conn.execute(rules.leavers(among=chunk)).scalars()) if chunk else []
        used = 0
        if going:
            # Their remaining rows (consent answers, anything no period covers) go with them.
            used = _blank(conn, moment, tally, "leavers", LEDGER.c.pupil_id.in_(going), LEDGER.c.purged_at.is_(None))
            tally.deleted["consent_event"] += conn.execute(CONSENT.delete().where(CONSENT.c.pupil_id.in_(going))
                                                           ).rowcount
            tally.deleted["tag"] += conn.execute(TAG.delete().where(TAG.c.pupil_id.in_(going))).rowcount
            tally.deleted["pupil"] += conn.execute(PUPIL.delete().where(PUPIL.c.id.in_(going))).rowcount
        return max(used, len(chunk)), done >= len(leavers)

    return step


# --- the dry run ---------------------------------------------------------------------------------------------


def _count(database: Database, rules: _Rules) -> PurgeReport:
    """What a purge would do now, read in one snapshot with no write lock: the same conditions, counted."""
    with database.engine.connect() as conn:
        if not database.is_sqlite:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            deleted = dict.fromkeys(TABLES, 0)
            tables = {"parent_task": TASK, "device_loan": LOAN, "confiscation": CONFISCATION,
                      "phone_exception": EXCEPTION, "staff_phone_exception": STAFF_PHONE}
            for name, table in tables.items():
                deleted[name] = conn.execute(sa.select(sa.func.count()).select_from(table)
                                             .where(rules.gone[name])).scalar()
            redacted = dict.fromkeys(CATEGORIES, 0)
            counted = conn.execute(sa.select(LEDGER.c.action, sa.func.count()).where(rules.blankable())
                                   .group_by(LEDGER.c.action)).all()
            for action, count in counted:
                redacted[CATEGORY_OF[action]] += count
            leavers = list(conn.execute(rules.leavers()).scalars())
            if leavers:
                redacted["leavers"] = conn.execute(sa.select(sa.func.count()).select_from(LEDGER).where(
                    LEDGER.c.pupil_id.in_(leavers), LEDGER.c.purged_at.is_(None), ~rules.blankable())).scalar()
                for name, table in (("consent_event", CONSENT), ("tag", TAG)):
                    deleted[name] = conn.execute(sa.select(sa.func.count()).select_from(table)
                                                 .where(table.c.pupil_id.in_(leavers))).scalar()
                deleted["pupil"] = len(leavers)
    return PurgeReport(cutoffs=rules.days, redacted=redacted, deleted=deleted, leavers=len(leavers), dry_run=True)
