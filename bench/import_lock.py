"""How long a whole school's pupil import holds the write lock (no kiosk can record a scan meanwhile).

Three imports of a 3,000-pupil MIS export into a fresh SQLite database: the first (every pupil new), the same
file again (nothing changes), and September's (430 leave, 430 join, the rest move up a class). Each figure is one of
the import's write transactions, from BEGIN IMMEDIATE to COMMIT (the import writes in batches; the file is read and
the changes worked out before the first).

During the second and third, another kiosk (a process of its own: bench/other_kiosk.py) checks phones in and
hands them back, a scan every 50 ms: each scan's time beside the same kiosk's scans with nothing else running.

    .venv/bin/python bench/import_lock.py [--pupils 3000]
    .venv/bin/python bench/import_lock.py --small
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from db.core import COMMAND_LINE, open_database, plural, sqlite_url, upgrade
from db.people import import_pupils

sys.path.append(str(Path(__file__).resolve().parent.parent))

from bench.figures import add_common, figure  # noqa: E402
from bench.other_kiosk import OtherKiosk, afternoon_offset, offset_clock  # noqa: E402


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
            phones_for(database, range(100000 + leavers, 100000 + leavers + 40))
            scanning = OtherKiosk(database.url, offset)
            time.sleep(1.0 if args.small else 5.0)  # the floor
        else:
            scanning.window(name, started, ended)
    scanning.stop("import_lock", "sqlite")
    database.engine.dispose()
    return 0


def phones_for(database, adnos: range) -> None:
    """An office member of staff and phone tags for these pupils: what the other kiosk scans."""
    from db import tags
    from db.core.models import Staff
    from tagcodes import TagKind, new_code

    with database.writing() as session:
        session.add(Staff(code="OFF", first_name="Office", surname="Bench", role="office"))
        session.commit()
    for adno in adnos:
        tags.issue_phone_tag(database, str(adno), lambda: new_code(TagKind.PHONE), by=COMMAND_LINE)


if __name__ == "__main__":
    sys.exit(main())
