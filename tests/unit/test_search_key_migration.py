"""Migration 0004: a school's database from the last release gets its pupils' search keys, on both backends."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from db.core import COMMAND_LINE, HEAD_REVISION, open_database, schema_revision, sqlite_url, upgrade
from db.core.engine import MIGRATIONS
from db.people import find_pupils
from db.tags import issue_phone_tag
from tagcodes import TagKind, new_code

# Written before 0004, as the last release's import stored them (NFC, with their accents and apostrophes).
OLDER_ROWS = [
    {"adno": "1", "first": "Jan", "preferred": None, "surname": "Łaski", "left": None},
    {"adno": "2", "first": "Siobhán", "preferred": "Shiv", "surname": "O’Brien", "left": None},
    {"adno": "3", "first": "Minh", "preferred": None, "surname": "Đặng", "left": None},
    {"adno": "4", "first": "Zoë", "preferred": None, "surname": "Nguyễn", "left": "2026-07-20 12:00:00+00:00"},
]


@pytest.fixture
def empty_url(backend, request, tmp_path) -> str:
    """A database with no tables yet, of the test's backend."""
    if backend == "sqlite":
        return sqlite_url(tmp_path / "older.db")
    return request.getfixturevalue("postgres").create()


def migrate_to(database, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def test_upgrading_from_0003_fills_every_pupils_search_key_and_indexes_it(empty_url, clock):
    database = open_database(empty_url, clock=clock)
    migrate_to(database, "0003")
    with database.engine.begin() as conn:
        for row in OLDER_ROWS:
            conn.execute(text("INSERT INTO pupil (adno, legal_first, preferred_first, surname, year, class_name, "
                              "walk_home, left_at) VALUES (:adno, :first, :preferred, :surname, 6, '6A', false, "
                              ":left)"), row)
    assert schema_revision(database) == "0003"

    assert upgrade(database) == "0003"
    assert schema_revision(database) == HEAD_REVISION == "0006"
    with database.engine.connect() as conn:
        keys = dict(conn.execute(text("SELECT adno, search_key FROM pupil ORDER BY id")).all())
        names = conn.execute(text("SELECT legal_first, preferred_first, surname FROM pupil ORDER BY id")).all()
    assert keys == {"1": "laski jan", "2": "obrien siobhan shiv", "3": "dang minh", "4": "nguyen zoe"}
    assert names[1] == ("Siobhán", "Shiv", "O’Brien")  # the names themselves are untouched
    indexes = {i["name"]: i["column_names"] for i in inspect(database.engine).get_indexes("pupil")}
    assert indexes["ix_pupil_on_roll_search_key"] == ["left_at", "search_key"]

    # The kiosk finds the older pupils at once, however the name is typed; the leaver stays out of it.
    assert [p.name for p in find_pupils(database, "laski", by=COMMAND_LINE)] == ["Jan Łaski"]
    assert [p.name for p in find_pupils(database, "O'BRIEN", by=COMMAND_LINE)] == ["Shiv O’Brien"]
    assert [p.name for p in find_pupils(database, "dang", by=COMMAND_LINE)] == ["Minh Đặng"]
    assert find_pupils(database, "nguyen", by=COMMAND_LINE) == []
    # And a pupil written after the upgrade, through the kiosk's own code, is keyed as the rest.
    issue_phone_tag(database, "3", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE)
    assert [p.phone_tag is not None for p in find_pupils(database, "ĐẶNG", by=COMMAND_LINE)] == [True]
    database.engine.dispose()


def test_downgrading_0004_takes_the_key_away_and_upgrading_again_fills_it(empty_url, clock):
    database = open_database(empty_url, clock=clock)
    migrate_to(database, "0003")
    with database.engine.begin() as conn:
        conn.execute(text("INSERT INTO pupil (adno, legal_first, surname, year, class_name, walk_home) "
                          "VALUES ('1', 'Jan', 'Łaski', 6, '6A', false)"))
    migrate_to(database, "head")
    tag = issue_phone_tag(database, "1", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE)  # a row referring to it
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    assert "search_key" not in {c["name"] for c in inspect(database.engine).get_columns("pupil")}
    upgrade(database)
    assert [(p.name, p.phone_tag) for p in find_pupils(database, "ŁASKI", by=COMMAND_LINE)] == [("Jan Łaski",
                                                                                              tag.code)]
    database.engine.dispose()
