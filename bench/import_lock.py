"""How long a whole school's pupil import holds the write lock (no kiosk can record a scan meanwhile).

Three imports of a 3,000-pupil MIS export into a fresh SQLite database: the first (every pupil new), the same
file again (nothing changes), and September's (430 leave, 430 join, the rest move up a class). Each figure is one of
the import's write transactions, from BEGIN IMMEDIATE to COMMIT (the import writes in batches; the file is read and
the changes worked out before the first).

During the second and third, another kiosk (a process of its own: bench/purge.py's scanner) checks phones in and
hands them back, a scan every 50 ms: each scan's time beside the same kiosk's scans with nothing else running.

    .venv/bin/python bench/import_lock.py [--pupils 3000]
    .venv/bin/python bench/import_lock.py --small
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from db.core import COMMAND_LINE, open_database, plural, sqlite_url, upgrade
from db.people import import_pupils

sys.path.append(str(Path(__file__).resolve().parent.parent))

from bench.figures import add_common, figure  # noqa: E402
from bench.purge import afternoon_offset, offset_clock  # noqa: E402


def roll(folder: Path, pupils: int, shift: int, rng: random.Random) -> Path:
    """An MIS export: pupils ``shift`` to ``shift + pupils``, Years 1 to 6, four classes a year."""
    lines = ["First Name,Preferred Name,Surname,Year,Class,Adno"]
    for i in range(shift, shift + pupils):
        year = i % 6 + 1
        lines.append(f"Name{i},,Surname{rng.randint(0, 999)},{year},{year}{'ABCD'[i // 6 % 4]},{100000 + i}")
    path = folder / f"roll-{shift}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common(parser)
    parser.add_argument("--pupils", type=int, default=3000)
    args = parser.parse_args()
    pupils = 100 if args.small else args.pupils
    folder = Path(tempfile.mkdtemp())
    offset = afternoon_offset()  # the other kiosk hands back after home-time: both on that clock
    database = open_database(sqlite_url(folder / "kiosk.db"), clock=offset_clock(offset))
    upgrade(database)
    held: list[float] = []
    writing = database.writing

    @contextmanager
    def timed():
        started = time.perf_counter()
        with writing() as session:
            yield session
        held.append(time.perf_counter() - started)

    database.writing = timed
    rng = random.Random(15)
    leavers = round(pupils * 0.143)  # 430 of 3,000: a Year 6 leaving, a Reception joining
    scanning = None
    for name, path in ((f"the first import of {pupils:,} pupils", roll(folder, pupils, 0, rng)),
                       ("the same file again", roll(folder, pupils, 0, random.Random(15))),
                       (f"September: {leavers} leave, {leavers} join", roll(folder, pupils, leavers, rng))):
        before = len(held)
        started = time.time()
        report = import_pupils(database, path, by=COMMAND_LINE, archive_many=True)
        ended = time.time()
        mine = held[before:]
        figure("import_lock", f"write lock held by {name}, per transaction", [x * 1000 for x in mine], None,
               note=f"{report.added} added, {report.updated} updated, {report.archived} archived; "
                    f"{plural(len(mine), 'transaction')}, the longest {max(mine) * 1000:,.0f} ms, "
                    f"{sum(mine):.2f} s in all; "
                    "no floor: the rule is under 1,000 ms")
        if scanning is None:  # after the first import: another kiosk scanning phones of pupils who stay
            scanning = OtherKiosk(database, folder, range(leavers, leavers + 40), offset,
                                  quiet_s=1.0 if args.small else 5.0)
        else:
            scanning.during(name, started, ended)
    scanning.stop()
    database.engine.dispose()
    return 0


class OtherKiosk:
    """bench/purge.py's scanner (another process, another connection) on phones this sets up; its scans before the
    first measured import are the floor."""

    def __init__(self, database, folder: Path, pupils: range, offset: float, quiet_s: float):
        from db import tags
        from db.core.models import Staff
        from tagcodes import TagKind, new_code

        with database.writing() as session:
            session.add(Staff(code="OFF", first_name="Office", surname="Bench", role="office"))
            session.commit()
        for i in pupils:
            tags.issue_phone_tag(database, str(100000 + i), lambda: new_code(TagKind.PHONE), by=COMMAND_LINE)
        self.stop_file = folder / "stop"
        self.child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("purge.py")), "--scanner",
                                       str(database.engine.url), "--offset", str(offset), "--stop",
                                       str(self.stop_file)], stdout=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.child.stdout), daemon=True)
        self.reader.start()
        while len(self.lines) < 4 and self.child.poll() is None:  # its start-up
            time.sleep(0.1)
        started = time.time()
        time.sleep(quiet_s)
        self.floor = [s for s in self.samples() if s[0] >= started]
        self.windows: list[tuple[str, float, float]] = []

    def samples(self) -> list[list]:
        return [json.loads(line) for line in list(self.lines) if line.startswith("[")]

    def during(self, name: str, started: float, ended: float) -> None:
        self.windows.append((name, started, ended))

    def stop(self) -> None:
        time.sleep(0.2)
        self.stop_file.touch()
        self.child.wait(timeout=60)
        self.reader.join(timeout=10)
        samples = self.samples()
        floor = [s[1] * 1000 for s in self.floor]
        for name, started, ended in self.windows:
            scans = [s for s in samples if started <= s[0] < ended]
            if not scans:
                print(f"a scan from another kiosk during {name}: none happened while it ran")
                continue
            taken = [s[1] * 1000 for s in scans]
            figure("import_lock", f"a scan from another kiosk during {name}", taken, floor,
                   note=f"max {max(taken):.0f} ms, {sum(1 for s in scans if s[2])} of {len(scans)} refused as busy; "
                        "floor: the same kiosk's scans with nothing else running")


if __name__ == "__main__":
    sys.exit(main())
