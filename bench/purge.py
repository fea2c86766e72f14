"""`kiosk purge` on a five-year ledger while another kiosk scans: does the purge hold the scans up?

What it measures
    A second process (another kiosk) checks phones in and hands them back, a scan every 50 ms, the whole
    time. First with nothing else running: the floor, the same kiosk's scans in the same run. Then during
    ``purge --dry-run``, then during the purge itself: each scan's latency (p50, p99, max, and how many were
    refused as busy) beside the floor. The purge's total time and how long each of its write transactions
    held the write lock (the longest is what a scan can meet). The purge's leavers query is timed with 450
    pupils marked as leavers (left in July 2025). Afterwards the chain must verify.

    SQLite: on a copy of the benchmark's five-year database (bench/scan_latency.py builds it; never written to),
    upgraded to this version's schema. PostgreSQL (--postgres): a smaller ledger built by the same builder
    (--rows, default 200,000) and copied in with ``kiosk copy-to``, on --url or a throw-away server.

    .venv/bin/python bench/purge.py                 # SQLite, the five-year database
    .venv/bin/python bench/purge.py --postgres      # PostgreSQL, 200,000 rows
    .venv/bin/python bench/purge.py --small         # seconds, a tiny database (what the tests run)
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import os
import shutil
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

# The installed kiosk's code first (a checkout of main for the before figures), then this folder for bench.* and
# tests.pg_cluster: appended, this checkout's db/ would shadow the installed one.
import db.core.tables as tables
from db.core import COMMAND_LINE, open_database, sqlite_url, upgrade

sys.path.append(str(Path(__file__).resolve().parent.parent))

from bench.figures import add_common, figure  # noqa: E402
from bench.other_kiosk import OtherKiosk, afternoon_offset, offset_clock  # noqa: E402

DEFAULT = Path(__file__).parent / "out" / "ledger-v1-1000000r-3000p-950d.db"
LEAVERS = 450
# --- the database ------------------------------------------------------------------------------------------

def sqlite_copy(small: bool, folder: Path, source: Path) -> str:
    path = folder / "purge-bench.db"
    if small:
        from bench.scan_latency import build

        build(path, rows=4000, pupils=70, days=600, seed=15)
    else:
        shutil.copy(source, path)
    database = open_database(sqlite_url(path))
    upgrade(database)  # `kiosk init`: the copy at this version's schema
    database.engine.dispose()
    return sqlite_url(path)


def postgres_copy(admin_url: str, rows: int, folder: Path) -> str:
    import psycopg

    from bench.scan_latency import build
    from db.records import copy_to

    source_path = folder / "purge-source.db"
    build(source_path, rows=rows, pupils=min(3000, max(70, rows // 300)), days=600, seed=15)
    name = f"kiosk_purge_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{admin_url.rpartition('/')[0]}/{name}"
    source, target = open_database(sqlite_url(source_path)), open_database(url)
    copy_to(source, target, by=COMMAND_LINE)
    source.engine.dispose()
    target.engine.dispose()
    return url


def mark_leavers(url: str) -> int:
    """Every sixth pupil left in July 2025 (before the leavers' cut-off), as a full re-import would archive them."""
    database = open_database(url)
    pupil = tables.pupil
    with database.engine.begin() as conn:
        done = conn.execute(pupil.update().where(pupil.c.id % 6 == 0, pupil.c.left_at.is_(None))
                            .values(left_at=dt.datetime(2025, 7, 20, 12, tzinfo=dt.timezone.utc))).rowcount
        conn.execute(sa.text("ANALYZE"))
    database.engine.dispose()
    return done


# --- measuring ---------------------------------------------------------------------------------------------

@contextmanager
def lock_holds(database, holds: list[float]):
    """Time every write transaction the purge opens (the write lock is held from its start to its commit)."""
    original = database.transaction

    @contextmanager
    def timed():
        started = time.perf_counter()
        try:
            with original() as conn:
                yield conn
        finally:
            holds.append(time.perf_counter() - started)

    database.transaction = timed
    try:
        yield
    finally:
        database.transaction = original


def leavers_query_s(database) -> tuple[float, int]:
    """The purge's query for the leavers it may remove, timed on its own (this version's, or main's)."""
    from db.records import Retention, cutoffs
    from db.records import retention as module

    days = cutoffs(database.local(database.now()).date(), Retention())
    started = time.perf_counter()
    if hasattr(module, "_Rules"):
        with database.engine.connect() as conn:
            found = list(conn.execute(module._Rules(database, days).leavers()).scalars())
    else:  # main before issue 15
        cut = dt.datetime.combine(days["leavers"], dt.time(), database.zone)
        with database.engine.connect() as conn:
            found = module._removable_leavers(conn, cut)
    return time.perf_counter() - started, len(found)


def run(url: str, backend: str, small: bool) -> None:
    from db.records import Retention, purge, verify

    leavers = mark_leavers(url)
    offset = afternoon_offset()
    database = open_database(url, clock=offset_clock(offset), kiosk_name="office-pc")
    seconds, found = leavers_query_s(database)
    figure("purge", f"the leavers query ({leavers} leavers, {found} removable before the purge)", [seconds * 1000],
           None, backend=backend, note="no floor: the same query is timed on main's code for the before figure")

    other = OtherKiosk(url, offset)
    time.sleep(1.5 if small else 8.0)  # the floor
    holds_dry: list[float] = []
    with lock_holds(database, holds_dry):
        dry_start = time.time()
        purge(database, Retention(), by=COMMAND_LINE, dry_run=True)
        dry_end = time.time()
    other.window("purge --dry-run", dry_start, dry_end)
    time.sleep(0.5 if small else 2.0)
    holds: list[float] = []
    batches = []
    kwargs = {"progress": lambda r: batches.append(r)} if "progress" in inspect.signature(purge).parameters else {}
    with lock_holds(database, holds):
        purge_start = time.time()
        done = purge(database, Retention(), by=COMMAND_LINE, **kwargs)
        purge_end = time.time()
    other.window("the purge", purge_start, purge_end)
    floor = other.stop("purge", backend)

    figure("purge", "the dry run's time", [dry_end - dry_start], None, unit="s", backend=backend,
           note=f"write transactions: {len(holds_dry)}")
    figure("purge", f"the purge's time ({done.total_redacted:,} rows blanked, {done.leavers} leavers removed)",
           [purge_end - purge_start], None, unit="s", backend=backend,
           note=f"{len(holds)} write transactions")
    figure("purge", "write lock held per purge transaction", [h * 1000 for h in holds],
           floor, backend=backend,
           note=f"longest {max(holds) * 1000:.0f} ms; floor: a scan's whole time")
    checked = verify(database, by=COMMAND_LINE)
    print(f"audit verify after the purge: {checked:,} records, the chain intact")
    database.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common(parser, postgres=True)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--db", type=Path, default=DEFAULT, help="the five-year SQLite database (only copied)")
    parser.add_argument("--rows", type=int, default=200_000, help="the PostgreSQL ledger's size (default 200,000)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(dir=os.environ.get("TMPDIR") or (None if args.small else DEFAULT.parent)))
    try:
        if not args.postgres:
            run(sqlite_copy(args.small, folder, args.db), "sqlite", args.small)
        if args.postgres or (args.small and args.url):
            cluster = None
            admin_url = args.url
            if not admin_url:
                from tests import pg_cluster

                cluster = pg_cluster.start(durable=True)
                admin_url = cluster.url()
            try:
                run(postgres_copy(admin_url, 4000 if args.small else args.rows, folder), "postgres", args.small)
            finally:
                if cluster is not None:
                    cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
