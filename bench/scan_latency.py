"""Scan latency on a large ledger: how long one check-in and one hand-back take.

What it measures
    On a SQLite file the size of a large trust's five school years (about
    1,000,000 ledger rows over 950 school days, 3,000 pupils with phone tags),
    N iterations of ``db.phones.phone_in`` then ``db.phones.phone_out`` for a
    random phone (three in four a Year 6 walker's, to the class cupboard; the
    rest to the office with a parents-to-tell task), each call timed with
    ``time.perf_counter_ns``: p50 and p99 for phone_in, phone_out and the pair.
    The kiosk's clock is after home-time, so no reason is needed to hand back.

The floor, measured in the same run
    Raw ``sqlite3`` on its own connection to the same file with the production
    pragmas (WAL, synchronous=FULL, foreign_keys=ON, BEGIN IMMEDIATE): one
    SELECT by primary key (the ledger's head row) + one INSERT (a chained
    ledger row, so the hash chain stays valid) + COMMIT: the least a durable,
    chained scan can cost on this disk. The floor and our calls alternate in
    blocks of 25, so both meet the same WAL growth, checkpoints and load.

Targets
    p99 <= 10 ms per call (20 ms per pair) and p99 <= 3x the floor's p99.
    The p50 ratio is printed too: it is the steadier of the two.

Afterwards it splits the time between SQLite and Python (statement and COMMIT
time through SQLAlchemy's events, and the steps of phone_in/phone_out);
--profile adds cProfile tables.

The database is built once per size under bench/out/ (or --dir) and reused;
each run appends a few thousand rows to it. The build is one ``executemany``
transaction with the hash chain computed exactly as ``db.core.row_hash`` does;
the whole chain is rechecked after the build (and with --verify-full), and the
real ``row_hash`` is compared on sampled rows and on every row a run adds.

    .venv/bin/python bench/scan_latency.py              # N=500, 1M rows
    .venv/bin/python bench/scan_latency.py --small      # a tiny ledger built in a temp folder: seconds
    .venv/bin/python bench/scan_latency.py --n 2000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import json
import math
import os
import platform
import pstats
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench.figures

from bench.figures import add_common, figure  # noqa: E402 - after the path above
from db.core import GENESIS, HEAD_REVISION, open_database, pupil_search_key, row_hash, sqlite_url, upgrade
from db.core.models import LedgerEntry
from db.phones import phone_in, phone_out
from tagcodes import TagKind, new_code

UTC = dt.timezone.utc
LONDON = ZoneInfo("Europe/London")
BUILD_VERSION = 1  # bump when the generated data changes shape
TARGET_P99_MS = 10.0
TARGET_RATIO = 3.0
# Friday 20 November 2026, 16:00 in London: after home-time, so no reason is needed.
BENCH_START = dt.datetime(2026, 11, 20, 16, 0, tzinfo=LONDON)

FIRST = ("Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Freya", "Arthur", "Ivy", "Leo", "Sophia",
         "Muhammad", "Lily", "Harry", "Grace", "Oscar", "Mia", "Jack", "Poppy", "Theo", "Aisha", "Zainab",
         "Kacper", "Maja", "Chidi", "Amara", "Ruby", "Alfie", "Evie", "Finley")
SURNAMES = ("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
            "Roberts", "Robinson", "Khan", "Ahmed", "Patel", "Nowak", "Okafor", "Walker", "Wright", "Hughes",
            "Green", "Hall", "Wood", "Clarke", "Lewis", "Harris", "Jackson", "Turner", "Hill", "Moore")


# --- statistics ---------------------------------------------------------------

def pct(sorted_ns: list[int], p: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    rank = max(1, math.ceil(p / 100 * len(sorted_ns)))
    return sorted_ns[rank - 1] / 1e6


def stats(samples: list[int]) -> tuple[float, float, float]:
    s = sorted(samples)
    return pct(s, 50), pct(s, 99), s[-1] / 1e6


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def load_average() -> str:
    """Other work on the machine moves every figure: print it beside them."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


# --- the hash chain, exactly as db.core.row_hash computes it -----------------

def chain_hash(row: tuple) -> str:
    """``row_hash`` for a raw row (id, at_utc_aware, kiosk, staff, action, tag, pupil, from, to, detail, voids,
    prev)."""
    content = {"id": row[0], "at": row[1].isoformat(), "kiosk": row[2], "staff_id": row[3], "action": row[4],
               "tag_code": row[5], "pupil_id": row[6], "from": row[7], "to": row[8], "detail": row[9],
               "voids": row[10], "prev": row[11]}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def stored_at(moment: dt.datetime) -> str:
    """What UtcTime (SQLAlchemy DateTime on SQLite) writes: naive UTC text, always with microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def parse_stored_at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- building the big database -------------------------------------------------

def school_days(count: int, last: dt.date) -> list[dt.date]:
    """``count`` English school days ending on ``last``: weekdays outside the usual holidays."""
    def holiday(d: dt.date) -> bool:
        m, day = d.month, d.day
        return (m == 8 or (m == 7 and day > 21) or (m == 9 and day < 3) or (m == 12 and day > 20)
                or (m == 1 and day < 4) or (m == 4 and day < 15) or (m == 10 and day > 24)
                or (m == 2 and 12 < day < 20) or (m == 5 and day > 25) or (m == 6 and day < 2))
    days, d = [], last
    while len(days) < count:
        if d.weekday() < 5 and not holiday(d):
            days.append(d)
        d -= dt.timedelta(days=1)
    return days[::-1]


class Builder:
    """Generates a plausible five-year history and bulk-inserts it with a valid chain."""

    def __init__(self, rows: int, pupils: int, days: int, seed: int):
        self.target_rows, self.n_pupils, self.n_days = rows, pupils, days
        self.rng = random.Random(seed)
        self.ledger: list[tuple] = []
        self.prev = GENESIS
        self.parent_tasks: list[tuple] = []

    def add(self, at: dt.datetime, kiosk: str, staff_id, action: str, tag=None, pupil=None, frm=None, to=None,
            detail: str = "{}") -> int:
        ident = len(self.ledger) + 1
        raw = (ident, at, kiosk, staff_id, action, tag, pupil, frm, to, detail, None, self.prev)
        h = chain_hash(raw)
        self.ledger.append((ident, stored_at(at), kiosk, staff_id, action, tag, pupil, frm, to, detail, None,
                            self.prev, h))
        self.prev = h
        return ident

    def generate(self):
        rng = self.rng
        days = school_days(self.n_days, BENCH_START.date() - dt.timedelta(days=1))
        start = dt.datetime.combine(days[0], dt.time(7, 30), LONDON).astimezone(UTC)
        years = list(range(0, 7))  # Reception to Year 6
        per_year = math.ceil(self.n_pupils / len(years))
        classes_per_year = max(1, math.ceil(per_year / 30))
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"[:classes_per_year]

        # Staff: a teacher per class, five office staff, one head (slt).
        staff = []
        for y in years:
            for letter in letters:
                staff.append((f"T{y}{letter}", rng.choice(FIRST), rng.choice(SURNAMES), "teacher", f"{y}{letter}"))
        staff += [(f"OFF{i}", rng.choice(FIRST), rng.choice(SURNAMES), "office", None) for i in range(1, 6)]
        staff.append(("HEAD", rng.choice(FIRST), rng.choice(SURNAMES), "slt", None))
        self.staff = [(i + 1, *s) for i, s in enumerate(staff)]
        teacher_of = {s[5]: s[0] for s in self.staff if s[4] == "teacher"}
        office_staff = [s[0] for s in self.staff if s[4] == "office"]

        # Locations: the office and a cupboard per Year 6 class.
        self.locations = [(1, "Office", "office", None)]
        cupboard = {}
        for letter in letters:
            cupboard[f"6{letter}"] = len(self.locations) + 1
            self.locations.append((cupboard[f"6{letter}"], f"6{letter} cupboard", "cupboard", f"6{letter}"))

        # Pupils, with a phone tag each; about 80% of Year 6 may walk home alone.
        self.pupils, self.tags = [], []
        codes = set()
        walkers, others = [], []
        first_office = office_staff[0]
        self.add(start, "office-pc", None, "import_pupils",
                 detail=json.dumps({"added": self.n_pupils, "updated": 0, "archived": 0}, sort_keys=True))
        for i in range(self.n_pupils):
            pid = i + 1
            year = years[i % len(years)]
            class_name = f"{year}{letters[(i // len(years)) % classes_per_year]}"
            walk = year == 6 and rng.random() < 0.8
            code = new_code(TagKind.PHONE)
            while code in codes:
                code = new_code(TagKind.PHONE)
            codes.add(code)
            first, surname = rng.choice(FIRST), rng.choice(SURNAMES)
            self.pupils.append((pid, None, f"A{100000 + pid}", first, None, surname,
                                year, class_name, walk, first_office if walk else None,
                                stored_at(start) if walk else None, None, pupil_search_key(first, None, surname)))
            self.tags.append((code, "phone", pid, None, None, None, "black pouch", stored_at(start), None))
            (walkers if walk else others).append((code, pid, class_name))
        t = start
        for code, pid, _ in walkers + others:
            t += dt.timedelta(milliseconds=rng.randint(200, 2000))
            self.add(t, "office-pc", None, "tag_issued", tag=code, pupil=pid,
                     detail=json.dumps({"kind": "phone", "replaces": []}, sort_keys=True, ensure_ascii=False))
        for _code, pid, _ in walkers:
            t += dt.timedelta(milliseconds=rng.randint(500, 5000))
            self.add(t, "office-pc", first_office, "walk_home_permitted", pupil=pid)

        # Each day: phones in (08:25-08:55), the cupboards locked, parents told, phones back (15:15-15:40).
        setup_rows = len(self.ledger)
        y6_classes = len(letters)
        per_day = max(0.0, (self.target_rows - setup_rows) / len(days))
        checkins = max(1, round((per_day - y6_classes) / 2.25))  # 2 rows each, a quarter also "parents told"
        to_cupboard = min(len(walkers), round(checkins * 0.75))
        to_office = min(len(others), checkins - to_cupboard)
        task_id = 0
        for day in days:
            def at(h, m, spread_s, day=day):
                local = dt.datetime.combine(day, dt.time(h, m), LONDON) + dt.timedelta(
                    seconds=rng.uniform(0, spread_s))
                return local.astimezone(UTC)
            events = []  # (utc time, kind, payload)
            today_walkers = rng.sample(walkers, min(len(walkers), max(0, to_cupboard + rng.randint(-10, 10))))
            today_office = rng.sample(others, min(len(others), max(0, to_office + rng.randint(-8, 8))))
            for code, pid, class_name in today_walkers:
                events.append((at(8, 25, 1800), "in", (code, pid, cupboard[class_name], teacher_of[class_name])))
                if rng.random() < 0.02:
                    events.append((at(13, 0, 7200), "out", (code, pid, cupboard[class_name],
                                                             teacher_of[class_name], "dentist appointment")))
                else:
                    events.append((at(15, 15, 1500), "out", (code, pid, cupboard[class_name],
                                                             teacher_of[class_name], None)))
            for class_name in {c for _, _, c in today_walkers}:
                events.append((at(9, 0, 600), "locked", (cupboard[class_name], teacher_of[class_name])))
            for code, pid, _ in today_office:
                who = rng.choice(office_staff)
                events.append((at(8, 25, 1800), "in_office", (code, pid, who)))
                events.append((at(10, 0, 7200), "told", (code, pid, rng.choice(office_staff))))
                events.append((at(15, 15, 1500), "out", (code, pid, 1, who, None)))
            events.sort(key=lambda e: e[0])
            held_count: dict[int, int] = {}
            open_task: dict[int, int] = {}
            for moment, kind, p in events:
                if kind == "in":
                    code, pid, loc, who = p
                    self.add(moment, "y6-kiosk", who, "phone_in", code, pid, to=loc)
                    held_count[loc] = held_count.get(loc, 0) + 1
                elif kind == "in_office":
                    code, pid, who = p
                    ident = self.add(moment, "office-pc", who, "phone_in", code, pid, to=1)
                    task_id += 1
                    open_task[pid] = task_id
                    self.parent_tasks.append([task_id, pid, code,
                                              "only Year 6 pupils who walk home alone may bring a phone",
                                              stored_at(moment), ident, None, None, None])
                elif kind == "locked":
                    loc, who = p
                    self.add(moment, "y6-kiosk", who, "cupboard_locked", to=loc,
                             detail=json.dumps({"phones": held_count.get(loc, 0)}, sort_keys=True))
                elif kind == "told":
                    code, pid, who = p
                    how = "phoned parent"
                    tid = open_task.pop(pid)
                    self.add(moment, "office-pc", who, "parents_told", pupil=pid,
                             detail=json.dumps({"how": how, "tasks": [tid]}, sort_keys=True, ensure_ascii=False))
                    task = self.parent_tasks[tid - 1]
                    task[6], task[7], task[8] = stored_at(moment), who, how
                else:
                    code, pid, loc, who, reason = p
                    self.add(moment, "office-pc" if loc == 1 else "y6-kiosk", who, "phone_out", code, pid, frm=loc,
                             detail=json.dumps({"to": None, "reason": reason}, sort_keys=True, ensure_ascii=False))
        self.days = len(days)

    def write(self, path: Path) -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        # The file is a scratch copy renamed into place only when complete, so the build may skip the journal.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA cache_size=-1000000")  # 1 GB: the random-order hash index stays in memory
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO staff (id, code, first_name, surname, role, class_name, pin_hash, left_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)", self.staff)
        conn.executemany("INSERT INTO location (id, name, kind, class_name) VALUES (?, ?, ?, ?)", self.locations)
        conn.executemany("INSERT INTO pupil (id, upn, adno, legal_first, preferred_first, surname, year, class_name, "
                         "walk_home, walk_home_by_id, walk_home_at, left_at, search_key) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", self.pupils)
        conn.executemany("INSERT INTO tag (code, kind, pupil_id, staff_id, location_id, asset, description, issued_at, "
                         "retired_at) VALUES (?,?,?,?,?,?,?,?,?)", self.tags)
        conn.executemany("INSERT INTO ledger_entry (id, at, kiosk, staff_id, action, tag_code, pupil_id, "
                         "from_location_id, to_location_id, detail, voids_id, prev_hash, hash) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", self.ledger)
        conn.executemany("INSERT INTO parent_task (id, pupil_id, tag_code, reason, opened_at, opened_ledger_id, "
                         "told_at, told_by_id, how) VALUES (?,?,?,?,?,?,?,?,?)", self.parent_tasks)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()


def build(path: Path, rows: int, pupils: int, days: int, seed: int) -> dict:
    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    t0 = time.perf_counter()
    database = open_database(sqlite_url(tmp))
    upgrade(database)
    database.engine.dispose()
    builder = Builder(rows, pupils, days, seed)
    builder.generate()
    t1 = time.perf_counter()
    builder.write(tmp)
    t2 = time.perf_counter()
    meta = {"version": BUILD_VERSION, "rows": len(builder.ledger), "pupils": pupils, "school_days": builder.days,
            "parent_tasks": len(builder.parent_tasks), "seed": seed, "generate_s": round(t1 - t0, 1),
            "insert_s": round(t2 - t1, 1), "built": dt.datetime.now().isoformat(timespec="seconds")}
    os.replace(tmp, path)
    return meta


# --- checking the chain ---------------------------------------------------------

def check_chain_raw(path: Path, from_id: int = 1) -> int:
    """Recompute every hash from ``from_id`` on (the replica of row_hash) and check each prev link."""
    conn = sqlite3.connect(path)
    prev = GENESIS
    if from_id > 1:
        prev = conn.execute("SELECT hash FROM ledger_entry WHERE id = ?", (from_id - 1,)).fetchone()[0]
    count, expect_id = 0, from_id
    for row in conn.execute("SELECT id, at, kiosk, staff_id, action, tag_code, pupil_id, from_location_id, "
                            "to_location_id, detail, voids_id, prev_hash, hash FROM ledger_entry WHERE id >= ? "
                            "ORDER BY id", (from_id,)):
        if row[0] != expect_id or row[11] != prev:
            raise SystemExit(f"chain broken at ledger row {row[0]}")
        if chain_hash((row[0], parse_stored_at(row[1]), *row[2:12])) != row[12]:
            raise SystemExit(f"hash mismatch at ledger row {row[0]}")
        prev, expect_id, count = row[12], expect_id + 1, count + 1
    conn.close()
    return count


def check_chain_orm(url: str, ids: list[int]) -> int:
    """The real ``db.core.row_hash`` on ORM-loaded rows: proves the replica above is exact."""
    database = open_database(url)
    with database.reading() as session:
        entries = session.exec(select(LedgerEntry).where(LedgerEntry.id.in_(ids))).all()
    database.engine.dispose()
    for entry in entries:
        if row_hash(entry.model_dump()) != entry.hash:
            raise SystemExit(f"row_hash disagrees at ledger row {entry.id}")
    return len(entries)


# --- measuring ---------------------------------------------------------------------

class StepClock:
    """After home-time, moving on 3 ms a call, so every row gets its own time."""

    def __init__(self, start: dt.datetime):
        self.moment = start.astimezone(UTC)

    def __call__(self) -> dt.datetime:
        self.moment += dt.timedelta(milliseconds=3)
        return self.moment


class FloorWriter:
    """The floor: raw sqlite3, production pragmas, SELECT head by primary key + INSERT chained row + COMMIT."""

    def __init__(self, path: Path, clock: StepClock):
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=15)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=15000"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.clock = clock

    def write(self, staff_id: int, code: str, pupil_id: int) -> None:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        last_id, prev = conn.execute("SELECT id, hash FROM ledger_entry ORDER BY id DESC LIMIT 1").fetchone()
        now = self.clock()
        raw = (last_id + 1, now, "bench-floor", staff_id, "bench_floor", code, pupil_id, None, 1, "{}", None, prev)
        conn.execute("INSERT INTO ledger_entry (id, at, kiosk, staff_id, action, tag_code, pupil_id, from_location_id, "
                     "to_location_id, detail, voids_id, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     (*raw[:1], stored_at(now), *raw[2:], chain_hash(raw)))
        conn.execute("COMMIT")


def pick_codes(path: Path, n: int, seed: int) -> tuple[list[tuple[str, int]], str, int]:
    """N random phone tags (three in four from Year 6 walkers, as in the history) and a teacher's code."""
    conn = sqlite3.connect(path)
    if conn.execute("SELECT count(*) FROM held_phone").fetchone()[0]:
        conn.close()
        raise SystemExit("phones are still held in the bench database (an interrupted run?): delete it and rebuild")
    walkers = conn.execute("SELECT t.code, t.pupil_id FROM tag t JOIN pupil p ON p.id = t.pupil_id "
                           "WHERE t.kind = 'phone' AND t.retired_at IS NULL AND p.walk_home").fetchall()
    others = conn.execute("SELECT t.code, t.pupil_id FROM tag t JOIN pupil p ON p.id = t.pupil_id "
                          "WHERE t.kind = 'phone' AND t.retired_at IS NULL AND NOT p.walk_home").fetchall()
    # The office may check in and hand back any class's phone at any time, so one member of staff does every scan.
    staff_code, staff_id = conn.execute("SELECT code, id FROM staff WHERE role = 'office' "
                                        "ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    rng = random.Random(seed)
    return [rng.choice(walkers) if rng.random() < 0.75 else rng.choice(others) for _ in range(n)], staff_code, staff_id


class SqlTimer:
    """Time spent inside SQLite (statements and COMMIT) while a call runs, and how many statements."""

    def __init__(self, engine):
        self.ns = 0
        self.statements = 0
        self._t = 0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        dialect = engine.dialect
        plain_commit = dialect.do_commit

        def timed_commit(dbapi_connection):
            t = time.perf_counter_ns()
            plain_commit(dbapi_connection)
            self.ns += time.perf_counter_ns() - t
            self.statements += 1
        dialect.do_commit = timed_commit  # instance attribute: only this engine

    def _before(self, *_args):
        self._t = time.perf_counter_ns()

    def _after(self, *_args):
        self.ns += time.perf_counter_ns() - self._t
        self.statements += 1


class StepTimer:
    """Times the steps phone_in/phone_out call (wrapped in this process only, restored afterwards)."""

    STEPS = ("find_staff", "_scan_row", "_under_lock", "cupboard_for", "office", "next_entry", "_handing_back",
             "_hold", "append")

    def __init__(self):
        from sqlmodel import Session

        from db.phones import custody

        self.ns: dict[str, int] = {}
        self._saved = []
        for name in self.STEPS:
            if hasattr(custody, name):
                self._wrap(custody, name, name)
        self._wrap(Session, "commit", "session.commit (flush + COMMIT)")

    def _wrap(self, owner, attr, label):
        plain = getattr(owner, attr)
        self._saved.append((owner, attr, plain))

        def timed(*args, **kwargs):
            t = time.perf_counter_ns()
            try:
                return plain(*args, **kwargs)
            finally:
                self.ns[label] = self.ns.get(label, 0) + time.perf_counter_ns() - t
        setattr(owner, attr, timed)

    def restore(self):
        for owner, attr, plain in reversed(self._saved):
            setattr(owner, attr, plain)


def measure(path: Path, n: int, warmup: int, block: int, seed: int, *, profile: bool, breakdown: bool) -> dict:
    """Our calls and the floor in alternating blocks: both see the same WAL growth and checkpoints,
    while each connection's page cache is not invalidated by the other on every single write."""
    url = sqlite_url(path)
    # After the newest record (a reused database holds the last run's rows): an earlier time is a wrong clock.
    newest = parse_stored_at(sqlite3.connect(path).execute("SELECT at FROM ledger_entry ORDER BY id DESC LIMIT 1")
                             .fetchone()[0])
    start = max(BENCH_START, newest + dt.timedelta(seconds=1)).astimezone(LONDON)
    if start.time() < BENCH_START.time():  # runs before pushed it past midnight: back after home-time that day
        start = start.replace(hour=BENCH_START.hour, minute=0, second=0, microsecond=0)
    clock = StepClock(start)
    picks, staff_code, staff_id = pick_codes(path, warmup + n, seed)
    database = open_database(url, clock=clock, kiosk_name="bench-kiosk")
    floor = FloorWriter(path, clock)
    first_id = sqlite3.connect(path).execute("SELECT max(id) FROM ledger_entry").fetchone()[0] + 1

    t = time.perf_counter_ns()
    phone_in(database, picks[0][0], staff_code)
    first_in = time.perf_counter_ns() - t
    t = time.perf_counter_ns()
    phone_out(database, picks[0][0], staff_code)
    first_out = time.perf_counter_ns() - t
    for code, pupil_id in picks[1:warmup]:
        phone_in(database, code, staff_code)
        phone_out(database, code, staff_code)
        floor.write(staff_id, code, pupil_id)

    result = {key: [] for key in ("in", "out", "pair", "floor")}

    def run_floor(chunk):
        for code, pupil_id in chunk:
            t0 = time.perf_counter_ns()
            floor.write(staff_id, code, pupil_id)
            result["floor"].append(time.perf_counter_ns() - t0)

    def run_pairs(chunk, do_in, do_out, prefix):
        for code, _ in chunk:
            t1 = time.perf_counter_ns()
            do_in(code)
            t2 = time.perf_counter_ns()
            do_out(code)
            t3 = time.perf_counter_ns()
            result[prefix + "in"].append(t2 - t1)
            result[prefix + "out"].append(t3 - t2)
            result[prefix + "pair"].append(t3 - t1)

    measured = picks[warmup:]
    for number, start in enumerate(range(0, len(measured), block)):
        chunk = measured[start:start + block]
        steps = [lambda chunk=chunk: run_floor(chunk),
                 lambda chunk=chunk: run_pairs(chunk, lambda c: phone_in(database, c, staff_code),
                                               lambda c: phone_out(database, c, staff_code), "")]
        for step in (steps if number % 2 == 0 else steps[::-1]):
            step()
    result.update(first_in=first_in, first_out=first_out, first_id=first_id)

    extra = picks[:min(n, 200)]
    if breakdown:
        timer = SqlTimer(database.engine)
        steps = StepTimer()
        step_in: dict[str, int] = {}
        step_out: dict[str, int] = {}
        sql_in = sql_out = tot_in = tot_out = st_in = st_out = 0
        for code, _ in extra:
            before_ns, before_st, before_steps = timer.ns, timer.statements, dict(steps.ns)
            t0 = time.perf_counter_ns()
            phone_in(database, code, staff_code)
            t1 = time.perf_counter_ns()
            mid_ns, mid_st, mid_steps = timer.ns, timer.statements, dict(steps.ns)
            phone_out(database, code, staff_code)
            t2 = time.perf_counter_ns()
            for name, ns in mid_steps.items():
                step_in[name] = step_in.get(name, 0) + ns - before_steps.get(name, 0)
            for name, ns in steps.ns.items():
                step_out[name] = step_out.get(name, 0) + ns - mid_steps.get(name, 0)
            sql_in += mid_ns - before_ns
            sql_out += timer.ns - mid_ns
            st_in += mid_st - before_st
            st_out += timer.statements - mid_st
            tot_in += t1 - t0
            tot_out += t2 - t1
        steps.restore()
        k = len(extra)
        result["breakdown"] = {"in": (tot_in / k / 1e6, sql_in / k / 1e6, st_in / k),
                               "out": (tot_out / k / 1e6, sql_out / k / 1e6, st_out / k)}
        result["steps"] = {"in": {name: ns / k / 1e6 for name, ns in step_in.items() if ns},
                           "out": {name: ns / k / 1e6 for name, ns in step_out.items() if ns}}
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for code, _ in extra:
            phone_in(database, code, staff_code)
            phone_out(database, code, staff_code)
        profiler.disable()
        result["profile"] = profiler
    database.engine.dispose()
    floor.conn.close()
    return result


def print_profile(profiler: cProfile.Profile, top: int) -> None:
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        text = out.getvalue()
        print(f"\n--- cProfile, sorted by {order} (top {top}) ---")
        print(text[text.find("ncalls") - 3:] if "ncalls" in text else text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="measured iterations (default 500)")
    parser.add_argument("--warmup", type=int, default=20, help="iterations run first and not counted (default 20)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="ledger rows to build (default 1,000,000)")
    parser.add_argument("--pupils", type=int, default=3000, help="pupils with phone tags (default 3000)")
    parser.add_argument("--days", type=int, default=950, help="school days of history (default 950)")
    parser.add_argument("--dir", type=Path, default=Path(__file__).parent / "out", help="where the database lives")
    parser.add_argument("--rebuild", action="store_true", help="build the database again even if present")
    parser.add_argument("--verify-full", action="store_true",
                        help="on a reused database, recompute the whole chain (always done after a build)")
    parser.add_argument("--block", type=int, default=25,
                        help="iterations per block; the floor and ours alternate block by block (default 25)")
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--profile", action="store_true", help="cProfile 200 extra pairs after the measurement")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the SQLite-versus-Python split")
    add_common(parser)
    args = parser.parse_args(argv)
    if args.small:  # its own tiny ledger, built by the same builder, in a folder of its own
        args.n, args.warmup, args.rows, args.pupils, args.days = 40, 5, 3000, 60, 20
        args.dir = Path(tempfile.mkdtemp(prefix="scan-latency-"))

    print(f"date {dt.datetime.now().isoformat(timespec='seconds')}; machine: {os.cpu_count()} CPUs "
          f"({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, {platform.platform()}; load average {load_average()}")
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"ledger-v{BUILD_VERSION}-{args.rows}r-{args.pupils}p-{args.days}d.db"
    meta_path = path.with_suffix(".json")
    if args.rebuild or not (path.exists() and meta_path.exists()):
        for old in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), meta_path):
            old.unlink(missing_ok=True)
        print(f"building {path} ...", flush=True)
        t0 = time.perf_counter()
        meta = build(path, args.rows, args.pupils, args.days, args.seed)
        build_s = time.perf_counter() - t0
        checked = check_chain_raw(path)
        meta["build_s"] = round(build_s, 1)
        meta_path.write_text(json.dumps(meta, indent=2))
        print(f"built in {build_s:.1f} s (generate {meta['generate_s']} s, insert {meta['insert_s']} s): "
              f"{meta['rows']:,} ledger rows over {meta['school_days']} school days, {args.pupils:,} pupils, "
              f"{meta['parent_tasks']:,} parent tasks; chain verified over {checked:,} rows "
              f"in {time.perf_counter() - t0 - build_s:.1f} s")
    else:
        meta = json.loads(meta_path.read_text())
        print(f"reusing {path} (built {meta['built']} in {meta.get('build_s', '?')} s, {meta['rows']:,} rows at build)")
        if args.verify_full:
            t0 = time.perf_counter()
            print(f"chain verified over {check_chain_raw(path):,} rows in {time.perf_counter() - t0:.1f} s")
    conn = sqlite3.connect(path)
    total = conn.execute("SELECT max(id) FROM ledger_entry").fetchone()[0]
    revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    conn.close()
    if revision != HEAD_REVISION:
        raise SystemExit(f"the bench database is at schema {revision}, the code at {HEAD_REVISION}: use --rebuild")
    size_mb = path.stat().st_size / 1e6
    sample = sorted({1, 2, total} | set(random.Random(args.seed).sample(range(1, total + 1), min(1000, total))))
    print(f"ledger now {total:,} rows, file {size_mb:.0f} MB; "
          f"row_hash agrees on {check_chain_orm(sqlite_url(path), sample)} sampled rows")

    r = measure(path, args.n, max(1, args.warmup), max(1, args.block), args.seed + total, profile=args.profile,
                breakdown=not args.no_breakdown)
    after = check_chain_raw(path, from_id=r["first_id"])
    tail_ids = list(range(r["first_id"], r["first_id"] + after))
    orm_checked = check_chain_orm(sqlite_url(path), tail_ids)

    print(f"\nN = {args.n} (after {args.warmup} warm-up pairs, in blocks of {args.block}); first call after opening: "
          f"phone_in {r['first_in'] / 1e6:.2f} ms, phone_out {r['first_out'] / 1e6:.2f} ms")
    f50, f99, fmax = stats(r["floor"])
    print(f"{'':24}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}   "
          f"target p99 <= {TARGET_P99_MS:g} ms and <= {TARGET_RATIO:g}x floor")
    print(f"{'floor (raw sqlite3)':24}{f50:9.3f}{f99:9.3f}{fmax:9.3f}")
    verdicts = []
    for key, label, floor_mult in (("in", "phone_in", 1), ("out", "phone_out", 1), ("pair", "pair (in + out)", 2)):
        p50, p99, pmax = stats(r[key])
        ratio99, ratio50 = p99 / (f99 * floor_mult), p50 / (f50 * floor_mult)
        ok_abs = p99 <= TARGET_P99_MS * floor_mult
        ok_ratio = ratio99 <= TARGET_RATIO
        verdicts.append(ok_abs and ok_ratio)
        floor_name = "floor" if floor_mult == 1 else "2x floor"
        print(f"{label:24}{p50:9.3f}{p99:9.3f}{pmax:9.3f}   "
              f"p99 {mark(ok_abs)} ({p99:.2f} vs {TARGET_P99_MS * floor_mult:g} ms); "
              f"ratio to {floor_name}: p99 {ratio99:.1f}x {mark(ok_ratio)}, p50 {ratio50:.1f}x")
    if "breakdown" in r:
        print("\nwhere the time goes (mean over up to 200 extra pairs, instrumented):")
        for key, label in (("in", "phone_in"), ("out", "phone_out")):
            total_ms, sql_ms, statements = r["breakdown"][key]
            print(f"  {label:10} {total_ms:6.3f} ms = SQLite (statements + COMMIT) {sql_ms:6.3f} ms "
                  f"({statements:.0f} calls) + Python/SQLAlchemy {total_ms - sql_ms:6.3f} ms "
                  f"({(total_ms - sql_ms) / total_ms:.0%})")
            parts = sorted(r["steps"][key].items(), key=lambda kv: -kv[1])
            rest = total_ms - sum(ms for _, ms in parts)
            print("  " + " " * 11 + "steps: " + ", ".join(f"{name} {ms:.2f}" for name, ms in parts)
                  + f", the rest (session, gets, result) {rest:.2f} ms")
    print(f"\nchain after the run: {after:,} new rows linked and hashed; row_hash agrees on {orm_checked:,} of them")
    ledger = f"{total:,}-row ledger"
    floor_ms = [ns / 1e6 for ns in r["floor"]]
    for key, measure_name, floor_mult in (("in", "phone_in", 1), ("out", "phone_out", 1), ("pair", "pair", 2)):
        figure("scan_latency", f"{measure_name}, {ledger}", [ns / 1e6 for ns in r[key]],
               [ms * floor_mult for ms in floor_ms], note="" if floor_mult == 1 else "floor: two raw scans")
    if "profile" in r:
        print_profile(r["profile"], 30)
    print(f"\noverall: {mark(all(verdicts))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
