"""The evidence pack (`kiosk report policy --pack`): gathering a year's lists and writing the PDF.

What it measures
    ``kiosk.evidence_pack.make_pack`` for the 365 days up to the newest record: the anchor, the exceptions,
    confiscations, early hand-backs, cupboard days and device loans read from the database, and the PDF laid out
    (twice: the first pass counts the pages for "Page N of M"). The policy figures' rows are given (made up per
    class, year and week, as `kiosk report policy` would give them): bench/report_policy.py times those.

The floor, measured in the same run
    Counting the same rows with plain SQL on raw ``sqlite3`` (the period's phone events and cupboard locks,
    confiscations, loans, exceptions) plus writing a one-page reportlab document: what any pack costs before it
    reads a row into Python or lays out a table.

    .venv/bin/python bench/pack.py              # a copy of bench/out/ledger-v1-1000000r-3000p-950d.db, upgraded
    .venv/bin/python bench/pack.py --small      # a few days of a small school, in seconds
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.figures import add_common, figure  # noqa: E402
from db.core import COMMAND_LINE, open_database, sqlite_url, upgrade  # noqa: E402
from kiosk.config import Settings  # noqa: E402
from kiosk.evidence_pack import make_pack  # noqa: E402

OUT = Path(__file__).parent / "out"
FIVE_YEARS = OUT / "ledger-v1-1000000r-3000p-950d.db"
COPY = OUT / "pack-5y.db"  # upgraded with `kiosk init`; the five-year file itself is never written
COUNTS = ("SELECT count(*) FROM ledger_entry WHERE at >= :lo AND at < :hi AND action IN "
          "('phone_in', 'phone_in_again', 'phone_out', 'cupboard_locked')",
          "SELECT count(*) FROM confiscation WHERE at >= :lo AND at < :hi",
          "SELECT count(*) FROM device_loan WHERE out_at >= :lo AND out_at < :hi",
          "SELECT count(*) FROM phone_exception WHERE approved_at < :hi AND (ended_at IS NULL OR ended_at >= :lo)")


def small_school(path: Path) -> None:
    """Thirty pupils in two classes, a week of check-ins (R1 and R2), hand-backs, locks and a confiscation."""
    from db import people, phones, tags
    from db.core.models import Location, Pupil, Staff
    from tagcodes import TagKind, new_code

    moment = [datetime(2026, 11, 9, 8, 30, tzinfo=timezone.utc)]
    database = open_database(sqlite_url(path), clock=lambda: moment[0])
    upgrade(database)
    with database.writing() as session:
        session.add_all([Staff(code="HTE", first_name="Helen", surname="Teale", role="slt"),
                         Staff(code="MJO", first_name="Maria", surname="Jones", role="office"),
                         Location(name="Office", kind="office"),
                         Location(name="6A cupboard", kind="cupboard", class_name="6A")]
                        + [Pupil(adno=f"{n}", legal_first=f"Pupil{n}", surname=f"Surname{n}", year=6 if n % 2 else 4,
                                 class_name="6A" if n % 2 else "4B") for n in range(30)])
        session.commit()
    codes = []
    for n in range(30):
        if n % 4 == 1:
            people.permit_walk_home(database, f"{n}", "MJO")
        codes.append(tags.issue_phone_tag(database, f"{n}", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE).code)
    for day in range(5):
        start = datetime(2026, 11, 9 + day, 8, 30, tzinfo=timezone.utc)
        for i, code in enumerate(codes[day::2]):
            moment[0] = start + timedelta(minutes=i)
            phones.phone_in(database, code, "MJO")
        moment[0] = start + timedelta(minutes=40)
        phones.cupboard_locked(database, "6A", "MJO")
        if day == 2:
            phones.confiscate(database, codes[2], "MJO", "used in class")
        for i, code in enumerate(codes[day::2]):
            moment[0] = start + timedelta(hours=7, minutes=i)
            if not (day == 2 and code == codes[2]):
                phones.phone_out(database, code, "MJO", reason="dentist" if i == 0 else None)
    database.engine.dispose()


def rows_for(path: Path, first: date, last: date) -> tuple[list, list, list]:
    """Figure rows shaped as `kiosk report policy` gives them (values made up: only their number matters here)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        classes = [c for (c,) in raw.execute("SELECT DISTINCT class_name FROM pupil ORDER BY class_name")]
    keys = ("school_days", "phones_in", "pupils_with_phones", "cupboard_phones", "office_phones", "handed_back",
            "left_overnight", "early_hand_backs", "parents_told", "parents_not_told", "parents_told_median_minutes",
            "parents_told_max_minutes", "cupboard_unconfirmed_days", "confiscations", "confiscation_repeat_pupils",
            "confiscation_median_hours", "exceptions_active", "exceptions_review_due")
    row = dict.fromkeys(keys, 12)
    by_class = [{"class": c, **row} for c in classes] + [{"class": "school", **row}]
    years = [{"class": "school", "year": y, "pupils_in_year": 400, **row} for y in range(7)] + \
        [{"class": "school", "year": None, "pupils_in_year": 2800, **row}]
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append({"class": "school", "week": monday.isoformat(), **row})
        monday += timedelta(days=7)
    return by_class, years, weeks


def floor(path: Path, lo: str, hi: str, target: Path) -> None:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        for sql in COUNTS:
            raw.execute(sql, {"lo": lo, "hi": hi}).fetchone()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    SimpleDocTemplate(str(target), pagesize=A4).build([Paragraph("Empty", getSampleStyleSheet()["Normal"])])


def prepared(small: bool, folder: Path) -> Path:
    if small:
        path = folder / "small.db"
        small_school(path)
        return path
    if not FIVE_YEARS.exists() and not COPY.exists():
        sys.exit(f"{FIVE_YEARS} is missing: build it with `.venv/bin/python bench/scan_latency.py --n 1`.")
    if not COPY.exists():
        shutil.copy(FIVE_YEARS, COPY)
    subprocess.run([sys.executable, "-m", "kiosk", "--db", sqlite_url(COPY), "init"], check=True,
                   capture_output=True)
    return COPY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common(parser)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    path = prepared(args.small, folder)
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        newest = raw.execute("SELECT max(at) FROM ledger_entry WHERE action <> 'bench_floor'").fetchone()[0]
    last = datetime.fromisoformat(newest).date()
    first = last - timedelta(days=364)
    lo, hi = f"{first} 00:00:00", f"{last + timedelta(days=1)} 00:00:00"
    database = open_database(sqlite_url(path))
    settings = Settings(school_name="Bench Primary", backup_folder=str(folder / "backups"), kiosk_name="bench")
    by_class, years, weeks = rows_for(path, first, last)
    ours, base, ours_cpu, base_cpu = [], [], [], []
    for run in range(args.runs):  # interleaved: both meet the same load
        started, cpu = time.perf_counter(), time.process_time()
        target = make_pack(folder / f"pack-{run}.pdf", database, settings, first, last, by=COMMAND_LINE,
                           classes=by_class, years=years, weeks=weeks)
        ours.append(time.perf_counter() - started)
        ours_cpu.append(time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        floor(path, lo, hi, folder / f"floor-{run}.pdf")
        base.append(time.perf_counter() - started)
        base_cpu.append(time.process_time() - cpu)
    from pypdf import PdfReader  # the test extra: only to say how long the pack was

    pages = len(PdfReader(target).pages)
    database.engine.dispose()
    what = f"the evidence pack, {first} to {last} ({pages} pages)"
    floor_words = "floor: plain SQL counts of the same rows + an empty reportlab document"
    figure("pack", f"gather + write {what}", ours, base, unit="s", note=f"{floor_words}; target ≤ 5 s")
    # The process's own CPU time too: on a machine shared with other work the wall clock mostly measures the queue.
    figure("pack", f"gather + write {what}, CPU time", ours_cpu, base_cpu, unit="s", note=floor_words)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
