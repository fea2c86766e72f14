"""Run every benchmark and print one table of its figures, each beside the floor from the same run.

    .venv/bin/python bench/all.py                 # the real figures (the 1M-row database is built once; an hour)
    .venv/bin/python bench/all.py --small         # every benchmark in its small mode: seconds each
    .venv/bin/python bench/all.py --write         # and put the table into docs/performance.md
    .venv/bin/python bench/all.py --only verify report

Each script prints ``BENCH <json>`` lines (bench/figures.py); this gathers them. A script that fails is named in
the table and makes this exit 1. The PostgreSQL benchmarks use $KIOSK_BENCH_POSTGRES, or start a throw-away server.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN, END = "<!-- bench/all.py: begin -->", "<!-- bench/all.py: end -->"
# figures.py and other_kiosk.py are parts the benchmarks use; startup_ab compares two installs: run by hand.
NOT_BENCHMARKS = {"all.py", "figures.py", "other_kiosk.py", "startup_ab.py"}


def scripts(only: list[str]) -> list[Path]:
    found = sorted(p for p in (ROOT / "bench").glob("*.py") if p.name not in NOT_BENCHMARKS)
    return [p for p in found if not only or p.stem in only]


def run(script: Path, small: bool) -> tuple[list[dict], str | None, float]:
    start = time.monotonic()
    done = subprocess.run([sys.executable, str(script), *(["--small"] if small else [])],
                          cwd=ROOT, capture_output=True, text=True)
    rows = [json.loads(line[6:]) for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    failure = None
    if done.returncode != 0:
        failure = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
    return rows, failure, time.monotonic() - start


def number(value) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"


def table(results: list[tuple[Path, list[dict], str | None, float]]) -> str:
    lines = ["| benchmark | figure | backend | p50 | p99 | floor p50 | floor p99 | × floor (p50) | unit |",
             "|---|---|---|---|---|---|---|---|---|"]
    for script, rows, failure, _ in results:
        if failure:
            lines.append(f"| {script.name} | **failed**: {failure} | | | | | | | |")
        for row in rows:
            ratio = f"{row['ratio_p50']:.2f}×" if row.get("ratio_p50") is not None else "—"
            measure = row["measure"] + (f" ({row['note']})" if row.get("note") else "")
            lines.append(f"| {script.name} | {measure} | {row['backend']} | {number(row['p50'])} | "
                         f"{number(row['p99'])} | {number(row.get('floor_p50'))} | {number(row.get('floor_p99'))} "
                         f"| {ratio} | {row['unit']} |")
    return "\n".join(lines)


def write(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    head, _, rest = doc.partition(BEGIN)
    _, _, tail = rest.partition(END)
    if not rest:  # no section yet: it goes after the introduction
        head, tail = doc, ""
    DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="every benchmark's small mode (a check, not figures)")
    parser.add_argument("--write", action="store_true", help="put the table into docs/performance.md")
    parser.add_argument("--only", nargs="*", default=[], help="these benchmarks (file names without .py)")
    args = parser.parse_args()
    results = []
    for script in scripts(args.only):
        print(f"… {script.name}", file=sys.stderr, flush=True)
        rows, failure, seconds = run(script, args.small)
        results.append((script, rows, failure, seconds))
    made = datetime.now().astimezone().strftime("%a %d %b %Y %H:%M %Z")
    mode = ("` (small mode: each benchmark on a tiny database, a check that every one runs, not figures to read)"
            if args.small else "`")
    text = (f"The last run of every benchmark, made by `.venv/bin/python bench/all.py{' --small' if args.small else ''}"
            f"{mode} on {made}, Python {platform.python_version()}, {platform.machine()}; each script's own section "
            f"below says what it measures and its floor.\n\n{table(results)}")
    print(text)
    if args.write:
        write(text)
    return 1 if any(failure for _, _, failure, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())
