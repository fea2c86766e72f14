"""One kiosk frozen holding the school's write lock: the scan latency every other kiosk sees (issue 14).

What it measures
    Three kiosks (threads of this process, each with its own engine and its own phone) scan at a steady
    pace, a pupil every --every seconds at each (6 scans a second in all, "a few a second at the busiest",
    db/core/chain.py), alternating phone_in and phone_out. A scan's latency is from the moment its pupil
    arrived to the kiosk's answer, so a queue behind a slow scan counts, as the pupils in it feel it.
    For each round a fourth kiosk process takes the school's write lock (``Database.transaction``, as a
    scan does) and is stopped with SIGSTOP, as a classroom PC that goes to sleep mid-scan; the three scan
    for --watch seconds; then the frozen kiosk is killed (its lock goes with its connection). Reported:
    p50, p99 and max, how many scans were "not saved", and how long the school was held up (from the
    freeze to the first scan saved after it).

    now     the limits in db/core/engine.py: a lock wait of PG_LOCK_WAIT_MS, and the server ending a write
            transaction idle for PG_IDLE_MS, which frees the lock
    before  as before issue 14: a lock wait of 15 s and no idle limit (the frozen kiosk's transaction sets
            idle_in_transaction_session_timeout to 0), so the lock stays taken while the kiosk sleeps

The floor, measured in the same run
    The same three kiosks at the same pace with no kiosk frozen, and bare psycopg INSERT + COMMIT round
    trips on the same server (the least a durable write costs here).

The server
    Without --url a throw-away cluster (tests/pg_cluster.py) with fsync on, removed afterwards; --url takes
    the URL of a user who may create databases (a database is made for the run and dropped).

    .venv/bin/python bench/frozen_kiosk.py                      # 3 rounds now, 1 round before
    .venv/bin/python bench/frozen_kiosk.py --rounds 5 --watch 20
    .venv/bin/python bench/frozen_kiosk.py --small              # one short freeze with the limits of now: seconds
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.pg_cluster, tests.conftest

from bench.figures import add_common, figure, percentile  # noqa: E402 - after the path above

FROZEN = r"""
import sys
from db.core import open_database
database = open_database(sys.argv[1], kiosk_name="sleeping-PC")
with database.transaction() as conn:
    if sys.argv[2] == "before":
        conn.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
    print("holding the lock", flush=True)
    sys.stdin.readline()
"""


def figures(seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"p50 {percentile(ms, 50):8.1f} ms  p99 {percentile(ms, 99):8.1f} ms  max {max(ms):8.1f} ms  (n={len(ms)})"


class Kiosk:
    """One kiosk and its pupil's phone: each scan checks it in if out, and hands it back if held."""

    def __init__(self, url: str, code: str, lock_wait_ms: int | None):
        from db.core import open_database

        # Home-time at midnight: every hand-back is after it, so none needs a reason.
        self.database = open_database(url, kiosk_name="office", home_time=clock_time(0, 0), lock_wait_ms=lock_wait_ms)
        self.code = code
        self.held = self.held_now()  # a round before may have left it in

    def held_now(self) -> bool:
        from db.core import COMMAND_LINE
        from db.phones import phones_held

        return self.code in {phone.code for phone in phones_held(self.database, by=COMMAND_LINE)}

    def scan(self) -> bool:
        from db.core import Fault, Refused
        from db.phones import phone_in, phone_out

        try:
            (phone_out if self.held else phone_in)(self.database, self.code, "MJO")
        except Fault:
            return False
        except Refused:  # "already held" / "not held": a scan that failed after its COMMIT had in fact saved it
            self.held = self.held_now()
            return False
        self.held = not self.held
        return True

    def paced(self, start: float, every: float, until: float, out: list) -> None:
        """Scan a pupil due every ``every`` s from ``start`` to ``until``: (from due to answer, saved, answered).

        A pupil still queued at ``until`` counts as not saved, with the wait so far (answered None)."""
        due = start
        while due < until and time.perf_counter() < until:
            time.sleep(max(0.0, due - time.perf_counter()))
            saved = self.scan()
            answered = time.perf_counter()
            out.append((answered - due, saved, answered))
            due += every
        while due < until:  # pupils still in the queue when the watch ended: waited that long at least
            out.append((until - due, False, None))
            due += every


def phase(kiosks: list[Kiosk], every: float, seconds: float) -> list[tuple[float, bool, float]]:
    start = time.perf_counter() + 0.05
    out: list = []
    threads = [threading.Thread(target=k.paced, args=(start + i * every / len(kiosks), every, start + seconds, out))
               for i, k in enumerate(kiosks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def round_frozen(url: str, kiosks: list[Kiosk], setting: str, every: float, watch: float):
    frozen = subprocess.Popen([sys.executable, "-c", FROZEN, url, setting], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert frozen.stdout.readline().strip() == "holding the lock"
    os.kill(frozen.pid, signal.SIGSTOP)
    frozen_at = time.perf_counter()
    scans = phase(kiosks, every, watch)
    frozen.kill()  # the lock goes with its connection
    frozen.wait()
    saved_at = [answered for _, saved, answered in scans if saved]  # answered is None only when not saved
    return scans, (min(saved_at) - frozen_at if saved_at else None)


def floor_round_trips(url: str, n: int) -> list[float]:
    import psycopg

    bare = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    bare.execute("CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, at timestamptz)")
    bare.commit()
    took = []
    for _ in range(n):
        began = time.perf_counter()
        bare.execute("INSERT INTO bench_floor (at) VALUES (now())")
        bare.commit()
        took.append(time.perf_counter() - began)
    bare.close()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="freezes with the limits of now (default 3)")
    parser.add_argument("--before-rounds", type=int, default=1, help="freezes with the limits of before (default 1)")
    parser.add_argument("--watch", type=float, default=15.0, help="seconds of scanning after each freeze")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between pupils at each kiosk")
    parser.add_argument("--quiet", type=float, default=15.0, help="seconds of scanning with no kiosk frozen")
    parser.add_argument("--n", type=int, default=300, help="bare round trips for the floor")
    add_common(parser, postgres=True)
    args = parser.parse_args()
    if args.small:
        args.rounds, args.before_rounds, args.watch, args.quiet, args.n = 1, 0, 3.0, 2.0, 30

    from sqlalchemy import create_engine, text

    from db.core import open_database, upgrade
    from db.core.engine import PG_IDLE_MS, PG_LOCK_WAIT_MS
    from tests import pg_cluster
    from tests.conftest import SmallSchool

    cluster = None
    server = args.url
    if server is None:
        cluster = pg_cluster.start(durable=True)
        server = cluster.url()
    name = f"frozen_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = f"{server.rpartition('/')[0]}/{name}"
    try:
        setup = open_database(url, kiosk_name="setup")
        upgrade(setup)
        school = SmallSchool(setup)
        setup.engine.dispose()
        codes = [school.walker, school.year6_no_permit, school.year4]  # one phone per kiosk
        print(f"PostgreSQL {'throw-away cluster' if cluster else server}; load average "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"limits now: lock wait {PG_LOCK_WAIT_MS} ms, idle write transaction ended after {PG_IDLE_MS} ms")

        now = [Kiosk(url, code, None) for code in codes]
        floor = floor_round_trips(url, args.n)
        quiet = phase(now, args.every, args.quiet)
        print(f"floor: bare INSERT+COMMIT         {figures(floor)}")
        print(f"3 kiosks, none frozen            {figures([took for took, _, _ in quiet])}; "
              f"not saved {sum(not saved for _, saved, _ in quiet)}")
        floor_ms = [x * 1000 for x in floor]
        figure("frozen_kiosk", "scan, 3 kiosks, none frozen", [took * 1000 for took, _, _ in quiet], floor_ms,
               backend="postgres", note=f"not saved {sum(not saved for _, saved, _ in quiet)}")
        for setting, rounds, wait in (("now", args.rounds, None), ("before", args.before_rounds, 15000)):
            if not rounds:
                continue
            kiosks = now if wait is None else [Kiosk(url, code, wait) for code in codes]
            scans, held = [], []
            for _ in range(rounds):
                took, held_up = round_frozen(url, kiosks, setting, args.every, args.watch)
                scans += took
                held.append("never" if held_up is None else f"{held_up:.1f} s")
            print(f"3 kiosks, one frozen ({setting:6})  {figures([took for took, _, _ in scans])}; "
                  f"not saved {sum(not saved for _, saved, _ in scans)}; "
                  f"school held up per freeze: {', '.join(held)} (watched {args.watch:.0f} s)")
            figure("frozen_kiosk", f"scan, 3 kiosks, one frozen ({setting})", [took * 1000 for took, _, _ in scans],
                       floor_ms, backend="postgres", note=f"not saved {sum(not saved for _, saved, _ in scans)}; "
                       f"held up per freeze: {', '.join(held)}")
            for kiosk in kiosks:
                kiosk.database.engine.dispose()
        return 0
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
