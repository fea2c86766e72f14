"""school cameras and iPads: devices, their loans, and photo consent

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('device',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_tag', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('make', sa.String(length=100), nullable=False),
    sa.Column('model', sa.String(length=100), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('asset_tag')
    )
    op.create_table('device_loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('class_name', sa.String(length=32), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('out_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('out_ledger_id', sa.Integer(), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('images', sa.Integer(), nullable=True),
    sa.Column('returned_ledger_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('verified', sa.Integer(), nullable=True),
    sa.Column('by_model_only', sa.Integer(), nullable=True),
    sa.Column('wiped', sa.Boolean(), nullable=True),
    sa.Column('folder', sa.String(length=500), nullable=True),
    sa.Column('uploaded_ledger_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['device.id'], ),
    sa.ForeignKeyConstraint(['out_ledger_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['returned_by_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['returned_ledger_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['uploaded_ledger_id'], ['ledger_entry.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('device_loan', schema=None) as batch_op:
        batch_op.create_index('ix_device_loan_device_out', ['device_id', 'out_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_device_loan_out_at'), ['out_at'], unique=False)
        # At most one open loan per device: the database itself refuses a second lending.
        batch_op.create_index('uq_device_loan_open', ['device_id'], unique=True,
                              sqlite_where=sa.text('returned_at IS NULL'),
                              postgresql_where=sa.text('returned_at IS NULL'))

    op.create_table('consent_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('given', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('ledger_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent_event', schema=None) as batch_op:
        batch_op.create_index('ix_consent_pupil_category_at', ['pupil_id', 'category', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('consent_event', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_pupil_category_at')

    op.drop_table('consent_event')
    with op.batch_alter_table('device_loan', schema=None) as batch_op:
        batch_op.drop_index('uq_device_loan_open')
        batch_op.drop_index(batch_op.f('ix_device_loan_out_at'))
        batch_op.drop_index('ix_device_loan_device_out')

    op.drop_table('device_loan')
    op.drop_table('device')
