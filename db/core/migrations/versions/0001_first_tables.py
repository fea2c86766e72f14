"""first tables: staff, pupils, locations, tags, the ledger and its projections

Revision ID: 0001
Revises: 
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('location',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('class_name', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('surname', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('class_name', sa.String(length=32), nullable=True),
    sa.Column('pin_hash', sa.String(length=255), nullable=True),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('pupil',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('upn', sa.String(length=13), nullable=True),
    sa.Column('adno', sa.String(length=32), nullable=True),
    sa.Column('legal_first', sa.String(length=100), nullable=False),
    sa.Column('preferred_first', sa.String(length=100), nullable=True),
    sa.Column('surname', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('class_name', sa.String(length=32), nullable=False),
    sa.Column('walk_home', sa.Boolean(), nullable=False),
    sa.Column('walk_home_by_id', sa.Integer(), nullable=True),
    sa.Column('walk_home_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['walk_home_by_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('adno'),
    sa.UniqueConstraint('upn')
    )
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pupil_class_name'), ['class_name'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kiosk', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('tag_code', sa.String(length=16), nullable=True),
    sa.Column('pupil_id', sa.Integer(), nullable=True),
    sa.Column('from_location_id', sa.Integer(), nullable=True),
    sa.Column('to_location_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('voids_id', sa.Integer(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['from_location_id'], ['location.id'], ),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['to_location_id'], ['location.id'], ),
    sa.ForeignKeyConstraint(['voids_id'], ['ledger_entry.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hash', name='uq_ledger_hash')
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_action_at', ['action', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entry_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index('ix_ledger_tag_id', ['tag_code', 'id'], unique=False)

    op.create_table('tag',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('asset', sa.String(length=64), nullable=True),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_tag_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('held_phone',
    sa.Column('tag_code', sa.String(length=16), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_staff_id', sa.Integer(), nullable=False),
    sa.Column('ledger_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['by_staff_id'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['ledger_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['location_id'], ['location.id'], ),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], ),
    sa.ForeignKeyConstraint(['tag_code'], ['tag.code'], ),
    sa.PrimaryKeyConstraint('tag_code')
    )
    with op.batch_alter_table('held_phone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_phone_location_id'), ['location_id'], unique=False)

    op.create_table('parent_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('tag_code', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_ledger_id', sa.Integer(), nullable=False),
    sa.Column('told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('told_by_id', sa.Integer(), nullable=True),
    sa.Column('how', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['opened_ledger_id'], ['ledger_entry.id'], ),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupil.id'], ),
    sa.ForeignKeyConstraint(['tag_code'], ['tag.code'], ),
    sa.ForeignKeyConstraint(['told_by_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('parent_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_task_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parent_task_told_at'), ['told_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('parent_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_task_told_at'))
        batch_op.drop_index(batch_op.f('ix_parent_task_pupil_id'))

    op.drop_table('parent_task')
    with op.batch_alter_table('held_phone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_phone_location_id'))

    op.drop_table('held_phone')
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_pupil_id'))
        batch_op.drop_index(batch_op.f('ix_tag_kind'))

    op.drop_table('tag')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_tag_id')
        batch_op.drop_index(batch_op.f('ix_ledger_entry_pupil_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entry_at'))
        batch_op.drop_index('ix_ledger_action_at')

    op.drop_table('ledger_entry')
    with op.batch_alter_table('pupil', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pupil_class_name'))

    op.drop_table('pupil')
    op.drop_table('staff')
    op.drop_table('location')
