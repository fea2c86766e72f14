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

from db.core import Fault, Refused, parse_day
from kiosk.config import Settings, data_dir
from kiosk.output import FORMATS, emit
from db.core import Outcome

if TYPE_CHECKING:
    from db.core import Database

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def main(argv: list[str] | None = None, *, clock: Clock = utc_now) -> int:
    """Run one command; ``clock`` lets tests fix the time."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings(**({"db": args.db} if getattr(args, "db", None) else {}))
    except ValueError as exc:  # pydantic's ValidationError: a bad value in settings.toml or a KIOSK_ variable
        print(setting_problem(exc), file=sys.stderr)
        return 1
    if args.command is None:
        url = settings.database_url()
        if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
            print("This kiosk has no database yet: run `kiosk init` first (or `kiosk demo` to try it).", file=sys.stderr)
            return 1
        # The kiosk paints its sign-in screen first and loads the database layer behind it.
        return start_kiosk(settings)
    from db.core import NotReady, require_ready

    try:
        if args.command == "demo":
            return run_demo(args, settings, clock)
        database = _open(settings, clock, create=args.command == "init")
        if args.command != "init":
            require_ready(database)
        args.settings = settings
        return args.handler(args, database) or 0
    except (Refused, NotReady, Fault) as exc:
        print(str(exc), file=sys.stderr)
        for line in getattr(exc, "details", ()):
            print(f"  {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1


def setting_problem(exc: ValueError) -> str:
    """One sentence for the first bad setting, naming it as settings.toml and the environment spell it."""
    errors = getattr(exc, "errors", lambda: [])()
    if not errors:
        return f"A setting is not valid ({exc}): check settings.toml and the KIOSK_ variables."
    first = errors[0]
    name = ".".join(str(part) for part in first.get("loc", ())) or "a setting"
    return (f"The setting {name} (KIOSK_{name.upper()}) is not valid: {first.get('msg', 'check it').lower()}; "
            "check settings.toml and the KIOSK_ variables.")


def _open(settings: Settings, clock: Clock = utc_now, *, create: bool = False) -> Database:
    from db.core import NotReady, open_database

    url = settings.database_url()
    if settings.db is None:
        folder = data_dir()
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise NotReady("This kiosk has no database yet: run `kiosk init` first (or `kiosk demo` to try it).")
    return open_database(url, clock=clock, kiosk_name=settings.kiosk_name, zone=settings.timezone,
                         home_time=settings.home_time)


def start_kiosk(settings: Settings, database: Database | None = None, hint: str | None = None) -> int:
    from kiosk.app import make_app  # Textual only when the kiosk itself runs

    make_app(settings, database=database, sign_in_hint=hint).run()
    return 0


# --- setting up -------------------------------------------------------------

def cmd_init(args, database: Database) -> None:
    from db.core import upgrade

    before = upgrade(database)
    where = database.url.replace("sqlite:///", "") if database.is_sqlite else "the school database"
    print(f"The database at {where} is ready." if before else f"Created the database at {where}.")


def run_demo(args, settings: Settings, clock: Clock = utc_now) -> int:
    from db import demo

    if settings.db is None:
        # The demo school lives in a file of its own, made afresh each time: never the school's record.
        path = data_dir() / "demo.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, path.with_name("demo.db-wal"), path.with_name("demo.db-shm")):
            leftover.unlink(missing_ok=True)
        settings = settings.model_copy(update={"db": f"sqlite:///{path}"})
    settings = settings.model_copy(update={"school_name": "Meadowbank Primary (demo)"})
    from db.core import upgrade

    database = _open(settings, clock)
    upgrade(database)
    logins = demo.fill(database)
    print(f"Demo school: Meadowbank Primary (fictional), in {settings.database_url().replace('sqlite:///', '')}")
    print("Sign in with one of these staff codes and PINs:")
    emit([{"code": s.code, "pin": s.pin, "name": s.name, "role": s.role, "class": s.class_name or ""}
          for s in logins], "table", empty="")
    from db.phones import phones_held

    held = {row.code for row in phones_held(database, by=_by(args))}
    phones = _tag_rows(database, "phone")
    print("\nPhone tags to scan (type the code, then Enter):")
    waiting = [f"{r['code']} ({r['label']})" for r in phones if r["code"] not in held]
    already = [f"{r['code']} ({r['label']})" for r in phones if r["code"] in held]
    print("  not in yet, for Morning check-in: " + ", ".join(waiting[:3]))
    print("  already in, for Home-time:        " + ", ".join(already[:3]))
    from db.phones import exceptions_register
    from db.people import pupil_summary

    refs = {r.pupil_ref for r in exceptions_register(database, by=_by(args))}
    keeps = [f"{r['code']} ({r['label']})" for r in phones if pupil_summary(database, r["code"]).upn in refs]
    print("  keeps their phone (exceptions register): " + ", ".join(keeps))
    if args.fill_only:
        return 0
    hint = "Demo: " + " · ".join(f"{s.code} {s.pin} ({s.class_name or s.role})" for s in logins) + \
        f"\nTry phone tags {', '.join(waiting[:2])}; an iPad: {_tag_rows(database, 'device')[0]['code']}."
    return start_kiosk(settings, database, hint)


def _by(args):
    """The staff code given with --by, else the command line itself (db/roles.py says what it may do)."""
    from db.core import COMMAND_LINE

    return getattr(args, "by", None) or COMMAND_LINE


def cmd_import(args, database: Database) -> None:
    from db import devices as device_imports
    from db import people as importers

    path = Path(args.file)
    if args.what == "pupils":
        report = importers.import_pupils(database, path, skip_bad=args.skip_bad, by=_by(args))
    elif args.what == "staff":
        report = importers.import_staff(database, path, by=_by(args))
    elif args.what == "devices":
        report = device_imports.import_devices(database, path, by=_by(args))
    else:
        consent = device_imports.import_consent(database, path, by=_by(args))
        withdrawn = (f" ({consent.withdrawn} consent{'s' if consent.withdrawn != 1 else ''} withdrawn)"
                     if consent.withdrawn else "")
        print(f"Imported consent from {path.name}: {consent.pupils} pupil{'s' if consent.pupils != 1 else ''}, "
              f"{consent.changed} with new answers{withdrawn}.")
        for line in consent.skipped:
            print(f"  {line}", file=sys.stderr)
        return
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
    staff = people.set_pin(database, args.code, pin, by=_by(args))
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
    from tagcodes import TagKind, new_code

    kind = TagKind(args.kind)
    make_code = lambda: new_code(kind)  # noqa: E731
    if kind is TagKind.PHONE:
        tag = tags.issue_phone_tag(database, args.pupil, make_code, args.description, by=_by(args))
    elif kind is TagKind.LOCATION:
        tag = tags.issue_location_tag(database, args.name, make_code, by=_by(args))
    elif kind is TagKind.STAFF:
        tag = tags.issue_staff_tag(database, args.staff, make_code, by=_by(args))
    else:
        tag = tags.issue_device_tag(database, args.asset, make_code, by=_by(args))
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
    from db import phones as ledger
    from kiosk.scan import read_phone_code

    result = ledger.phone_in(database, read_phone_code(args.code), args.by)
    if result.outcome == Outcome.KEEPS_PHONE:
        print(f"{result.pupil} ({result.class_name}) {result.location}: on the exceptions register, not a breach.")
    else:
        print(f"{result.pupil} ({result.class_name}): the phone goes to the {result.location}.")
    if result.note:
        print(result.note)


def cmd_phone_out(args, database: Database) -> None:
    from db import phones as ledger
    from kiosk.scan import read_phone_code

    result = ledger.phone_out(database, read_phone_code(args.code), args.by, to=args.to, reason=args.reason)
    if result.outcome == Outcome.RELEASED:
        print(f"{result.note} It was in the {result.location}.")
    else:
        print(f"Hand the phone back to {result.pupil} ({result.class_name}): it was in the {result.location}.")


def cmd_phone_confiscate(args, database: Database) -> None:
    from db import phones as ledger
    from kiosk.scan import read_phone_code

    result = ledger.confiscate(database, read_phone_code(args.code), args.by, args.reason, args.where)
    print(f"{result.pupil}'s phone ({result.class_name}) is confiscated and held in the {result.location}: "
          "it can be released only to a parent or carer.")


# --- exceptions (pupils who keep their phone; staff phones, R6) -------------------------------

def cmd_exception_add(args, database: Database) -> None:
    from db import phones as exceptions

    review = parse_day(args.review, "--review")
    row = exceptions.add_exception(database, args.pupil, args.kind, args.conditions, review, by=args.by)
    print(f"{row.pupil} ({row.class_name}) keeps their phone: {row.kind}, review by {row.review_on:%d %b %Y}.")


def cmd_exception_end(args, database: Database) -> None:
    from db import phones as exceptions

    ended = exceptions.end_exception(database, args.pupil, by=args.by)
    print(f"Ended {ended} exception{'s' if ended != 1 else ''}: the phone rules apply to this pupil again.")


def cmd_exception_list(args, database: Database) -> None:
    from db import phones as exceptions

    rows = [{"pupil": r.pupil, "class": r.class_name, "kind": r.kind, "conditions": r.conditions,
             "approved_by": r.approved_by, "approved_at": r.approved_at, "review_on": r.review_on.isoformat(),
             "status": r.status} for r in exceptions.exceptions_register(database, by=_by(args), ended=args.all)]
    emit(rows, args.format, empty="No pupil is on the exceptions register.")


def cmd_staff_phone_agree(args, database: Database) -> None:
    from db import phones as exceptions

    row = exceptions.agree_staff_phone(database, args.code, args.reason, parse_day(args.from_day, "--from"),
                                       parse_day(args.to_day, "--to"), by=args.by)
    print(f"Recorded: {row.staff} may keep their phone on from {row.starts_on:%d %b} to {row.ends_on:%d %b %Y} "
          f"(agreed by {row.approved_by}).")


def cmd_staff_phones(args, database: Database) -> None:
    from db import phones as exceptions

    rows = [{"staff": r.staff, "code": r.staff_code, "reason": r.reason, "approved_by": r.approved_by,
             "from": r.starts_on.isoformat(), "to": r.ends_on.isoformat(), "status": r.status}
            for r in exceptions.staff_phone_agreements(database, by=_by(args))]
    emit(rows, args.format, empty="No staff phone exceptions are recorded.")


def cmd_staff_imei(args, database: Database) -> None:
    from db import phones as exceptions

    if args.set is not None or args.clear:
        exceptions.set_imei_note(database, args.code, "" if args.clear else args.set, by=args.by)
        print("The IMEI note is cleared." if args.clear else "The IMEI note is saved (only you and the leadership "
              "team can read it).")
        return
    note = exceptions.imei_note(database, args.code, by=args.by)
    print(note or f"No IMEI note is recorded for {args.code.upper()}.")


def cmd_phone_where(args, database: Database) -> None:
    from db import phones as reports

    if args.printer:
        from kiosk import printing

        job = printing.still_held_job(database, args.paper or args.settings.paper, by=_by(args))
        printing.send(job, args.printer)
        print(f"Printed: {job.title} on {args.printer}.")
        return
    rows = [{"code": r.code, "pupil": r.pupil, "class": r.class_name, "location": r.location, "since": r.since,
             "by": r.by, "status": r.status, "description": r.description or ""} for r in reports.phones_held(database, by=_by(args))]
    emit(rows, args.format, empty="No phones are held.")


def cmd_parents_pending(args, database: Database) -> None:
    from db import phones as reports

    rows = [{"pupil": r.pupil, "class": r.class_name, "reason": r.reason, "since": r.since}
            for r in reports.parents_pending(database, by=_by(args))]
    emit(rows, args.format, empty="No parents are waiting to be told.")


def cmd_parents_told(args, database: Database) -> None:
    from db import phones as ledger

    closed = ledger.parents_told(database, args.pupil, args.by, args.how)
    print(f"Recorded that the parents were told ({closed} phone{'s' if closed > 1 else ''}).")


def cmd_cupboard_locked(args, database: Database) -> None:
    from db import phones as ledger

    check = ledger.cupboard_locked(database, args.class_name, args.by)
    print(f"The {check.location} is confirmed locked with {check.phones} phone{'s' if check.phones != 1 else ''} inside.")


# --- school cameras and iPads -------------------------------------------------

def _progress(what: str):
    """A one-line counter on a terminal while a folder is read; nothing when output goes to a file."""
    if not sys.stderr.isatty():
        return None

    def show(update) -> None:
        end = "\n" if update.done else ""
        print(f"\r{what}: {update.files:,} files read", end=end, file=sys.stderr, flush=True)

    return show


def _print_no_photo(listing) -> None:
    if listing.pupils:
        count = len(listing.pupils)
        print(f"Do not photograph ({listing.class_name}: {count} of {listing.on_roll} pupils):")
        width = max(len(p.short_name) for p in listing.pupils)
        for pupil in listing.pupils:
            print(f"  {pupil.short_name.ljust(width)}  not for: {pupil.refused_text}")
    else:
        print(f"Nobody in {listing.class_name} is on the do-not-photograph list.")
    if listing.not_published:
        print("May be photographed, but the photos must not go on:")
        width = max(len(p.short_name) for p in listing.not_published)
        for pupil in listing.not_published:
            print(f"  {pupil.short_name.ljust(width)}  {pupil.refused_text}")


def cmd_device_out(args, database: Database) -> None:
    from db import devices

    if args.printer:
        from kiosk import printing

        printing.check_printer(args.printer)  # a wrong address is refused before anything is lent
    result = devices.lend_device(database, args.code, args.by, args.class_name, args.purpose)
    loan = result.loan
    print(f"Lent {loan.device} to {loan.staff} for {loan.class_name} ({loan.purpose}) at {loan.out:%H:%M}.")
    _print_no_photo(result.no_photo)
    if args.printer:
        job = printing.no_photo_slip_job(database, loan.class_name, args.paper or args.settings.paper,
                                         device=loan.device, at=f"Lent {loan.out:%H:%M %a %d %b} to {loan.staff}",
                                         listing=result.no_photo)
        try:
            printing.send(job, args.printer)
        except Refused as exc:  # the loan stands: the list is on the screen above
            print(f"The loan is recorded, but the slip did not print: {exc}", file=sys.stderr)
        else:
            print(f"Printed: {job.title} on {args.printer}.")


def cmd_device_return(args, database: Database) -> None:
    from db import devices

    loan = devices.return_device(database, args.code, args.by, args.images)
    if loan.images:
        print(f"Returned: {loan.device}, {loan.images} image{'s' if loan.images != 1 else ''}. Upload them to the "
              "school Drive, wipe the device, then confirm with `kiosk device uploaded`.")
    else:
        print(f"Returned: {loan.device}, no images: it can be lent again.")


def cmd_device_uploaded(args, database: Database) -> None:
    from db import devices

    result = devices.confirm_upload(database, args.code, args.by, folder=args.folder, wiped=args.wiped,
                                    progress=_progress("Reading the Drive folder") if args.folder else None)
    loan = result.loan
    if args.format == "table":
        if result.verified is None:
            print(f"Recorded: {loan.uploaded_by} confirmed {loan.device}'s {result.claimed} images are on the Drive "
                  "(unverified: no folder was checked).")
        else:
            found = f"{result.verified} image{'s' if result.verified != 1 else ''}"
            print(f"Recorded: {found} from {loan.device}'s loan found in {args.folder}, {result.claimed} claimed "
                  f"({result.files:,} file{'s' if result.files != 1 else ''} read).")
        if result.by_model_only:
            print(f"{result.by_model_only} of them were matched by make and model alone: the device writes no "
                  "serial number into its photos.")
        if result.note:
            print(result.note)
    else:
        emit([{"device": loan.device, "claimed": result.claimed, "verified": result.verified,
               "by_model_only": result.by_model_only, "wiped": loan.wiped, "uploaded_by": loan.uploaded_by,
               "uploaded_at": loan.uploaded_at, "files": result.files, "not_checked": len(result.notes)}],
             args.format, empty="")
    _print_notes(result.notes, "could not be checked")


def _print_notes(notes, what: str, limit: int = 10) -> None:
    if not notes:
        return
    count = len(notes)
    print(f"{count} file{'s' if count != 1 else ''} {what}:", file=sys.stderr)
    for note in notes[:limit]:
        print(f"  {note.path}: {note.note}", file=sys.stderr)
    if count > limit:
        print(f"  … and {count - limit} more", file=sys.stderr)


def cmd_report_provenance(args, database: Database) -> None:
    from db import devices

    report = devices.provenance(database, args.folder, by=_by(args), progress=_progress("Reading the folder"))
    rows = [{"file": r.file, "device": r.device, "captured": r.captured, "registered": r.registered,
             "make": r.make, "model": r.model, "serial": r.serial, "loan": r.loan, "note": r.note}
            for r in report.rows]
    emit(rows, args.format, empty="No photos were found in that folder.")
    if report.unregistered:
        print(f"{report.unregistered} of {len(report.rows)} image{'s' if len(report.rows) != 1 else ''} "
              "could not be traced to a registered school device.", file=sys.stderr)
    _print_notes(report.skipped, "could not be checked")


def cmd_report_devices(args, database: Database) -> None:
    from db import devices

    start = parse_day(args.from_day, "--from")
    end = parse_day(args.to_day, "--to")
    rows = [{"device": loan.device, "staff": loan.staff, "class": loan.class_name, "purpose": loan.purpose,
             "out": loan.out, "returned": loan.returned, "images": loan.images, "verified": loan.verified,
             "uploaded_by": loan.uploaded_by, "uploaded_at": loan.uploaded_at, "wiped": loan.wiped,
             "status": loan.status}
            for loan in devices.loans_report(database, start, end, args.class_name, by=_by(args))]
    emit(rows, args.format, empty="No device was lent on those days.")


def cmd_report_custody(args, database: Database) -> None:
    from db import phones as reports

    start = parse_day(args.from_day, "--from")
    end = parse_day(args.to_day, "--to")
    rows = [{"at": e.at, "action": e.action, "code": e.code, "pupil": e.pupil, "class": e.class_name,
             "location": e.location, "by": e.by, "kiosk": e.kiosk, "note": e.note}
            for e in reports.custody_report(database, start, end, by=_by(args))]
    emit(rows, args.format, empty="Nothing happened to any phone on those days.")


def cmd_export_pupil(args, database: Database) -> None:
    import json

    from db.records import export_pupil

    json.dump(export_pupil(database, args.pupil, by=_by(args)), sys.stdout, ensure_ascii=False, indent=2)
    print()


def cmd_audit_verify(args, database: Database) -> int:
    from db import records as audit

    checked = audit.verify(database, by=_by(args))
    print(f"The ledger is intact: {checked} records, each linked to the one before.")
    return 0


def cmd_purge(args, database: Database) -> None:
    from db import records as audit
    from db.core import acting
    from db.records import Retention, purge

    settings = args.settings
    retention = Retention(custody_years=settings.keep_custody_years,
                          device_loans_years=settings.keep_device_loans_years,
                          confiscations_years=settings.keep_confiscations_years,
                          exceptions_years=settings.keep_exceptions_years, leavers_years=settings.keep_leavers_years)
    acting(database, _by(args), "admin", "purging old records")  # a refusal stays one sentence
    # Flushed before the transaction starts: a long purge shows it is working (and the kill test waits for it).
    print("Counting records older than the retention periods…" if args.dry_run
          else "Purging records older than the retention periods…", file=sys.stderr, flush=True)
    report = purge(database, retention, by=_by(args), dry_run=args.dry_run)
    _day = lambda day: f"{day.day} {day:%b %Y}"  # noqa: E731 - "1 Sep 2025" (%-d is not on Windows)
    names = {"custody": "Custody records", "device_loans": "Device loan records",
             "confiscations": "Confiscation records", "exceptions": "Exception records"}
    for category, name in names.items():
        count = report.redacted[category]
        print(f"{name} before {_day(report.cutoffs[category])}: {count:,} "
              f"{'would be blanked' if report.dry_run else 'blanked'}")
    tables = {"parent_task": "closed parents-to-tell task", "device_loan": "finished device loan",
              "confiscation": "released confiscation", "phone_exception": "ended pupil exception",
              "staff_phone_exception": "ended staff phone exception", "consent_event": "consent answer",
              "tag": "phone tag"}
    deleted = [f"{n:,} {name}{'' if n == 1 else 's'}" for table, name in tables.items() if (n := report.deleted[table])]
    print(f"Deleted: {', '.join(deleted)}" if deleted and not report.dry_run
          else f"Would delete: {', '.join(deleted)}" if deleted else "No rows to delete.")
    print(f"Leavers who left before {_day(report.cutoffs['leavers'])}: {report.leavers:,} "
          f"{'would be removed' if report.dry_run else 'removed'}"
          + (f" ({report.redacted['leavers']:,} more of their records blanked)" if report.redacted["leavers"] else ""))
    if report.dry_run:
        print("Nothing was changed (--dry-run).")
        return
    print(f"The audit chain still verifies: {audit.verify(database, by=_by(args)):,} records.")


def cmd_copy_to(args, database: Database) -> None:
    from db.records import copy_to
    from db.core import open_database

    target = open_database(args.url, clock=database.clock, kiosk_name=database.kiosk_name,
                           zone=args.settings.timezone, home_time=args.settings.home_time)
    try:
        result = copy_to(database, target, by=_by(args))
    finally:
        target.engine.dispose()
    print(f"Copied to {result.target}:")
    emit([{"table": t.table, "rows": t.rows} for t in result.tables], "table", empty="")
    print(f"The ledger there is intact: {result.ledger_verified} records, each linked to the one before.")


# --- the parser -------------------------------------------------------------

def cmd_serve(args, database: Database) -> None:
    from kiosk.serve import serve  # textual-serve only for this command

    database.engine.dispose()  # checked it is ready; each browser tab's kiosk opens its own connections
    serve(args.settings, host=args.host, port=args.port, url=args.public_url)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # --db is accepted before or after the command (default SUPPRESS keeps the first one).
    common.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default: $KIOSK_DB, else the SQLite file in the user data folder)")
    parser = argparse.ArgumentParser(prog="kiosk", parents=[common],
                                     description="Custody Kiosk: pupils' phones and school cameras, recorded.")
    parser.set_defaults(command=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, handler, helptext, parent=sub, *, acting=False):
        p = parent.add_parser(name, parents=[common], help=helptext, description=helptext)
        p.set_defaults(handler=handler)
        if acting:  # commands without a required --by: optionally act as a named member of staff
            p.add_argument("--by", metavar="STAFF", help="act as this member of staff, whose role is checked "
                           "(without it: the command line, with the administrator's rights)")
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
        p = command(what, cmd_import, helptext, imp, acting=True)
        p.add_argument("file", metavar="FILE")
        if what == "pupils":
            p.add_argument("--skip-bad", action="store_true", help="import the good rows, report the rest")

    staff = sub.add_parser("staff", help="staff").add_subparsers(dest="action", required=True, metavar="ACTION")
    command("set-pin", cmd_set_pin, "set a PIN (first line of standard input)", staff, acting=True).add_argument("code", metavar="CODE")
    p = command("phone-agree", cmd_staff_phone_agree, "record a staff phone exception agreed by the leadership team",
                staff)
    p.add_argument("code", metavar="CODE", help="the member of staff")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--from", dest="from_day", required=True, metavar="DATE")
    p.add_argument("--to", dest="to_day", required=True, metavar="DATE")
    p.add_argument("--by", required=True, metavar="STAFF", help="the member of the leadership team agreeing it")
    listing(command("phones", cmd_staff_phones, "staff phone exceptions (your own, or all for the leadership team)",
                    staff, acting=True))
    p = command("imei", cmd_staff_imei, "show or set your private IMEI note", staff)
    p.add_argument("code", metavar="CODE", help="whose note")
    p.add_argument("--by", required=True, metavar="STAFF", help="who is asking: the owner or the leadership team")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--set", metavar="TEXT", help="e.g. “IMEI 35 209900 176148 1, blue Pixel”")
    which.add_argument("--clear", action="store_true")

    exception = sub.add_parser("exception", help="pupils who keep their phone (exceptions register)").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    p = command("add", cmd_exception_add, "put a pupil on the exceptions register", exception)
    p.add_argument("pupil", metavar="PUPIL")
    p.add_argument("--kind", required=True, metavar="KIND", help="medical, young carer, SEND or other")
    p.add_argument("--conditions", required=True, metavar="TEXT", help="what was agreed")
    p.add_argument("--review", required=True, metavar="DATE", help="when to review it (within a year)")
    p.add_argument("--by", required=True, metavar="STAFF", help="the member of the leadership team approving it")
    p = command("end", cmd_exception_end, "take a pupil off the exceptions register", exception)
    p.add_argument("pupil", metavar="PUPIL")
    p.add_argument("--by", required=True, metavar="STAFF")
    p = listing(command("list", cmd_exception_list, "the exceptions register", exception, acting=True))
    p.add_argument("--all", action="store_true", help="include exceptions that have ended")

    pupil = sub.add_parser("pupil", help="pupils").add_subparsers(dest="action", required=True, metavar="ACTION")
    p = command("permit", cmd_permit, "record a parents' permission", pupil)
    p.add_argument("pupil", metavar="PUPIL", help="UPN, admission number or phone tag code")
    p.add_argument("--walk-home", action="store_true", required=True)
    p.add_argument("--by", required=True, metavar="STAFF")
    p.add_argument("--revoke", action="store_true")

    tags = sub.add_parser("tags", help="QR tags").add_subparsers(dest="action", required=True, metavar="ACTION")
    issue = tags.add_parser("issue", help="issue a new tag").add_subparsers(dest="kind", required=True, metavar="KIND")
    p = command("phone", cmd_tags_issue, "a phone pouch tag", issue, acting=True)
    p.add_argument("--pupil", required=True, metavar="PUPIL")
    p.add_argument("--description", metavar="TEXT", help="e.g. “black iPhone, blue case”")
    command("device", cmd_tags_issue, "a school device tag", issue, acting=True).add_argument("--asset", required=True)
    command("location", cmd_tags_issue, "a cupboard or office tag", issue, acting=True).add_argument("--name", required=True)
    command("staff", cmd_tags_issue, "a staff badge", issue, acting=True).add_argument("--staff", required=True, metavar="CODE")
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
    p = command("confiscate", cmd_phone_confiscate, "take a phone as a sanction (released only to a parent or carer)",
                phone)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--by", required=True, metavar="STAFF")
    p.add_argument("--reason", required=True, metavar="TEXT", help="e.g. “used in class”")
    p.add_argument("--where", metavar="PLACE", help="where it is held (default: the office)")
    printer_options(listing(command("where", cmd_phone_where, "every phone held now", phone, acting=True)),
                    "print the end-of-day list of phones still held instead of listing them")

    parents = sub.add_parser("parents", help="parents to tell").add_subparsers(dest="action", required=True, metavar="ACTION")
    listing(command("pending", cmd_parents_pending, "parents still to be told", parents, acting=True))
    p = command("told", cmd_parents_told, "record that parents were told", parents)
    p.add_argument("pupil", metavar="PUPIL")
    p.add_argument("--by", required=True, metavar="STAFF")
    p.add_argument("--how", required=True, metavar="TEXT")

    cupboard = sub.add_parser("cupboard", help="class cupboards").add_subparsers(dest="action", required=True, metavar="ACTION")
    p = command("locked", cmd_cupboard_locked, "confirm a class cupboard is locked", cupboard)
    p.add_argument("class_name", metavar="CLASS")
    p.add_argument("--by", required=True, metavar="STAFF")

    device = sub.add_parser("device", help="school cameras and iPads").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    p = command("out", cmd_device_out, "lend a device; shows the class's do-not-photograph list", device)
    p.add_argument("code", metavar="CODE", help="the device's tag code or its asset tag")
    p.add_argument("--by", required=True, metavar="STAFF", help="who borrows it")
    p.add_argument("--class", dest="class_name", required=True, metavar="CLASS")
    p.add_argument("--purpose", required=True, metavar="TEXT", help="e.g. “4B trip to the museum”")
    printer_options(p, "also print the do-not-photograph slip")
    p = command("return", cmd_device_return, "a lent device is back", device)
    p.add_argument("code", metavar="CODE")
    p.add_argument("--by", required=True, metavar="STAFF")
    p.add_argument("--images", required=True, type=int, metavar="N", help="photos and videos taken (0 if none)")
    p = listing(command("uploaded", cmd_device_uploaded, "confirm the device's images are on the school Drive", device))
    p.add_argument("code", metavar="CODE")
    p.add_argument("--by", required=True, metavar="STAFF")
    p.add_argument("--folder", metavar="PATH", help="the school Drive folder as this computer sees it: its photos are checked")
    p.add_argument("--wiped", action="store_true", help="the images have been deleted from the device")

    report = sub.add_parser("report", help="reports").add_subparsers(dest="what", required=True, metavar="WHAT")
    p = listing(command("custody", cmd_report_custody, "phone events between two days", report, acting=True))
    p.add_argument("--from", dest="from_day", metavar="DATE")
    p.add_argument("--to", dest="to_day", metavar="DATE")
    p = listing(command("devices", cmd_report_devices, "device loans between two days (default today)", report, acting=True))
    p.add_argument("--from", dest="from_day", metavar="DATE", help="first day (with --from alone: up to today)")
    p.add_argument("--to", dest="to_day", metavar="DATE")
    p.add_argument("--class", dest="class_name", metavar="CLASS", help="only loans for this class")
    p = listing(command("provenance", cmd_report_provenance, "which device took each image in a folder", report, acting=True))
    p.add_argument("--folder", required=True, metavar="PATH")

    export = sub.add_parser("export", help="subject access").add_subparsers(dest="what", required=True, metavar="WHAT")
    command("pupil", cmd_export_pupil, "everything held about one pupil, as JSON", export, acting=True).add_argument(
        "pupil", metavar="PUPIL", help="UPN, admission number or phone tag code")

    audit = sub.add_parser("audit", help="the tamper-evident ledger").add_subparsers(dest="action", required=True, metavar="ACTION")
    command("verify", cmd_audit_verify, "check that no ledger record was edited or deleted", audit, acting=True)
    command("purge", cmd_purge, "blank and delete records past the retention periods (settings keep_*_years)",
            acting=True).add_argument("--dry-run", action="store_true", help="count what would go, change nothing")

    copy = command("copy-to", cmd_copy_to, "copy this kiosk's records into a new, empty database "
                   "(e.g. the school's PostgreSQL), then verify the copy", acting=True)
    copy.add_argument("url", metavar="URL", help="the target, e.g. postgresql+psycopg://kiosk:PASSWORD@server/kiosk")

    serve = command("serve", cmd_serve, "the kiosk in a web browser, for the office or the leadership team")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: the network)")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (default 8000)")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address browsers use, if not http://HOST:PORT (e.g. behind a proxy)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
