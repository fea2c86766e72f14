"""Printing: the school's data turned into receipt-printer jobs, and sent.

This wires db/ (what is true) to labels/ (what paper looks like); neither knows
the other. No Textual here: the command line and the kiosk both print through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from db.core import CoverBadge, CustodyResult, Database, HeldStatus, Refused
from db.devices import NoPhotoList, do_not_photograph
from db.phones import phones_held
from db.tags import list_tags

SEND_TIMEOUT = 5.0  # seconds without progress before a printer counts as not answering


@dataclass(frozen=True)
class PrintJob:
    """One job's bytes, ready for any printer of its paper width."""

    title: str  # what the print queue shows, e.g. "Tags for 6A (27)"
    data: bytes
    paper: str  # "80mm" or "58mm"


def _paper(name: str):
    from labels import paper_named

    try:
        return paper_named(name)
    except ValueError as exc:
        raise Refused(str(exc)) from None


def tags_job(database: Database, paper: str, *, code: str | None = None, class_name: str | None = None,
             kind: str | None = None) -> PrintJob:
    """Tags for one code, a class's phones, or every tag of a kind (R5: labels carry first name + initial)."""
    from labels import TagLabel
    from labels import tags_job as layout

    tags = list_tags(database, kind, code=code, class_name=class_name)
    if not tags:
        raise Refused("There are no tags of that kind to print yet: issue some first.")
    labels = [TagLabel(t.code, t.label, t.description) for t in tags]
    title = f"Tag {code}" if code else f"Tags for {class_name or kind} ({len(labels)})"
    return PrintJob(title, layout(labels, _paper(paper)), paper)


def still_held_job(database: Database, paper: str, *, by, anchors: Path | None = None) -> PrintJob:
    """The end-of-day list: every phone still held, by location (``by``: the staff code asking, or COMMAND_LINE).

    Its foot carries the ledger's anchor, kept in the anchors file in ``anchors`` (the backup folder).
    """
    from kiosk.anchoring import anchor_line
    from labels import HeldLine
    from labels import still_held_job as layout

    rows = phones_held(database, by=by)
    # The title already says "still held": only a phone left overnight, or confiscated, needs a word more.
    lines = [HeldLine(r.location, r.short_name, r.class_name, f"{r.since:%H:%M}", _held_status(r),
                      r.description or "", r.code) for r in rows]
    now = database.local(database.now())  # when it was printed: a list from 15:10 misses the phones of 15:30
    return PrintJob(f"Phones still held ({len(lines)})",
                    layout(f"Phones still held {now:%a %d %b %Y}, printed at {now:%H:%M}", lines, _paper(paper),
                           footer=anchor_line(database, anchors) if anchors else None),
                    paper)


def _held_status(row) -> str:
    if row.status == HeldStatus.LEFT_OVERNIGHT:
        return str(row.status)
    if row.status == HeldStatus.CONFISCATED:
        return f"confiscated: {row.reason}" if row.reason else "confiscated"
    return ""


def no_photo_slip_job(database: Database, class_name: str, paper: str, *, device: str | None = None,
                      at: str | None = None, listing: NoPhotoList | None = None) -> PrintJob:
    """The class's do-not-photograph slip, to go with a lent device (R3; R5: first names and initials only).

    ``listing`` is the list the lending returned (so the slip matches what was
    shown); without it the class's list as it stands now is printed.
    """
    from labels import NoPhotoLine
    from labels import no_photo_slip_job as layout

    listing = listing or do_not_photograph(database, class_name)
    lines = [NoPhotoLine(p.short_name, p.refused_text) for p in listing.pupils]
    not_published = [NoPhotoLine(p.short_name, p.refused_text) for p in listing.not_published]
    return PrintJob(f"Do not photograph: {listing.class_name} ({len(lines)})",
                    layout(listing.class_name, lines, _paper(paper), device=device, at=at,
                           not_published=not_published), paper)


def check_in_receipt_job(result: CustodyResult, paper: str) -> PrintJob:
    """A slip for one check-in: whose phone, where it went, when."""
    from labels import CheckInReceipt
    from labels import check_in_receipt_job as layout

    receipt = CheckInReceipt(result.short_name, result.class_name, result.location, f"{result.at:%H:%M %d %b}",
                             result.code)
    return PrintJob(f"Receipt for {result.short_name}", layout(receipt, _paper(paper)), paper)


def cover_slip_job(badge: CoverBadge, paper: str) -> PrintJob:
    """The supply teacher's slip: code, PIN, class, until when."""
    from labels import CoverSlip
    from labels import cover_slip_job as layout

    slip = CoverSlip(badge.name, badge.class_name, badge.code, badge.pin, f"{badge.until:%H:%M} today")
    return PrintJob(f"Cover badge for {badge.name}", layout(slip, _paper(paper)), paper)


def send(job: PrintJob, printer: str | None) -> None:
    """Send a job; a printer that is off, unplugged or out of paper is refused in one sentence."""
    from labels import PrinterError
    from labels import send as send_bytes

    if not printer:
        raise Refused("No printer is set: give one with --printer, e.g. tcp://192.168.1.50 or preview:tags.png.")
    try:
        send_bytes(printer, job.data, timeout=SEND_TIMEOUT, paper=_paper(job.paper))
    except PrinterError as exc:
        raise Refused(str(exc)) from None


def check_printer(printer: str) -> None:
    """Refuse a printer address that cannot work before anything is queued for it."""
    from labels import PrinterError, parse_uri

    try:
        parse_uri(printer)
    except PrinterError as exc:
        raise Refused(str(exc)) from None
