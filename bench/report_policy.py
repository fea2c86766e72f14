"""`kiosk report policy` on the five-year database: how long the phone-rules figures take for a half-term and a year.

What it measures
    ``db.phones.policy_figures`` (what `kiosk report policy` prints, and what the kiosk's view and the evidence pack
    will show) on a copy of the 1M-row bench database (five school years, 3,000 pupils, 105 classes): a half-term
    (autumn 2025, first half), a school year (2025-26), the same year per week and by year group. Each --runs times,
    timed with ``time.perf_counter``.

The floor, measured in the same run
    A plain SQL count of the ledger rows in the same range (``SELECT count(*) FROM ledger_entry WHERE at >= ? AND
    at < ?``, raw sqlite3, on the index on ``at``): the least any figure over those rows can cost. The report and
    its floor alternate, so both meet the same load.

Targets
    A half-term <= 1 s, a year <= 3 s (issue 16). Other work on this 2-core machine moves both: read the ratio,
    and the CPU time (this process's, SQLite's work included), printed as a second figure for each.

The database
    bench/out/ledger-v1-1000000r-3000p-950d.db (bench/scan_latency.py builds it), or --db PATH. It is never written:
    the figures are read from a copy in bench/out/, upgraded with `kiosk init` when its schema is older. --small
    builds a tiny one (scan_latency's builder) in a temporary folder instead.

    .venv/bin/python bench/report_policy.py [--runs 3] [--db PATH]
    .venv/bin/python bench/report_policy.py --small
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from figures import add_common, figure
from scan_latency import build

from db.core import COMMAND_LINE, HEAD_REVISION, TermDates, day_start, open_database, schema_revision, sqlite_url
from db.core import upgrade as upgrade_schema
from db.phones import policy_figures

OUT = Path(__file__).parent / "out"
DEFAULT = OUT / "ledger-v1-1000000r-3000p-950d.db"
LONDON = ZoneInfo("Europe/London")
AFTER_SCHOOL = datetime(2026, 11, 20, 17, 0, tzinfo=LONDON)  # the bench history ends the day before this
CASES = (("a half-term", date(2025, 9, 2), date(2025, 10, 24), None),
         ("a year", date(2025, 9, 1), date(2026, 8, 31), None),
         ("a year per week", date(2025, 9, 1), date(2026, 8, 31), "week"),
         ("a year by year group", date(2025, 9, 1), date(2026, 8, 31), "year"))
SMALL_CASES = (("a half-term", date(2026, 9, 2), date(2026, 10, 23), None),
               ("a term per week", date(2026, 9, 1), date(2026, 11, 20), "week"),
               ("a term by year group", date(2026, 9, 1), date(2026, 11, 20), "year"))


def working_copy(source: Path) -> Path:
    """A copy of the bench database to read (the original is never opened), upgraded when its schema is old."""
    copy = OUT / f"report-policy-{source.name}"
    if not copy.exists() or copy.stat().st_mtime < source.stat().st_mtime:
        OUT.mkdir(exist_ok=True)
        print(f"Copying {source} to {copy} …", flush=True)
        shutil.copyfile(source, copy)
    database = open_database(sqlite_url(copy))
    if schema_revision(database) != HEAD_REVISION:
        print(f"Upgrading the copy's schema to {HEAD_REVISION} (kiosk init) …", flush=True)
        upgrade_schema(database)
    database.engine.dispose()
    return copy


def stored(moment: datetime) -> str:
    """A time as SQLite holds it (db.core.models.UtcTime): UTC text, to the microsecond."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common(parser)
    parser.add_argument("--db", type=Path, default=DEFAULT, help="the bench database (only a copy is read)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.small:
        path = Path(tempfile.mkdtemp()) / "policy-small.db"
        build(path, rows=3000, pupils=60, days=30, seed=7)
        cases, runs = SMALL_CASES, 2
    else:
        if not args.db.exists():
            raise SystemExit(f"{args.db} is missing: build it with `.venv/bin/python bench/scan_latency.py --n 1`.")
        path, cases, runs = working_copy(args.db), CASES, args.runs
    database = open_database(sqlite_url(path), clock=lambda: AFTER_SCHOOL)
    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    terms = TermDates()
    for name, first, last, per in cases:
        ours, floor, ours_cpu, floor_cpu = [], [], [], []
        for _ in range(runs):
            started, cpu = time.perf_counter(), time.process_time()
            report = policy_figures(database, first, last, terms=terms, per=per, by=COMMAND_LINE)
            ours.append(time.perf_counter() - started)
            ours_cpu.append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            rows = raw.execute("SELECT count(*) FROM ledger_entry WHERE at >= ? AND at < ?",
                               (stored(day_start(database, first)),
                                stored(day_start(database, last + timedelta(days=1))))).fetchone()[0]
            floor.append(time.perf_counter() - started)
            floor_cpu.append(time.process_time() - cpu)
        phones_in = sum(row.phones_in for row in report.rows if row.class_name == "school" and row.year is None)
        figure("report_policy", f"{name} ({first} to {last})", [s * 1000 for s in ours], [s * 1000 for s in floor],
               note=f"{rows:,} ledger rows; {len(report.rows)} rows out; {phones_in:,} phones in")
        # SQLite runs in this process: its CPU time is the report's own work, whatever else the machine is doing.
        figure("report_policy", f"{name}, CPU time", [s * 1000 for s in ours_cpu],
               [max(s, 1e-6) * 1000 for s in floor_cpu], note="this process's CPU time (SQLite's included)")
    raw.close()
    database.engine.dispose()


if __name__ == "__main__":
    main()
