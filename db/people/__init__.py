"""People: pupils (finding them, their phone's place, walk-home permission), staff at the kiosk (PINs,
signing in, the lockout), and importing both from the MIS."""

from db.people.cover import COVER_ENDS, cover_today, give_cover_badge
from db.people.pupil_import import ARCHIVE_ASK_MIN, NOBODY_ARCHIVED, import_pupils
from db.people.pupils import find_pupils, permit_walk_home, pupil_summary
from db.people.staff import LOCK_AFTER, LOCK_FOR, PIN_LENGTHS, locked_out, set_pin, sign_in
from db.people.staff_import import import_staff
from db.people.years import parse_year

__all__ = [
    "ARCHIVE_ASK_MIN", "COVER_ENDS", "LOCK_AFTER", "LOCK_FOR", "NOBODY_ARCHIVED", "PIN_LENGTHS", "cover_today",
    "find_pupils", "give_cover_badge", "import_pupils", "import_staff", "parse_year", "permit_walk_home",
    "locked_out", "pupil_summary", "set_pin", "sign_in",
]
