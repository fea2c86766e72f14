"""Finding a pupil by part of a name (the F3 box, `kiosk pupil find`): how long one search takes.

What it measures
    A SQLite file (or --db URL) with a large school's roll and its leavers (--pupils on roll, --leavers
    archived), their names from a list of the scripts and spellings schools meet, written through the ORM so
    each has its search key. N searches of one or two words, as staff type them (a part of a first name or
    surname, folded or as spelt), each ``db.people.find_pupils`` call timed with ``time.perf_counter_ns``:
    p50 and p99, and how many pupils each found.

The floor, measured in the same run
    The same SQL (every word a ``LIKE`` on the key, leavers skipped, twelve rows, in class and key order) on
    raw ``sqlite3`` over the same file, without the per-pupil summary (phone tag, walk-home, exceptions) that
    find_pupils reads for each row it shows. SQLite only; the query plan is printed too.

    .venv/bin/python bench/find_pupils.py                     # 2,000 on roll, 10,000 leavers, N=1000
    .venv/bin/python bench/find_pupils.py --db postgresql+psycopg://…/empty_database
    .venv/bin/python bench/find_pupils.py --small             # 60 on roll, 100 leavers, N=50: what the tests run
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from figures import add_common, figure, percentile

from db.core import COMMAND_LINE, name_key, open_database, search_words, sqlite_url, upgrade
from db.core.models import Pupil
from db.people import find_pupils

FIRST = ("Amira", "Zoë", "Chloé", "Siobhán", "Jan", "Małgorzata", "Ayşe", "İbrahim", "Minh", "Søren", "Niamh",
         "Kacper", "Wiktoria", "Chidi", "Aoife", "Mohammed", "Priya", "Oluwaseun", "Yusuf", "Ελένη", "Иван")
SURNAMES = ("Łaski", "Öztürk", "Çelik", "Đặng", "Nguyễn", "O’Brien", "Wiśniewski", "Işık", "Strauß", "Ærø",
            "Smith-Jones", "Khan", "Okafor", "Kowalski", "Zielińska", "Papadopoulou", "Петров", "O'Connor")
SQL = ("SELECT id FROM pupil WHERE left_at IS NULL {likes} ORDER BY class_name, search_key, id LIMIT 12")


def fill(url: str, on_roll: int, leavers: int, seed: int) -> None:
    database = open_database(url)
    upgrade(database)
    rng = random.Random(seed)
    with database.writing() as session:
        for n in range(on_roll + leavers):
            session.add(Pupil(adno=f"B{n:06d}", legal_first=rng.choice(FIRST), surname=rng.choice(SURNAMES),
                              year=n % 6 + 1, class_name=f"{n % 6 + 1}{'ABCDEFGH'[n // 6 % 8]}",
                              left_at=database.now() if n >= on_roll else None))
        session.commit()
    database.engine.dispose()


def typed(rng: random.Random) -> str:
    """One or two words as staff type them: part of a name, as spelt or as an English keyboard gives it."""
    words = []
    for names in rng.sample((FIRST, SURNAMES), rng.choice((1, 2))):
        name = rng.choice(names)
        name = name if rng.random() < 0.5 else name_key(name)
        start = rng.randrange(0, max(1, len(name) - 3))
        words.append(name[start:start + rng.randint(3, 6)])
    return " ".join(words)


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    ms = [s / 1e6 for s in samples_ns]
    return percentile(ms, 50), percentile(ms, 99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty database to fill (default: a new SQLite file)")
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--leavers", type=int, default=10000)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    add_common(parser)
    args = parser.parse_args()
    if args.small:
        args.pupils, args.leavers, args.n = 60, 100, 50
    url = args.db or sqlite_url(Path(tempfile.mkdtemp()) / "find.db")
    started = time.perf_counter()
    fill(url, args.pupils, args.leavers, args.seed)
    print(f"{args.pupils:,} pupils on roll, {args.leavers:,} leavers: filled in {time.perf_counter() - started:.1f} s")
    database = open_database(url)
    rng = random.Random(args.seed)
    queries = [typed(rng) for _ in range(args.n)]
    raw = sqlite3.connect(url.removeprefix("sqlite:///")) if database.is_sqlite else None
    ours, floor, found = [], [], []
    for text in queries:
        t0 = time.perf_counter_ns()
        found.append(len(find_pupils(database, text, by=COMMAND_LINE)))
        ours.append(time.perf_counter_ns() - t0)
        if raw:
            words = search_words(text)
            sql = SQL.format(likes=" ".join("AND search_key LIKE ?" for _ in words))
            t0 = time.perf_counter_ns()
            raw.execute(sql, [f"%{w}%" for w in words]).fetchall()
            floor.append(time.perf_counter_ns() - t0)
    p50, p99 = percentiles(ours)
    print(f"find_pupils   p50 {p50:.2f} ms  p99 {p99:.2f} ms  (N={args.n}, "
          f"pupils found p50 {statistics.median(found):.0f}, max {max(found)})")
    if raw:
        f50, f99 = percentiles(floor)
        print(f"floor (SQL)   p50 {f50:.2f} ms  p99 {f99:.2f} ms  ratio p50 {p50 / f50:.1f}×  p99 {p99 / f99:.1f}×")
        plan = raw.execute("EXPLAIN QUERY PLAN " + SQL.format(likes="AND search_key LIKE ?"), ["%a%"]).fetchall()
        print("plan:", "; ".join(row[-1] for row in plan))
    figure("find_pupils", f"find_pupils, one search ({args.pupils:,} on roll, {args.leavers:,} leavers)",
           [t / 1e6 for t in ours], [t / 1e6 for t in floor] or None, backend="sqlite" if raw else "postgres",
           note="floor: the same SQL on raw sqlite3, no per-pupil summary" if raw else "no floor on PostgreSQL")
    database.engine.dispose()


if __name__ == "__main__":
    main()
