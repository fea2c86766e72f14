"""Writes db/core/tables.py: every table of db/core/models.py as a SQLAlchemy Core ``Table``, without SQLModel.

    python -m db.core.tables_gen          # after changing a table in db/core/models.py

The SQLModel classes stay the schema's source (and the ORM for what is not on a command's hot path); the file this
writes lets a command build its statements without importing SQLModel, the ORM or pydantic (0.1–0.2 s of every
start). tests/unit/test_tables.py fails, naming this command, when the file is not what this would write now.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.sql.schema import Column, Table
from sqlmodel.sql.sqltypes import AutoString

from db.core.columns import OpenRowsIndex, PartialIndex, UtcTime

TARGET = Path(__file__).with_name("tables.py")
COMMAND = "python -m db.core.tables_gen"

HEADER = f'''"""The tables as SQLAlchemy Core ``Table`` objects: statements built without SQLModel (a command's start).

GENERATED from db/core/models.py by db/core/tables_gen.py: do not edit; run `{COMMAND}`.
The schema itself is made by the migrations (db/core/migrations), not from here.
"""

import sqlalchemy as sa

from db.core.columns import OpenRowsIndex, PartialIndex, UtcTime

metadata = sa.MetaData()
'''


def q(value) -> str:
    """A value as Python source, strings in double quotes (as the rest of the code writes them)."""
    return json.dumps(value) if isinstance(value, str) else repr(value)


def column_type(column: Column) -> str:
    kind = column.type
    if isinstance(kind, UtcTime):
        return "UtcTime()"
    if isinstance(kind, sa.Boolean):
        return "sa.Boolean()"
    if isinstance(kind, sa.Integer):
        return "sa.Integer()"
    if isinstance(kind, sa.Date):
        return "sa.Date()"
    if isinstance(kind, sa.Text):
        return "sa.Text()"
    if isinstance(kind, (sa.String, AutoString)):  # SQLModel's str: VARCHAR(n), as the migrations made it
        return f"sa.String({kind.length})" if kind.length else "sa.String()"
    raise TypeError(f"{column.table.name}.{column.name}: no Core form written for {type(kind).__name__}: "
                    "add it to db/core/tables_gen.py")


def column_source(column: Column) -> str:
    parts = [q(column.name), column_type(column)]
    parts += [f"sa.ForeignKey({q(fk.target_fullname)})" for fk in sorted(column.foreign_keys,
                                                                       key=lambda fk: fk.target_fullname)]
    if column.primary_key:
        parts.append("primary_key=True")
    parts.append(f"nullable={column.nullable}")
    if column.unique:
        parts.append("unique=True")
    if column.default is not None and getattr(column.default, "is_scalar", False):
        parts.append(f"default={q(column.default.arg)}")
    if column.server_default is not None:
        parts.append(f"server_default={q(column.server_default.arg)}")
    return f"    sa.Column({', '.join(parts)}),"


def index_source(index: sa.Index) -> str:
    names = ", ".join(q(c.name) for c in index.columns)
    if isinstance(index, OpenRowsIndex):
        return f"    OpenRowsIndex({q(index.name)}, {names}, open_while={q(index.open_while)}),"
    if isinstance(index, PartialIndex):
        unique = ", unique=True" if index.unique else ""
        return f"    PartialIndex({q(index.name)}, {names}, where={q(index.where)}{unique}),"
    unique = ", unique=True" if index.unique else ""
    return f"    sa.Index({q(index.name)}, {names}{unique}),"


def table_source(table: Table) -> str:
    lines = [f"{table.name} = sa.Table(", f"    {q(table.name)},", "    metadata,"]
    lines += [column_source(column) for column in table.columns]
    # Unique constraints a column states itself (unique=True) are written on the column above.
    lines += [f"    sa.UniqueConstraint({', '.join(q(c.name) for c in constraint.columns)}, "
              f"name={q(constraint.name)}),"
              for constraint in sorted(table.constraints, key=lambda c: str(c.name))
              if isinstance(constraint, sa.UniqueConstraint) and constraint.name is not None]
    lines += [index_source(index) for index in sorted(table.indexes, key=lambda i: str(i.name))]
    lines.append(")")
    return "\n".join(lines)


def render() -> str:
    """The text of db/core/tables.py as the models make it now."""
    from sqlmodel import SQLModel

    import db.core.models  # noqa: F401 - defines the tables on SQLModel.metadata

    tables = sorted(SQLModel.metadata.tables.values(), key=lambda t: t.name)
    body = "\n\n".join(table_source(table) for table in tables)
    return f"{HEADER}\n{body}\n"


def main() -> int:
    text = render()
    if TARGET.exists() and TARGET.read_text(encoding="utf-8") == text:
        print(f"{TARGET} is current")
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
