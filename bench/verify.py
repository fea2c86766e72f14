"""How long `kiosk audit verify` takes on the 1M-row bench database, part by part.

The parts: SQLite's quick_check (and integrity_check, for --full), the hash chain walk (what verify did
alone before issue 13), the projections checked against the ledger, and the whole check_record with one
anchor. The floor, measured in the same run: reading every ledger row with raw sqlite3 (no hashing), the
least any chain walk can cost. Nothing is written to the database.

    .venv/bin/python bench/scan_latency.py --n 1        # builds bench/out/ledger-v1-1000000r-3000p-950d.db once
    .venv/bin/python bench/verify.py [--runs 3] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from pathlib import Path

from db.core import COMMAND_LINE, open_database, sqlite_url
from db.records import check_record, file_damage, head, verify
from db.records.projections import projection_problems

DEFAULT = Path(__file__).parent / "out" / "ledger-v1-1000000r-3000p-950d.db"


def floor(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        for _ in raw.execute("SELECT * FROM ledger_entry ORDER BY id"):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    database = open_database(sqlite_url(args.db))
    anchor = head(database)
    parts = {
        "floor: raw sqlite3 reads every ledger row": lambda: floor(args.db),
        "quick_check": lambda: file_damage(database),
        "integrity_check (--full)": lambda: file_damage(database, full=True),
        "hash chain (verify before issue 13)": lambda: verify(database, by=COMMAND_LINE),
        "projections against the ledger": lambda: projection_problems(database),
        "check_record: all of verify, one anchor": lambda: check_record(database, by=COMMAND_LINE, anchors=[anchor]),
    }
    times: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(args.runs):  # interleaved: every part meets the same load
        for name, part in parts.items():
            started = time.perf_counter()
            part()
            times[name].append(time.perf_counter() - started)
    rows = database.newest_entry()
    print(f"{args.db.name}: {rows:,} ledger rows, {args.db.stat().st_size / 1e6:.0f} MB; "
          f"{args.runs} runs; load average {os.getloadavg()[0]:.1f}")
    base = statistics.median(times["floor: raw sqlite3 reads every ledger row"])
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"  {name:45} median {median:6.1f} s  max {max(seconds):6.1f} s  ({median / base:.1f}x floor)")


if __name__ == "__main__":
    main()
