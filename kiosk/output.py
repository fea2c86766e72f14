"""Listings on the command line: a table for people, CSV and JSON for scripts."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from typing import Any, TextIO

FORMATS = ("table", "csv", "json")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%a %d %b %H:%M")
    return str(value)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def emit(rows: list[dict[str, Any]], fmt: str, *, empty: str, out: TextIO | None = None) -> None:
    """Print rows (dicts with the same keys) as a table, CSV or a JSON list of objects."""
    out = out or sys.stdout
    if fmt == "json":
        json.dump([{k: _json(v) for k, v in row.items()} for row in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        if rows:
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                # ISO times in CSV: a spreadsheet sorts them correctly.
                writer.writerow({k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()})
        return
    if not rows:
        out.write(empty + "\n")
        return
    headers = list(rows[0])
    cells = [[_text(row[h]) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    out.write("  ".join(h.upper().ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    for line in cells:
        out.write("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() + "\n")
