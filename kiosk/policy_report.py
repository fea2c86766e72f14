"""The phone rules figures and the lists behind them as rows, once: `kiosk report policy` lists the figures, and
the leadership's review exports them with the lists (a folder of CSV files a spreadsheet opens).

Light at import (the command line's start-up): the db packages load inside the functions.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from kiosk.exports import export_folder, fresh_path
from kiosk.output import write_csv

if TYPE_CHECKING:
    from db.core import Database, TermDates
    from db.phones import PolicyLists

# The lists' columns in the export (names as R5: first name and surname initial).
LIST_KEYS = {
    "parents-untold": ("pupil", "class", "since", "waiting_minutes"),
    "repeat-confiscations": ("pupil", "class", "times", "first", "last", "reasons"),
    "cupboards-not-confirmed": ("class", "day", "phones", "last_in", "locked_at"),
    "early-hand-backs": ("pupil", "class", "at", "reason", "by"),
    "exceptions-due-for-review": ("pupil", "class", "kind", "approved_by", "review_on", "days_overdue"),
}


def policy_keys(per: str | None) -> tuple[str, ...]:
    """The columns of `report policy`: the figures' keys after what each row is for."""
    from db.phones import FIGURE_KEYS

    first = {"week": ("week",), "day": ("day",), "year": ("year", "pupils_in_year")}.get(per, ())
    return (*first, "class", *FIGURE_KEYS)


def policy_row(row, keys: tuple[str, ...]) -> dict:
    from db.core import year_name

    values = {"class": row.class_name, "year": "all" if row.year is None else year_name(row.year)}
    return {key: values[key] if key in values else getattr(row, key) for key in keys}


def list_rows(lists: PolicyLists) -> dict[str, list[dict[str, Any]]]:
    """Each list's rows under its file name, cells in ``LIST_KEYS`` order."""
    return {
        "parents-untold": [{"pupil": r.pupil, "class": r.class_name, "since": r.since,
                            "waiting_minutes": r.waiting_minutes} for r in lists.parents_untold],
        "repeat-confiscations": [{"pupil": r.pupil, "class": r.class_name, "times": r.times, "first": r.first,
                                  "last": r.last, "reasons": "; ".join(r.reasons)} for r in lists.repeat_confiscations],
        "cupboards-not-confirmed": [{"class": r.class_name, "day": r.day, "phones": r.phones, "last_in": r.last_in,
                                     "locked_at": r.locked_at} for r in lists.cupboards_unconfirmed],
        "early-hand-backs": [{"pupil": r.pupil, "class": r.class_name, "at": r.at, "reason": r.reason, "by": r.by}
                             for r in lists.early_hand_backs],
        "exceptions-due-for-review": [{"pupil": r.pupil, "class": r.class_name, "kind": r.kind,
                                       "approved_by": r.approved_by, "review_on": r.review_on,
                                       "days_overdue": r.days_overdue} for r in lists.exceptions_due],
    }


def export_policy(database: Database, terms: TermDates, first: date, last: date, by: str) -> str:
    """Save the figures (as `kiosk report policy --format csv`) and the five lists for the days given, one CSV file
    each in a new folder in Documents; the sentence to show."""
    from db.core import Refused
    from db.phones import policy_figures, policy_lists

    report = policy_figures(database, first, last, terms=terms, by=by)
    lists = policy_lists(database, report.first, report.last, by=by)
    keys = policy_keys(None)
    files = {"figures": (keys, [policy_row(row, keys) for row in report.rows])}
    files |= {name: (LIST_KEYS[name], rows) for name, rows in list_rows(lists).items()}
    try:
        folder = fresh_path(export_folder(), f"phone-rules-{report.first}-to-{report.last}")
        folder.mkdir()
        for name, (columns, rows) in files.items():
            # utf-8-sig: Excel reads Zoë and Wiśniewski right only with the byte-order mark.
            with (folder / f"{name}.csv").open("x", encoding="utf-8-sig", newline="") as out:
                write_csv(rows, columns, out)
    except OSError as exc:
        raise Refused(f"The figures could not be saved ({exc.strerror or exc}): check there is space in your "
                      "Documents folder, then press E again.") from None
    return (f"Saved the figures and the five lists behind them to {folder} ({len(files)} files: open them with "
            "Excel or Google Sheets).")
