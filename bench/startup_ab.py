"""Start-up before and after a change, interleaved: two installs of the kiosk timed on one database.

Each round runs, from both installs and in alternating order (so load from anything else on the machine hits both
alike): ``kiosk phone where``, ``kiosk report custody``, ``python -c "import kiosk.app"`` and, with ``--phone``,
``kiosk phone in CODE --by STAFF`` (the office hands the phone back after each, untimed). The floors run in the
same rounds: ``python -c pass`` and ``python -c "import sqlalchemy"`` (the after install's interpreter). Prints the
median, the p99 and the slowest run of each (with 20 runs the p99 is close to the slowest).

    git worktree add --detach ../before <commit>
    (cd ../before && python3 -m venv .venv && .venv/bin/pip install -e .)
    .venv/bin/python bench/startup_ab.py ../before/.venv .venv sqlite:////path/to/demo.db --runs 20 \\
        --phone P-XXXX-XXX --by T6A --office OFF
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from pathlib import Path

from figures import percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="the venv of the code before the change")
    parser.add_argument("after", type=Path, help="the venv of the code after it")
    parser.add_argument("db", help="a database URL both can read (the same schema)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--phone", help="a phone tag not held, to time `kiosk phone in` too")
    parser.add_argument("--by", default="T6A", help="the staff code checking the phone in (its class's teacher)")
    parser.add_argument("--office", default="OFF", help="the staff code handing it back between runs")
    args = parser.parse_args()
    commands: dict[str, list[str]] = {}
    undo: dict[str, list[str]] = {}  # run untimed after a command, so the next round finds the same state
    after_python = str(args.after.resolve() / "bin" / "python")
    commands["floor: python -c pass"] = [after_python, "-c", "pass"]
    commands["floor: import sqlalchemy"] = [after_python, "-c", "import sqlalchemy"]
    for name, venv in (("before", args.before), ("after", args.after)):
        bin_dir = venv.resolve() / "bin"
        kiosk = [str(bin_dir / "kiosk"), "--db", args.db]
        commands[f"{name}: kiosk phone where"] = [*kiosk, "phone", "where"]
        commands[f"{name}: kiosk report custody"] = [*kiosk, "report", "custody"]
        if args.phone:
            commands[f"{name}: kiosk phone in"] = [*kiosk, "phone", "in", args.phone, "--by", args.by]
            undo[f"{name}: kiosk phone in"] = [*kiosk, "phone", "out", args.phone, "--by", args.office,
                                               "--reason", "bench"]
        commands[f"{name}: import kiosk.app"] = [str(bin_dir / "python"), "-c", "import kiosk.app"]
    times: dict[str, list[float]] = {label: [] for label in commands}
    labels = list(commands)
    for round_ in range(args.runs + 1):  # round 0 warms the disk cache and is not kept
        for label in labels if round_ % 2 else labels[::-1]:
            start = time.perf_counter()
            subprocess.run(commands[label], capture_output=True, check=True, cwd="/")
            if round_:
                times[label].append(time.perf_counter() - start)
            if label in undo:
                subprocess.run(undo[label], capture_output=True, check=True, cwd="/")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {args.runs} runs each, interleaved")
    for label in sorted(times, key=lambda name: (name.split(": ")[-1], name)):
        values = sorted(times[label])
        print(f"{label:34} median {statistics.median(values):.3f} s   p99 {percentile(values, 99):.3f} s   "
              f"slowest {values[-1]:.3f} s")


if __name__ == "__main__":
    main()
