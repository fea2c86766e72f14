"""Settings: built once at start-up and passed down (no module globals).

Read, in order of priority, from the command line, ``KIOSK_*`` environment
variables, and ``settings.toml`` in the user config directory.

The three sources are read and checked here rather than by pydantic-settings and pydantic: importing them cost
about a tenth of a second at the start of every command, for what these lines do.
"""

from __future__ import annotations

import json
import os
import re
import socket
from dataclasses import MISSING, dataclass, field, fields
from datetime import time
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_dir, user_data_dir

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


@dataclass(frozen=True)
class TermDatesSetting:
    """The school's own term dates (README, "Setting your term dates"): each a "YYYY-MM-DD..YYYY-MM-DD" range or
    one "YYYY-MM-DD"; the school years they leave out follow England's usual pattern (db/core/terms.py)."""

    terms: list[str] = field(default_factory=list)  # each term, first day to last day
    half_terms: list[str] = field(default_factory=list)  # the half-term breaks inside the terms
    closed: list[str] = field(default_factory=list)  # other days closed in term: INSET, bank holidays


ENV_PREFIX = "KIOSK_"


class SettingNotValid(ValueError):
    """A setting's value the kiosk cannot use: ``name`` as settings.toml spells it, ``why`` as part of a sentence."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"{name}: {why}")
        self.name, self.why = name, why


# Each setting's check: the value as given (a TOML value, or a KIOSK_ variable's text) in, the setting's value out,
# or the reason it is not valid (raised as ValueError, named by Settings). The words are those pydantic used.
def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("input should be a valid string")
    return value


def _text_or_none(value: Any) -> str | None:
    return None if value is None else _text(value)


def _time_of_day(value: Any) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(_text(value).strip())
    except ValueError:
        raise ValueError("input should be in a valid time format, e.g. 15:15") from None


def _whole_number(least: int):
    def check(value: Any) -> int:
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            value = int(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int):
            raise ValueError("input should be a valid integer, unable to parse string as an integer")
        if value < least:
            raise ValueError(f"input should be greater than or equal to {least}")
        return int(value)

    return check


_YES, _NO = ("1", "on", "t", "true", "y", "yes"), ("0", "off", "f", "false", "n", "no")


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _YES + _NO:
        return value.strip().lower() in _YES
    raise ValueError("input should be a valid boolean, unable to interpret input")


def _one_of(*choices: str):
    def check(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"input should be {' or '.join(repr(c) for c in choices)}")
        return value

    return check


def _term_dates(value: Any) -> TermDatesSetting:
    if isinstance(value, TermDatesSetting):
        return value
    if not isinstance(value, dict):
        raise ValueError("input should be a valid dictionary or instance of TermDatesSetting")
    found = {}
    for part in ("terms", "half_terms", "closed"):
        days = value.get(part, [])
        if not isinstance(days, list) or not all(isinstance(day, str) for day in days):
            raise ValueError(f"its {part} should be a list of dates in quotes, e.g. [\"2026-09-03..2026-12-18\"]")
        found[part] = days
    return TermDatesSetting(**found)


def setting(default: Any = MISSING, *, check, factory=MISSING, parts: bool = False, about: str = ""):
    """One setting: its default (or ``factory``), its ``check``, and whether it is made of parts (a TOML table,
    JSON in its KIOSK_ variable)."""
    return field(default=default, default_factory=factory, metadata={"check": check, "parts": parts, "about": about})


@dataclass(init=False)
class Settings:
    """Given values first, then ``KIOSK_*`` variables (any case), then settings.toml, then the defaults.

    A value that is not valid raises ``SettingNotValid`` naming the setting; a settings.toml that is not TOML raises
    tomllib's TOMLDecodeError (both ValueErrors). A setting made of parts (term_dates) is a TOML table, or JSON in
    its variable. A plain dataclass, not a pydantic model: importing pydantic cost every command about 0.05 s.
    ``dataclasses.replace(settings, db=...)`` gives a copy with a setting changed."""

    school_name: str = setting("", check=_text, about="shown on the sign-in screen")
    policy_paragraph: str = setting(POLICY_PARAGRAPH, check=_text, about="the phone policy in a paragraph, as the "
                                    "evidence pack states it (`kiosk report policy --pack`)")
    db: str | None = setting(None, check=_text_or_none,
                             about="SQLAlchemy URL; default: kiosk.db in the user data folder")
    kiosk_name: str = setting(factory=socket.gethostname, check=_text, about="recorded on every ledger row")
    timezone: str = setting("Europe/London", check=_text)
    home_time: time = setting(time(15, 15), check=_time_of_day)
    idle_lock_seconds: int = setting(120, check=_whole_number(1), about="lock the kiosk after this long untouched")
    printer: str | None = setting(None, check=_text_or_none,
                                  about="e.g. tcp://192.168.1.50, usb://04b8:0202, preview:tags.png")
    paper: str = setting("80mm", check=_text, about="80mm (e.g. Epson TM-T88V) or 58mm (e.g. POS-5890)")
    drive_folder: str | None = setting(None, check=_text_or_none,
                                       about="the school Google Drive folder as this PC sees it")
    receipt_on_check_in: bool = setting(False, check=_yes_no, about="print a slip for every phone checked in")
    # Every state is also said in words and symbols; this is for a washed-out projector or a colour-blind teacher.
    theme: Literal["standard", "high-contrast"] = setting("standard", check=_one_of("standard", "high-contrast"),
                                                          about="standard or high-contrast")
    sounds: bool = setting(True, check=_yes_no, about="bells: one for done, two for a note, three for refused")
    # Retention (R7), in whole school years kept before the current one (0 = only the current year): `kiosk purge`.
    keep_custody_years: int = setting(1, check=_whole_number(0), about="phone custody, parents told, walk-home, PINs")
    keep_device_loans_years: int = setting(1, check=_whole_number(0), about="finished camera and iPad loans")
    keep_confiscations_years: int = setting(3, check=_whole_number(0), about="released confiscations")
    keep_exceptions_years: int = setting(6, check=_whole_number(0), about="ended pupil and staff phone exceptions")
    keep_leavers_years: int = setting(1, check=_whole_number(0),
                                      about="pupils archived as leavers, with their records")
    serve_sessions: int = setting(8, check=_whole_number(1), about="`kiosk serve`: browser tabs open at once (each "
                                  "runs a kiosk, about 50 MB)")
    # Backups (`kiosk backup`, and the kiosk's own at the end of each school day).
    backup_folder: str | None = setting(None, check=_text_or_none, about="a USB disk, a network share or a synced "
                                        "cloud folder; default: the backups folder in the user data folder")
    backup_time: time = setting(time(16, 0), check=_time_of_day,
                                about="the kiosk's own backup each school day, after home-time")
    keep_daily_backups: int = setting(10, check=_whole_number(1), about="the newest backup of each of the last N days")
    keep_weekly_backups: int = setting(8, check=_whole_number(0), about="... of each of the last N weeks")
    keep_termly_backups: int = setting(6, check=_whole_number(0),
                                       about="... of each of the last N terms (two school years)")
    term_dates: TermDatesSetting = setting(factory=TermDatesSetting, check=_term_dates, parts=True,
                                           about="the school's terms, half-terms and closed days (R8 figures)")

    def __init__(self, **given: Any) -> None:
        known = {f.name: f for f in fields(self)}
        values = from_file(config_file()) | from_environment(known) | given
        for name, spec in known.items():  # in order: the first setting not valid is the one named
            if name in values:
                try:
                    value = spec.metadata["check"](values[name])
                except ValueError as exc:
                    raise SettingNotValid(name, str(exc)) from None
            else:
                value = spec.default_factory() if spec.default is MISSING else spec.default
            setattr(self, name, value)

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


def from_environment(known: dict) -> dict[str, Any]:
    """The ``KIOSK_*`` variables that name a setting, by setting name (KIOSK_DB and kiosk_db alike); a setting
    made of parts is read as JSON, as pydantic-settings read it."""
    found = {}
    for variable, value in os.environ.items():
        name = variable.lower().removeprefix(ENV_PREFIX.lower())
        if variable.upper().startswith(ENV_PREFIX) and name in known:
            found[name] = json_or_text(value) if known[name].metadata["parts"] else value
    return found


def json_or_text(value: str) -> Any:
    """JSON's value, else the text as it was (its setting's check then says it is not valid)."""
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
