"""The same Alembic migrations make and upgrade a PostgreSQL database; `kiosk init` upgrades in place."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from db.core import HEAD_REVISION, open_database, schema_revision
from db.core.engine import MIGRATIONS
from kiosk.cli import main


def test_init_creates_then_finds_ready_a_postgresql_database(postgres, capsys):
    url = postgres.create()
    assert main(["--db", url, "phone", "where"]) == 1
    assert capsys.readouterr().err.strip() == "This database is not set up yet: run `kiosk init` first."
    assert main(["--db", url, "init"]) == 0
    assert capsys.readouterr().out == "Created the database at the school database.\n"
    assert main(["--db", url, "init"]) == 0
    assert capsys.readouterr().out == "The database at the school database is ready.\n"
    assert main(["--db", url, "phone", "where"]) == 0
    assert capsys.readouterr().out.strip() == "No phones are held."


def test_init_upgrades_an_older_postgresql_database_in_place_keeping_its_records(postgres, capsys):
    url = postgres.create()
    database = open_database(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as conn:  # a database made by the first release
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(text("INSERT INTO staff (code, first_name, surname, role) "
                          "VALUES ('HBR', 'Hannah', 'Brooks', 'teacher')"))
    assert schema_revision(database) == "0001"
    assert main(["--db", url, "tags", "list"]) == 1
    assert "run `kiosk init` to upgrade it" in capsys.readouterr().err

    assert main(["--db", url, "init"]) == 0
    assert schema_revision(database) == HEAD_REVISION
    with database.engine.connect() as conn:
        assert conn.execute(text("SELECT code, first_name FROM staff")).all() == [("HBR", "Hannah")]
        # The partial unique index (one open loan per device) exists on PostgreSQL too.
        index = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_device_loan_open'")).scalar()
    assert "UNIQUE" in index and "WHERE (returned_at IS NULL)" in index
    database.engine.dispose()
