"""What the tables are built from, in SQLAlchemy Core alone: the time column (aware UTC) and the partial indexes.

Both the SQLModel classes (db/core/models.py) and the generated Core tables (db/core/tables.py) use these, so a
command that needs only the tables never imports SQLModel, the ORM or pydantic.
"""

from __future__ import annotations

from datetime import timezone

from sqlalchemy import DateTime, Index, text
from sqlalchemy.types import TypeDecorator


class UtcTime(TypeDecorator):
    """Takes aware datetimes, stores UTC, gives back aware UTC (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a stored time must carry its time zone")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.utcoffset() is None else value.astimezone(timezone.utc)


class PartialIndex(Index):
    """An index over the rows ``where`` holds, on SQLite and PostgreSQL alike.

    The WHERE is handed to a dialect when it asks for its options (compiling the index), not given here as
    ``postgresql_where=``: naming a dialect's option imports that dialect, and the PostgreSQL one cost 0.02 s
    at the start of every command on SQLite."""

    def __init__(self, name: str, *columns: str, where: str, unique: bool = False) -> None:
        super().__init__(name, *columns, unique=unique)
        self.dialect_options = _WhereForEachDialect(text(where))

    @property
    def where(self) -> str:
        """The condition as written (what db/core/tables_gen.py writes out again)."""
        return self.dialect_options.where.text


class OpenRowsIndex(PartialIndex):
    """A unique index over the rows still open (``WHERE <open_while> IS NULL``)."""

    def __init__(self, name: str, column: str, *, open_while: str) -> None:
        super().__init__(name, column, where=f"{open_while} IS NULL", unique=True)
        self.open_while = open_while


class _WhereForEachDialect(dict):
    """``Index.dialect_options`` filled per dialect on first use, its ``where`` set where the dialect has one."""

    def __init__(self, where) -> None:
        super().__init__()
        self.where = where

    def __missing__(self, dialect_name: str):
        # SQLAlchemy's own maker of one dialect's options (what Index.dialect_options calls), defaults and all.
        options = self[dialect_name] = Index._kw_reg_for_dialect_cls(dialect_name)
        if "where" in options:
            options["where"] = self.where
        return options
