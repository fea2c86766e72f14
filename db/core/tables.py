"""The tables as SQLAlchemy Core ``Table`` objects: statements built without SQLModel (a command's start).

GENERATED from db/core/models.py by db/core/tables_gen.py: do not edit; run `python -m db.core.tables_gen`.
The schema itself is made by the migrations (db/core/migrations), not from here.
"""

import sqlalchemy as sa

from db.core.columns import OpenRowsIndex, PartialIndex, UtcTime

metadata = sa.MetaData()

confiscation = sa.Table(
    "confiscation",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("tag_code", sa.String(16), sa.ForeignKey("tag.code"), nullable=False),
    sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("pupil.id"), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("location_id", sa.Integer(), sa.ForeignKey("location.id"), nullable=False),
    sa.Column("by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("at", UtcTime(), nullable=False),
    sa.Column("ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=False),
    sa.Column("released_at", UtcTime(), nullable=True),
    sa.Column("released_to", sa.String(100), nullable=True),
    sa.Column("released_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("released_ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=True),
    sa.Index("ix_confiscation_ledger_id", "ledger_id"),
    sa.Index("ix_confiscation_pupil_id", "pupil_id"),
    sa.Index("ix_confiscation_released_ledger_id", "released_ledger_id"),
    sa.Index("ix_confiscation_tag_code", "tag_code"),
    OpenRowsIndex("uq_confiscation_open", "tag_code", open_while="released_at"),
)

consent_event = sa.Table(
    "consent_event",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("pupil.id"), nullable=False),
    sa.Column("category", sa.String(16), nullable=False),
    sa.Column("given", sa.Boolean(), nullable=False),
    sa.Column("at", UtcTime(), nullable=False),
    sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=False),
    sa.Index("ix_consent_event_ledger_id", "ledger_id"),
    sa.Index("ix_consent_pupil_category_at", "pupil_id", "category", "at"),
)

device = sa.Table(
    "device",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("asset_tag", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("make", sa.String(100), nullable=False),
    sa.Column("model", sa.String(100), nullable=False),
    sa.Column("serial", sa.String(64), nullable=True),
    sa.Column("added_at", UtcTime(), nullable=False),
)

device_loan = sa.Table(
    "device_loan",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("device_id", sa.Integer(), sa.ForeignKey("device.id"), nullable=False),
    sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("class_name", sa.String(32), nullable=False),
    sa.Column("purpose", sa.String(200), nullable=False),
    sa.Column("out_at", UtcTime(), nullable=False),
    sa.Column("out_ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=False),
    sa.Column("returned_at", UtcTime(), nullable=True),
    sa.Column("returned_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("images", sa.Integer(), nullable=True),
    sa.Column("returned_ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=True),
    sa.Column("uploaded_at", UtcTime(), nullable=True),
    sa.Column("uploaded_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("verified", sa.Integer(), nullable=True),
    sa.Column("by_model_only", sa.Integer(), nullable=True),
    sa.Column("wiped", sa.Boolean(), nullable=True),
    sa.Column("folder", sa.String(500), nullable=True),
    sa.Column("uploaded_ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=True),
    sa.Index("ix_device_loan_device_out", "device_id", "out_at"),
    sa.Index("ix_device_loan_out_at", "out_at"),
    sa.Index("ix_device_loan_out_ledger_id", "out_ledger_id"),
    sa.Index("ix_device_loan_returned_at", "returned_at"),
    sa.Index("ix_device_loan_returned_ledger_id", "returned_ledger_id"),
    PartialIndex("ix_device_loan_to_upload", "out_at", where="returned_at IS NOT NULL AND uploaded_at IS NULL"),
    sa.Index("ix_device_loan_uploaded_ledger_id", "uploaded_ledger_id"),
    OpenRowsIndex("uq_device_loan_open", "device_id", open_while="returned_at"),
)

held_phone = sa.Table(
    "held_phone",
    metadata,
    sa.Column("tag_code", sa.String(16), sa.ForeignKey("tag.code"), primary_key=True, nullable=False),
    sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("pupil.id"), nullable=False),
    sa.Column("location_id", sa.Integer(), sa.ForeignKey("location.id"), nullable=False),
    sa.Column("since", UtcTime(), nullable=False),
    sa.Column("by_staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=False),
    sa.Index("ix_held_phone_location_id", "location_id"),
    sa.Index("ix_held_phone_pupil_id", "pupil_id"),
)

ledger_entry = sa.Table(
    "ledger_entry",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("at", UtcTime(), nullable=False),
    sa.Column("kiosk", sa.String(64), nullable=False),
    sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("tag_code", sa.String(16), nullable=True),
    sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("pupil.id"), nullable=True),
    sa.Column("from_location_id", sa.Integer(), sa.ForeignKey("location.id"), nullable=True),
    sa.Column("to_location_id", sa.Integer(), sa.ForeignKey("location.id"), nullable=True),
    sa.Column("detail", sa.Text(), nullable=False),
    sa.Column("voids_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("purged_at", UtcTime(), nullable=True),
    sa.UniqueConstraint("hash", name="uq_ledger_hash"),
    sa.Index("ix_ledger_action_at", "action", "at"),
    sa.Index("ix_ledger_entry_at", "at"),
    sa.Index("ix_ledger_entry_pupil_id", "pupil_id"),
    PartialIndex("ix_ledger_purged_id", "id", where="purged_at IS NOT NULL"),
    sa.Index("ix_ledger_tag_id", "tag_code", "id"),
    PartialIndex("ix_ledger_voids_id", "voids_id", where="voids_id IS NOT NULL"),
)

location = sa.Table(
    "location",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("class_name", sa.String(32), nullable=True),
)

parent_task = sa.Table(
    "parent_task",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("pupil.id"), nullable=False),
    sa.Column("tag_code", sa.String(16), sa.ForeignKey("tag.code"), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("opened_at", UtcTime(), nullable=False),
    sa.Column("opened_ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=False),
    sa.Column("told_at", UtcTime(), nullable=True),
    sa.Column("told_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("how", sa.String(200), nullable=True),
    sa.Index("ix_parent_task_opened_ledger_id", "opened_ledger_id"),
    sa.Index("ix_parent_task_pupil_id", "pupil_id"),
    sa.Index("ix_parent_task_tag_code", "tag_code"),
    sa.Index("ix_parent_task_told_at", "told_at"),
)

phone_exception = sa.Table(
    "phone_exception",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("pupil.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("conditions", sa.String(300), nullable=False),
    sa.Column("approved_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("approved_at", UtcTime(), nullable=False),
    sa.Column("review_on", sa.Date(), nullable=False),
    sa.Column("ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=False),
    sa.Column("ended_at", UtcTime(), nullable=True),
    sa.Column("ended_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Index("ix_phone_exception_pupil_id", "pupil_id"),
)

pupil = sa.Table(
    "pupil",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("upn", sa.String(13), nullable=True, unique=True),
    sa.Column("adno", sa.String(32), nullable=True, unique=True),
    sa.Column("legal_first", sa.String(100), nullable=False),
    sa.Column("preferred_first", sa.String(100), nullable=True),
    sa.Column("surname", sa.String(100), nullable=False),
    sa.Column("year", sa.Integer(), nullable=False),
    sa.Column("class_name", sa.String(32), nullable=False),
    sa.Column("walk_home", sa.Boolean(), nullable=False, default=False),
    sa.Column("walk_home_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("walk_home_at", UtcTime(), nullable=True),
    sa.Column("left_at", UtcTime(), nullable=True),
    sa.Column("search_key", sa.Text(), nullable=False, default="", server_default=""),
    sa.Index("ix_pupil_class_name", "class_name"),
    sa.Index("ix_pupil_on_roll_search_key", "left_at", "search_key"),
)

staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("surname", sa.String(100), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("class_name", sa.String(32), nullable=True),
    sa.Column("pin_hash", sa.String(255), nullable=True),
    sa.Column("imei_note", sa.String(100), nullable=True),
    sa.Column("left_at", UtcTime(), nullable=True),
)

staff_phone_exception = sa.Table(
    "staff_phone_exception",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, nullable=False),
    sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("approved_by_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
    sa.Column("starts_on", sa.Date(), nullable=False),
    sa.Column("ends_on", sa.Date(), nullable=False),
    sa.Column("at", UtcTime(), nullable=False),
    sa.Column("ledger_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=False),
    sa.Index("ix_staff_phone_exception_staff_id", "staff_id"),
)

tag = sa.Table(
    "tag",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("pupil_id", sa.Integer(), sa.ForeignKey("pupil.id"), nullable=True),
    sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
    sa.Column("location_id", sa.Integer(), sa.ForeignKey("location.id"), nullable=True),
    sa.Column("asset", sa.String(64), nullable=True),
    sa.Column("description", sa.String(200), nullable=True),
    sa.Column("issued_at", UtcTime(), nullable=False),
    sa.Column("retired_at", UtcTime(), nullable=True),
    sa.Index("ix_tag_kind", "kind"),
    sa.Index("ix_tag_pupil_id", "pupil_id"),
)
