"""the loans whose images are still to be confirmed on the Drive: an index of those few rows only

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The same as db/core/models.py declares (tests/unit/test_query_plans.py compares them).
TO_UPLOAD = sa.text('returned_at IS NOT NULL AND uploaded_at IS NULL')


def upgrade() -> None:
    # "Uploads outstanding" (the leadership's review, the kiosk's reminder): a few loans among years of them.
    op.create_index('ix_device_loan_to_upload', 'device_loan', ['out_at'], sqlite_where=TO_UPLOAD,
                    postgresql_where=TO_UPLOAD)


def downgrade() -> None:
    op.drop_index('ix_device_loan_to_upload', table_name='device_loan')
