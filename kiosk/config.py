"""Settings: built once at start-up and passed down (no module globals).

Read, in order of priority, from the command line, ``KIOSK_*`` environment
variables, and ``settings.toml`` in the user config directory.

The three sources are read here rather than by pydantic-settings: importing it (its sources, its command-line
machinery) cost a few hundredths of a second at the start of every command, for what these twenty lines do.
"""

from __future__ import annotations

import os
import re
import socket
from datetime import time
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_dir, user_data_dir
from pydantic import BaseModel, ConfigDict, Field

APP_NAME = "custody-kiosk"


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


ENV_PREFIX = "KIOSK_"


class Settings(BaseModel):
    """Given values first, then ``KIOSK_*`` variables (any case, as pydantic-settings read them), then settings.toml.

    A value that is not valid raises pydantic's ValidationError naming the setting; a settings.toml that is not
    TOML raises tomllib's TOMLDecodeError (both ValueErrors)."""

    model_config = ConfigDict(extra="ignore", validate_default=True)

    school_name: str = Field(default="", description="shown on the sign-in screen")
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

    def __init__(self, **values: Any) -> None:
        super().__init__(**(from_file(config_file()) | from_environment(type(self).model_fields) | values))

    def database_url(self) -> str:
        return self.db or f"sqlite:///{data_dir() / 'kiosk.db'}"

    def backups(self) -> Path:
        """Where backups go: the backup_folder setting, else the backups folder beside the default database."""
        return Path(self.backup_folder).expanduser() if self.backup_folder else data_dir() / "backups"


def from_environment(fields) -> dict[str, str]:
    """The ``KIOSK_*`` variables that name a setting, by setting name (KIOSK_DB and kiosk_db alike)."""
    found = {}
    for variable, value in os.environ.items():
        name = variable.lower().removeprefix(ENV_PREFIX.lower())
        if variable.upper().startswith(ENV_PREFIX) and name in fields:
            found[name] = value
    return found


def from_file(path: Path) -> dict[str, Any]:
    """settings.toml's values ({} when there is no such file)."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return {}
    import tomllib  # only when there is a file to read: a command's start-up counts milliseconds

    with file:
        return tomllib.load(file)
