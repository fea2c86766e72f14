"""Checking the tables that say what holds now against the ledger that says what happened.

Held phones, open parents-to-tell tasks, open confiscations and device loans are written with their ledger
rows (db/phones, db/devices) and put back by a void (db/corrections.py). So each must follow from the ledger's
standing records (not voided, not blanked by the purge), and each standing record must show in them:

- a phone is held exactly when its last standing custody record (check-in, in again, hand-back,
  confiscation, release) holds it, and the held-phones row names that record and its place;
- a parents-to-tell task is open exactly when a standing check-in into the office opened it and no standing
  "parents told" for the pupil follows it;
- a confiscation is open exactly when its standing record has no standing release after it;
- every standing lending and return of a device is in the loans table, and an open loan's lending stands.

Every check is one set-based query (a few seconds on a million records: docs/performance.md). Records before
the newest one the purge blanked are only checked from the tables' side: a blanked record no longer says
which phone or pupil it was about.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import Connection

import db.core.tables as tables
from db.core import LEDGER, Database

HELD, TASK, CONFISCATION = tables.held_phone, tables.parent_task, tables.confiscation
LOAN, LOCATION, DEVICE = tables.device_loan, tables.location, tables.device
CUSTODY = ("phone_in", "phone_in_again", "phone_out", "phone_confiscated", "confiscation_released")
HOLDING = ("phone_in", "phone_in_again", "phone_confiscated")
SHOWN = 20  # problems named one by one; the rest are counted


def _standing(entry) -> sa.ColumnElement[bool]:
    voided = sa.select(LEDGER.c.voids_id).where(LEDGER.c.action == "entry_voided", LEDGER.c.voids_id.is_not(None))
    return entry.c.id.not_in(voided) & entry.c.purged_at.is_(None)


def _place(conn: Connection, location_id: int | None) -> str:
    name = conn.execute(sa.select(LOCATION.c.name).where(LOCATION.c.id == location_id)).scalar()
    return name or "an unknown place"


def projection_problems(database: Database) -> list[str]:
    """One sentence per row of the held-phones, parents-to-tell, confiscation or loans table that does not
    follow from the ledger, and per standing ledger record missing from them (``SHOWN`` at most, then a count)."""
    with database.engine.connect() as conn:
        since = conn.execute(sa.select(sa.func.max(LEDGER.c.id)).where(LEDGER.c.purged_at.is_not(None))).scalar() or 0
        problems = [*_held(conn, since), *_tasks(conn, since), *_confiscations(conn, since), *_loans(conn, since)]
    if len(problems) > SHOWN:
        problems = [*problems[:SHOWN], f"… and {len(problems) - SHOWN:,} more rows that do not follow from the ledger."]
    return problems


def _held(conn: Connection, since: int) -> list[str]:
    entry = LEDGER.alias("latest_entry")
    # Most records are custody records: one pass over the table beats SQLite's walk of an index (`|| ''` keeps
    # it off ix_ledger_tag_id and ix_ledger_action_at: 1 s, not 3, on a million records).
    tag = (LEDGER.c.tag_code + "").label("tag_code")
    latest = (sa.select(tag, sa.func.max(LEDGER.c.id).label("id"))
              .where((LEDGER.c.action + "").in_(CUSTODY), LEDGER.c.tag_code.is_not(None), _standing(LEDGER))
              .group_by(tag).subquery("latest"))
    rows = conn.execute(
        sa.select(HELD.c.tag_code, HELD.c.ledger_id, HELD.c.location_id, latest.c.id, entry.c.action,
                  entry.c.to_location_id)
        .select_from(HELD.outerjoin(latest, latest.c.tag_code == HELD.c.tag_code)
                     .outerjoin(entry, entry.c.id == latest.c.id))
        .where(latest.c.id.is_(None) | (latest.c.id != HELD.c.ledger_id) | entry.c.action.not_in(HOLDING)
               | (entry.c.to_location_id != HELD.c.location_id))).all()
    problems = []
    for row in rows:
        held = f"Phone tag {row.tag_code} is held in the {_place(conn, row.location_id)} by the held-phones table"
        if row.id is None:
            problems.append(f"{held}, but the ledger has no check-in for it.")
        elif row.action not in HOLDING:
            problems.append(f"{held}, but the ledger's last record for it (record {row.id:,}, "
                            f"{row.action.replace('_', ' ')}) says it is not held.")
        elif row.id != row.ledger_id:
            problems.append(f"{held} as of ledger record {row.ledger_id:,}, but the ledger's last record for it is "
                            f"record {row.id:,}.")
        else:
            problems.append(f"{held}, but the ledger (record {row.id:,}) put it in the "
                            f"{_place(conn, row.to_location_id)}.")
    missing = conn.execute(
        sa.select(latest.c.tag_code, latest.c.id, entry.c.to_location_id)
        .select_from(latest.join(entry, entry.c.id == latest.c.id))
        .where(entry.c.action.in_(HOLDING), latest.c.id > since,
               ~sa.exists().where(HELD.c.tag_code == latest.c.tag_code))).all()
    problems += [f"Phone tag {row.tag_code} was put in the {_place(conn, row.to_location_id)} by ledger record "
                 f"{row.id:,} and not handed back since, but the held-phones table has no row for it: the phone is "
                 "missing from `kiosk phone where`." for row in missing]
    return problems


def _tasks(conn: Connection, since: int) -> list[str]:
    # `+ 0` keeps SQLite on ix_ledger_action_at (the few "told" records), not a walk of every record by pupil;
    # the CAST gives the column back its INTEGER affinity, so the join below can use an automatic index.
    pupil = sa.cast(LEDGER.c.pupil_id + sa.literal_column("0"), sa.Integer).label("pupil_id")
    told = (sa.select(pupil, sa.func.max(LEDGER.c.id).label("id"))
            .where(LEDGER.c.action == "parents_told", _standing(LEDGER)).group_by(pupil).subquery("told"))
    entry = LEDGER.alias("check_in")
    offices = sa.select(LOCATION.c.id).where(LOCATION.c.kind == "office")
    rows = conn.execute(
        sa.select(TASK.c.tag_code, TASK.c.opened_ledger_id, entry.c.id, told.c.id.label("told"))
        .select_from(TASK.outerjoin(entry, (entry.c.id == TASK.c.opened_ledger_id) & (entry.c.action == "phone_in")
                                    & _standing(entry))
                     .outerjoin(told, (told.c.pupil_id == TASK.c.pupil_id) & (told.c.id > TASK.c.opened_ledger_id)))
        .where(TASK.c.told_at.is_(None), entry.c.id.is_(None) | told.c.id.is_not(None))).all()
    problems = [f"The parents-to-tell task for phone tag {row.tag_code} is open, but "
                + (f"the ledger has no standing check-in for it (record {row.opened_ledger_id:,})." if row.id is None
                   else f"ledger record {row.told:,} says the parents were told.") for row in rows]
    open_task = TASK.alias("open_task")
    missing = conn.execute(
        sa.select(entry.c.id, entry.c.tag_code)
        .select_from(entry.outerjoin(told, told.c.pupil_id == entry.c.pupil_id)
                     .outerjoin(open_task, (open_task.c.opened_ledger_id == entry.c.id)
                                & open_task.c.told_at.is_(None)))
        .where(entry.c.action == "phone_in", entry.c.to_location_id.in_(offices), entry.c.id > since,
               _standing(entry), told.c.id.is_(None) | (told.c.id < entry.c.id), open_task.c.id.is_(None))).all()
    problems += [f"Ledger record {row.id:,} checked phone tag {row.tag_code} into the office and no record says the "
                 "parents were told since, but the parents-to-tell list has no open task for it." for row in missing]
    return problems


def _released_after(entry) -> sa.Exists:
    release = LEDGER.alias("release")
    return sa.exists().where(release.c.tag_code == entry.c.tag_code, release.c.id > entry.c.id,
                             release.c.action == "confiscation_released", _standing(release))


def _confiscations(conn: Connection, since: int) -> list[str]:
    entry = LEDGER.alias("confiscated")
    rows = conn.execute(
        sa.select(CONFISCATION.c.tag_code, CONFISCATION.c.ledger_id, entry.c.id, _released_after(entry).label("gone"))
        .select_from(CONFISCATION.outerjoin(entry, (entry.c.id == CONFISCATION.c.ledger_id)
                                           & (entry.c.action == "phone_confiscated") & _standing(entry)))
        .where(CONFISCATION.c.released_at.is_(None))).all()
    problems = [f"The confiscation of phone tag {row.tag_code} is open, but "
                + ("the ledger has no standing confiscation record for it "
                   f"(record {row.ledger_id:,})." if row.id is None else
                   "the ledger records its release to a parent or carer.")
                for row in rows if row.id is None or row.gone]
    still = CONFISCATION.alias("still")
    missing = conn.execute(
        sa.select(entry.c.id, entry.c.tag_code)
        .select_from(entry.outerjoin(still, (still.c.ledger_id == entry.c.id) & still.c.released_at.is_(None)))
        .where(entry.c.action == "phone_confiscated", entry.c.id > since, _standing(entry), ~_released_after(entry),
               still.c.id.is_(None))).all()
    problems += [f"Ledger record {row.id:,} confiscated phone tag {row.tag_code} and no release follows it, but the "
                 "confiscations table does not have it as held." for row in missing]
    return problems


def _loans(conn: Connection, since: int) -> list[str]:
    out, back = LEDGER.alias("lent"), LEDGER.alias("returned")
    rows = conn.execute(
        sa.select(LOAN.c.id, LOAN.c.out_ledger_id, LOAN.c.returned_ledger_id, LOAN.c.returned_at, DEVICE.c.asset_tag,
                  out.c.id.label("out"), back.c.id.label("back"))
        .select_from(LOAN.join(DEVICE, DEVICE.c.id == LOAN.c.device_id)
                     .outerjoin(out, (out.c.id == LOAN.c.out_ledger_id) & (out.c.action == "device_out")
                                & _standing(out))
                     .outerjoin(back, (back.c.id == LOAN.c.returned_ledger_id) & (back.c.action == "device_returned")
                                & _standing(back)))
        .where(out.c.id.is_(None) | (LOAN.c.returned_ledger_id.is_(None) != LOAN.c.returned_at.is_(None))
               | (LOAN.c.returned_ledger_id.is_not(None) & back.c.id.is_(None)))).all()
    problems = []
    for row in rows:
        loan = f"The loan of {row.asset_tag} (lent by ledger record {row.out_ledger_id:,})"
        if row.out is None:
            problems.append(f"{loan} is in the loans table, but that ledger record is not a standing lending.")
        elif row.returned_at is None:
            problems.append(f"{loan} is open in the loans table, but it names ledger record "
                            f"{row.returned_ledger_id:,} as its return.")
        elif row.returned_ledger_id is None or row.back is None:
            problems.append(f"{loan} is returned in the loans table, but the ledger has no standing return for it.")
    for action, column, what in (("device_out", "out_ledger_id", "lent"),
                                 ("device_returned", "returned_ledger_id", "recorded the return of")):
        entry, loan = LEDGER.alias("entry"), LOAN.alias("loan")
        missing = conn.execute(
            sa.select(entry.c.id, entry.c.detail)
            .select_from(entry.outerjoin(loan, loan.c[column] == entry.c.id))
            .where(entry.c.action == action, entry.c.id > since, _standing(entry), loan.c.id.is_(None))).all()
        problems += [f"Ledger record {row.id:,} {what} {_device(row.detail)}, but the loans table has no loan "
                     "for it." for row in missing]
    return problems


def _device(detail: str | None) -> str:
    try:
        return str(json.loads(detail or "{}").get("device") or "a device")
    except ValueError:
        return "a device"
