"""db/core/tables.py (the Core tables a command's start uses) is generated from db/core/models.py and stays so."""

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel

import db.core.models  # noqa: F401 - puts the tables on SQLModel.metadata
from db.core import tables, tables_gen


def test_the_generated_tables_are_current():
    written = tables_gen.TARGET.read_text(encoding="utf-8")
    assert written == tables_gen.render(), (
        f"db/core/tables.py is not what db/core/models.py makes now: run `{tables_gen.COMMAND}` and commit it")


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
def test_each_table_is_created_as_the_models_create_it(dialect):
    def ddl(metadata: sa.MetaData) -> dict[str, list[str]]:
        return {table.name: [str(CreateTable(table).compile(dialect=dialect))]
                + sorted(str(CreateIndex(index).compile(dialect=dialect)) for index in table.indexes)
                for table in metadata.sorted_tables}

    assert ddl(tables.metadata) == ddl(SQLModel.metadata)
    assert "WHERE returned_at IS NULL" in " ".join(ddl(tables.metadata)["device_loan"])
