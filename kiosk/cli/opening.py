"""Opening what a command works on: the school's database, or the kiosk itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from kiosk.config import Settings, data_dir

if TYPE_CHECKING:
    from db.core import Database

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def connect(settings: Settings, clock: Clock = utc_now, *, create: bool = False) -> Database:
    """The database the settings name; ``create`` (kiosk init) makes the default data folder if need be."""
    from db.core import NotReady, open_database

    url = settings.database_url()
    if settings.db is None:
        folder = data_dir()
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # pupils' names: this user's only
        elif not folder.is_dir():
            raise NotReady("This kiosk has no database yet: run `kiosk init` first (or `kiosk demo` to try it).")
    # The real clock is not passed on: on PostgreSQL the record then keeps the server's time (db/core/engine.py).
    return open_database(url, clock=None if clock is utc_now else clock, kiosk_name=settings.kiosk_name,
                         zone=settings.timezone, home_time=settings.home_time)


def start_kiosk(settings: Settings, database: Database | None = None, hint: str | None = None) -> int:
    from kiosk.app import make_app  # Textual only when the kiosk itself runs

    make_app(settings, database=database, sign_in_hint=hint).run()
    return 0
