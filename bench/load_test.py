"""Many kiosks on one PostgreSQL database: 20 kiosk processes x 500 scans each, colliding on purpose.

What it measures
    K kiosk processes (default 20), each with its own database connection as a
    classroom PC would have, start together and make N scans each (default
    500): ``db.phones.phone_in`` / ``phone_out`` on the phones of their group.
    Four kiosks share each group of phones and walk the same list from
    different starting points, so the same phone is often scanned at two or
    more kiosks at once (one check-in wins, the others are refused). Every
    call is timed (``time.perf_counter``): scans/s over the whole phase, p50
    and p99 latency.

The floor, measured in the same run
    Before the scans, the same K processes make N bare psycopg round trips
    each, all at once: INSERT one row + COMMIT into a scratch table, no
    SQLAlchemy, no lock, no ledger. That is the least a durable write costs on
    this server and disk under the same concurrency.

The checks
    lost           every scan a kiosk reported saved is a ledger row with that
                   kiosk's name, phone and action, and there is no other one
    double custody replaying the ledger phone by phone never finds a check-in
                   of a phone already held, or a hand-back of one not held, and
                   the held_phone table matches the replay
    audit verify   ``kiosk audit verify`` on the database: exit 0

The server
    Without --url it starts a throw-away cluster (tests/pg_cluster.py, the same
    as CI) with fsync and synchronous_commit ON, as a school's server would
    run, and removes it afterwards. --url takes a server URL of a user who may
    create databases; a new database is made there for the run and dropped.

    .venv/bin/python bench/load_test.py                  # 20 kiosks x 500 scans
    .venv/bin/python bench/load_test.py --small          # 3 kiosks x 20 scans: seconds (the test suite's run)
    .venv/bin/python bench/load_test.py --kiosks 5 --scans 100 --url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import datetime, timezone
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.pg_cluster

from bench.figures import add_common, figure, percentile  # noqa: E402 - after the path above

GROUP_KIOSKS = 4  # kiosks sharing one group of phones
GROUP_PHONES = 60


def build_school(url: str, kiosks: int) -> list[list[str]]:
    """Staff, pupils with phone tags, the office and cupboards; returns the phone codes of each group."""
    from db import tags
    from db.core import COMMAND_LINE, open_database, upgrade
    from db.core.models import Location, Pupil, Staff
    from tagcodes import TagKind, new_code

    database = open_database(url, kiosk_name="setup")
    upgrade(database)
    groups = max(1, (kiosks + GROUP_KIOSKS - 1) // GROUP_KIOSKS)
    with database.writing() as session:
        session.add(Location(name="Office", kind="office"))
        session.add_all(Staff(code=f"K{i:02d}", first_name="Kiosk", surname=f"Office {i}", role="office")
                        for i in range(kiosks))
        for g in range(groups):
            session.add(Location(name=f"6{chr(65 + g)} cupboard", kind="cupboard", class_name=f"6{chr(65 + g)}"))
            session.add_all(Pupil(adno=f"{g}{p:04d}", legal_first=f"Pupil{p}", surname=f"Group{g}",
                                  year=6 if p % 4 else 5, class_name=f"6{chr(65 + g)}", walk_home=p % 2 == 0)
                            for p in range(GROUP_PHONES))
        session.commit()
    codes = [[tags.issue_phone_tag(database, f"{g}{p:04d}", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE).code
              for p in range(GROUP_PHONES)] for g in range(groups)]
    with database.transaction() as conn:
        conn.exec_driver_sql("CREATE TABLE load_floor (id bigserial PRIMARY KEY, kiosk text, at timestamptz)")
    database.engine.dispose()
    return codes


def kiosk_process(index: int, url: str, phones: list[str], scans: int, barrier, results) -> None:
    import psycopg

    from db.core import Refused, open_database
    from db.phones import phone_in, phone_out

    name = f"room-{index:02d}"
    # Home-time at midnight: every hand-back is after it, so none needs a reason.
    database = open_database(url, kiosk_name=name, home_time=clock_time(0, 0))
    with database.reading():
        pass
    bare = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))

    barrier.wait()
    floor = []
    for _ in range(scans):
        began = time.perf_counter()
        bare.execute("INSERT INTO load_floor (kiosk, at) VALUES (%s, now())", (name,))
        bare.commit()
        floor.append(time.perf_counter() - began)
    bare.close()

    # Where the time goes: how long each scan held the school's lock (from the lock statement's answer to the scan's
    # return, just after COMMIT), and this kiosk's CPU.
    from sqlalchemy import event

    locked_at: list[float] = []

    @event.listens_for(database.engine, "after_cursor_execute")
    def _locked(conn, cursor, statement, *rest):
        if "pg_advisory_xact_lock" in statement:
            locked_at.append(time.perf_counter())

    held = []
    barrier.wait()
    cpu = time.process_time()
    offset = (index % GROUP_KIOSKS) * len(phones) // GROUP_KIOSKS
    order = phones[offset:] + phones[:offset]
    saved, refused, errors, latency = [], 0, [], []
    for n in range(scans):
        code = order[n % len(order)]
        action = "phone_in" if (n // len(order)) % 2 == 0 else "phone_out"
        began = time.perf_counter()
        try:
            if action == "phone_in":
                phone_in(database, code, f"K{index:02d}")
            else:
                phone_out(database, code, f"K{index:02d}")
            saved.append((name, code, action))
        except Refused:
            refused += 1
        except Exception as exc:  # noqa: BLE001 - counted and shown: a load test must not hide one
            errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        latency.append(time.perf_counter() - began)
        if locked_at:
            held.append(time.perf_counter() - locked_at.pop())
            locked_at.clear()
    cpu = time.process_time() - cpu
    barrier.wait()
    database.engine.dispose()
    results.put({"index": index, "floor": floor, "latency": latency, "saved": saved, "refused": refused,
                 "errors": errors, "held": held, "cpu": cpu})


def check(url: str, reported: list[tuple[str, str, str]]) -> dict:
    from sqlalchemy import select

    from db.core import open_database
    from db.core.models import HeldPhone, LedgerEntry
    from kiosk.cli import main

    database = open_database(url)
    with database.reading() as session:
        rows = session.exec(select(LedgerEntry.kiosk, LedgerEntry.tag_code, LedgerEntry.action)
                            .where(LedgerEntry.action.in_(("phone_in", "phone_out")))
                            .order_by(LedgerEntry.id)).all()
        held = {row[0] for row in session.exec(select(HeldPhone.tag_code)).all()}
    in_ledger = collections.Counter(tuple(r) for r in rows)
    claimed = collections.Counter(reported)
    lost = sum((claimed - in_ledger).values())
    unreported = sum((in_ledger - claimed).values())
    state: dict[str, bool] = {}
    double = 0
    for _, code, action in rows:
        if (action == "phone_in") == state.get(code, False):
            double += 1
        state[code] = action == "phone_in"
    mismatched = len(held ^ {code for code, inside in state.items() if inside})
    database.engine.dispose()
    verify_status = main(["--db", url, "audit", "verify"])
    return {"lost": lost, "unreported": unreported, "double": double, "held_mismatch": mismatched,
            "verify_status": verify_status, "phone_rows": len(rows)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--scans", type=int, default=500, help="scans per kiosk")
    add_common(parser, postgres=True)
    args = parser.parse_args()
    if args.small:
        args.kiosks, args.scans = 3, 20

    import psycopg

    cluster = None
    if args.url:
        admin_url = args.url
    else:
        from tests import pg_cluster

        cluster = pg_cluster.start(durable=True)
        admin_url = cluster.url()
    name = f"kiosk_load_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    url = f"{admin_url.rpartition('/')[0]}/{name}"
    server = admin.execute("SELECT version(), current_setting('fsync'), "
                           "current_setting('synchronous_commit')").fetchone()
    try:
        groups = build_school(url, args.kiosks)
        context = mp.get_context("spawn")
        barrier = context.Barrier(args.kiosks + 1)
        results = context.Queue()
        kiosks = [context.Process(target=kiosk_process,
                                  args=(i, url, groups[i // GROUP_KIOSKS], args.scans, barrier, results))
                  for i in range(args.kiosks)]
        for k in kiosks:
            k.start()
        barrier.wait()  # everyone connected: the floor phase starts
        began = time.perf_counter()
        barrier.wait()  # the scan phase starts
        floor_wall = time.perf_counter() - began
        began = time.perf_counter()
        barrier.wait()  # everyone finished scanning
        scan_wall = time.perf_counter() - began
        reports = [results.get(timeout=600) for _ in kiosks]
        for k in kiosks:
            k.join()
        floor = [x for r in reports for x in r["floor"]]
        latency = [x for r in reports for x in r["latency"]]
        saved = [tuple(s) for r in reports for s in r["saved"]]
        refused = sum(r["refused"] for r in reports)
        errors = [e for r in reports for e in r["errors"]]
        held = [x for r in reports for x in r["held"]]
        cpu = sum(r["cpu"] for r in reports)
        checks = check(url, saved)
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
        if cluster:
            cluster.stop()

    total = len(latency)
    print(f"\n{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"{server[0].split(' on ')[0]} (fsync={server[1]}, synchronous_commit={server[2]})"
          f"{' · throw-away cluster' if cluster else ''} · {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"{args.kiosks} kiosk processes x {args.scans} scans, {len(groups)} groups of {GROUP_PHONES} phones "
          f"shared by {GROUP_KIOSKS} kiosks each\n")
    ms = lambda v: f"{v * 1000:7.2f} ms"  # noqa: E731
    print(f"{'':30} {'per second':>12} {'p50':>10} {'p99':>10}")
    print(f"{'scans (phone_in / phone_out)':30} {total / scan_wall:12.0f} {ms(statistics.median(latency))} "
          f"{ms(percentile(latency, 99))}")
    print(f"{'floor: bare INSERT + COMMIT':30} {len(floor) / floor_wall:12.0f} {ms(statistics.median(floor))} "
          f"{ms(percentile(floor, 99))}")
    print(f"{'ratio scan / floor':30} {(len(floor) / floor_wall) / (total / scan_wall):11.1f}x "
          f"{statistics.median(latency) / statistics.median(floor):9.1f}x "
          f"{percentile(latency, 99) / percentile(floor, 99):9.1f}x"
          "   (throughput: floor/scans; latency: scans/floor)")
    print(f"\nthe school's lock: taken by {len(held)} scans ({len(held) / scan_wall:.0f}/s), held p50 "
          f"{ms(statistics.median(held) if held else 0)} p99 {ms(percentile(held, 99) if held else 0)} (from the "
          f"lock's answer to the scan's return, at the kiosk: a kiosk waiting for the CPU after COMMIT counts); "
          f"kiosks' CPU {cpu / total * 1000:.2f} ms per scan ({cpu / scan_wall:.2f} cores); "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"\nscans: {total} ({len(saved)} saved, {refused} refused: already held / not held), "
          f"{len(errors)} errors{': ' + '; '.join(sorted(set(errors))[:3]) if errors else ''}")
    print(f"lost (reported saved, not in the ledger): {checks['lost']}; in the ledger but not reported: "
          f"{checks['unreported']}")
    print(f"double custody (check-in of a held phone, hand-back of one not held): {checks['double']}; "
          f"held_phone differs from the ledger for {checks['held_mismatch']} phones")
    print(f"audit verify: exit {checks['verify_status']}")
    ok = not errors and checks["lost"] == checks["unreported"] == checks["double"] == checks["held_mismatch"] == 0 \
        and checks["verify_status"] == 0
    print("ALL CHECKS PASS" if ok else "CHECKS FAILED")
    note = f"{args.kiosks} kiosks x {args.scans} scans; checks {'pass' if ok else 'FAILED'}"
    figure("load_test", "time per scan, all kiosks at once (1 / scans per second)", [scan_wall / total * 1000],
           [floor_wall / len(floor) * 1000], backend="postgres", note=note)
    figure("load_test", "one scan's latency, all kiosks at once", [x * 1000 for x in latency],
           [x * 1000 for x in floor], backend="postgres", note=note)
    if held:
        figure("load_test", "the school's lock held per scan that took it (at the kiosk)", [x * 1000 for x in held],
               None, backend="postgres", note=f"no floor: {len(held)} of {total} scans took it; {note}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
