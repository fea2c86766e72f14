"""Every benchmark in its small mode: a change that breaks a benchmark fails here (the figures are not checked,
only that each script runs and prints each figure beside a floor)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.all import scripts

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("script", scripts([]), ids=lambda p: p.stem)
def test_runs_in_small_mode(script, postgres_server, tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    if postgres_server is not None:
        env["KIOSK_BENCH_POSTGRES"] = postgres_server.admin_url
    done = subprocess.run([sys.executable, str(script), "--small"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line[6:]) for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    assert rows, f"{script.name} printed no figures:\n{done.stdout[-2000:]}"
    for row in rows:
        assert row["p50"] > 0 and row["p99"] >= row["p50"], row
        assert row.get("floor_p50", 0) > 0 or row["note"], f"a figure with no floor must say why: {row}"
