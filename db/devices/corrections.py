"""Voiding a camera or iPad event: a mistaken loan, return or upload confirmation, and the loan put back as it
was before (the dispatcher, ``db.corrections``, writes the void's ledger row).

Handlers are ``(describe, undo)`` as in ``db.phones.corrections``. A loan's events depend on one another
in order (lent, returned, upload confirmed, lent again): only the newest that stands can be voided.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import Connection

import db.core.tables as tables
from db.core import LEDGER, Refused, full_name, not_voided

LOAN, DEVICE, STAFF = tables.device_loan, tables.device, tables.staff


def _device(conn: Connection, device_id: int) -> str:
    device = conn.execute(sa.select(DEVICE.c.asset_tag, DEVICE.c.name).where(DEVICE.c.id == device_id)).first()
    return f"{device.asset_tag} ({device.name})"


def _loan(conn: Connection, column, row):
    loan = conn.execute(sa.select(LOAN).where(column == row.id)).first()
    if loan is None:
        raise Refused(f"Entry {row.id} no longer matches a loan on record: nothing to put back.")
    return loan


def _refuse_if_lent_again(conn: Connection, loan, what: str) -> None:
    later = conn.execute(sa.select(LOAN.c.out_ledger_id).where(
        LOAN.c.device_id == loan.device_id, LOAN.c.id != loan.id, LOAN.c.out_at >= loan.out_at)).first()
    if later is not None:
        raise Refused(f"{what} has been lent again since (entry {later.out_ledger_id}): void the later loan first.")


def _undo_out(conn: Connection, database, staff, row, reason: str) -> str:
    loan = _loan(conn, LOAN.c.out_ledger_id, row)
    what = _device(conn, loan.device_id)
    if loan.returned_ledger_id is not None:
        raise Refused(f"{what} has been returned since (entry {loan.returned_ledger_id}): void the return first.")
    conn.execute(LOAN.delete().where(LOAN.c.id == loan.id))
    return f"{what} is no longer recorded as lent for {loan.class_name}: it is in."


def _undo_return(conn: Connection, database, staff, row, reason: str) -> str:
    loan = _loan(conn, LOAN.c.returned_ledger_id, row)
    what = _device(conn, loan.device_id)
    if loan.uploaded_ledger_id is not None:
        raise Refused(f"{what}'s upload was confirmed since (entry {loan.uploaded_ledger_id}): "
                      "void the upload confirmation first.")
    _refuse_if_lent_again(conn, loan, what)
    conn.execute(LOAN.update().where(LOAN.c.id == loan.id).values(
        returned_at=None, returned_by_id=None, images=None, returned_ledger_id=None))
    borrower = conn.execute(sa.select(STAFF.c.first_name, STAFF.c.surname).where(STAFF.c.id == loan.staff_id)).first()
    return f"{what} is out again with {full_name(borrower.first_name, borrower.surname)} for {loan.class_name}."


def _undo_upload(conn: Connection, database, staff, row, reason: str) -> str:
    loan = _loan(conn, LOAN.c.uploaded_ledger_id, row)
    what = _device(conn, loan.device_id)
    _refuse_if_lent_again(conn, loan, what)
    # An earlier confirmation of the same loan that still stands (one recorded unverified, then checked) counts again.
    earlier = conn.execute(sa.select(LEDGER).where(
        LEDGER.c.action == "device_uploaded", LEDGER.c.id < row.id, LEDGER.c.id > loan.out_ledger_id,
        not_voided(LEDGER.c.id)).order_by(LEDGER.c.id.desc())).all()
    earlier = next((e for e in earlier if json.loads(e.detail or "{}").get("loan") == loan.id), None)
    if earlier is None:
        conn.execute(LOAN.update().where(LOAN.c.id == loan.id).values(
            uploaded_at=None, uploaded_by_id=None, verified=None, by_model_only=None, wiped=None, folder=None,
            uploaded_ledger_id=None))
        return f"{what}'s upload is no longer confirmed: its images are outstanding again."
    detail = json.loads(earlier.detail or "{}")
    conn.execute(LOAN.update().where(LOAN.c.id == loan.id).values(
        uploaded_at=earlier.at, uploaded_by_id=earlier.staff_id, verified=detail.get("verified"),
        by_model_only=detail.get("by_model_only"), wiped=bool(detail.get("wiped")),
        folder=(detail.get("folder") or None) and str(detail["folder"])[:500], uploaded_ledger_id=earlier.id))
    return f"{what}'s upload confirmation is the earlier one again (entry {earlier.id})."


def _describe(phrase: str):
    def describe(conn: Connection, row) -> str:
        detail = json.loads(row.detail or "{}")
        return phrase.format(device=detail.get("device", "a device"), cls=detail.get("class", ""),
                             images=detail.get("images", ""))
    return describe


DEVICE_VOIDS = {
    "device_out": (_describe("{device} lent for {cls}"), _undo_out),
    "device_returned": (_describe("{device} returned ({images} images)"), _undo_return),
    "device_uploaded": (_describe("{device}'s upload confirmed"), _undo_upload),
}
