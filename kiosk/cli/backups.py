"""Backups: `kiosk backup [--to FOLDER]` and `kiosk restore FILE | --list`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli.options import acting_as, listing
from kiosk.output import emit

if TYPE_CHECKING:
    from db.core import Database
    from kiosk.config import Settings

RESTORE_LIST_KEYS = ("file", "newest", "records", "anchor")
# `kiosk restore` runs on a database that may be missing, damaged or from another version: main() skips its
# readiness check for these.
WITHOUT_READY_DATABASE = ("restore",)


def add_commands(sub, options) -> None:
    p = options.command(sub, "backup", cmd_backup, "a checked copy of the database in the backup folder "
                        "(setting backup_folder); prints its path", acting=True)
    p.add_argument("--to", metavar="FOLDER", help="back up into this folder instead (it must exist)")
    p = listing(options.command(sub, "restore", cmd_restore, "put a backup in place of the database (the current "
                                "one is moved aside, never deleted), or list the backups", acting=True))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("file", metavar="FILE", nargs="?", help="the backup to restore")
    which.add_argument("--list", action="store_true", help="the backups in the backup folder, newest first")


def backup_folder(settings: Settings, to: str | None = None) -> Path:
    """The folder named, else the setting; the default folder (in the user data folder) is made if need be."""
    if to:
        return Path(to).expanduser()
    folder = settings.backups()
    if not settings.backup_folder:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def keep(settings: Settings):
    from db.records import Keep

    return Keep(daily=settings.keep_daily_backups, weekly=settings.keep_weekly_backups,
                termly=settings.keep_termly_backups)


def cmd_backup(args, database: Database) -> None:
    from db.records import make_backup

    made = make_backup(database, backup_folder(args.settings, args.to), by=acting_as(args), keep=keep(args.settings))
    print(made.path)
    print(f"Checked: {made.records:,} ledger records{newest(made.newest, database)}; "
          "SQLite's integrity check and the audit chain both pass.")
    if made.anchor is not None:
        print(f"Anchor: {made.anchor} (kept in {made.path.parent / 'anchors.txt'})")
    if made.removed:
        print(f"Rotation removed {len(made.removed)} older backup{'' if len(made.removed) == 1 else 's'}: "
              + ", ".join(path.name for path in made.removed))


def cmd_restore(args, database: Database) -> None:
    if args.list:
        return list_backups(args, database)
    from db.records import restore_backup

    file = Path(args.file).expanduser()
    done = restore_backup(database, file, by=acting_as(args))
    print(f"Restored {file.name}: {done.records:,} ledger records{newest(done.newest, database)}.")
    if done.moved_aside:
        print(f"The database as it was is kept, not deleted: {done.moved_aside[0]}"
              + (f" (with its {', '.join(p.name.rsplit('-', 1)[1] for p in done.moved_aside[1:])})"
                 if len(done.moved_aside) > 1 else ""))
    if done.anchor is not None:
        from db.records import place, remember

        print(f"Anchor: {done.anchor}")
        try:  # the anchors written after this backup name records given up: verify stops holding them
            remember(done.anchor, backup_folder(args.settings), place(database), restored=True)
        except OSError as exc:
            print(f"The restore could not be noted in the anchors file ({exc.strerror or exc}): `kiosk audit "
                  "verify` will name the anchors written after this backup.", file=sys.stderr)
    return None


def list_backups(args, database: Database) -> None:
    from db.core import today
    from db.records import backups, contents, read_only

    folder = backup_folder(args.settings)
    rows = []
    for path in backups(folder):
        copy = read_only(path, database)
        try:
            held = contents(copy)
            row = {"newest": database.local(held.newest) if held.newest else None, "records": held.records,
                   "anchor": str(held.anchor) if held.anchor else ""}
        except Exception:  # noqa: BLE001 - a damaged or foreign file is listed as what it is, not a failure
            row = {"newest": None, "records": None, "anchor": "not readable: damaged or not a backup"}
        finally:
            copy.engine.dispose()
        rows.append({"file": str(path), **row})
    emit(rows, args.format, keys=RESTORE_LIST_KEYS, empty=f"There are no backups in {folder}.",
         today=today(database))


def newest(moment, database: Database) -> str:
    if moment is None:
        return ""
    from db.core import when

    return f", the newest at {when(database.local(moment), database.local(database.now()))}"
