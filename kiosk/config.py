"""Settings: built once at start-up and passed down (no module globals).

Read, in order of priority, from the command line, ``KIOSK_*`` environment
variables, and ``settings.toml`` in the user config directory.

The three sources are read here rather than by pydantic-settings: importing it (its sources, its command-line
machinery) cost a few hundredths of a second at the start of every command, for what these twenty lines do.
"""

from __future__ import annotations

import json
import os
import re
import socket
from datetime import time
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_dir, user_data_dir
from pydantic import BaseModel, ConfigDict, Field

APP_NAME = "custody-kiosk"

# The policy as the evidence pack states it (R1, R2 and the exceptions register); a school words its own in
# settings.toml as policy_paragraph = "…".
POLICY_PARAGRAPH = (
    "Only Year 6 pupils whose parents have given written permission for them to walk home alone may bring a "
    "mobile phone to school. They hand it to their class teacher in the morning, and it is kept in the class's "
    "lockable cupboard until home-time (R1). A phone brought by any other pupil is kept in the main office, or by "
    "the class teacher, until home-time, and the pupil's parents are told (R2). A pupil who needs their phone "
    "during the day (a medical need, a young carer, special educational needs) may keep it on conditions agreed "
    "and reviewed by the leadership team. A phone used against these rules may be confiscated until a parent or "
    "carer collects it. Every phone in, out and confiscated is recorded in the kiosk's ledger, and these figures "
    "are collated and monitored regularly (R8)."
)


def data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


# A password in settings.toml: a database URL with one (scheme://user:password@host), or a password = line.
_PASSWORD = re.compile(r"://[^/@\s:]+:[^@\s]+@|^\s*\w*password\w*\s*=", re.IGNORECASE | re.MULTILINE)


def settings_exposed(path: Path | None = None) -> str | None:
    """One line of warning when settings.toml holds a password and other users of the PC may read it (POSIX)."""
    path = path or config_file()
    try:
        mode = path.stat().st_mode
        if os.name != "posix" or not mode & 0o077 or not _PASSWORD.search(path.read_text(encoding="utf-8")):
            return None
    except (OSError, UnicodeDecodeError):
        return None
    return (f"Warning: {path} holds a password and other users of this PC can read it: "
            f"run `chmod 600 {path}`.")


class TermDatesSetting(BaseModel):
    """The school's own term dates (README, "Setting your term dates"): each a "YYYY-MM-DD..YYYY-MM-DD" range or
    one "YYYY-MM-DD"; the school years they leave out follow England's usual pattern (db/core/terms.py)."""

    terms: list[str] = Field(default_factory=list, description="each term, first day to last day")
    half_terms: list[str] = Field(default_factory=list, description="the half-term breaks inside the terms")
    closed: list[str] = Field(default_factory=list, description="other days closed in term: INSET, bank holidays")


ENV_PREFIX = "KIOSK_"


class Settings(BaseModel):
    """Given values first, then ``KIOSK_*`` variables (any case, as pydantic-settings read them), then settings.toml.

    A value that is not valid raises pydantic's ValidationError naming the setting; a settings.toml that is not
    TOML raises tomllib's TOMLDecodeError (both ValueErrors). A setting made of parts (term_dates) is a TOML
    table, or JSON in its variable."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    school_name: str = Field(default="", description="shown on the sign-in screen")
    policy_paragraph: str = Field(default=POLICY_PARAGRAPH, description="the phone policy in a paragraph, as the "
                                  "evidence pack states it (`kiosk report policy --pack`)")
    db: str | None = Field(default=None, description="SQLAlchemy URL; default: kiosk.db in the user data folder")
    kiosk_name: str = Field(default_factory=socket.gethostname, description="recorded on every ledger row")
    timezone: str = "Europe/London"
    home_time: time = time(15, 15)
    idle_lock_seconds: int = Field(default=120, ge=1, description="lock the kiosk after this long untouched")
    printer: str | None = Field(default=None, description="e.g. tcp://192.168.1.50, usb://04b8:0202, preview:tags.png")
    paper: str = Field(default="80mm", description="80mm (e.g. Epson TM-T88V) or 58mm (e.g. POS-5890)")
    drive_folder: str | None = Field(default=None, description="the school Google Drive folder as this PC sees it")
    receipt_on_check_in: bool = Field(default=False, description="print a slip for every phone checked in")
    # Every state is also said in words and symbols; this is for a washed-out projector or a colour-blind teacher.
    theme: Literal["standard", "high-contrast"] = Field(default="standard", description="standard or high-contrast")
    sounds: bool = Field(default=True, description="bells: one for done, two for a note, three for refused")
    # Retention (R7), in whole school years kept before the current one (0 = only the current year): `kiosk purge`.
    keep_custody_years: int = Field(default=1, ge=0, description="phone custody, parents told, walk-home, PINs")
    keep_device_loans_years: int = Field(default=1, ge=0, description="finished camera and iPad loans")
    keep_confiscations_years: int = Field(default=3, ge=0, description="released confiscations")
    keep_exceptions_years: int = Field(default=6, ge=0, description="ended pupil and staff phone exceptions")
    keep_leavers_years: int = Field(default=1, ge=0, description="pupils archived as leavers, with their records")
    serve_sessions: int = Field(default=8, ge=1, description="`kiosk serve`: browser tabs open at once (each runs "
                                "a kiosk, about 50 MB)")
    # Backups (`kiosk backup`, and the kiosk's own at the end of each school day).
    backup_folder: str | None = Field(default=None, description="a USB disk, a network share or a synced cloud "
                                      "folder; default: the backups folder in the user data folder")
    backup_time: time = Field(default=time(16, 0), description="the kiosk's own backup each school day, after "
                              "home-time")
    keep_daily_backups: int = Field(default=10, ge=1, description="the newest backup of each of the last N days")
    keep_weekly_backups: int = Field(default=8, ge=0, description="... of each of the last N weeks")
    keep_termly_backups: int = Field(default=6, ge=0, description="... of each of the last N terms (two school years)")
    term_dates: TermDatesSetting = Field(default_factory=TermDatesSetting,
                                         description="the school's terms, half-terms and closed days (R8 figures)")

    def __init__(self, **values: Any) -> None:
        super().__init__(**(from_file(config_file()) | from_environment(type(self).model_fields) | values))

    def database_url(self) -> str:
        return self.db or f"sqlite:///{data_dir() / 'kiosk.db'}"

    def school_terms(self):
        """The term dates as db.core.TermDates (a date written wrongly is refused in a sentence naming it)."""
        from db.core import term_dates

        dates = self.term_dates
        return term_dates(dates.terms, dates.half_terms, dates.closed)

    def backups(self) -> Path:
        """Where backups go: the backup_folder setting, else the backups folder beside the default database."""
        return Path(self.backup_folder).expanduser() if self.backup_folder else data_dir() / "backups"


def from_environment(fields) -> dict[str, Any]:
    """The ``KIOSK_*`` variables that name a setting, by setting name (KIOSK_DB and kiosk_db alike); a setting
    made of parts is read as JSON, as pydantic-settings read it."""
    found = {}
    for variable, value in os.environ.items():
        name = variable.lower().removeprefix(ENV_PREFIX.lower())
        if variable.upper().startswith(ENV_PREFIX) and name in fields:
            found[name] = json_or_text(value) if has_parts(fields[name].annotation) else value
    return found


def has_parts(annotation) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def json_or_text(value: str) -> Any:
    """JSON's value, else the text as it was (pydantic then says which setting is not valid)."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def from_file(path: Path) -> dict[str, Any]:
    """settings.toml's values ({} when there is no such file)."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return {}
    import tomllib  # only when there is a file to read: a command's start-up counts milliseconds

    with file:
        return tomllib.load(file)
