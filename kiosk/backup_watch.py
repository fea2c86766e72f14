"""The kiosk's own backups: the day's backup after home-time (the backup_time setting), or at the next start when
the PC was off then; and the warning, in words, when the last good backup is older than two school days or the
backup folder cannot be used. School days are Monday to Friday (the kiosk keeps no holiday calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

OVERDUE_SCHOOL_DAYS = 2
RETRY_SECONDS = 30 * 60  # a failed backup is tried again after this long, not every minute (a full disk, a copy)


def school_days_after(earlier: date, later: date) -> int:
    """How many school days (Monday to Friday) fall after ``earlier`` up to and including ``later``."""
    return sum(1 for n in range(1, (later - earlier).days + 1) if (earlier + timedelta(days=n)).weekday() < 5)


def last_due(now: datetime, at: time) -> datetime:
    """The latest moment a day's backup was due, not after ``now`` (naive, the school's local time)."""
    day = now.date()
    while day.weekday() >= 5 or datetime.combine(day, at) > now:
        day -= timedelta(days=1)
    return datetime.combine(day, at)


def is_due(last: datetime | None, now: datetime, at: time) -> bool:
    return last is None or last < last_due(now, at)


@dataclass(frozen=True)
class BackupStatus:
    """What the kiosk knows of its backups: the newest good one (local time) and the last attempt's problem."""

    last: datetime | None = None
    problem: str | None = None  # one sentence: the folder cannot be reached, is full, ...

    def overdue(self, today: date) -> bool:
        return self.last is not None and school_days_after(self.last.date(), today) > OVERDUE_SCHOOL_DAYS

    def short(self, today: date) -> str:
        """A few words for the status bar, or "" when all is well."""
        if self.overdue(today):
            return f"Backup overdue: last {self.last:%a %d %b}"
        return "Backup not made: see the office screen" if self.problem else ""

    def sentence(self, today: date) -> str:
        """The office screen's line, or "" when all is well."""
        last = (f"The last good backup was made {self.last:%a %d %b %Y at %H:%M}" if self.last
                else "This kiosk has seen no good backup yet")
        if self.overdue(today):
            return (f"{self.problem + ' ' if self.problem else ''}{last}, more than two school days ago: "
                    "check the backup folder (setting backup_folder), or run `kiosk backup`.")
        return f"{self.problem} {last}." if self.problem else ""


def keep(database, settings, now: datetime, previous: BackupStatus, may_try: bool) -> BackupStatus:
    """Look at the backup folder and, when the day's backup is due (and ``may_try``), make it: run in a thread."""
    from db.core import COMMAND_LINE
    from db.records import Keep, backups, make_backup, taken
    from kiosk.failures import sentence_for

    folder = settings.backups()
    last = previous.last
    try:
        if not settings.backup_folder:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not folder.is_dir():
            return BackupStatus(last, f"The backup folder {folder} cannot be reached (is the USB disk or network "
                                      "share connected?).")
        found = backups(folder)
        last = taken(found[0]) if found else None
        if not is_due(last, now.replace(tzinfo=None), settings.backup_time):
            return BackupStatus(last)
        if not may_try:  # it failed a moment ago: said already, tried again later
            return BackupStatus(last, previous.problem)
        made = make_backup(database, folder, by=COMMAND_LINE, keep=Keep(
            daily=settings.keep_daily_backups, weekly=settings.keep_weekly_backups,
            termly=settings.keep_termly_backups))
        return BackupStatus(taken(made.path))
    except Exception as exc:  # noqa: BLE001 - a failed backup is a warning on screen, never a stopped kiosk
        return BackupStatus(last, sentence_for(exc))
