"""Start-up before and after a change, interleaved: two installs of the kiosk timed on one database.

Each round runs ``kiosk phone where`` and ``python -c "import kiosk.app"`` from both installs, in
alternating order, so load from anything else on the machine hits both alike. Prints medians and the
slowest run (with 20 runs, the p99).

    git worktree add --detach ../before <commit>
    (cd ../before && python3 -m venv .venv && .venv/bin/pip install -e .)
    .venv/bin/python bench/startup_ab.py ../before/.venv .venv sqlite:////path/to/demo.db --runs 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path, help="the venv of the code before the change")
    parser.add_argument("after", type=Path, help="the venv of the code after it")
    parser.add_argument("db", help="a database URL both can read (the same schema)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    commands = {}
    for name, venv in (("before", args.before), ("after", args.after)):
        bin_dir = venv.resolve() / "bin"
        commands[f"{name}: kiosk phone where"] = [str(bin_dir / "kiosk"), "phone", "where", "--db", args.db]
        commands[f"{name}: import kiosk.app"] = [str(bin_dir / "python"), "-c", "import kiosk.app"]
    times: dict[str, list[float]] = {label: [] for label in commands}
    labels = list(commands)
    for round_ in range(args.runs + 1):  # round 0 warms the disk cache and is not kept
        for label in labels if round_ % 2 else labels[::-1]:
            start = time.perf_counter()
            subprocess.run(commands[label], capture_output=True, check=True, cwd="/")
            if round_:
                times[label].append(time.perf_counter() - start)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {args.runs} runs each")
    for label, values in times.items():
        values.sort()
        print(f"{label:32} median {statistics.median(values):.3f} s   slowest {values[-1]:.3f} s")


if __name__ == "__main__":
    main()
