"""R1 in one place: a Year 6 pupil whose parents' walk-home permission is in force this school year
hands the phone to the class cupboard; anyone else's goes to the office (R2).

The check-in applies it and the pupil's summary (the find-pupil box) shows it: both ask here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from db.core.words import school_year_start, today

if TYPE_CHECKING:
    from db.core.engine import Database

WALK_HOME_YEAR = 6


def goes_to_cupboard(year: int, walk_home_in_force: bool) -> bool:
    """R1: the class cupboard; otherwise the office (R2)."""
    return year == WALK_HOME_YEAR and walk_home_in_force


def walk_home_valid(database: Database, walk_home: bool, recorded_at: datetime | None) -> bool:
    """Walk-home permission lasts for the school year it was given in: it ends on 31 August."""
    if not walk_home or recorded_at is None:
        return False
    return database.local(recorded_at).date() >= school_year_start(today(database))
