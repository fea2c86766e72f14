"""Moving a kiosk's record to another database (`kiosk copy-to URL`): one PC's SQLite file to the school's PostgreSQL.

Every row is copied as it is, ids included, so the ledger's hashes still link up. The copy is one transaction on
the target (all or nothing), rows read raw from the source and streamed: onto PostgreSQL with COPY, onto SQLite (a
PostgreSQL school's backup) in large batched inserts of the text SQLite keeps. The copy's ledger is verified
once, inside that transaction, before it commits: a copy that does not verify is rolled back, and only then is the
source's own ledger walked, to say which of the two is broken.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Date, Table, func, inspect, select, text
from sqlmodel import SQLModel

import db.core.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.core import CommandLine, Database, Refused, acting, require_ready, schema_revision, upgrade
from db.core.models import UtcTime
from db.records import audit

BATCH = 10000  # rows read, and inserted, at a time: the copy streams, it never holds a table
STREAM = {"stream_results": True, "yield_per": BATCH}


@dataclass(frozen=True)
class CopiedTable:
    table: str
    rows: int


@dataclass(frozen=True)
class CopyResult:
    target: str  # the target's address, password hidden
    tables: tuple[CopiedTable, ...]
    ledger_verified: int  # ledger records `audit verify` checked on the target


class _CopyUnverified(Exception):
    """The copy's ledger did not verify: raised inside the write transaction, so the copy is rolled back."""


def address(database: Database) -> str:
    return database.engine.url.render_as_string(hide_password=True)


def copy_to(source: Database, target: Database, *, by: str | CommandLine) -> CopyResult:
    """Copy every row of ``source`` into the empty database ``target`` (created or upgraded first), then verify it.

    Refused, with nothing copied, when the target already holds records, is the
    source itself, or the ledger does not verify (the source's, or the copy's).
    """
    where = address(target)
    if source.engine.url == target.engine.url:
        raise Refused("The target is this kiosk's own database: give the address of the new, empty database.")
    require_ready(source)
    acting(source, by, "admin", "copying the school's records")
    tables = SQLModel.metadata.sorted_tables  # parents before the rows that refer to them
    if schema_revision(target) is not None:
        with target.engine.connect() as conn:
            _refuse_if_holding_records(conn, tables, where)
    upgrade(target)  # as `kiosk init`: makes the tables, or upgrades an empty older one
    # One snapshot in (on PostgreSQL REPEATABLE READ: kiosks scanning meanwhile change nothing the copy reads), one
    # transaction out; the rows counted in the same snapshot are what the copy must hold (a backup while kiosks run).
    snapshot = {"isolation_level": "REPEATABLE READ"} if source.engine.dialect.name == "postgresql" else {}
    try:
        with source.engine.connect().execution_options(**snapshot) as read, target.transaction() as write:
            target.lift_scan_limits(write)  # a whole school's records: longer than a scan may take
            _refuse_if_holding_records(write, tables, where)  # again, under the write lock: no kiosk got in between
            fill = _insert_rows
            if target.engine.dialect.name == "postgresql":
                # SQLite keeps times as text in UTC without an offset: COPY reads them as UTC (this transaction only).
                write.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
                fill = _copy_rows
            for table in tables:
                fill(read, write, table)
            if target.engine.dialect.name == "postgresql":
                _reset_sequences(write, tables)
            held, copied = _counts_on(read, tables), _counts_on(write, tables)
            if copied != held:
                raise Refused(f"Nothing was copied: the copy at {where} did not hold the same number of rows as this "
                              "kiosk. Copy again to an empty database.")
            try:
                verified = audit.walk_chain(write, target)  # the once: the copy itself, before it is committed
            except Refused as broken:
                raise _CopyUnverified(str(broken)) from None
    except _CopyUnverified as broken:
        try:
            audit.verify(source, by=by)
        except Refused as exc:
            raise Refused(f"Nothing was copied, because this kiosk's ledger is broken: {exc}") from None
        raise Refused(f"Nothing was copied: this kiosk's ledger verifies, but the copy at {where} did not ({broken}). "
                      "Copy again to an empty database.") from None
    return CopyResult(target=where, tables=tuple(CopiedTable(name, n) for name, n in copied.items()),
                      ledger_verified=verified)


def _ordered(conn: Connection, table: Table) -> str:
    """Every column of ``table``, read raw (no type processing: values go to the target as the source holds
    them), in primary-key order."""
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    key = ", ".join(quote(column.name) for column in table.primary_key.columns)
    return f"SELECT {columns} FROM {quote(table.name)} ORDER BY {key}"


def _copy_rows(read: Connection, write: Connection, table: Table) -> None:
    """Onto PostgreSQL: one COPY per table, fed row by row as the source is read."""
    quote = write.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    rows = read.exec_driver_sql(_ordered(read, table), execution_options=STREAM)
    driver = write.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    except write.dialect.loaded_dbapi.Error as exc:
        raise _does_not_fit(table, exc) from None


def _insert_rows(read: Connection, write: Connection, table: Table) -> None:
    """Onto SQLite (a PostgreSQL school's backup): rows read raw, in the text SQLite keeps them as, and inserted by
    the driver ``BATCH`` at a time, in the one transaction."""
    quote = write.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    insert = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({', '.join('?' for _ in table.columns)})"
    rows = read.exec_driver_sql(_as_sqlite_keeps(read, table), execution_options=STREAM)
    driver = write.connection.driver_connection
    try:
        for chunk in rows.partitions(BATCH):
            driver.executemany(insert, chunk)
    except write.dialect.loaded_dbapi.Error as exc:
        raise _does_not_fit(table, exc) from None


def _as_sqlite_keeps(read: Connection, table: Table) -> str:
    """``_ordered``, with PostgreSQL writing each time and date as the text the kiosk stores in SQLite (UTC,
    microseconds, no offset), so no value is converted in Python."""
    if read.dialect.name != "postgresql":
        return _ordered(read, table)
    quote = read.dialect.identifier_preparer.quote
    shown = []
    for column in table.columns:
        name = quote(column.name)
        if isinstance(column.type, UtcTime):
            name = f"to_char({name} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        elif isinstance(column.type, Date):
            name = f"to_char({name}, 'YYYY-MM-DD')"
        shown.append(name)
    key = ", ".join(quote(column.name) for column in table.primary_key.columns)
    return f"SELECT {', '.join(shown)} FROM {quote(table.name)} ORDER BY {key}"


def _does_not_fit(table: Table, exc: BaseException) -> Refused:
    problem = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return Refused(f"Nothing was copied: a row of {table.name} does not fit the new database ({problem}).")


def _refuse_if_holding_records(conn, tables, where: str) -> None:
    present = set(inspect(conn).get_table_names())  # an older schema lacks the newest tables: nothing in them
    for table in tables:
        if table.name in present and conn.execute(select(1).select_from(table).limit(1)).first():
            raise Refused(f"The database at {where} already holds records ({table.name}): "
                          "copy-to only fills a new, empty database, so nothing was copied.")


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
