"""Issuing an anchor: the ledger's head as one short line, printed on what leaves the kiosk (the end-of-day list,
the evidence reports, `kiosk audit anchor`) and kept in the anchors file beside the backups, so a ledger later
cut short or rewritten is found by `kiosk audit verify` (db/records/anchors.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import Settings

if TYPE_CHECKING:
    from db.core import Database
    from db.records import Anchor

LABEL = "Ledger anchor"


def issue_anchor(database: Database, folder: Path) -> Anchor | None:
    """The ledger's head now (None for an empty ledger), added to the folder's anchors file unless it is the
    last one there already. Raises OSError when the folder cannot be written: the anchor still stands."""
    from db.records import head, known, place, remember

    anchor, where = head(database), place(database)
    if anchor is not None and str(anchor) not in {str(kept) for kept in known(folder, where)[-1:]}:
        remember(anchor, folder, where)
    return anchor


def anchor_line(database: Database, folder: Path) -> str | None:
    """"Ledger anchor: K1-…" for the foot of a printout or report, kept in the anchors file when it can be."""
    from db.records import head

    try:
        anchor = issue_anchor(database, folder)
    except OSError:  # the backup folder is unreachable: the printed line is still outside the database
        anchor = head(database)
    return f"{LABEL}: {anchor}" if anchor else None


def print_footer(database: Database, settings: Settings, fmt: str, rows: int) -> None:
    """Under an evidence report's table (custody, devices): a blank line and "Ledger anchor: K1-…". CSV and JSON
    keep their rows only, and "nothing happened" stays one sentence."""
    if fmt == "table" and rows and (line := anchor_line(database, settings.backups())):
        print(f"\n{line}")
