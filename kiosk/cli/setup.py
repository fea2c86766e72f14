"""Setting up: `kiosk init` and `kiosk demo`."""

from __future__ import annotations

import shutil
from dataclasses import replace
from typing import TYPE_CHECKING

from db.core import role_title
from kiosk.cli.opening import connect, start_kiosk
from kiosk.cli.options import acting_as
from kiosk.cli.tags import tag_rows
from kiosk.config import Settings, data_dir
from kiosk.output import emit

if TYPE_CHECKING:
    from db.core import Database
    from kiosk.cli.opening import Clock


def add_commands(sub, options) -> None:
    options.command(sub, "init", cmd_init, "create or upgrade the database (safe to run again)")
    # main() runs the demo itself: it opens a database of its own (see run_demo).
    demo = sub.add_parser("demo", parents=[options.common], help="try the kiosk on a fictional school")
    demo.add_argument("--fill-only", action="store_true", help="fill the demo database and exit")


def cmd_init(args, database: Database) -> None:
    from db.core import upgrade

    before = upgrade(database)
    where = database.url.replace("sqlite:///", "") if database.is_sqlite else "the school database"
    print(f"The database at {where} is ready." if before else f"Created the database at {where}.")


def run_demo(args, settings: Settings, clock: Clock) -> int:
    if settings.db is None:
        # The demo school lives in a file of its own, made afresh each time: never the school's record.
        path = data_dir() / "demo.db"
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        for leftover in (path, path.with_name("demo.db-wal"), path.with_name("demo.db-shm")):
            leftover.unlink(missing_ok=True)
        settings = replace(settings, db=f"sqlite:///{path}")
    settings = replace(settings, school_name="Meadowbank Primary (demo)")
    from db import demo
    from db.core import upgrade

    database = connect(settings, clock)
    upgrade(database)
    # The demo's own "Google Drive" folder, made afresh too: one loan's photos are checked against it.
    drive = data_dir() / "demo-drive"
    shutil.rmtree(drive, ignore_errors=True)
    logins = demo.fill(database, drive=drive)
    print(f"Demo school: Meadowbank Primary (fictional), in {settings.database_url().replace('sqlite:///', '')}")
    print("Sign in with one of these staff codes and PINs:")
    emit([{"code": s.code, "pin": s.pin, "name": s.name, "role": role_title(s.role), "class": s.class_name or ""}
          for s in logins], "table", keys=("code", "pin", "name", "role", "class"), empty="")
    from db.phones import phones_held

    held = {row.code for row in phones_held(database, by=acting_as(args))}
    phones = tag_rows(database, "phone")
    print("\nPhone tags to scan (type the code, then Enter):")
    waiting = [f"{r['code']} ({r['label']})" for r in phones if r["code"] not in held]
    already = [f"{r['code']} ({r['label']})" for r in phones if r["code"] in held]
    print("  not in yet, for Morning check-in: " + ", ".join(waiting[:3]))
    print("  already in, for Home-time:        " + ", ".join(already[:3]))
    from db.people import pupil_summary
    from db.phones import exceptions_register

    refs = {r.pupil_ref for r in exceptions_register(database, by=acting_as(args))}
    keeps = [f"{r['code']} ({r['label']})" for r in phones if pupil_summary(database, r["code"]).upn in refs]
    print("  keeps their phone (exceptions register): " + ", ".join(keeps))
    if args.fill_only:
        return 0
    hint = "Demo: " + " · ".join(f"{s.code} {s.pin} ({s.class_name or role_title(s.role)})" for s in logins) + \
        f"\nTry phone tags {', '.join(waiting[:2])}; an iPad: {tag_rows(database, 'device')[0]['code']}."
    return start_kiosk(settings, database, hint)
