"""the indexes the queries need at five years' size: the purge's leavers and kept records, the reports, the lists

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# (name, table, columns): the same as db/core/models.py declares (tests/unit/test_query_plans.py compares them).
INDEXES = (
    # A pupil's tag is looked up in each of these (the purge's leavers, a leaver's open records, phone where).
    ('ix_parent_task_tag_code', 'parent_task', ['tag_code']),
    ('ix_held_phone_pupil_id', 'held_phone', ['pupil_id']),
    ('ix_confiscation_tag_code', 'confiscation', ['tag_code']),
    # Loans back but not yet uploaded, and loans returned in a period.
    ('ix_device_loan_returned_at', 'device_loan', ['returned_at']),
    # The ledger rows a kept record names, read by the purge a window of ids at a time.
    ('ix_parent_task_opened_ledger_id', 'parent_task', ['opened_ledger_id']),
    ('ix_device_loan_out_ledger_id', 'device_loan', ['out_ledger_id']),
    ('ix_device_loan_returned_ledger_id', 'device_loan', ['returned_ledger_id']),
    ('ix_device_loan_uploaded_ledger_id', 'device_loan', ['uploaded_ledger_id']),
    ('ix_confiscation_ledger_id', 'confiscation', ['ledger_id']),
    ('ix_confiscation_released_ledger_id', 'confiscation', ['released_ledger_id']),
    ('ix_consent_event_ledger_id', 'consent_event', ['ledger_id']),
)
PURGED = sa.text('purged_at IS NOT NULL')
VOIDING = sa.text('voids_id IS NOT NULL')


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    # The blanked rows only (most of a five-year ledger's rows are never blanked, or all are): the newest blanked
    # row, which the projections' check starts after, is the last entry of this index.
    op.create_index('ix_ledger_purged_id', 'ledger_entry', ['id'], sqlite_where=PURGED, postgresql_where=PURGED)
    # The few rows that void another: "is this row voided?", asked of every row a report shows.
    op.create_index('ix_ledger_voids_id', 'ledger_entry', ['voids_id'], sqlite_where=VOIDING,
                    postgresql_where=VOIDING)


def downgrade() -> None:
    op.drop_index('ix_ledger_voids_id', table_name='ledger_entry')
    op.drop_index('ix_ledger_purged_id', table_name='ledger_entry')
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
