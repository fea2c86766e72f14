"""Pupils' phones: `kiosk phone`, `kiosk parents` and `kiosk cupboard`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core import Outcome, plural
from kiosk.cli.options import acting_as, add_by, listing, printer_options
from kiosk.output import emit

if TYPE_CHECKING:
    from db.core import Database


def add_commands(sub, options) -> None:
    phone = options.group(sub, "phone", "pupils' phones")
    p = options.command(phone, "in", cmd_phone_in, "morning check-in")
    p.add_argument("code", metavar="CODE")
    add_by(p)
    p = options.command(phone, "out", cmd_phone_out, "hand a phone back")
    p.add_argument("code", metavar="CODE")
    add_by(p)
    p.add_argument("--to", metavar="NAME", help="who collected it")
    p.add_argument("--reason", metavar="TEXT", help="required before home-time")
    p = options.command(phone, "confiscate", cmd_phone_confiscate,
                        "take a phone as a sanction (released only to a parent or carer)")
    p.add_argument("code", metavar="CODE")
    add_by(p)
    p.add_argument("--reason", required=True, metavar="TEXT", help="e.g. “used in class”")
    p.add_argument("--where", metavar="PLACE", help="where it is held (default: the office)")
    printer_options(listing(options.command(phone, "where", cmd_phone_where, "every phone held now", acting=True)),
                    "print the end-of-day list of phones still held instead of listing them")

    parents = options.group(sub, "parents", "parents to tell")
    listing(options.command(parents, "pending", cmd_parents_pending, "parents still to be told", acting=True))
    p = options.command(parents, "told", cmd_parents_told, "record that parents were told")
    p.add_argument("pupil", metavar="PUPIL")
    add_by(p)
    p.add_argument("--how", required=True, metavar="TEXT")

    cupboard = options.group(sub, "cupboard", "class cupboards")
    p = options.command(cupboard, "locked", cmd_cupboard_locked, "confirm a class cupboard is locked")
    p.add_argument("class_name", metavar="CLASS")
    add_by(p)
    p = listing(options.command(cupboard, "check", cmd_cupboard_check,
                                "a stock-take: the phones found in a class cupboard or the office against the "
                                "record (exit 0 once recorded, even with phones missing: see the missing column)"))
    p.add_argument("place", metavar="CLASS|office", help="the class (its cupboard), office, or a location tag")
    p.add_argument("--found", nargs="*", action="extend", default=[], metavar="CODE",
                   help="the tag code of each phone found there (none: the place is empty)")
    add_by(p)


def cmd_phone_in(args, database: Database) -> None:
    from db.phones import phone_in
    from kiosk.scan import read_phone_code

    result = phone_in(database, read_phone_code(args.code), args.by)
    if result.outcome == Outcome.KEEPS_PHONE:
        print(f"{result.pupil} ({result.class_name}) {result.location}: on the exceptions register, not a breach.")
    else:
        print(f"{result.pupil} ({result.class_name}): the phone goes to the {result.location}.")
    if result.note:
        print(result.note)


def cmd_phone_out(args, database: Database) -> None:
    from db.phones import phone_out
    from kiosk.scan import read_phone_code

    result = phone_out(database, read_phone_code(args.code), args.by, to=args.to, reason=args.reason)
    if result.outcome == Outcome.RELEASED:
        print(f"{result.note} It was in the {result.location}.")
    else:
        print(f"Hand the phone back to {result.pupil} ({result.class_name}): it was in the {result.location}.")


def cmd_phone_confiscate(args, database: Database) -> None:
    from db.phones import confiscate
    from kiosk.scan import read_phone_code

    result = confiscate(database, read_phone_code(args.code), args.by, args.reason, args.where)
    print(f"{result.pupil}'s phone ({result.class_name}) is confiscated and held in the {result.location}: "
          "it can be released only to a parent or carer.")


HELD_KEYS = ("code", "pupil", "class", "location", "since", "by", "status", "description")
PENDING_KEYS = ("pupil", "class", "reason", "since")


def cmd_phone_where(args, database: Database) -> None:
    from db.core import today
    from db.phones import phones_held

    if args.printer:
        from kiosk import printing

        job = printing.still_held_job(database, args.paper or args.settings.paper, by=acting_as(args),
                                      anchors=args.settings.backups())
        printing.send(job, args.printer)
        print(f"Printed: {job.title} on {args.printer}.")
        return
    rows = [{"code": r.code, "pupil": r.pupil, "class": r.class_name, "location": r.location, "since": r.since,
             "by": r.by, "status": r.status, "description": r.description or ""}
            for r in phones_held(database, by=acting_as(args))]
    emit(rows, args.format, keys=HELD_KEYS, empty="No phones are held.", today=today(database))


def cmd_parents_pending(args, database: Database) -> None:
    from db.core import today
    from db.phones import parents_pending

    rows = [{"pupil": r.pupil, "class": r.class_name, "reason": r.reason, "since": r.since}
            for r in parents_pending(database, by=acting_as(args))]
    emit(rows, args.format, keys=PENDING_KEYS, empty="No parents are waiting to be told.", today=today(database))


def cmd_parents_told(args, database: Database) -> None:
    from db.phones import parents_told

    closed = parents_told(database, args.pupil, args.by, args.how)
    print(f"Recorded that the parents were told ({plural(closed, 'phone')}).")


def cmd_cupboard_locked(args, database: Database) -> None:
    from db.phones import cupboard_locked

    check = cupboard_locked(database, args.class_name, args.by)
    print(f"The {check.location} is confirmed locked with "
          f"{plural(check.phones, 'phone')} inside.")


CHECK_KEYS = ("result", "code", "pupil", "class", "description", "record")


def cmd_cupboard_check(args, database: Database) -> None:
    """Exit 0 once the stock-take is recorded, whatever it found: the check itself succeeded (a school's script
    reads the missing rows, or the JSON's ``result``); exit 1 only when it is refused and nothing is recorded."""
    from db.core import today
    from db.phones import stock_take
    from kiosk.scan import read_phone_code

    taken = stock_take(database, args.place, [read_phone_code(code) for code in args.found], args.by)
    rows = [{"result": p.result, "code": p.code, "pupil": p.pupil, "class": p.class_name or "",
             "description": p.description or "", "record": p.record} for p in taken.phones]
    if args.format == "table":
        print(stock_take_summary(taken))
        if not rows:
            return
    emit(rows, args.format, keys=CHECK_KEYS, empty="", today=today(database))


def stock_take_summary(taken) -> str:
    """One line a person reads first: where, who, the four counts, and whether anything is missing."""
    counts = (f"expected {taken.expected}, found {taken.found}, missing {len(taken.missing)}, "
              f"not expected {len(taken.not_expected)}")
    missing, unexpected = len(taken.missing), len(taken.not_expected)
    if missing:
        verdict = f"{plural(missing, 'phone')} missing: look for {'it' if missing == 1 else 'them'}."
    elif taken.expected:
        verdict = "Every phone expected was found."
    else:
        verdict = "The record has no phone here."
    if unexpected:
        verdict += (f" {plural(unexpected, 'phone')} not expected here: the record column says where the record has "
                    f"{'it' if unexpected == 1 else 'them'}.")
    return (f"Stock-take of the {taken.place} by {taken.by} at {taken.at:%H:%M} recorded (entry {taken.entry}): "
            f"{counts}. {verdict}")
