"""names as they are: a pupil's search key (case, accents and punctuation folded) for finding them by name

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from db.core.names import pupil_search_key

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    # NOT NULL with a default is a plain ADD COLUMN on SQLite too: no copy of the pupil table, which other
    # tables refer to.
    op.add_column('pupil', sa.Column('search_key', sa.Text(), server_default='', nullable=False))
    # The key is made in Python by the kiosk's own db.core.names, as for every new or renamed pupil: this fills
    # the rows written before it.
    pupil = sa.table('pupil', sa.column('id', sa.Integer()), sa.column('legal_first', sa.String()),
                     sa.column('preferred_first', sa.String()), sa.column('surname', sa.String()),
                     sa.column('search_key', sa.Text()))
    conn = op.get_bind()
    rows = conn.execute(sa.select(pupil.c.id, pupil.c.legal_first, pupil.c.preferred_first, pupil.c.surname)
                        .order_by(pupil.c.id)).all()
    fill = pupil.update().where(pupil.c.id == sa.bindparam('pupil_id')).values(search_key=sa.bindparam('key'))
    for start in range(0, len(rows), BATCH):
        conn.execute(fill, [{'pupil_id': row.id, 'key': pupil_search_key(row.legal_first, row.preferred_first,
                                                                          row.surname)}
                            for row in rows[start:start + BATCH]])
    op.create_index('ix_pupil_on_roll_search_key', 'pupil', ['left_at', 'search_key'])


def downgrade() -> None:
    op.drop_index('ix_pupil_on_roll_search_key', table_name='pupil')
    # SQLite (3.35 and later) drops the column in place too: no copy of a table that other rows refer to.
    op.execute('ALTER TABLE pupil DROP COLUMN search_key')
