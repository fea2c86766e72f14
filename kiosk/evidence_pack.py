"""Gathering the evidence pack (R8) for a period from each room's public functions, and writing it (evidence/).

The phone rules' figures and the stock-takes arrive made (``kiosk report policy``'s rows, the stock-take's); the
rest is read here: who makes it, the ledger anchor (kept in the anchors file, as every evidence report's is), the
exceptions, confiscations, early hand-backs, cupboard days and device loans of the period, all with R5 names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.anchoring import anchor_line
from kiosk.config import Settings

if TYPE_CHECKING:
    from db.core import CommandLine, Database
    from evidence import PackData

Rows = Sequence[Mapping[str, Any] | Any]


def _plain(rows: Rows) -> tuple[dict, ...]:
    """The rows as mappings with the JSON's keys: a dict as it is, a dataclass row (``class_name``) as ``class``."""
    result = []
    for row in rows:
        values = dict(row) if isinstance(row, Mapping) else dataclasses.asdict(row)
        if "class" not in values and "class_name" in values:
            values["class"] = values.pop("class_name")
        result.append(values)
    return tuple(result)


def gather_pack(database: Database, settings: Settings, first: date, last: date, *, by: str | CommandLine,
                classes: Rows = (), years: Rows = (), weeks: Rows = (), stock_takes: Rows = ()) -> PackData:
    """The pack's data for the days ``first`` to ``last`` (inclusive), made by ``by`` (the leadership team).

    ``classes``, ``years`` and ``weeks``: the policy figures' rows as `kiosk report policy --format json` gives them
    (by class with the "school" row last, ``--by year``, ``--by week``), as mappings or as the report's own rows;
    ``stock_takes``: the period's stock-takes (``when``, ``place``, ``who`` as first name and initial, ``expected``,
    ``found``, ``missing``, ``not_expected``), likewise.
    """
    from db import devices, phones
    from db.core import acting, short_name
    from evidence import PackData

    staff = acting(database, by, "review", "the evidence pack")
    made_by = short_name(staff.first_name, staff.surname) if staff.id is not None else \
        f"the command line on {settings.kiosk_name}"
    return PackData(
        school=settings.school_name or "The school", first=first, last=last,
        made_at=database.local(database.now()), made_by=made_by,
        anchor=anchor_line(database, settings.backups()), policy=settings.policy_paragraph,
        classes=_plain(classes), years=_plain(years), weeks=_plain(weeks),
        exceptions=phones.exceptions_in_force(database, first, last, by=by),
        confiscations=phones.confiscation_log(database, first, last, by=by),
        early_hand_backs=phones.early_hand_backs(database, first, last, by=by),
        cupboards=phones.cupboard_days(database, first, last, by=by),
        loans=devices.loans_report(database, first, last, by=by),
        stock_takes=_plain(stock_takes))


def make_pack(path: str | Path, database: Database, settings: Settings, first: date, last: date, *,
              by: str | CommandLine, classes: Rows = (), years: Rows = (), weeks: Rows = (),
              stock_takes: Rows = ()) -> Path:
    """Gather the pack and write it to ``path`` (a PDF); returns the path. The PDF is written beside it first and
    renamed when whole, so a full disk or a stopped kiosk never leaves half a pack under the name asked for."""
    import os

    from evidence import write_pack

    path = Path(path)
    data = gather_pack(database, settings, first, last, by=by, classes=classes, years=years, weeks=weeks,
                       stock_takes=stock_takes)
    part = path.with_name(f".{path.name}.part")
    try:
        write_pack(part, data)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path
