"""trust and data protection: pupils' phone exceptions, confiscations, staff phone exceptions, IMEI notes, purge marks

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('phone_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('conditions', sa.String(length=300), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('ledger_id', sa.Integer(), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id']),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff.id']),
    sa.ForeignKeyConstraint(['ended_by_id'], ['staff.id']),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledger_entry.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_phone_exception_pupil_id', 'phone_exception', ['pupil_id'])
    op.create_table('confiscation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tag_code', sa.String(length=16), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('by_staff_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_id', sa.Integer(), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_to', sa.String(length=100), nullable=True),
    sa.Column('released_by_id', sa.Integer(), nullable=True),
    sa.Column('released_ledger_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tag_code'], ['tag.code']),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id']),
    sa.ForeignKeyConstraint(['location_id'], ['location.id']),
    sa.ForeignKeyConstraint(['by_staff_id'], ['staff.id']),
    sa.ForeignKeyConstraint(['released_by_id'], ['staff.id']),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledger_entry.id']),
    sa.ForeignKeyConstraint(['released_ledger_id'], ['ledger_entry.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_confiscation_pupil_id', 'confiscation', ['pupil_id'])
    op.create_index('uq_confiscation_open', 'confiscation', ['tag_code'], unique=True,
                    sqlite_where=sa.text('released_at IS NULL'), postgresql_where=sa.text('released_at IS NULL'))
    op.create_table('staff_phone_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
    sa.ForeignKeyConstraint(['approved_by_id'], ['staff.id']),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledger_entry.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_staff_phone_exception_staff_id', 'staff_phone_exception', ['staff_id'])
    op.add_column('staff', sa.Column('imei_note', sa.String(length=100), nullable=True))
    op.add_column('ledger_entry', sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ledger_entry') as batch_op:
        batch_op.drop_column('purged_at')
    with op.batch_alter_table('staff') as batch_op:
        batch_op.drop_column('imei_note')
    op.drop_table('staff_phone_exception')
    op.drop_table('confiscation')
    op.drop_table('phone_exception')
