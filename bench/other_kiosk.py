"""Another kiosk scanning while a long write runs (bench/purge.py, bench/import_lock.py): a process of its own with
its own connection, checking phones in and handing them back, a scan every 50 ms, each timed.

    kiosk = OtherKiosk(url, offset_s)     # starts it; its scans from here on are the floor until the first window
    started = time.time(); ...; kiosk.window("the purge", started, time.time())
    kiosk.stop(bench="purge", backend="sqlite")   # one figure per window, beside the floor

Both processes run on the real clock moved to this afternoon after home-time (``offset_clock``), so a hand-back
needs no reason and the records' times stay in order.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PACE_S = 0.05  # between one scan and the next


def offset_clock(offset_s: float):
    """The real time moved to this afternoon after home-time, so hand-backs need no reason (both processes)."""
    return lambda: dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset_s)


def afternoon_offset() -> float:
    now = dt.datetime.now(dt.timezone.utc)
    target = dt.datetime.combine(now.date(), dt.time(16, 30), dt.timezone.utc)
    return (target - now).total_seconds()


def scanner(url: str, offset_s: float, stop_file: Path) -> None:
    """Scan pairs until stop_file appears; print one JSON line per scan (wall time, seconds taken, refused)."""
    import sqlalchemy as sa

    import db.core.tables as tables
    from db.core import Fault, open_database
    from db.phones import phone_in, phone_out

    database = open_database(url, clock=offset_clock(offset_s), kiosk_name="other-kiosk")
    staff, pupil, tag = tables.staff, tables.pupil, tables.tag
    with database.engine.connect() as conn:
        office = conn.execute(sa.select(staff.c.code).where(staff.c.role == "office")
                              .order_by(staff.c.id.desc())).scalar()
        on_roll = sa.select(tag.c.code).join(pupil, pupil.c.id == tag.c.pupil_id).where(
            tag.c.kind == "phone", pupil.c.left_at.is_(None), tag.c.retired_at.is_(None)).order_by(tag.c.code)
        # The walkers' phones; in a school with no walk-home permission (bench/import_lock.py's) any phone on roll.
        codes = list(conn.execute(on_roll.where(pupil.c.walk_home)).scalars()) or list(conn.execute(on_roll).scalars())
    rng = random.Random(15)
    while not stop_file.exists():
        code = rng.choice(codes)
        for scan in (phone_in, phone_out):
            started, wall = time.perf_counter(), time.time()
            refused = False
            try:
                scan(database, code, office)
            except Fault:
                refused = True
            print(json.dumps([wall, time.perf_counter() - started, refused]), flush=True)
            if refused:
                break
            time.sleep(PACE_S)
    database.engine.dispose()


class OtherKiosk:
    """The scanner running in a child process, its lines gathered as they come."""

    def __init__(self, url: str, offset_s: float):
        self.stop_file = Path(tempfile.mkdtemp()) / "stop"
        self.child = subprocess.Popen([sys.executable, __file__, url, str(offset_s), str(self.stop_file)],
                                      stdout=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.child.stdout), daemon=True)
        self.reader.start()
        while len(self.lines) < 4 and self.child.poll() is None:  # its start-up: its first scans warm its caches
            time.sleep(0.1)
        self.started = time.time()
        self.windows: list[tuple[str, float, float]] = []

    def window(self, name: str, started: float, ended: float) -> None:
        """A long write ran from ``started`` to ``ended`` (time.time()): its scans are reported as ``name``."""
        self.windows.append((name, started, ended))

    def stop(self, bench: str, backend: str) -> list[float]:
        """Stop scanning; one figure per window, beside the floor (the scans before the first window, in ms: returned
        for a figure of the caller's own)."""
        from bench.figures import figure  # here: the child, run as a script, never reports

        time.sleep(0.5)
        self.stop_file.touch()
        self.child.wait(timeout=60)
        self.reader.join(timeout=10)
        samples = [json.loads(line) for line in self.lines if line.startswith("[")]
        first = min((started for _, started, _ in self.windows), default=time.time())
        floor = [s[1] * 1000 for s in samples if self.started <= s[0] < first]
        for name, started, ended in [("nothing else (the floor's own run)", self.started, first), *self.windows]:
            scans = [s for s in samples if started <= s[0] < ended]
            if not scans:  # it ended before the other kiosk's next scan (a small mode's quick write)
                print(f"a scan from another kiosk during {name} [{backend}]: none happened while it ran")
                continue
            taken = [s[1] * 1000 for s in scans]
            figure(bench, f"a scan from another kiosk during {name}", taken, floor, backend=backend,
                   note=f"max {max(taken):.0f} ms, {sum(1 for s in scans if s[2])} of {len(scans)} refused as busy")
        return floor


if __name__ == "__main__":  # the child: URL OFFSET STOP_FILE
    scanner(sys.argv[1], float(sys.argv[2]), Path(sys.argv[3]))
