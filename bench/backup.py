"""Backup and restore of the 1M-row database: how long `kiosk backup` and `kiosk restore` take, beside a plain copy.

What it measures
    On the scan-latency database (about 1,000,000 ledger rows, 467 MB; bench/scan_latency.py builds it into
    bench/out/ if it is not there), each run times:
      copy       SQLite's online backup API into a new 0600 file in the backup folder (one step, one snapshot)
      integrity  PRAGMA integrity_check on the copy
      verify     the whole ledger chain on the copy (db.records.verify)
      backup     the whole `make_backup`: the three above, fsync, rename, anchor, rotation
      restore    the whole `restore_backup` into a new database path: integrity and chain checks of the backup,
                 the copy beside the database, fsync, rename
    and MB/s = the file's size / the time.

The floor, measured in the same run
    A plain file copy of the same (checkpointed) file into the same folder, with fsync: what any backup of this
    file costs on this disk at least. The verify step's own floor is bench/verify.py's: plain sqlite3 + json +
    hashlib over the copy's ledger rows, in the same canonical form.

Scanning while the kiosk backs up (--scans, after the runs)
    The kiosk makes its backup in a thread of its own process, beside the scans. Pairs of
    ``db.phones.phone_in`` + ``phone_out`` (as bench/scan_latency.py makes them) are timed first alone, then
    while a ``make_backup`` thread runs in the same process: p50 and p99 of a pair, both ways.

    .venv/bin/python bench/backup.py              # 3 runs
    .venv/bin/python bench/backup.py --runs 5 --db bench/out/other.db
    .venv/bin/python bench/backup.py --small      # seconds on a tiny database (what the tests run)
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import add_common, figure, percentile  # noqa: E402
from bench.verify import floor as chain_floor  # noqa: E402
from db.core import COMMAND_LINE, open_database, sqlite_url, upgrade  # noqa: E402
from db.records import Keep, make_backup, restore_backup, verify  # noqa: E402
from db.records.backup import _copy_sqlite, create_private, flush, read_only  # noqa: E402

DEFAULT = ROOT / "bench" / "out" / "ledger-v1-1000000r-3000p-950d.db"


def timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def cpu_timed(figures: dict[str, float], name: str, step) -> None:
    """Wall-clock seconds under ``name``, and this process's CPU seconds (SQLite runs in it) under ``name cpu``:
    the steadier figure on a machine shared with other work."""
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    figures[name], figures[f"{name} cpu"] = time.perf_counter() - wall, time.process_time() - cpu


def plain_copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    flush(target)


def one_run(database, source: Path, work: Path) -> dict[str, float]:
    folder = work / "backups"
    shutil.rmtree(work, ignore_errors=True)
    folder.mkdir(parents=True)
    figures = {"floor": timed(lambda: plain_copy(source, folder / "plain.db"))}
    (folder / "plain.db").unlink()

    temp = folder / ".phases.tmp"
    create_private(temp)
    figures["copy"] = timed(lambda: (_copy_sqlite(database, temp), flush(temp)))
    figures["integrity"] = timed(lambda: sqlite3.connect(f"file:{temp}?mode=ro", uri=True)
                                 .execute("PRAGMA integrity_check").fetchall())
    copy = read_only(temp, database)
    cpu_timed(figures, "verify", lambda: verify(copy, by=COMMAND_LINE))
    cpu_timed(figures, "verify floor", lambda: chain_floor(temp))
    copy.engine.dispose()
    temp.unlink()

    made = []
    cpu_timed(figures, "backup", lambda: made.append(make_backup(database, folder, by=COMMAND_LINE, keep=Keep())))
    target = work / "restored" / "kiosk.db"
    target.parent.mkdir()
    into = open_database(sqlite_url(target))
    figures["restore"] = timed(lambda: restore_backup(into, made[0].path, by=COMMAND_LINE))
    into.engine.dispose()
    figures["records"] = made[0].records
    return figures


def scans_while_backing_up(path: Path, work: Path, alone: int) -> None:
    import threading

    from bench.scan_latency import pick_codes
    from db.phones import phone_in, phone_out

    codes, staff, _ = pick_codes(path, 5000, 20261129)
    database = open_database(sqlite_url(path), kiosk_name="bench")
    folder = work / "backups"
    shutil.rmtree(work, ignore_errors=True)
    folder.mkdir(parents=True)

    def pair(code: str) -> float:
        start = time.perf_counter()
        phone_in(database, code, staff)
        phone_out(database, code, staff, reason="bench")
        return (time.perf_counter() - start) * 1000

    pending = itertools.cycle([code for code, _ in codes])  # handed back each time: a phone may come round again
    by_itself = [pair(next(pending)) for _ in range(alone)]
    backing_up = threading.Thread(target=make_backup, args=(database, folder), kwargs={"by": COMMAND_LINE})
    backing_up.start()
    during = []
    while backing_up.is_alive():
        during.append(pair(next(pending)))
    backing_up.join()
    database.engine.dispose()
    shutil.rmtree(work, ignore_errors=True)
    print(f"\nscan pairs (phone_in + phone_out), ms: alone n={len(by_itself)} p50 {percentile(by_itself, 50):.2f} "
          f"p99 {percentile(by_itself, 99):.2f} max {max(by_itself):.2f}; during a backup n={len(during)} "
          f"p50 {percentile(during, 50):.2f} p99 {percentile(during, 99):.2f} max {max(during):.2f}")
    figure("backup", "scan pair (phone_in + phone_out) while a backup runs", during, by_itself,
           note="floor: the same pairs with no backup running")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common(parser)
    parser.add_argument("--db", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "backup-work")
    parser.add_argument("--scans", type=int, default=300, help="scan pairs timed alone before those timed during a "
                        "backup (0: skip that part)")
    args = parser.parse_args()
    if args.small:
        return small(args)
    if not args.db.exists():
        from bench.scan_latency import build

        print(f"Building {args.db} (about a minute)…", flush=True)
        build(args.db, 1_000_000, 3000, 950, 20261121)
    database = open_database(sqlite_url(args.db))
    upgrade(database)  # a database built by an older schema
    database.engine.dispose()
    with sqlite3.connect(args.db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole database in the file the floor copies
    megabytes = args.db.stat().st_size / 1e6
    print(f"{args.db.name}: {megabytes:.0f} MB; {args.runs} runs; load average {os.getloadavg()[0]:.2f}")

    runs = []
    for n in range(args.runs):
        figures = one_run(database, args.db, args.work)
        runs.append(figures)
        print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in figures.items() if k != "records")
              + f"; {figures['records']:,} ledger records", flush=True)
    shutil.rmtree(args.work, ignore_errors=True)

    if runs:
        print_table(runs, megabytes)
        print_figures(runs)
    if args.scans:
        scans_while_backing_up(args.db, args.work, args.scans)
    return 0


def small(args) -> int:
    """One run on a tiny database built in a temporary folder, and a few scans: the benchmark still works."""
    import tempfile

    from bench.scan_latency import build

    with tempfile.TemporaryDirectory(prefix="bench-backup-") as folder:
        path = Path(folder) / "backup-small.db"
        build(path, 3000, 60, 20, 20261129)
        database = open_database(sqlite_url(path))
        runs = [one_run(database, path, Path(folder) / "work")]
        database.engine.dispose()
        print_figures(runs)
        scans_while_backing_up(path, Path(folder) / "work", 20)
    return 0


def print_figures(runs: list[dict[str, float]]) -> None:
    floor = [r["floor"] for r in runs]
    plain = "floor: a plain copy of the file, with fsync"
    figure("backup", "kiosk backup (make_backup: copy, integrity_check, verify, rotation)", [r["backup"] for r in runs],
           floor, unit="s", note=plain)
    figure("backup", "kiosk restore (restore_backup)", [r["restore"] for r in runs], floor, unit="s", note=plain)
    figure("backup", "part: the online backup copy", [r["copy"] for r in runs], floor, unit="s", note=plain)
    figure("backup", "part: integrity_check of the copy", [r["integrity"] for r in runs], None, unit="s",
           note="SQLite's own check: no floor of its own")
    figure("backup", "part: the copy's ledger verified", [r["verify"] for r in runs], [r["verify floor"] for r in runs],
           unit="s", note="floor: sqlite3 + json + hashlib over the same rows (bench/verify.py)")
    figure("backup", "part: the copy's ledger verified, CPU time", [r["verify cpu"] for r in runs],
           [r["verify floor cpu"] for r in runs], unit="s", note="CPU seconds of this process, and the floor's")
    figure("backup", "kiosk backup, CPU time", [r["backup cpu"] for r in runs], None, unit="s",
           note="CPU seconds of this process (the copy, both checks, rotation); no floor of its own")


def print_table(runs: list[dict[str, float]], megabytes: float) -> None:
    print(f"\n{'step':<10} {'median s':>9} {'min s':>7} {'max s':>7} {'MB/s':>7} {'vs floor':>9}")
    floor = statistics.median(r["floor"] for r in runs)
    for step in ("floor", "copy", "integrity", "verify", "backup", "restore"):
        values = [r[step] for r in runs]
        median = statistics.median(values)
        print(f"{step:<10} {median:>9.2f} {min(values):>7.2f} {max(values):>7.2f} {megabytes / median:>7.0f} "
              f"{median / floor:>8.1f}×")


if __name__ == "__main__":
    sys.exit(main())
