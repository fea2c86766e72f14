"""Alembic runs this for `kiosk init`; the connection is handed in by db.core.engine.upgrade."""

from alembic import context
from sqlmodel import SQLModel

import db.core.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only change a table by copying it
)
with context.begin_transaction():
    context.run_migrations()
