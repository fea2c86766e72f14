"""Pupils and staff: `kiosk import`, `kiosk staff` (PINs, staff phone exceptions, IMEI notes),
`kiosk exception` (the pupils who keep their phone) and `kiosk pupil`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from db.core import Refused, plural, today
from kiosk.cli.options import acting_as, add_by, date_range, days, listing
from kiosk.output import emit

if TYPE_CHECKING:
    from db.core import Database


def add_commands(sub, options) -> None:
    imp = options.group(sub, "import", "import an MIS export", dest="what")
    for what, helptext in (("pupils", "pupils from SIMS, Arbor or Bromcom"), ("staff", "staff codes, names, roles"),
                           ("devices", "school cameras and iPads"), ("consent", "photo consent")):
        p = options.command(imp, what, cmd_import, helptext, acting=True)
        p.add_argument("file", metavar="FILE")
        if what == "pupils":
            p.add_argument("--skip-bad", action="store_true", help="import the good rows, report the rest")
            p.add_argument("--yes", action="store_true",
                           help="archive the pupils missing from the file even if they are more than a third "
                                "of the pupils on roll")

    staff = options.group(sub, "staff", "staff")
    options.command(staff, "set-pin", cmd_set_pin, "set a PIN (first line of standard input)",
                    acting=True).add_argument("code", metavar="CODE")
    p = options.command(staff, "cover", cmd_staff_cover,
                        "a one-day badge (code and PIN) for a supply or cover teacher, for one class")
    p.add_argument("name", metavar="NAME", help="the cover teacher's first name and surname, e.g. “Sam Jones”")
    p.add_argument("--class", dest="class_name", required=True, metavar="CLASS", help="the class they cover, e.g. 6A")
    add_by(p, "the office member giving the badge")
    p = options.command(staff, "phone-agree", cmd_staff_phone_agree,
                        "record a staff phone exception agreed by the leadership team")
    p.add_argument("code", metavar="CODE", help="the member of staff")
    p.add_argument("--reason", required=True, metavar="TEXT")
    date_range(p, required=True)
    add_by(p, "the member of the leadership team agreeing it")
    listing(options.command(staff, "phones", cmd_staff_phones,
                            "staff phone exceptions (your own, or all for the leadership team)", acting=True))
    p = options.command(staff, "imei", cmd_staff_imei, "show or set your private IMEI note")
    p.add_argument("code", metavar="CODE", help="whose note")
    add_by(p, "who is asking: the owner or the leadership team")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--set", metavar="TEXT", help="e.g. “IMEI 35 209900 176148 1, blue Pixel”")
    which.add_argument("--clear", action="store_true")

    exception = options.group(sub, "exception", "pupils who keep their phone (exceptions register)")
    p = options.command(exception, "add", cmd_exception_add, "put a pupil on the exceptions register")
    p.add_argument("pupil", metavar="PUPIL")
    p.add_argument("--kind", required=True, metavar="KIND", help="medical, young carer, SEND or other")
    p.add_argument("--conditions", required=True, metavar="TEXT", help="what was agreed")
    p.add_argument("--review", required=True, metavar="DATE", help="when to review it (within a year)")
    add_by(p, "the member of the leadership team approving it")
    p = options.command(exception, "end", cmd_exception_end, "take a pupil off the exceptions register")
    p.add_argument("pupil", metavar="PUPIL")
    add_by(p)
    p = listing(options.command(exception, "list", cmd_exception_list, "the exceptions register", acting=True))
    p.add_argument("--all", action="store_true", help="include exceptions that have ended")

    pupil = options.group(sub, "pupil", "pupils")
    p = options.command(pupil, "permit", cmd_permit, "record a parents' permission")
    p.add_argument("pupil", metavar="PUPIL", help="UPN, admission number or phone tag code")
    p.add_argument("--walk-home", action="store_true", required=True)
    add_by(p)
    p.add_argument("--revoke", action="store_true")
    p = listing(options.command(pupil, "find", cmd_find, "find pupils on roll by part of a name", acting=True))
    p.add_argument("text", metavar="TEXT", help="part of a first name or surname, in any case, with or without "
                   "accents, e.g. “laski” or “amira kh”")


def cmd_staff_cover(args, database: Database) -> None:
    from db.people import give_cover_badge

    badge = give_cover_badge(database, args.name, args.class_name, args.by)
    # The PIN is shown this once and never stored in clear: the office writes it on the slip or prints this.
    print(f"Cover badge for {badge.name}, {badge.class_name}, until {badge.until:%H:%M} today")
    print(f"Code: {badge.code}")
    print(f"PIN:  {badge.pin}")
    print(f"Sign in at the kiosk with the code and the PIN: teacher rights for {badge.class_name} until "
          f"{badge.until:%H:%M}.")


def cmd_import(args, database: Database) -> None:
    from db.devices import import_consent, import_devices
    from db.people import import_pupils, import_staff

    path = Path(args.file)
    if args.what == "pupils":
        report = import_pupils(database, path, skip_bad=args.skip_bad, archive_many=args.yes, by=acting_as(args))
    elif args.what == "staff":
        report = import_staff(database, path, by=acting_as(args))
    elif args.what == "devices":
        report = import_devices(database, path, by=acting_as(args))
    else:
        consent = import_consent(database, path, by=acting_as(args))
        withdrawn = (f" ({plural(consent.withdrawn, 'consent')} withdrawn)"
                     if consent.withdrawn else "")
        print(f"Imported consent from {path.name}: {plural(consent.pupils, 'pupil')}, "
              f"{consent.changed} with new answers{withdrawn}.")
        for line in consent.skipped:
            print(f"  {line}", file=sys.stderr)
        return
    # The columns left out are named, so the office knows that DOB or an email address was not copied here.
    ignored = f" Ignored columns: {', '.join(report.ignored)} — not kept." if report.ignored else ""
    print(f"Imported {args.what} from {path.name}: {report.added} added, {report.updated} updated"
          + (f", {report.archived} archived as leavers" if args.what == "pupils" else "") + "." + ignored)
    for line in report.skipped:
        print(f"  skipped {line}" if line.startswith("line ") else line, file=sys.stderr)


def cmd_set_pin(args, database: Database) -> None:
    from db.people import locked_out, set_pin

    if sys.stdin.isatty():
        import getpass

        pin = getpass.getpass("New PIN: ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise Refused("The two PINs were different: nothing was changed, try again.")
    else:
        pin = sys.stdin.readline().rstrip("\r\n")
    was_locked = locked_out(database, args.code)
    staff = set_pin(database, args.code, pin, by=acting_as(args))
    print(f"The PIN for {staff.name} ({staff.code}) is set.")
    if was_locked:
        print(f"{staff.code} was locked after wrong PINs: the new PIN lifts that now.")


def cmd_staff_phone_agree(args, database: Database) -> None:
    from db.phones import agree_staff_phone

    row = agree_staff_phone(database, args.code, args.reason, *days(args), by=args.by)
    print(f"Recorded: {row.staff} may keep their phone on from {row.starts_on:%d %b} to {row.ends_on:%d %b %Y} "
          f"(agreed by {row.approved_by}).")


STAFF_PHONE_KEYS = ("staff", "code", "reason", "approved_by", "from", "to", "status")
EXCEPTION_KEYS = ("pupil", "class", "kind", "conditions", "approved_by", "approved_at", "review_on", "status")


def cmd_staff_phones(args, database: Database) -> None:
    from db.phones import staff_phone_agreements

    rows = [{"staff": r.staff, "code": r.staff_code, "reason": r.reason, "approved_by": r.approved_by,
             "from": r.starts_on, "to": r.ends_on, "status": r.status}
            for r in staff_phone_agreements(database, by=acting_as(args))]
    emit(rows, args.format, keys=STAFF_PHONE_KEYS, empty="No staff phone exceptions are recorded.",
         today=today(database))


def cmd_staff_imei(args, database: Database) -> None:
    from db.phones import imei_note, set_imei_note

    if args.set is not None or args.clear:
        set_imei_note(database, args.code, "" if args.clear else args.set, by=args.by)
        print("The IMEI note is cleared." if args.clear else "The IMEI note is saved (only you and the leadership "
              "team can read it).")
        return
    note = imei_note(database, args.code, by=args.by)
    print(note or f"No IMEI note is recorded for {args.code.upper()}.")


def cmd_exception_add(args, database: Database) -> None:
    from db.core import parse_day
    from db.phones import add_exception

    review = parse_day(args.review, "--review")
    row = add_exception(database, args.pupil, args.kind, args.conditions, review, by=args.by)
    print(f"{row.pupil} ({row.class_name}) keeps their phone: {row.kind}, review by {row.review_on:%d %b %Y}.")


def cmd_exception_end(args, database: Database) -> None:
    from db.phones import end_exception

    ended = end_exception(database, args.pupil, by=args.by)
    print(f"Ended {plural(ended, 'exception')}: the phone rules apply to this pupil again.")


def cmd_exception_list(args, database: Database) -> None:
    from db.phones import exceptions_register

    rows = [{"pupil": r.pupil, "class": r.class_name, "kind": r.kind, "conditions": r.conditions,
             "approved_by": r.approved_by, "approved_at": r.approved_at, "review_on": r.review_on,
             "status": r.status} for r in exceptions_register(database, by=acting_as(args), ended=args.all)]
    emit(rows, args.format, keys=EXCEPTION_KEYS, empty="No pupil is on the exceptions register.",
         today=today(database))


def cmd_permit(args, database: Database) -> None:
    from db.people import permit_walk_home

    if not args.walk_home:
        raise Refused("Say which permission: --walk-home (the parents' written permission to walk home alone).")
    pupil = permit_walk_home(database, args.pupil, args.by, revoke=args.revoke)
    state = "may walk home alone" if pupil.walk_home else "may no longer walk home alone"
    print(f"Recorded: {pupil.name} ({pupil.class_name}) {state}.")


FIND_KEYS = ("pupil", "name", "class", "tag")


def cmd_find(args, database: Database) -> None:
    from db.core import plain, search_words
    from db.people import find_pupils

    if not search_words(args.text):
        raise Refused("Give part of a pupil's name to find, e.g. “laski” or “amira kh”.")
    most = 200  # the command line lists more than the kiosk's box of twelve, not the whole school
    found = find_pupils(database, args.text, most + 1, by=acting_as(args))
    rows = [{"pupil": p.upn or p.adno, "name": p.name, "class": p.class_name, "tag": p.phone_tag}
            for p in found[:most]]
    emit(rows, args.format, keys=FIND_KEYS, empty=f"No pupil on roll has “{plain(args.text, 40)}” in their name.")
    if len(found) > most:
        print(f"More than {most} pupils match: only the first {most} are listed; type more of the name.",
              file=sys.stderr)
