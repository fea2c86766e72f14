"""How long `kiosk audit verify` takes on the five-year database, part by part, beside its floor.

The parts: the hash chain walk (``verify``), SQLite's quick_check (and integrity_check, for --full), the anchors
compared, the projections checked against the ledger, and the whole ``check_record`` with one anchor (what
`kiosk audit verify --anchor` does).

The floor, measured in the same run: plain sqlite3 + json + hashlib over the same rows in the same canonical form
(every ledger row read, its SHA-256 taken over the sorted-keys JSON the kiosk hashes, compared with the stored one
and the link to the row before checked): the least any chain walk in Python can cost. The whole check's floor adds
SQLite's quick_check, which `audit verify` must run too. Nothing is written to the database.

    .venv/bin/python bench/scan_latency.py --n 1        # builds bench/out/ledger-v1-1000000r-3000p-950d.db once
    .venv/bin/python bench/verify.py [--runs 3] [--db PATH] [--full]
    .venv/bin/python bench/verify.py --small            # seconds on a tiny database (what the tests run)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import add_common, figure  # noqa: E402
from db.core import COMMAND_LINE, GENESIS, open_database, sqlite_url  # noqa: E402
from db.records import check_record, compare, file_damage, head, verify  # noqa: E402
from db.records.projections import projection_problems  # noqa: E402

DEFAULT = ROOT / "bench" / "out" / "ledger-v1-1000000r-3000p-950d.db"
ROWS = ("SELECT id, at, kiosk, staff_id, action, tag_code, pupil_id, from_location_id, to_location_id, detail, "
        "voids_id, prev_hash, hash, purged_at FROM ledger_entry ORDER BY id")


def floor(path: Path) -> int:
    """The chain walked with nothing but sqlite3, json and hashlib: the hash as the kiosk defines it
    (db/core/chain.py), written out plainly, the JSON encoder made once (as ``json.dumps`` does for its defaults)."""
    previous, checked = GENESIS, 0
    encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as raw:
        for (entry_id, at, kiosk, staff_id, action, tag_code, pupil_id, from_id, to_id, detail, voids_id, prev,
             stored, purged_at) in raw.execute(ROWS):
            if prev != previous:
                raise SystemExit(f"floor: record {entry_id} does not follow the one before it")
            if purged_at is None:
                content = {"id": entry_id, "at": datetime.fromisoformat(at).replace(tzinfo=timezone.utc).isoformat(),
                           "kiosk": kiosk, "staff_id": staff_id, "action": action, "tag_code": tag_code,
                           "pupil_id": pupil_id, "from": from_id, "to": to_id, "detail": detail, "voids": voids_id,
                           "prev": prev}
                if hashlib.sha256(encode(content).encode()).hexdigest() != stored:
                    raise SystemExit(f"floor: record {entry_id} does not match its hash")
            previous, checked = stored, checked + 1
    return checked


def small_database(folder: Path) -> Path:
    from bench.scan_latency import build

    path = folder / "verify-small.db"
    build(path, 3000, 60, 20, 20261129)
    return path


def timed(part) -> tuple[float, float]:
    """Wall-clock and CPU seconds (this process: SQLite runs in it). On a machine shared with other work the CPU
    time is the steadier figure; each is read against the floor's own."""
    wall, cpu = time.perf_counter(), time.process_time()
    part()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common(parser)
    parser.add_argument("--db", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="also time integrity_check (`audit verify --full`)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as folder:
        path = small_database(Path(folder)) if args.small else args.db
        run(path, 1 if args.small else args.runs, args.full)
    return 0


def run(path: Path, runs: int, full: bool) -> None:
    database = open_database(sqlite_url(path))
    anchor = head(database)
    parts = {
        "floor": lambda: floor(path),
        "chain": lambda: verify(database, by=COMMAND_LINE),
        "quick_check": lambda: file_damage(database),
        "anchors": lambda: compare(database, [anchor]),
        "projections": lambda: projection_problems(database),
        "check_record": lambda: check_record(database, by=COMMAND_LINE, anchors=[anchor]),
    }
    if full:
        parts["integrity_check"] = lambda: file_damage(database, full=True)
    times: dict[str, list[float]] = {name: [] for name in parts}
    cpu: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(runs):  # interleaved: every part meets the same load
        for name, part in parts.items():
            wall, used = timed(part)
            times[name].append(wall)
            cpu[name].append(used)
    print(f"{path.name}: {database.newest_entry():,} ledger records, {path.stat().st_size / 1e6:.0f} MB; {runs} runs; "
          f"load average {os.getloadavg()[0]:.1f}")
    database.engine.dispose()
    chain_floor = times["floor"]
    whole_floor = [a + b for a, b in zip(chain_floor, times["quick_check"], strict=True)]
    figure("verify", "hash chain walk (verify)", times["chain"], chain_floor, unit="s")
    figure("verify", "audit verify: whole check_record, one anchor", times["check_record"], whole_floor, unit="s",
           note="floor: the chain floor + quick_check")
    figure("verify", "hash chain walk (verify), CPU time", cpu["chain"], cpu["floor"], unit="s",
           note="CPU seconds of this process: steadier than wall-clock on a shared machine")
    figure("verify", "audit verify: whole check_record, CPU time", cpu["check_record"],
           [a + b for a, b in zip(cpu["floor"], cpu["quick_check"], strict=True)], unit="s",
           note="floor: the chain floor + quick_check, CPU seconds")
    for name, what in (("quick_check", "SQLite's quick_check"), ("anchors", "anchors compared"),
                       ("projections", "projections against the ledger"),
                       ("integrity_check", "SQLite's integrity_check (--full)")):
        if name in times:
            figure("verify", f"part: {what}", times[name], None, unit="s",
                   note="a part of audit verify: no floor of its own (SQLite's check, or set-based SQL)")


if __name__ == "__main__":
    sys.exit(main())
