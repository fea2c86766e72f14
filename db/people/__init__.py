"""People: pupils (finding them, their phone's place, walk-home permission), staff at the kiosk (PINs,
signing in, the lockout), and importing both from the MIS."""

from db.people.imports import NOBODY_ARCHIVED, import_pupils, import_staff, parse_year
from db.people.pupils import find_pupils, permit_walk_home, pupil_summary
from db.people.staff import LOCK_AFTER, LOCK_FOR, PIN_LENGTHS, set_pin, sign_in

__all__ = [
    "LOCK_AFTER", "LOCK_FOR", "NOBODY_ARCHIVED", "PIN_LENGTHS", "find_pupils", "import_pupils", "import_staff",
    "parse_year", "permit_walk_home", "pupil_summary", "set_pin", "sign_in",
]
