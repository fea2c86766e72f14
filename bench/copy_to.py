"""How long `kiosk copy-to` takes with the five-year database, both ways, beside a bare copy of the same rows.

What it measures (each run, interleaved with its floor)
    to PostgreSQL   ``copy_to`` from the SQLite file into a new, empty PostgreSQL database: the tables made,
                    every row copied in one transaction, the copy's ledger verified once, committed
    to SQLite       ``copy_to`` from that PostgreSQL database into a new SQLite file (how a PostgreSQL school's
                    backup is made)
    verify          ``audit verify``'s chain walk on the PostgreSQL copy alone (the one verify copy-to makes)

The floors, measured in the same run, into the same empty tables (made beforehand, not timed)
    to PostgreSQL   every table read with plain sqlite3 and written with psycopg's COPY (``write_row``), one
                    transaction: the least any copy onto PostgreSQL costs
    to SQLite       every table read with psycopg (a server-side cursor) and written with sqlite3's
                    ``executemany``, one transaction

The source file is only read. Without --url a throw-away server is started (fsync on, as a school's server runs).

    .venv/bin/python bench/copy_to.py [--db PATH] [--runs 1] [--url postgresql+psycopg://USER@HOST/postgres]
    .venv/bin/python bench/copy_to.py --small      # seconds on a tiny database (what the tests run)
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import db.core.models  # noqa: E402, F401  (every table on SQLModel.metadata)
from bench.figures import add_common, figure  # noqa: E402
from db.core import COMMAND_LINE, open_database, sqlite_url, upgrade  # noqa: E402
from db.records import copy_to, verify  # noqa: E402

DEFAULT = ROOT / "bench" / "out" / "ledger-v1-1000000r-3000p-950d.db"


def driver_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


class Server:
    """New databases on one server, dropped at the end; with ``data`` (a server this script started), the CPU
    time its processes have used, read from /proc."""

    def __init__(self, admin_url: str, data: Path | None = None):
        self.admin_url = admin_url
        self.admin = psycopg.connect(driver_url(admin_url), autocommit=True)
        self.made: list[str] = []
        self.data = data

    def cpu(self) -> float | None:
        """CPU seconds used by the server so far: the postmaster, the backends it has reaped (its children's
        times) and those still running. None for a server this script did not start."""
        if self.data is None:
            return None
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:  # ended meanwhile: the postmaster's children's times have it
                continue
            pid, parent = int(stat.parent.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
            elif parent == postmaster:
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def create(self) -> str:
        name = f"kiosk_copy_{uuid.uuid4().hex[:10]}"
        self.admin.execute(f"CREATE DATABASE {name}")
        self.made.append(name)
        return f"{self.admin_url.rpartition('/')[0]}/{name}"

    def drop_all(self) -> None:
        for name in self.made:
            self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.admin.close()


@contextmanager
def server(url: str | None):
    cluster = None
    if url is None:
        from tests import pg_cluster

        cluster = pg_cluster.start(durable=True)
        url = cluster.url()
    found = Server(url, cluster.data if cluster is not None else None)
    try:
        yield found
    finally:
        found.drop_all()
        if cluster is not None:
            cluster.stop()


def empty_schema(url: str) -> None:
    database = open_database(url)
    upgrade(database)
    database.engine.dispose()


def columns_of(table) -> str:
    return ", ".join(f'"{column.name}"' for column in table.columns)


def ordered(table) -> str:
    key = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
    return f'SELECT {columns_of(table)} FROM "{table.name}" ORDER BY {key}'


def bare_copy_to_postgres(source: Path, url: str) -> int:
    """The floor: sqlite3 reads, psycopg COPY writes, one transaction."""
    copied = 0
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as read, \
            psycopg.connect(driver_url(url)) as write:
        write.execute("SET TimeZone = 'UTC'")
        for table in SQLModel.metadata.sorted_tables:
            with write.cursor() as cursor, \
                    cursor.copy(f'COPY "{table.name}" ({columns_of(table)}) FROM STDIN') as copy:
                for row in read.execute(ordered(table)):
                    copy.write_row(row)
                    copied += 1
        write.commit()
    return copied


def bare_copy_to_sqlite(url: str, target: Path) -> int:
    """The floor the other way: psycopg reads (server-side cursor), sqlite3 executemany writes, one transaction."""
    copied = 0
    with psycopg.connect(driver_url(url)) as read, closing(sqlite3.connect(target, isolation_level=None)) as write:
        write.execute("BEGIN")
        for table in SQLModel.metadata.sorted_tables:
            marks = ", ".join("?" for _ in table.columns)
            insert = f'INSERT INTO "{table.name}" ({columns_of(table)}) VALUES ({marks})'
            with read.cursor(name=f"floor_{table.name}") as cursor:
                cursor.itersize = 10000
                cursor.execute(ordered(table))
                while rows := cursor.fetchmany(10000):
                    write.executemany(insert, rows)
                    copied += len(rows)
        write.execute("COMMIT")
    return copied


def one_run(source_path: Path, pg: Server, work: Path, times: dict[str, list[float]]) -> None:
    def timed(step, name: str | None = None) -> float:
        """Wall-clock seconds; and, under ``name + ' CPU'``, the CPU seconds of this process and the server's
        together (steadier than wall-clock on a shared machine), when the server is this script's own."""
        wall, cpu, server = time.perf_counter(), time.process_time(), pg.cpu()
        step()
        elapsed = time.perf_counter() - wall
        if name and server is not None:
            times.setdefault(f"{name} CPU", []).append(time.process_time() - cpu + pg.cpu() - server)
        return elapsed

    source = open_database(sqlite_url(source_path))
    try:
        floor_url = pg.create()
        empty_schema(floor_url)
        times["floor to PostgreSQL"].append(timed(lambda: bare_copy_to_postgres(source_path, floor_url),
                                                        "floor to PostgreSQL"))

        ours_url = pg.create()
        target = open_database(ours_url)
        result = []
        times["to PostgreSQL"].append(timed(lambda: result.append(copy_to(source, target, by=COMMAND_LINE)),
                                                   "to PostgreSQL"))
        times["verify on PostgreSQL"].append(timed(lambda: verify(target, by=COMMAND_LINE)))

        floor_file = work / f"floor-{uuid.uuid4().hex[:6]}.db"
        empty_schema(sqlite_url(floor_file))
        times["floor to SQLite"].append(timed(lambda: bare_copy_to_sqlite(ours_url, floor_file),
                                                    "floor to SQLite"))
        back = open_database(sqlite_url(work / f"back-{uuid.uuid4().hex[:6]}.db"))
        times["to SQLite"].append(timed(lambda: copy_to(target, back, by=COMMAND_LINE), "to SQLite"))
        back.engine.dispose()
        target.engine.dispose()
        ledger = next(t.rows for t in result[0].tables if t.table == "ledger_entry")
        print(f"copied {sum(t.rows for t in result[0].tables):,} rows ({ledger:,} ledger records); "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        source.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common(parser, postgres=True)
    parser.add_argument("--db", type=Path, default=DEFAULT, help="the SQLite database to copy (only read)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in ("floor to PostgreSQL", "to PostgreSQL",
                                                           "verify on PostgreSQL", "floor to SQLite", "to SQLite")}
    with tempfile.TemporaryDirectory(prefix="bench-copy-to-") as folder, server(args.url) as pg:
        work = Path(folder)
        source = args.db
        if args.small:
            from bench.scan_latency import build

            source = work / "copy-small.db"
            build(source, 3000, 60, 20, 20261129)
        print(f"{source.name}: {source.stat().st_size / 1e6:.0f} MB", flush=True)
        for _ in range(1 if args.small else args.runs):
            one_run(source, pg, work, times)
    figure("copy_to", "copy-to SQLite → PostgreSQL (COPY, one verify)", times["to PostgreSQL"],
           times["floor to PostgreSQL"], unit="s", backend="postgres",
           note="floor: sqlite3 reads + psycopg COPY of the same rows")
    figure("copy_to", "copy-to PostgreSQL → SQLite (a PostgreSQL school's backup)", times["to SQLite"],
           times["floor to SQLite"], unit="s", backend="postgres",
           note="floor: psycopg reads + sqlite3 executemany of the same rows")
    if "to PostgreSQL CPU" in times:
        figure("copy_to", "copy-to SQLite → PostgreSQL, CPU time", times["to PostgreSQL CPU"],
               times["floor to PostgreSQL CPU"], unit="s", backend="postgres",
               note="CPU seconds of this process and the server's together")
        figure("copy_to", "copy-to PostgreSQL → SQLite, CPU time", times["to SQLite CPU"],
               times["floor to SQLite CPU"], unit="s", backend="postgres",
               note="CPU seconds of this process and the server's together")
    figure("copy_to", "part: the copy's ledger verified on PostgreSQL", times["verify on PostgreSQL"], None,
           unit="s", backend="postgres", note="the one verify inside copy-to, timed alone; no floor of its own")
    return 0


if __name__ == "__main__":
    sys.exit(main())
