"""School cameras and iPads: `kiosk device`, and `kiosk report devices|provenance`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from db.core import Refused, plural
from kiosk.anchoring import print_footer
from kiosk.cli.options import acting_as, add_by, date_range, days, listing, printer_options
from kiosk.loan_report import LOAN_KEYS, each_loan_row
from kiosk.output import emit

if TYPE_CHECKING:
    from db.core import Database


def add_commands(sub, options) -> None:
    device = options.group(sub, "device", "school cameras and iPads")
    p = options.command(device, "out", cmd_device_out, "lend a device; shows the class's do-not-photograph list")
    p.add_argument("code", metavar="CODE", help="the device's tag code or its asset tag")
    add_by(p, "who borrows it")
    p.add_argument("--class", dest="class_name", required=True, metavar="CLASS")
    p.add_argument("--purpose", required=True, metavar="TEXT", help="e.g. “4B trip to the museum”")
    printer_options(p, "also print the do-not-photograph slip")
    p = options.command(device, "return", cmd_device_return, "a lent device is back")
    p.add_argument("code", metavar="CODE")
    add_by(p)
    p.add_argument("--images", required=True, type=int, metavar="N", help="images taken, videos included (0 if none)")
    p = listing(options.command(device, "uploaded", cmd_device_uploaded,
                                "confirm the device's images are on the school Drive"))
    p.add_argument("code", metavar="CODE")
    add_by(p)
    p.add_argument("--folder", metavar="PATH",
                   help="the school Drive folder as this computer sees it: its images are checked")
    p.add_argument("--wiped", action="store_true", help="the images have been deleted from the device")
    p.add_argument("--reason", metavar="TEXT",
                   help="why the folder holds fewer images than claimed: confirms it anyway (without it, fewer found "
                        "is refused and nothing is recorded)")


def cmd_device_out(args, database: Database) -> None:
    from db.devices import lend_device

    if args.printer:
        from kiosk import printing

        printing.check_printer(args.printer)  # a wrong address is refused before anything is lent
    result = lend_device(database, args.code, args.by, args.class_name, args.purpose)
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
        print("May be photographed, but the images must not go on:")
        width = max(len(p.short_name) for p in listing.not_published)
        for pupil in listing.not_published:
            print(f"  {pupil.short_name.ljust(width)}  {pupil.refused_text}")


def cmd_device_return(args, database: Database) -> None:
    from db.devices import return_device

    loan = return_device(database, args.code, args.by, args.images)
    if loan.images:
        print(f"Returned: {loan.device}, {plural(loan.images, 'image')}. Upload them to the "
              "school Drive, wipe the device, then confirm with `kiosk device uploaded`.")
    else:
        print(f"Returned: {loan.device}, no images: it can be lent again.")


UPLOADED_KEYS = ("device", "claimed", "verified", "by_model_only", "wiped", "uploaded_by", "uploaded_at", "files",
                 "not_checked", "duplicates", "unregistered", "videos")


def cmd_device_uploaded(args, database: Database) -> None:
    from db.core import Refused
    from db.devices import FewerFound, confirm_upload

    try:
        result = confirm_upload(database, args.code, args.by, folder=args.folder, wiped=args.wiped,
                                progress=_progress("Reading the Drive folder") if args.folder else None,
                                reason=args.reason)
    except FewerFound as exc:  # the kiosk asks for the reason; here the sentence says which option gives it
        raise Refused(f"{exc} To confirm it anyway, add --reason TEXT, e.g. --reason “2 blurred images deleted”.") \
            from None
    loan = result.loan
    if args.format == "table":
        if result.verified is None:
            print(f"Recorded: {loan.uploaded_by} confirmed {loan.device}'s {result.claimed} images are on the Drive "
                  "(unverified: no folder was checked).")
        else:
            found = f"{plural(result.verified, 'image')}"
            print(f"Recorded: {found} from {loan.device}'s loan found in {args.folder}, {result.claimed} claimed "
                  f"({plural(result.files, 'file')} read).")
        if result.by_model_only:
            print(f"{result.by_model_only} of them were matched by make and model alone: the device writes no "
                  "serial number into its images.")
        if result.note:
            print(result.note)
        for remark in result.remarks:
            print(remark)
    else:
        emit([{"device": loan.device, "claimed": result.claimed, "verified": result.verified,
               "by_model_only": result.by_model_only, "wiped": loan.wiped, "uploaded_by": loan.uploaded_by,
               "uploaded_at": loan.uploaded_at, "files": result.files, "not_checked": len(result.notes),
               "duplicates": result.duplicates, "unregistered": result.unregistered, "videos": result.videos}],
             args.format, keys=UPLOADED_KEYS, empty="")
    _print_notes(result.notes, "could not be checked")


def _progress(what: str):
    """A one-line counter on a terminal while a folder is read; nothing when output goes to a file."""
    if not sys.stderr.isatty():
        return None

    def show(update) -> None:
        end = "\n" if update.done else ""
        print(f"\r{what}: {update.files:,} files read", end=end, file=sys.stderr, flush=True)

    return show


def _print_notes(notes, what: str, limit: int = 10) -> None:
    if not notes:
        return
    count = len(notes)
    print(f"{plural(count, 'file')} {what}:", file=sys.stderr)
    for note in notes[:limit]:
        print(f"  {note.path}: {note.note}", file=sys.stderr)
    if count > limit:
        print(f"  … and {count - limit} more", file=sys.stderr)


def add_reports(report, options) -> None:
    """`kiosk report devices|provenance`: build_parser makes the `report` group, shared with records.py."""
    p = options.command(report, "devices", cmd_report_devices, "device loans between two days (default today)",
                        acting=True)
    date_range(listing(p), from_help="first day (with --from alone: up to today)")
    p.add_argument("--class", dest="class_name", metavar="CLASS", help="only loans for this class")
    p = options.command(report, "provenance", cmd_report_provenance, "which device took each image in a folder",
                        acting=True)
    listing(p).add_argument("--folder", required=True, metavar="PATH")


def cmd_report_devices(args, database: Database) -> None:
    from db.core import today
    from db.devices import loans_between

    start, end = days(args)

    def rows():  # written as read, never held: a long table reads them twice
        return each_loan_row(loans_between(database, start, end, args.class_name, by=acting_as(args)))

    count = emit(rows, args.format, keys=LOAN_KEYS, empty="No device was lent on those days.", today=today(database))
    print_footer(database, args.settings, args.format, count)


PROVENANCE_KEYS = ("file", "device", "captured", "registered", "make", "model", "serial", "loan", "note",
                   "duplicate_of")


def cmd_report_provenance(args, database: Database) -> None:
    from db.core import today
    from db.devices import provenance

    report = provenance(database, args.folder, by=acting_as(args), progress=_progress("Reading the folder"))
    rows = [{"file": r.file, "device": r.device, "captured": r.captured, "registered": r.registered,
             "make": r.make, "model": r.model, "serial": r.serial, "loan": r.loan, "note": r.note,
             "duplicate_of": r.duplicate_of}
            for r in report.rows]
    emit(rows, args.format, keys=PROVENANCE_KEYS, empty="No images were found in that folder.",
         today=today(database))
    if report.unregistered:
        print(f"{report.unregistered} of {plural(report.images, 'image')} "
              "could not be traced to a registered school device.", file=sys.stderr)
    if report.duplicates:
        copies = "1 file was a copy" if report.duplicates == 1 else f"{report.duplicates:,} files were copies"
        print(f"{copies} of an image already listed: each image is counted once.", file=sys.stderr)
    videos = sum(1 for video in report.videos if not video.duplicate_of)
    if videos:
        print(f"{plural(videos, 'video')} in the folder: counted, not traced (a video does not say "
              "which device made it).", file=sys.stderr)
    _print_notes(report.skipped, "could not be checked")
