"""QR tags: `kiosk tags issue|list|print`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.cli.options import acting_as, listing, printer_options
from kiosk.output import emit

if TYPE_CHECKING:
    from db.core import Database

KINDS = ("phone", "device", "location", "staff")
TAG_KEYS = ("code", "kind", "label", "description")


def add_commands(sub, options) -> None:
    tags = options.group(sub, "tags", "QR tags")
    issue = options.group(tags, "issue", "issue a new tag", dest="kind")
    p = options.command(issue, "phone", cmd_tags_issue, "a phone pouch tag", acting=True)
    p.add_argument("--pupil", required=True, metavar="PUPIL")
    p.add_argument("--description", metavar="TEXT", help="e.g. “black iPhone, blue case”")
    options.command(issue, "device", cmd_tags_issue, "a school device tag", acting=True).add_argument(
        "--asset", required=True)
    options.command(issue, "location", cmd_tags_issue, "a cupboard or office tag", acting=True).add_argument(
        "--name", required=True)
    options.command(issue, "staff", cmd_tags_issue, "a staff badge", acting=True).add_argument(
        "--staff", required=True, metavar="CODE")
    listing(options.command(tags, "list", cmd_tags_list, "list tags")).add_argument("--kind", choices=KINDS)
    p = options.command(tags, "print", cmd_tags_print, "print tags on a receipt printer")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--code", metavar="CODE", help="one tag")
    which.add_argument("--class", dest="class_name", metavar="CLASS", help="the phone tags of a class")
    which.add_argument("--kind", choices=KINDS, help="every tag of a kind")
    printer_options(p)


def cmd_tags_issue(args, database: Database) -> None:
    from db.tags import issue_device_tag, issue_location_tag, issue_phone_tag, issue_staff_tag
    from tagcodes import TagKind, new_code

    kind = TagKind(args.kind)
    make_code = lambda: new_code(kind)  # noqa: E731
    if kind is TagKind.PHONE:
        tag = issue_phone_tag(database, args.pupil, make_code, args.description, by=acting_as(args))
    elif kind is TagKind.LOCATION:
        tag = issue_location_tag(database, args.name, make_code, by=acting_as(args))
    elif kind is TagKind.STAFF:
        tag = issue_staff_tag(database, args.staff, make_code, by=acting_as(args))
    else:
        tag = issue_device_tag(database, args.asset, make_code, by=acting_as(args))
    print(tag.code)


def tag_rows(database: Database, kind: str | None) -> list[dict]:
    """The tags as listed by `kiosk tags list` (the demo picks its example codes from them too)."""
    from db.tags import list_tags

    return [{"code": t.code, "kind": t.kind, "label": t.label, "description": t.description or ""}
            for t in list_tags(database, kind)]


def cmd_tags_list(args, database: Database) -> None:
    emit(tag_rows(database, args.kind), args.format, keys=TAG_KEYS, empty="No tags have been issued yet.")


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
