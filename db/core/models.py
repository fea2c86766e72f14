"""The tables. Every time is an aware datetime stored in UTC.

The commands' hot paths read and write through the same tables as Core ``Table`` objects generated from these
classes (db/core/tables.py: run ``python -m db.core.tables_gen`` after changing a table here).

Only what the policies need is kept about a pupil (R7): names, year, class,
UPN / admission number and the walk-home permission. No dates of birth, no
photos, no parents' numbers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from db.core.columns import OpenRowsIndex, PartialIndex, UtcTime
from db.core.names import pupil_search_key

ROLES = ("teacher", "office", "slt", "admin")  # who may do what: db/core/roles.py
DEVICE_KINDS = ("camera", "ipad", "phone", "other")


def Time(**kwargs):  # noqa: N802 - reads like a type in the field list
    return Field(sa_type=UtcTime, **kwargs)


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    first_name: str = Field(max_length=100)
    surname: str = Field(max_length=100)
    role: str = Field(max_length=16)
    class_name: str | None = Field(default=None, max_length=32)
    pin_hash: str | None = Field(default=None, max_length=255)
    imei_note: str | None = Field(default=None, max_length=100)  # R6: seen only by its owner and the SLT
    left_at: datetime | None = Time(default=None)


class Pupil(SQLModel, table=True):
    # db.people.find_pupils seeks the pupils on roll (left_at IS NULL) here and checks their keys in the index,
    # reading a pupil's row only when the key matches: leavers, kept for years, cost the search nothing.
    __table_args__ = (Index("ix_pupil_on_roll_search_key", "left_at", "search_key"),)
    id: int | None = Field(default=None, primary_key=True)
    upn: str | None = Field(default=None, max_length=13, unique=True)
    adno: str | None = Field(default=None, max_length=32, unique=True)
    legal_first: str = Field(max_length=100)
    preferred_first: str | None = Field(default=None, max_length=100)
    surname: str = Field(max_length=100)
    year: int  # 0 = Reception, -1 = Nursery
    class_name: str = Field(max_length=32, index=True)
    # Projection of the latest walk-home permission event, written with it.
    walk_home: bool = False
    walk_home_by_id: int | None = Field(default=None, foreign_key="staff.id")
    walk_home_at: datetime | None = Time(default=None)
    left_at: datetime | None = Time(default=None)  # archived as a leaver by a full re-import
    # The three names as db.core.names.pupil_search_key makes them, set on every insert and update below.
    search_key: str = Field(default="", sa_column_kwargs={"server_default": ""}, sa_type=Text)


@event.listens_for(Pupil, "before_insert")
@event.listens_for(Pupil, "before_update")
def _keep_search_key(_mapper, _connection, pupil: Pupil) -> None:
    """Every write of a pupil through the ORM (the MIS import, the demo, a rename) keeps the key in step with
    the names. Nothing writes a pupil's names with Core statements; the migration fills the key for older rows."""
    pupil.search_key = pupil_search_key(pupil.legal_first, pupil.preferred_first, pupil.surname)


class Location(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    kind: str = Field(max_length=16)  # "cupboard" or "office"
    class_name: str | None = Field(default=None, max_length=32)


class Tag(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=16)
    kind: str = Field(max_length=16, index=True)
    pupil_id: int | None = Field(default=None, foreign_key="pupil.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    location_id: int | None = Field(default=None, foreign_key="location.id")
    asset: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=200)
    issued_at: datetime = Time()
    retired_at: datetime | None = Time(default=None)


class HeldPhone(SQLModel, table=True):
    """Where each phone is now: one row per phone held, written with its ledger row.

    The primary key on the tag code is what stops two kiosks checking the same
    phone in at once: the second insert fails inside the database.
    """

    __tablename__ = "held_phone"
    tag_code: str = Field(primary_key=True, foreign_key="tag.code", max_length=16)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    since: datetime = Time()
    by_staff_id: int = Field(foreign_key="staff.id")
    ledger_id: int = Field(foreign_key="ledger_entry.id")


class ParentTask(SQLModel, table=True):
    """A phone came in that the parents must be told about (R2)."""

    __tablename__ = "parent_task"
    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    tag_code: str = Field(foreign_key="tag.code", max_length=16, index=True)
    reason: str = Field(max_length=200)
    opened_at: datetime = Time()
    opened_ledger_id: int = Field(foreign_key="ledger_entry.id", index=True)
    told_at: datetime | None = Time(default=None, index=True)
    told_by_id: int | None = Field(default=None, foreign_key="staff.id")
    how: str | None = Field(default=None, max_length=200)


class LedgerEntry(SQLModel, table=True):
    """One thing that happened. Rows are only ever added (the purge aside).

    ``hash`` covers this row's content and ``prev_hash``, so an edited or
    deleted row breaks the chain.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("ix_ledger_tag_id", "tag_code", "id"),
        Index("ix_ledger_action_at", "action", "at"),
        UniqueConstraint("hash", name="uq_ledger_hash"),
        # The blanked rows only: the newest one is where the projections' check starts (migration 0005).
        # The rows that void another (a few): what a report asks of each row it shows, "is it voided?".
        PartialIndex("ix_ledger_voids_id", "voids_id", where="voids_id IS NOT NULL"),
        PartialIndex("ix_ledger_purged_id", "id", where="purged_at IS NOT NULL"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Time(index=True)
    kiosk: str = Field(max_length=64)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    action: str = Field(max_length=32)
    tag_code: str | None = Field(default=None, max_length=16)
    pupil_id: int | None = Field(default=None, foreign_key="pupil.id", index=True)
    from_location_id: int | None = Field(default=None, foreign_key="location.id")
    to_location_id: int | None = Field(default=None, foreign_key="location.id")
    detail: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    voids_id: int | None = Field(default=None, foreign_key="ledger_entry.id")
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # Set by the retention purge, which blanks the row's content but keeps its hashes so the chain still links.
    purged_at: datetime | None = Time(default=None)


class Device(SQLModel, table=True):
    """A school camera, iPad or phone, from the devices import (the school's asset register).

    Make, model and serial are written as the device writes them into its
    photos' EXIF: that is how an image in the Drive folder is traced to it.
    """

    id: int | None = Field(default=None, primary_key=True)
    asset_tag: str = Field(max_length=64, unique=True)  # upper case: "IPAD-03"
    kind: str = Field(max_length=16)  # one of DEVICE_KINDS
    name: str = Field(max_length=100)
    make: str = Field(max_length=100)
    model: str = Field(max_length=100)
    serial: str | None = Field(default=None, max_length=64)
    added_at: datetime = Time()


class DeviceLoan(SQLModel, table=True):
    """One lending of a device: out, back, and the confirmation that its images reached the Drive (R4).

    A projection of the device_out / device_returned / device_uploaded ledger
    rows, written with them. The partial unique index is what stops two kiosks
    lending the same device at once: the second open loan fails inside the database.
    """

    __tablename__ = "device_loan"
    __table_args__ = (
        OpenRowsIndex("uq_device_loan_open", "device_id", open_while="returned_at"),
        Index("ix_device_loan_device_out", "device_id", "out_at"),
        # Back, with images still to be confirmed on the Drive (migration 0006): a few rows among years of loans.
        PartialIndex("ix_device_loan_to_upload", "out_at", where="returned_at IS NOT NULL AND uploaded_at IS NULL"),
    )
    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id")
    staff_id: int = Field(foreign_key="staff.id")
    class_name: str = Field(max_length=32)
    purpose: str = Field(max_length=200)
    out_at: datetime = Time(index=True)
    out_ledger_id: int = Field(foreign_key="ledger_entry.id", index=True)
    returned_at: datetime | None = Time(default=None, index=True)
    returned_by_id: int | None = Field(default=None, foreign_key="staff.id")
    images: int | None = None  # claimed by the person returning it
    returned_ledger_id: int | None = Field(default=None, foreign_key="ledger_entry.id", index=True)
    uploaded_at: datetime | None = Time(default=None)
    uploaded_by_id: int | None = Field(default=None, foreign_key="staff.id")
    verified: int | None = None  # images found in the Drive folder; None = confirmed without a check
    by_model_only: int | None = None  # of those, matched by make and model alone (no serial in the EXIF)
    wiped: bool | None = None
    folder: str | None = Field(default=None, max_length=500)
    uploaded_ledger_id: int | None = Field(default=None, foreign_key="ledger_entry.id", index=True)


class ConsentEvent(SQLModel, table=True):
    """A parent's answer for one consent category, from the day it was recorded on (append-only).

    A pupil's consent at a moment is their latest event at or before it; no
    event means the form was not returned, which means no (R3).
    """

    __tablename__ = "consent_event"
    __table_args__ = (Index("ix_consent_pupil_category_at", "pupil_id", "category", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id")
    category: str = Field(max_length=16)  # "photos", "website", "social" or "press"
    given: bool
    at: datetime = Time()
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    ledger_id: int = Field(foreign_key="ledger_entry.id", index=True)


EXCEPTION_KINDS = ("medical", "young carer", "SEND", "other")


class PhoneException(SQLModel, table=True):
    """A pupil agreed by the leadership team to keep their phone (DfE: glucose monitoring, young carers, SEND)."""

    __tablename__ = "phone_exception"
    id: int | None = Field(default=None, primary_key=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    kind: str = Field(max_length=16)  # one of EXCEPTION_KINDS
    conditions: str = Field(max_length=300)
    approved_by_id: int = Field(foreign_key="staff.id")
    approved_at: datetime = Time()
    review_on: date
    ledger_id: int = Field(foreign_key="ledger_entry.id")
    ended_at: datetime | None = Time(default=None)
    ended_by_id: int | None = Field(default=None, foreign_key="staff.id")


class Confiscation(SQLModel, table=True):
    """A phone taken as a sanction: held where it was put, released only to a parent or carer, by name.

    One open confiscation per phone (the partial unique index), written with its ledger rows.
    """

    __table_args__ = (
        OpenRowsIndex("uq_confiscation_open", "tag_code", open_while="released_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    tag_code: str = Field(foreign_key="tag.code", max_length=16, index=True)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    reason: str = Field(max_length=200)
    location_id: int = Field(foreign_key="location.id")
    by_staff_id: int = Field(foreign_key="staff.id")
    at: datetime = Time()
    ledger_id: int = Field(foreign_key="ledger_entry.id", index=True)
    released_at: datetime | None = Time(default=None)
    released_to: str | None = Field(default=None, max_length=100)  # the parent or carer's name
    released_by_id: int | None = Field(default=None, foreign_key="staff.id")
    released_ledger_id: int | None = Field(default=None, foreign_key="ledger_entry.id", index=True)


class StaffPhoneException(SQLModel, table=True):
    """R6: a member of staff allowed their phone in contact time, agreed with the leadership team."""

    __tablename__ = "staff_phone_exception"
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    reason: str = Field(max_length=200)
    approved_by_id: int = Field(foreign_key="staff.id")
    starts_on: date
    ends_on: date
    at: datetime = Time()
    ledger_id: int = Field(foreign_key="ledger_entry.id")
