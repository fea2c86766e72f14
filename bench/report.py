"""`kiosk report custody` and `kiosk report devices` on a large ledger: whole-run time and peak memory of the
command, beside a floor measured in the same run.

What it measures
    The whole ledger is read once first, unmeasured, so that neither side pays for a cold cache.
    The kiosk command itself as a child process (``python -m kiosk.cli --db URL report custody --from --to
    --format csv|json > FILE``): its wall time and its peak resident memory (the child's own ru_maxrss, read with
    os.wait4). For SQLite: custody CSV and JSON over the whole five years, custody CSV over the last term (memory
    must be flat as the period grows) and the devices report. For PostgreSQL: custody CSV and JSON.

The floor, measured in the same run
    A child process with plain sqlite3 (psycopg for PostgreSQL: a server-side cursor) and the csv module (for
    JSON: one json.dumps per row) running the same joined query and writing the same columns to a file: the least
    any report of these rows can cost. Both write to files on the same disk; each pair runs back to back.

The databases
    SQLite: a copy of the five-year bench database (bench/scan_latency.py builds it: 1,000,000 ledger rows,
    3,000 pupils, 950 school days), upgraded with ``kiosk init``, with about 20 device loans a school day added
    so that `report devices` has rows; it is made once under bench/out/ and only read after that.
    PostgreSQL: a throw-away server (tests/pg_cluster.py; fsync off: this is a read benchmark) or --url, filled
    with a ledger of --pg-rows rows built the same way and copied in with `kiosk copy-to`.

    .venv/bin/python bench/report.py                     # the figures (SQLite five years, PostgreSQL 200k rows)
    .venv/bin/python bench/report.py --code /tmp/before  # the same, running the kiosk from another source tree
    .venv/bin/python bench/report.py --small             # seconds, on a tiny database (what the tests run)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"  # GNU time: the child's own peak resident memory
sys.path.insert(0, str(ROOT))  # bench.figures, bench.scan_latency, tests.pg_cluster

from bench.figures import add_common, figure  # noqa: E402

ZONE = ZoneInfo("Europe/London")  # the kiosk's default school zone
OUT = ROOT / "bench" / "out"
FIVE_YEARS = OUT / "ledger-v1-1000000r-3000p-950d.db"  # bench/scan_latency.py's
COPY = OUT / "report-five-years.db"
PHONE_ACTIONS = ("phone_in", "phone_out", "parents_told", "cupboard_locked", "walk_home_permitted",
                 "walk_home_revoked", "phone_kept", "phone_confiscated", "confiscation_released", "phone_in_again",
                 "entry_voided")
CUSTODY_SQL = (
    "SELECT l.id, l.at, l.action, l.tag_code, p.preferred_first, p.legal_first, p.surname, p.class_name, t.name, "
    "f.name, s.first_name, s.surname, l.kiosk, l.detail, l.voids_id FROM ledger_entry l "
    "LEFT JOIN pupil p ON p.id = l.pupil_id LEFT JOIN location t ON t.id = l.to_location_id "
    "LEFT JOIN location f ON f.id = l.from_location_id LEFT JOIN staff s ON s.id = l.staff_id "
    f"WHERE l.action IN ({', '.join(repr(a) for a in PHONE_ACTIONS)}) AND l.at >= {{p}} AND l.at < {{p}} "
    "ORDER BY l.id")
DEVICES_SQL = (
    "SELECT d.asset_tag, d.name, s.first_name, s.surname, dl.class_name, dl.purpose, dl.out_at, dl.returned_at, "
    "dl.images, dl.verified, u.first_name, u.surname, dl.uploaded_at, dl.wiped FROM device_loan dl "
    "JOIN device d ON d.id = dl.device_id JOIN staff s ON s.id = dl.staff_id "
    "LEFT JOIN staff u ON u.id = dl.uploaded_by_id WHERE dl.out_at >= {p} AND dl.out_at < {p} "
    "ORDER BY dl.out_at, dl.id")
CUSTODY_KEYS = ("entry", "at", "action", "code", "pupil", "class", "location", "by", "kiosk", "note", "voided_by")
DEVICE_KEYS = ("device", "staff", "class", "purpose", "out", "returned", "images", "verified", "uploaded_by",
               "uploaded_at", "wiped")


# --- the floor: run as a child process of this script ----------------------------------------------------------

def _custody_cells(row) -> list:
    (entry, at, action, code, preferred, legal, surname, class_name, to_name, from_name, staff_first, staff_last,
     kiosk, detail, voids) = row
    pupil = f"{preferred or legal} {surname}" if surname else None
    by = f"{staff_first} {staff_last}" if staff_first else None
    return [entry, at, action, code, pupil, class_name, to_name or from_name, by, kiosk, detail, voids]


def _device_cells(row) -> list:
    tag, name, first, last, class_name, purpose, out, back, images, verified, uf, ul, up_at, wiped = row
    return [f"{tag} {name}", f"{first} {last}", class_name, purpose, out, back, images, verified,
            f"{uf} {ul}" if uf else None, up_at, wiped]


def floor(url: str, report: str, fmt: str, start: str, end: str, path: str) -> None:
    """The same query's rows, with the same columns, written as they are read."""
    sql, cells, keys = ((CUSTODY_SQL, _custody_cells, CUSTODY_KEYS) if report == "custody"
                        else (DEVICES_SQL, _device_cells, DEVICE_KEYS))
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True)
        rows = conn.execute(sql.format(p="?"), (start, end))
    else:
        import psycopg

        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        rows = conn.cursor(name="floor")  # server-side: rows come as they are read
        rows.itersize = 1000
        utc = [dt.datetime.fromisoformat(b).replace(tzinfo=dt.timezone.utc) for b in (start, end)]
        rows.execute(sql.format(p="%s"), utc)
    with open(path, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            writer = csv.writer(out)
            writer.writerow(keys)
            for row in rows:
                writer.writerow(cells(row))
        else:
            out.write("[")
            first = True
            for row in rows:
                out.write(("\n" if first else ",\n") + json.dumps(dict(zip(keys, cells(row))), ensure_ascii=False,
                                                                   default=str))
                first = False
            out.write("\n]\n")
    conn.close()


# --- running and measuring a child ------------------------------------------------------------------------------

def run_child(command: list[str], out: Path, env: dict | None = None,
              cwd: Path | None = None) -> tuple[float, float, str | None]:
    """Wall seconds, peak resident MB and (when it failed) the last line it wrote to stderr, of one child process.

    The peak is read by /usr/bin/time: a child forked from this process would start with this process's own peak
    (Linux keeps the larger of the two across exec), so it is forked from `time`, a small process."""
    measured = out.with_suffix(".time")
    with open(out, "wb") as sink:
        started = time.perf_counter()
        child = subprocess.run([TIME, "-f", "%M", "-o", str(measured), *command], stdout=sink,
                               stderr=subprocess.PIPE, env=env, cwd=cwd)
        seconds = time.perf_counter() - started
    failed = None
    if child.returncode != 0:
        failed = (child.stderr.decode(errors="replace").strip().splitlines() or ["(nothing)"])[-1]
    return seconds, int(measured.read_text().split()[-1]) / 1024, failed  # KB


def kiosk_env(code: Path | None) -> dict:
    env = dict(os.environ)
    if code is not None:  # another source tree (e.g. main before this change) ahead of the installed one
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def rows_in(path: Path, fmt: str) -> int:
    if fmt == "csv":
        with open(path, encoding="utf-8", newline="") as f:
            return sum(1 for _ in csv.reader(f)) - 1
    with open(path, encoding="utf-8") as f:
        return len(json.load(f))


def warm(url: str, bounds: tuple[str, str], work: Path) -> None:
    """Read the whole ledger once, unmeasured: the kiosk runs first in each pair, and must not pay alone for a
    database not yet in the page cache (or in PostgreSQL's buffers)."""
    run_child([sys.executable, __file__, "--floor", url, "custody", "csv", *bounds, str(work / "warm.csv")],
              work / "warm.csv")


def pair(label: str, url: str, report: str, fmt: str, days: tuple[str, str], bounds: tuple[str, str],
         work: Path, env: dict, backend: str) -> None:
    """One report by the kiosk and by the floor, back to back: two figures (time, memory)."""
    ours_file, floor_file = work / f"ours.{fmt}", work / f"floor.{fmt}"
    ours = run_child([sys.executable, "-m", "kiosk.cli", "--db", url, "report", report, "--from", days[0],
                      "--to", days[1], "--format", fmt], ours_file, env, cwd=work)
    low = run_child([sys.executable, __file__, "--floor", url, report, fmt, *bounds, str(floor_file)], floor_file)
    if low[2]:
        raise SystemExit(f"The floor failed: {low[2]}")
    floor_rows = rows_in(floor_file, fmt)
    if ours[2]:  # main's code before this change, on five years: say how it failed, and what it cost
        note = f"FAILED after {ours[0]:.0f} s: {ours[2]} ({floor_rows:,} rows)"
    else:
        rows = rows_in(ours_file, fmt)
        note = f"{rows:,} rows" + ("" if rows == floor_rows else f" (the floor wrote {floor_rows:,})")
    figure("report", f"report {report} {fmt}, {label}: whole run", [ours[0]], [low[0]], unit="s", backend=backend,
           note=note)
    figure("report", f"report {report} {fmt}, {label}: peak memory", [ours[1]], [low[1]], unit="MB",
           backend=backend, note=note)


# --- the databases ----------------------------------------------------------------------------------------------

def add_loans(path: Path, per_day: int = 20) -> None:
    """Device loans on each school day of the ledger (a school lends its cameras and iPads most days)."""
    conn = sqlite3.connect(path, isolation_level=None)
    if conn.execute("SELECT count(*) FROM device_loan").fetchone()[0]:
        conn.close()
        return
    staff = [r[0] for r in conn.execute("SELECT id FROM staff ORDER BY id")]
    days = [r[0] for r in conn.execute("SELECT DISTINCT substr(at, 1, 10) FROM ledger_entry ORDER BY 1")]
    conn.execute("BEGIN")
    devices = 8
    conn.executemany("INSERT INTO device (id, asset_tag, kind, name, make, model, serial, added_at) "
                     "VALUES (?, ?, 'ipad', ?, 'Apple', 'iPad', ?, ?)",
                     [(i, f"IPAD-{i:02}", f"iPad {i}", f"SN{i:06}", f"{days[0]} 07:00:00.000000")
                      for i in range(1, devices + 1)])
    loans, n = [], 0
    for day in days:
        for i in range(per_day):
            n += 1
            hour = 8 + i * 7 // per_day
            out, back = f"{day} {hour:02}:05:00.000000", f"{day} {hour:02}:55:00.000000"
            who = staff[n % len(staff)]
            loans.append((n, i % devices + 1, who, f"{n % 7}A", f"Class {n % 7}A trip, loan {n}", out, 1, back, who,
                          n % 30, back, who, n % 30, 0, 1))
    conn.executemany("INSERT INTO device_loan (id, device_id, staff_id, class_name, purpose, out_at, out_ledger_id, "
                     "returned_at, returned_by_id, images, uploaded_at, uploaded_by_id, verified, by_model_only, "
                     "wiped) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", loans)
    conn.execute("COMMIT")
    conn.close()


def kiosk_init(url: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "kiosk.cli", "--db", url, "init"], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def sqlite_database(small: bool, work: Path, env: dict, source: Path) -> Path:
    if small:
        from bench.scan_latency import build

        path = work / "small.db"
        build(path, rows=3000, pupils=70, days=25, seed=7)
    else:
        path = COPY
        if not path.exists():
            if not source.exists():
                raise SystemExit(f"{source} is missing: `.venv/bin/python bench/scan_latency.py --n 1` builds it.")
            partial = path.with_name(path.name + ".copying")
            shutil.copyfile(source, partial)  # the five-year file itself is never written to
            os.replace(partial, path)
    kiosk_init(f"sqlite:///{path}", env)
    add_loans(path)
    return path


def span(path: Path) -> tuple[dt.date, dt.date]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        first, last = conn.execute("SELECT min(at), max(at) FROM ledger_entry").fetchone()
    return dt.date.fromisoformat(first[:10]), dt.date.fromisoformat(last[:10])


def bounds(first: dt.date, last: dt.date) -> tuple[str, str]:
    """The floor's UTC bounds: the school's days from midnight to midnight in its zone, as the kiosk reads them."""
    def utc(day: dt.date) -> str:
        return dt.datetime.combine(day, dt.time(), ZONE).astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")

    return utc(first), utc(last + dt.timedelta(days=1))


def sqlite_figures(args, work: Path, env: dict) -> None:
    path = sqlite_database(args.small, work, env, args.source)
    url = f"sqlite:///{path}"
    first, last = span(path)
    years = f"{(last - first).days / 365.25:.1f} years"
    warm(url, bounds(first, last), work)
    # Memory must not grow with the period: the same report over one term, one year and the whole ledger.
    for label, days in (("one term", 84), ("one year", 365), (years, None)):
        begin = last - dt.timedelta(days=days // 12 if args.small else days) if days else first
        pair(label, url, "custody", "csv", (str(begin), str(last)), bounds(begin, last), work, env, "sqlite")
    whole = (str(first), str(last))
    pair(years, url, "custody", "json", whole, bounds(first, last), work, env, "sqlite")
    pair(years, url, "devices", "csv", whole, bounds(first, last), work, env, "sqlite")


def postgres_figures(args, work: Path, env: dict) -> None:
    import psycopg

    from bench.scan_latency import build

    cluster = None
    admin_url = args.url
    if admin_url is None:
        from tests import pg_cluster

        if not pg_cluster.available():
            figure("report", "report custody on PostgreSQL: skipped", [1], None, unit="s", backend="postgres",
                   note="no PostgreSQL server here (give --url)")
            return
        cluster = pg_cluster.start()  # its own folder, which the server's user may enter
        admin_url = cluster.url()
    name = f"kiosk_report_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    url = f"{admin_url.rpartition('/')[0]}/{name}"
    try:
        rows = 2000 if args.small else args.pg_rows
        source = work / "pg-source.db"
        build(source, rows=rows, pupils=70 if args.small else 1000, days=25 if args.small else rows // 1050,
              seed=11)
        add_loans(source, per_day=5)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kiosk.cli", "--db", f"sqlite:///{source}", "copy-to", url],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        copied = time.perf_counter() - started
        first, last = span(source)
        whole = (str(first), str(last))
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
            built = conn.execute("SELECT count(*) FROM ledger_entry").fetchone()[0]
        print(f"PostgreSQL: {built:,} ledger rows copied in with `kiosk copy-to` in {copied:.0f} s")
        label = f"{built:,}-row ledger"  # the builder's own count (about --pg-rows)
        warm(url, bounds(first, last), work)
        month = last - dt.timedelta(days=3 if args.small else 30)
        pair("last month", url, "custody", "csv", (str(month), str(last)), bounds(month, last), work, env, "postgres")
        pair(label, url, "custody", "csv", whole, bounds(first, last), work, env, "postgres")
        pair(label, url, "custody", "json", whole, bounds(first, last), work, env, "postgres")
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
        if cluster is not None:
            cluster.stop()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--floor"]:
        floor(*argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common(parser, postgres=True)
    parser.add_argument("--code", type=Path, help="run the kiosk from this source tree (default: the installed one)")
    parser.add_argument("--source", type=Path, default=FIVE_YEARS,
                        help="the five-year database to copy once into bench/out (default: scan_latency.py's)")
    parser.add_argument("--pg-rows", type=int, default=200_000, help="ledger rows on PostgreSQL (default 200,000)")
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="one backend only")
    args = parser.parse_args(argv)
    env = kiosk_env(args.code)
    with tempfile.TemporaryDirectory(prefix="kiosk-report-") as folder:
        work = Path(folder)
        if args.only != "postgres":
            sqlite_figures(args, work, env)
        if args.only != "sqlite":
            postgres_figures(args, work, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
