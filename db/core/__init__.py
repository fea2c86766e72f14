"""The foundations every room of ``db`` stands on: opening the database (SQLite or PostgreSQL), the
tables and their migrations, the ledger's hash chain, who may do what, who is who, the school's places
and words, refusals and faults, and the plain data handed back.

The light parts (refusals, faults, words, roles, outcomes, the data handed back) load at once: the
kiosk's first frame uses them. The rest (SQLAlchemy: about half a second) loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.admission import adno_key
from db.core.errors import SENTENCE_MAX, AnswerNeeded, NotAllowed, NotReady, ParentNeeded, ReasonNeeded, Refused
from db.core.faults import UNREACHABLE, Fault, FaultKind, fault_kind, sentence
from db.core.lazy import on_first_use
from db.core.names import name_key, pupil_search_key, search_words
from db.core.outcomes import AgreementStatus, DeviceStatus, HeldStatus, LoanStatus, Outcome, Role, StockResult
from db.core.roles import (
    COMMAND_LINE,
    COVER_PREFIX,
    UNDO_MINUTES,
    CommandLine,
    may,
    other_class,
    require,
    require_class,
    require_self_or,
    require_void,
    role_title,
)
from db.core.terms import PERIODS, TermDates, easter, term_dates
from db.core.text import plain
from db.core.views import (
    ClassPhone,
    CoverBadge,
    CupboardCheck,
    CustodyEvent,
    CustodyResult,
    HeldPhoneRow,
    ParentsToTell,
    PupilException,
    PupilSummary,
    StaffMember,
    StaffPhoneAgreement,
    TagInfo,
    Voidable,
    Voided,
)
from db.core.walk_home import WALK_HOME_YEAR, goes_to_cupboard, walk_home_valid
from db.core.words import (
    day_and_time,
    day_range,
    day_start,
    first_name,
    full_name,
    in_school_year,
    known_as,
    parse_day,
    plural,
    pupil_first,
    pupil_name,
    pupil_short,
    school_year_start,
    short_name,
    short_time,
    today,
    when,
    year_name,
)

# Loaded on first use (PEP 562 __getattr__ below); imported here for type checkers and import-linter.
_LATER = {
    "db.core.chain": ("ENTRY_COLUMNS", "GENESIS", "LEDGER", "append", "head_columns", "next_entry", "not_voided",
                      "row_hash"),
    "db.core.directory": ("acting", "class_on_roll", "find_pupil", "find_staff", "staff_code", "staff_names",
                          "staff_view", "usable_staff"),
    "db.core.engine": ("HEAD_REVISION", "Clock", "Database", "Scanning", "Unreachable", "now_for", "open_database",
                       "require_ready", "schema_revision", "sqlite_url", "upgrade", "utc_now"),
    "db.core.places": ("cupboard_for", "office", "place_named"),
}
if TYPE_CHECKING:
    from db.core.chain import ENTRY_COLUMNS, GENESIS, LEDGER, append, head_columns, next_entry, not_voided, row_hash
    from db.core.directory import (
        acting,
        class_on_roll,
        find_pupil,
        find_staff,
        staff_code,
        staff_names,
        staff_view,
        usable_staff,
    )
    from db.core.engine import (
        HEAD_REVISION,
        Clock,
        Database,
        Scanning,
        Unreachable,
        now_for,
        open_database,
        require_ready,
        schema_revision,
        sqlite_url,
        upgrade,
        utc_now,
    )
    from db.core.places import cupboard_for, office, place_named

__getattr__ = on_first_use(__name__, _LATER, globals())


__all__ = [
    "COMMAND_LINE", "COVER_PREFIX", "ENTRY_COLUMNS", "GENESIS", "HEAD_REVISION", "LEDGER", "PERIODS", "SENTENCE_MAX",
    "UNDO_MINUTES",
    "UNREACHABLE", "WALK_HOME_YEAR", "AgreementStatus", "AnswerNeeded", "ClassPhone", "Clock", "CommandLine",
    "CoverBadge", "CupboardCheck", "CustodyEvent", "CustodyResult", "Database", "DeviceStatus", "Fault", "FaultKind",
    "HeldPhoneRow", "HeldStatus", "LoanStatus", "NotAllowed", "NotReady", "Outcome", "ParentNeeded", "ParentsToTell",
    "PupilException", "PupilSummary", "ReasonNeeded", "Refused", "Role", "Scanning", "StaffMember",
    "StaffPhoneAgreement", "StockResult", "TagInfo", "TermDates", "Unreachable", "Voidable", "Voided", "acting",
    "adno_key", "append", "class_on_roll", "cupboard_for", "day_and_time", "day_range", "day_start", "easter",
    "fault_kind", "find_pupil", "find_staff", "first_name", "full_name", "goes_to_cupboard", "head_columns",
    "in_school_year", "known_as", "may", "name_key", "next_entry", "not_voided", "now_for", "office", "open_database",
    "other_class", "parse_day", "place_named", "plain", "plural", "pupil_first", "pupil_name", "pupil_search_key",
    "pupil_short", "require", "require_class", "require_ready", "require_self_or", "require_void", "role_title",
    "row_hash", "schema_revision", "school_year_start", "search_words", "sentence", "short_name", "short_time",
    "sqlite_url", "staff_code", "staff_names", "staff_view", "term_dates", "today", "upgrade", "usable_staff",
    "utc_now", "walk_home_valid", "when",
    "year_name",
]
