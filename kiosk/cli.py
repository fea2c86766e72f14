"""The `kiosk` command. Its form is a contract (shared/DESIGN.md): scripts and cron jobs rely on it.

Exit status: 0 done, 1 refused (one plain sentence on stderr, nothing changed),
2 usage error. Textual is imported only when the kiosk itself starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from db.errors import Refused
from kiosk.config import Settings, data_dir
from kiosk.output import FORMATS, emit

if TYPE_CHECKING:
    from db.engine import Database

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def main(argv: list[str] | None = None, *, clock: Clock = utc_now) -> int:
    """Run one command; ``clock`` lets tests fix the time."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings(**({"db": args.db} if getattr(args, "db", None) else {}))
    if args.command is None:
        url = settings.database_url()
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
            print("This kiosk has no database yet: run `kiosk init` first (or `kiosk demo` to try it).", file=sys.stderr)
            return 1
        # The kiosk paints its sign-in screen first and loads the database layer behind it.
        return start_kiosk(settings)
    from db.engine import NotReady, require_ready

    try:
        if args.command == "demo":
            return run_demo(args, settings, clock)
        database = _open(settings, clock, create=args.command == "init")
        if args.command != "init":
            require_ready(database)
        args.settings = settings
        return args.handler(args, database) or 0
    except (Refused, NotReady) as exc:
        print(str(exc), file=sys.stderr)
        for line in getattr(exc, "details", ()):
            print(f"  {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1


def _open(settings: Settings, clock: Clock = utc_now, *, create: bool = False) -> Database:
    from db.engine import NotReady, open_database

    url = settings.database_url()
    if settings.db is None:
        folder = data_dir()
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise NotReady("This kiosk has no database yet: run `kiosk init` first (or `kiosk demo` to try it).")
    return open_database(url, clock=clock, kiosk_name=settings.kiosk_name, zone=settings.timezone,
                         home_time=settings.home_time)


def start_kiosk(settings: Settings, database: Database | None = None) -> int:
    from kiosk.app import make_app  # Textual only when the kiosk itself runs

    make_app(settings, database=database).run()
    return 0


# --- setting up -------------------------------------------------------------

def cmd_init(args, database: Database) -> None:
    from db.engine import upgrade

    before = upgrade(database)
    where = database.url.replace("sqlite:///", "") if database.is_sqlite else "the school database"
    print(f"The database at {where} is ready." if before else f"Created the database at {where}.")


def run_demo(args, settings: Settings, clock: Clock = utc_now) -> int:
    from kiosk import demo

    if settings.db is None:
        # The demo school lives in a file of its own, made afresh each time: never the school's record.
        path = data_dir() / "demo.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, path.with_name("demo.db-wal"), path.with_name("demo.db-shm")):
            leftover.unlink(missing_ok=True)
        settings = settings.model_copy(update={"db": f"sqlite:///{path}"})
    settings = settings.model_copy(update={"school_name": "Meadowbank Primary (demo)"})
    from db.engine import upgrade

    database = _open(settings, clock)
    upgrade(database)
    logins = demo.fill(database)
    print(f"Demo school: Meadowbank Primary (fictional), in {settings.database_url().replace('sqlite:///', '')}")
    print("Sign in with one of these staff codes and PINs:")
    emit([{"code": s.code, "pin": s.pin, "name": s.name, "role": s.role, "class": s.class_name or ""}
          for s in logins], "table", empty="")
    from db.reports import phones_held

    held = {row.code for row in phones_held(database)}
    phones = _tag_rows(database, "phone")
    print("\nPhone tags to scan (type the code, then Enter):")
    waiting = [f"{r['code']} ({r['label']})" for r in phones if r["code"] not in held]
    already = [f"{r['code']} ({r['label']})" for r in phones if r["code"] in held]
    print("  not in yet, for Morning check-in: " + ", ".join(waiting[:3]))
    print("  already in, for Home-time:        " + ", ".join(already[:3]))
    if args.fill_only:
        return 0
    return start_kiosk(settings, database)


def cmd_import(args, database: Database) -> None:
    from db import importers

    path = Path(args.file)
    if args.what == "pupils":
        report = importers.import_pupils(database, path, skip_bad=args.skip_bad)
    elif args.what == "staff":
        report = importers.import_staff(database, path)
    else:
        raise Refused(f"Importing {args.what} comes with the cameras-and-iPads part of Custody Kiosk, which this version does not have yet.")
    print(f"Imported {args.what} from {path.name}: {report.added} added, {report.updated} updated"
          + (f", {report.archived} archived as leavers" if args.what == "pupils" else "") + ".")
    for line in report.skipped:
        print(f"  skipped {line}" if line.startswith("line ") else line, file=sys.stderr)


def cmd_set_pin(args, database: Database) -> None:
    from db import people

    if sys.stdin.isatty():
        import getpass

        pin = getpass.getpass("New PIN: ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise Refused("The two PINs were different: nothing was changed, try again.")
    else:
        pin = sys.stdin.readline().rstrip("\r\n")
    staff = people.set_pin(database, args.code, pin)
    print(f"The PIN for {staff.name} ({staff.code}) is set.")


def cmd_permit(args, database: Database) -> None:
    from db import people

    if not args.walk_home:
        raise Refused("Say which permission: --walk-home (the parents' written permission to walk home alone).")
    pupil = people.permit_walk_home(database, args.pupil, args.by, revoke=args.revoke)
    state = "may walk home alone" if pupil.walk_home else "may no longer walk home alone"
    print(f"Recorded: {pupil.name} ({pupil.class_name}) {state}.")


# --- tags -------------------------------------------------------------------

def cmd_tags_issue(args, database: Database) -> None:
    from db import tags
    from labels.codes import TagKind, new_code

    kind = TagKind(args.kind)
    make_code = lambda: new_code(kind)  # noqa: E731
    if kind is TagKind.PHONE:
        tag = tags.issue_phone_tag(database, args.pupil, make_code, args.description)
    elif kind is TagKind.LOCATION:
        tag = tags.issue_location_tag(database, args.name, make_code)
    elif kind is TagKind.STAFF:
        tag = tags.issue_staff_tag(database, args.staff, make_code)
    else:
        raise Refused("Device tags come with the cameras-and-iPads part of Custody Kiosk, which this version does not have yet.")
    print(tag.code)


def _tag_rows(database: Database, kind: str | None) -> list[dict]:
    from db import tags

    return [{"code": t.code, "kind": t.kind, "label": t.label, "description": t.description or ""}
            for t in tags.list_tags(database, kind)]


def cmd_tags_list(args, database: Database) -> None:
    emit(_tag_rows(database, args.kind), args.format, empty="No tags have been issued yet.")


def cmd_tags_print(args, database: Database) -> None:
    from kiosk import printing
    from kiosk.scan import read_code

    settings = args.settings
    code = read_code(args.code) if args.code else None
    job = printing.tags_job(database, args.paper or settings.paper, code=code, class_name=args.class_name,
                            kind=args.kind)
    printer = args.printer or settings.printer
    printing.send(job, printer)
    print(f"Printed: {job.title} on {printer}.")


# --- phones -----------------------------------------------------------------

def cmd_phone_in(args, database: Database) -> None:
    from db import ledger
    from kiosk.scan import read_phone_code

    result = ledger.phone_in(database, read_phone_code(args.code), args.by)
    print(f"{result.pupil} ({result.class_name}): the phone goes to the {result.location}.")
    if result.note:
        print(result.note)


def cmd_phone_out(args, database: Database) -> None:
    from db import ledger
    from kiosk.scan import read_phone_code

    result = ledger.phone_out(database, read_phone_code(args.code), args.by, to=args.to, reason=args.reason)
    print(f"Hand the phone back to {result.pupil} ({result.class_name}): it was in the {result.location}.")


def cmd_phone_where(args, database: Database) -> None:
    from db import reports

    if args.printer:
        from kiosk import printing

        job = printing.still_held_job(database, args.paper or args.settings.paper)
        printing.send(job, args.printer)
        print(f"Printed: {job.title} on {args.printer}.")
        return
    rows = [{"code": r.code, "pupil": r.pupil, "class": r.class_name, "location": r.location, "since": r.since,
             "by": r.by, "status": r.status, "description": r.description or ""} for r in reports.phones_held(database)]
    emit(rows, args.format, empty="No phones are held.")


def cmd_parents_pending(args, database: Database) -> None:
    from db import reports

    rows = [{"pupil": r.pupil, "class": r.class_name, "reason": r.reason, "since": r.since}
            for r in reports.parents_pending(database)]
    emit(rows, args.format, empty="No parents are waiting to be told.")


def cmd_parents_told(args, database: Database) -> None:
    from db import ledger

    closed = ledger.parents_told(database, args.pupil, args.by, args.how)
    print(f"Recorded that the parents were told ({closed} phone{'s' if closed > 1 else ''}).")


def cmd_cupboard_locked(args, database: Database) -> None:
    from db import ledger

    check = ledger.cupboard_locked(database, args.class_name, args.by)
    print(f"The {check.location} is confirmed locked with {check.phones} phone{'s' if check.phones != 1 else ''} inside.")


def cmd_report_custody(args, database: Database) -> None:
    from db import reports

    start = reports.parse_day(args.from_day, "--from")
    end = reports.parse_day(args.to_day, "--to")
    rows = [{"at": e.at, "action": e.action, "code": e.code, "pupil": e.pupil, "class": e.class_name,
             "location": e.location, "by": e.by, "kiosk": e.kiosk, "note": e.note}
            for e in reports.custody_report(database, start, end)]
    emit(rows, args.format, empty="Nothing happened to any phone on those days.")


def cmd_audit_verify(args, database: Database) -> int:
    from db import audit

    checked = audit.verify(database)
    print(f"The ledger is intact: {checked} records, each linked to the one before.")
    return 0


# --- the parser -------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # --db is accepted before or after the command (default SUPPRESS keeps the first one).
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default: $KIOSK_DB, else the SQLite file in the user data folder)")
    parser = argparse.ArgumentParser(prog="kiosk", parents=[common],
                                     description="Custody Kiosk: pupils' phones and school cameras, recorded.")
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, handler, helptext, parent=sub):
        p = parent.add_parser(name, parents=[common], help=helptext, description=helptext)
        p.set_defaults(handler=handler)
        return p

    def listing(p):
        p.add_argument("--format", choices=FORMATS, default="table")
        return p

    def printer_options(p, helptext="the printer (default: the printer setting)"):
        p.add_argument("--printer", metavar="URI",
                       help=f"{helptext}: file:PATH, tcp://HOST[:PORT], usb://VID:PID, serial:DEVICE or preview:PATH.png")
        p.add_argument("--paper", choices=("80mm", "58mm"), help="paper width (default: the paper setting, 80mm)")
        return p

    command("init", cmd_init, "create or upgrade the database (safe to run again)")
    demo = sub.add_parser("demo", parents=[common], help="try the kiosk on a fictional school")
    demo.add_argument("--fill-only", action="store_true", help="fill the demo database and exit")

    imp = sub.add_parser("import", help="import an MIS export").add_subparsers(dest="what", required=True, metavar="WHAT")
    for what, helptext in (("pupils", "pupils from SIMS, Arbor or Bromcom"), ("staff", "staff codes, names, roles"),
                           ("devices", "school cameras and iPads"), ("consent", "photo consent")):
        p = command(what, cmd_import, helptext, imp)
        p.add_argument("file", metavar="FILE")
        if what == "pupils":
            p.add_argument("--skip-bad", action="store_true", help="import the good rows, report the rest")

    staff = sub.add_parser("staff", help="staff").add_subparsers(dest="action", required=True, metavar="ACTION")
    command("set-pin", cmd_set_pin, "set a PIN (first line of standard input)", staff).add_argument("code", metavar="CODE")

    pupil = sub.add_parser("pupil", help="pupils").add_subparsers(dest="action", required=True, metavar="ACTION")
    p = command("permit", cmd_permit, "record a parents' permission", pupil)
    p.add_argument("pupil", metavar="PUPIL", help="UPN, admission number or phone tag code")
    p.add_argument("--walk-home", action="store_true", required=True)
    p.add_argument("--by", required=True, metavar="STAFF")
    p.add_argument("--revoke", action="store_true")

    tags = sub.add_parser("tags", help="QR tags").add_subparsers(dest="action", required=True, metavar="ACTION")
    issue = tags.add_parser("issue", help="issue a new tag").add_subparsers(dest="kind", required=True, metavar="KIND")
    p = command("phone", cmd_tags_issue, "a phone pouch tag", issue)
    p.add_argument("--pupil", required=True, metavar="PUPIL")
    p.add_argument("--description", metavar="TEXT", help="e.g. “black iPhone, blue case”")
    command("device", cmd_tags_issue, "a school device tag", issue).add_argument("--asset", required=True)
    command("location", cmd_tags_issue, "a cupboard or office tag", issue).add_argument("--name", required=True)
    command("staff", cmd_tags_issue, "a staff badge", issue).add_argument("--staff", required=True, metavar="CODE")
    listing(command("list", cmd_tags_list, "list tags", tags)).add_argument(
        "--kind", choices=("phone", "device", "location", "staff"))
    p = command("print", cmd_tags_print, "print tags on a receipt printer", tags)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--code", metavar="CODE", help="one tag")
    which.add_argument("--class", dest="class_name", metavar="CLASS", help="the phone tags of a class")
    which.add_argument("--kind", choices=("phone", "device", "location", "staff"), help="every tag of a kind")
    printer_options(p)

    phone = sub.add_parser("phone", help="pupils' phones").add_subparsers(dest="action", required=True, metavar="ACTION")
    p = command("in", cmd_phone_in, "morning check-in", phone)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--by", required=True, metavar="STAFF")
    p = command("out", cmd_phone_out, "hand a phone back", phone)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--by", required=True, metavar="STAFF")
    p.add_argument("--to", metavar="NAME", help="who collected it")
    p.add_argument("--reason", metavar="TEXT", help="required before home-time")
    printer_options(listing(command("where", cmd_phone_where, "every phone held now", phone)),
                    "print the end-of-day list of phones still held instead of listing them")

    parents = sub.add_parser("parents", help="parents to tell").add_subparsers(dest="action", required=True, metavar="ACTION")
    listing(command("pending", cmd_parents_pending, "parents still to be told", parents))
    p = command("told", cmd_parents_told, "record that parents were told", parents)
    p.add_argument("pupil", metavar="PUPIL")
    p.add_argument("--by", required=True, metavar="STAFF")
    p.add_argument("--how", required=True, metavar="TEXT")

    cupboard = sub.add_parser("cupboard", help="class cupboards").add_subparsers(dest="action", required=True, metavar="ACTION")
    p = command("locked", cmd_cupboard_locked, "confirm a class cupboard is locked", cupboard)
    p.add_argument("class_name", metavar="CLASS")
    p.add_argument("--by", required=True, metavar="STAFF")

    report = sub.add_parser("report", help="reports").add_subparsers(dest="what", required=True, metavar="WHAT")
    p = listing(command("custody", cmd_report_custody, "phone events between two days", report))
    p.add_argument("--from", dest="from_day", metavar="DATE")
    p.add_argument("--to", dest="to_day", metavar="DATE")

    audit = sub.add_parser("audit", help="the tamper-evident ledger").add_subparsers(dest="action", required=True, metavar="ACTION")
    command("verify", cmd_audit_verify, "check that no ledger record was edited or deleted", audit)
    return parser


if __name__ == "__main__":
    sys.exit(main())
