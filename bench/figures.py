"""What every benchmark prints, so the figures cannot drift from the floor they are read against.

``figure()`` prints one figure as a person reads it (median and p99 beside the floor measured in the same run, and
the ratio) and one line ``BENCH <json>`` that ``bench/all.py`` gathers into the table in docs/performance.md.
``add_common()`` gives every script ``--small`` (seconds on a tiny database: what the test suite runs, so a change
that breaks a benchmark fails a test) and, for the scripts that need PostgreSQL, ``--url``.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Sequence

POSTGRES_VARIABLE = "KIOSK_BENCH_POSTGRES"  # a server URL (a user who may create databases); the tests set it


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank: the value at or below which p per cent of the values lie (p = 50 is the median)."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def add_common(parser, postgres: bool = False) -> None:
    parser.add_argument("--small", action="store_true",
                        help="a few seconds on a tiny database (what the test suite runs), not the real figures")
    if postgres:
        parser.add_argument("--url", default=os.environ.get(POSTGRES_VARIABLE) or None,
                            help="a PostgreSQL server (a user who may create databases); "
                                 f"default ${POSTGRES_VARIABLE}, else a throw-away one is started")


def figure(bench: str, measure: str, ours: Sequence[float], floor: Sequence[float] | None,
           unit: str = "ms", backend: str = "sqlite", note: str = "") -> dict:
    """Print one figure (ours beside its floor, p50 and p99) and its BENCH line; return it.

    ``ours`` and ``floor`` are samples in ``unit`` (one sample is fine: a whole-run time). A figure with no floor
    says why in ``note``."""
    row = {"bench": bench, "measure": measure, "backend": backend, "unit": unit, "n": len(ours),
           "p50": percentile(ours, 50), "p99": percentile(ours, 99), "note": note}
    if floor:
        row |= {"floor_p50": percentile(floor, 50), "floor_p99": percentile(floor, 99)}
        row["ratio_p50"] = row["p50"] / row["floor_p50"] if row["floor_p50"] else None
    text = f"{measure} [{backend}]: p50 {row['p50']:.3f} {unit}, p99 {row['p99']:.3f} {unit} (n={len(ours)})"
    if floor:
        ratio = f"{row['ratio_p50']:.2f}×" if row["ratio_p50"] is not None else "n/a"
        text += f"; floor p50 {row['floor_p50']:.3f}, p99 {row['floor_p99']:.3f}: {ratio} the floor"
    if note:
        text += f" — {note}"
    print(text)
    print("BENCH " + json.dumps(row, ensure_ascii=False))
    sys.stdout.flush()
    return row
