"""Moving a kiosk's record to another database (`kiosk copy-to URL`): one PC's SQLite file to the school's PostgreSQL.

Every row is copied as it is, ids included, so the ledger's hashes still link
up; the copy is one transaction on the target (all or nothing), and the
target's ledger is verified afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

import db.core.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.core import CommandLine, Database, Refused, acting, require_ready, schema_revision, upgrade
from db.records import audit

BATCH = 2000


@dataclass(frozen=True)
class CopiedTable:
    table: str
    rows: int


@dataclass(frozen=True)
class CopyResult:
    target: str  # the target's address, password hidden
    tables: tuple[CopiedTable, ...]
    ledger_verified: int  # ledger records `audit verify` checked on the target


def address(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=True)


def copy_to(source: Database, target: Database, *, by: str | CommandLine) -> CopyResult:
    """Copy every row of ``source`` into the empty database ``target`` (created or upgraded first), then verify it.

    Refused, with nothing copied, when the target already holds records, is the
    source itself, or the source's own ledger does not verify.
    """
    where = address(target)
    if source.engine.url == target.engine.url:
        raise Refused("The target is this kiosk's own database: give the address of the new, empty database.")
    require_ready(source)
    acting(source, by, "admin", "copying the school's records")
    try:
        audit.verify(source, by=by)
    except Refused as exc:
        raise Refused(f"Nothing was copied, because this kiosk's ledger is broken: {exc}") from None
    tables = SQLModel.metadata.sorted_tables  # parents before the rows that refer to them
    if schema_revision(target) is not None:
        with target.engine.connect() as conn:
            _refuse_if_holding_records(conn, tables, where)
    upgrade(target)  # as `kiosk init`: makes the tables, or upgrades an empty older one
    # One snapshot in (on PostgreSQL REPEATABLE READ: kiosks scanning meanwhile change nothing the copy reads), one
    # transaction out; the rows counted in the same snapshot are what the copy must hold (a backup while kiosks run).
    snapshot = {"isolation_level": "REPEATABLE READ"} if source.engine.dialect.name == "postgresql" else {}
    with source.engine.connect().execution_options(**snapshot) as read, target.transaction() as write:
        target.lift_scan_limits(write)  # a whole school's records: longer than a scan may take
        _refuse_if_holding_records(write, tables, where)  # again, under the write lock: no kiosk got in between
        for table in tables:
            rows = read.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            try:
                for chunk in rows.partitions(BATCH):
                    write.execute(table.insert(), [dict(row) for row in chunk])
            except DBAPIError as exc:
                problem = str(exc.orig).strip().splitlines()[0]
                raise Refused(f"Nothing was copied: a row of {table.name} does not fit the new database ({problem}).") \
                    from None
        if target.engine.dialect.name == "postgresql":
            _reset_sequences(write, tables)
        held = _counts_on(read, tables)
    copied = _counts(target, tables)
    if copied != held:
        raise Refused(f"The copy at {where} does not hold the same number of rows as this kiosk: "
                      "copy again to an empty database.")
    return CopyResult(target=where, tables=tuple(CopiedTable(name, n) for name, n in copied.items()),
                      ledger_verified=audit.verify(target, by=by))


def _refuse_if_holding_records(conn, tables, where: str) -> None:
    present = set(inspect(conn).get_table_names())  # an older schema lacks the newest tables: nothing in them
    for table in tables:
        if table.name in present and conn.execute(select(1).select_from(table).limit(1)).first():
            raise Refused(f"The database at {where} already holds records ({table.name}): "
                          "copy-to only fills a new, empty database, so nothing was copied.")


def _counts(database: Database, tables) -> dict[str, int]:
    with database.engine.connect() as conn:
        return _counts_on(conn, tables)


def _counts_on(conn, tables) -> dict[str, int]:
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def _reset_sequences(conn, tables) -> None:
    """Explicit ids were copied: start each id sequence after the last copied id, so the next insert does not
    collide."""
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not key[0].autoincrement or key[0].type.python_type is not int:
            continue
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                          f"COALESCE(MAX({key[0].name}), 1), MAX({key[0].name}) IS NOT NULL) FROM {table.name}"),
                     {"table": table.name, "column": key[0].name})
