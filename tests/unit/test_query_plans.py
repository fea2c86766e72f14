"""Every report, listing and the purge reads its big tables through an index, on both backends.

Each function runs on a small school's history while every statement it sends is captured (SQLAlchemy's
``before_cursor_execute``), then each captured statement is EXPLAINed on the same database: SQLite's
``EXPLAIN QUERY PLAN`` must not say ``SCAN <big table>``, PostgreSQL's ``EXPLAIN`` (with ``enable_seqscan``
off, so a tiny table still shows whether an index could serve) must not say ``Seq Scan on <big table>``. The
test works on what the functions send, not on their SQL text, so a report rewritten tomorrow is checked too.
A full scan that is truly needed is in ``ALLOWED`` with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date

import pytest
import sqlalchemy as sa

from db import devices, phones
from db.core import COMMAND_LINE, HEAD_REVISION
from db.core.engine import MIGRATIONS
from db.records import Retention, export_pupil, purge
from tests.unit.test_purge import old_history

# Tables that grow with the years (a row per scan, per task, per loan, per leaver kept...).
# (The exceptions registers are not here: a school agrees a handful a year.)
BIG = {"ledger_entry", "parent_task", "held_phone", "confiscation", "device_loan", "consent_event", "pupil", "tag"}

# (function, table): why reading the whole table is right there.
ALLOWED: dict[tuple[str, str], str] = {
    ("phone where", "held_phone"): "every phone held now is the answer (one row per phone, never more than the roll)",
    ("class phones today", "held_phone"): "the phones held now, at most one per pupil",
    # The purge: each once per batch or once per purge, never per row.
    ("purge", "held_phone"): "the phones held now: every one keeps its ledger row",
    ("purge --dry-run", "held_phone"): "the phones held now: every one keeps its ledger row",
    ("purge", "device_loan"): "the finished loans to delete (a few a day), read once per batch",
    ("purge", "confiscation"): "the released confiscations to delete (a few a term), read once per batch",
    ("purge", "parent_task"): "the records still kept, read once per statement for the ledger ids they name",
    ("purge", "consent_event"): "the consent answers, read once per statement for the ledger ids they name",
    ("purge --dry-run", "device_loan"): "counts every finished loan, once",
    ("purge --dry-run", "confiscation"): "counts every released confiscation, once",
    ("purge --dry-run", "parent_task"): "the records still kept, read once for the ledger ids they name",
    ("purge --dry-run", "consent_event"): "the consent answers, read once for the ledger ids they name",
}

START, END = date(2024, 9, 2), date(2026, 11, 22)

FUNCTIONS: dict[str, Callable] = {
    "report custody": lambda db: phones.custody_report(db, START, END, by=COMMAND_LINE),
    "report devices": lambda db: devices.loans_report(db, START, END, by=COMMAND_LINE),
    "report parents": lambda db: phones.parents_pending(db, by=COMMAND_LINE),
    "phone where": lambda db: phones.phones_held(db, by=COMMAND_LINE),
    "phones to collect": lambda db: phones.phones_to_collect(db, by=COMMAND_LINE),
    "cupboards to check": lambda db: phones.cupboards_to_check(db, by=COMMAND_LINE),
    "exceptions register": lambda db: phones.exceptions_register(db, by=COMMAND_LINE, ended=True),
    "staff phone agreements": lambda db: phones.staff_phone_agreements(db, by=COMMAND_LINE),
    "class phones today": lambda db: phones.class_phones_today(db, "6A", by=COMMAND_LINE),
    "phones not in": lambda db: phones.phones_not_in(db, "6A", by=COMMAND_LINE),
    "devices out": lambda db: devices.devices_out(db, by=COMMAND_LINE),
    "devices not back": lambda db: devices.devices_not_back(db, by=COMMAND_LINE),
    "outstanding uploads": lambda db: devices.outstanding_uploads(db, by=COMMAND_LINE),
    "do not photograph": lambda db: devices.do_not_photograph(db, "4B"),
    "export pupil": lambda db: export_pupil(db, "1004", by=COMMAND_LINE),
    "purge --dry-run": lambda db: purge(db, Retention(confiscations_years=1), by=COMMAND_LINE, dry_run=True),
    "purge": lambda db: purge(db, Retention(confiscations_years=1), by=COMMAND_LINE),  # last: it removes a leaver
}


def captured(database, run: Callable) -> list[tuple[str, object]]:
    """The statements ``run`` sends that read a table (SELECT, and the purge's UPDATE and DELETE), with their
    parameters as the driver had them."""
    statements = []

    def keep(_conn, _cursor, statement, parameters, _context, many):
        head = statement.lstrip().split(None, 1)[0].upper()
        if not many and head in ("SELECT", "UPDATE", "DELETE", "WITH") and re.search(r"\b(FROM|UPDATE)\b", statement,
                                                                                 re.IGNORECASE):
            statements.append((statement, parameters))

    sa.event.listen(database.engine, "before_cursor_execute", keep)
    try:
        result = run(database)
        if isinstance(result, Iterator):  # a report that streams its rows: read them all
            for _ in result:
                pass
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", keep)
    return statements


def full_scans(database, statement: str, parameters) -> set[str]:
    """The big tables this statement's plan reads whole."""
    aliases = {alias.lower(): table.lower() for table, alias in re.findall(r"\b(\w+) AS (\w+)\b", statement)}
    with database.engine.connect() as conn:
        if database.is_sqlite:
            plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
            # A walk down a partial index reads only the rows it holds (the open ones, the ones still to do).
            partial = {name for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")}
            scanned = [m.group(1) for line in plan if (m := re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX "
                                                                     r"(\w+))?", line)) and m.group(2) not in partial]
            # SQLite says SCAN for a walk down the primary key that stops at a LIMIT (the chain's head row).
            walked = set(re.findall(r"ORDER BY (\w+)\.id(?:\s+DESC)?\s+LIMIT", statement))
            scanned = [name for name in scanned if name not in walked]
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
            scanned = [m.group(1) for line in plan if (m := re.search(r"Seq Scan on (\w+)", line))]
            conn.rollback()
    return {aliases.get(name.lower(), name.lower()) for name in scanned} & BIG


@pytest.fixture
def history(database, clock, tmp_path):
    return old_history(database, clock, tmp_path)


def test_no_report_listing_or_purge_reads_a_big_table_whole(database, history):
    found = []
    for name, run in FUNCTIONS.items():
        statements = captured(database, run)
        assert statements, f"{name} sent no statement: is it still run here?"
        for statement, parameters in statements:
            for table in sorted(full_scans(database, statement, parameters)):
                if (name, table) not in ALLOWED:
                    found.append(f"{name}: reads all of {table} in\n    {' '.join(statement.split())[:400]}")
    assert not found, "full scans of a big table (add an index, or an ALLOWED entry with its reason):\n" + \
        "\n".join(found)


def test_the_migrations_make_the_indexes_the_models_declare(database):
    """The migrations (0005, 0006) and db/core/models.py agree: every index the models declare exists, by name and
    columns."""
    from db.core.models import SQLModel

    assert HEAD_REVISION == "0006" and (MIGRATIONS / "versions" / "0006_uploads_to_confirm.py").exists()
    inspector = sa.inspect(database.engine)
    for table in SQLModel.metadata.sorted_tables:
        made = {index["name"]: index["column_names"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            assert made.get(index.name) == [column.name for column in index.columns], (table.name, index.name)
