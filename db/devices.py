"""School cameras and iPads (R3, R4, R5): lending, photo consent, checking the Drive, the leadership's review.

Each function is one thing a person does or asks. It opens its own session,
applies the rule, writes the ledger row with the projection it changes
(``device_loan``, ``consent_event``), and returns plain frozen data.

- A device is named by its tag code (what a scanner types) or its asset tag.
- A device that is out, or whose last loan's images are not confirmed on the
  Drive, is not lent again.
- Consent is an append-only history per pupil and category; a pupil's consent
  at a moment is their latest answer at or before it, and no answer means no.
- An image belongs to a device when its EXIF make and model match the
  device's and, where both carry one, so does the body serial number. iPads
  write no serial, so same-model iPads are told apart only by which one was
  lent when the photo was taken.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from db import drive
from db.chain import append
from db.engine import Database
from db.errors import Refused
from db.models import ConsentEvent, Device, DeviceLoan, Pupil, Staff, Tag
from db.people import acting, compact_code, find_pupil, find_staff, first_name
from db.reports import day_start, today
from db.roles import CommandLine
from db.text import plain

# Consent categories: the key stored, and the column heading / words a person reads.
CATEGORIES = {"photos": "Photos in school", "website": "Website", "social": "Social Media", "press": "Press"}
PHOTOS = "photos"
CLOCK_GRACE = timedelta(minutes=5)  # a camera's clock is often a few minutes out
DAY_ENDS = time(18, 0)  # a device still out at this time has gone home with someone
MAX_IMAGES = 100_000
PURPOSE_MAX = 200


# --- What callers get back ----------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    asset_tag: str
    kind: str  # camera, ipad, phone or other
    name: str
    make: str
    model: str
    serial: str | None
    tag_code: str | None  # the tag in use on it, if one was issued
    status: str  # "in", "out" or "upload outstanding"
    loan: Loan | None  # the latest loan, if any

    @property
    def label(self) -> str:
        """Asset tag and name, as printed on its tag: "IPAD-03 iPad 3"."""
        return f"{self.asset_tag} {self.name}"


@dataclass(frozen=True)
class Loan:
    """One lending of a device; times in the school's zone."""

    id: int
    device: str  # asset tag and name: "IPAD-03 iPad 3"
    asset_tag: str
    staff: str  # who borrowed it
    staff_code: str
    class_name: str
    purpose: str
    out: datetime
    returned: datetime | None
    returned_by: str | None
    images: int | None  # claimed when it came back
    uploaded_by: str | None
    uploaded_at: datetime | None
    verified: int | None  # found in the Drive folder; None when confirmed without a check (or not yet confirmed)
    by_model_only: int | None  # of the verified, matched by make and model alone
    wiped: bool | None
    not_back: bool  # still out, or back only after, the end of the day it was lent
    status: str  # out, not back, upload outstanding, no images, unverified, fewer found, verified

    @property
    def outstanding(self) -> bool:
        """Out, or back with images not yet confirmed on the Drive: it cannot be lent again."""
        return self.status in ("out", "not back", "upload outstanding")


@dataclass(frozen=True)
class NoPhotoPupil:
    pupil_id: int
    short_name: str  # preferred (else legal) first name and surname initial (R5)
    refused: tuple[str, ...]  # category names refused or not returned, e.g. ("Photos in school", "Press")

    @property
    def refused_text(self) -> str:
        return ", ".join(self.refused)


@dataclass(frozen=True)
class NoPhotoList:
    """A class's do-not-photograph list at a moment (R3), first names and initials only (R5)."""

    class_name: str
    at: datetime
    pupils: tuple[NoPhotoPupil, ...]  # no consent for photos in school: do not photograph
    not_published: tuple[NoPhotoPupil, ...]  # may be photographed, but some publishing is refused
    on_roll: int


@dataclass(frozen=True)
class LendResult:
    loan: Loan
    no_photo: NoPhotoList


@dataclass(frozen=True)
class UploadResult:
    loan: Loan
    claimed: int
    verified: int | None  # None: confirmed without checking a folder
    by_model_only: int  # of the verified, told apart from other devices by make and model only
    files: int  # files looked at in the folder
    notes: tuple[drive.Skipped, ...]  # files that could not be checked, and why
    note: str | None  # a reason to look twice (amber on the kiosk), e.g. fewer found than claimed


@dataclass(frozen=True)
class ConsentAnswer:
    category: str
    label: str
    given: bool
    since: datetime | None  # None: no answer recorded (form not returned), which means no


@dataclass(frozen=True)
class PupilConsent:
    pupil_id: int
    pupil: str
    short_name: str
    class_name: str
    answers: tuple[ConsentAnswer, ...]


@dataclass(frozen=True)
class ProvenanceRow:
    file: str
    device: str | None  # the registered device(s), else the camera as its EXIF names it, else None
    captured: datetime | None  # school's zone
    registered: bool  # taken on a device in the school's register
    make: str | None
    model: str | None
    serial: str | None
    loan: str | None  # "Hannah Brooks, 4B, Tue 10 Nov" when taken during a recorded loan
    note: str | None


@dataclass(frozen=True)
class ProvenanceReport:
    folder: str
    rows: tuple[ProvenanceRow, ...]
    skipped: tuple[drive.Skipped, ...]  # files that are not photos or could not be read
    files: int
    complete: bool

    @property
    def unregistered(self) -> int:
        return sum(not row.registered for row in self.rows)


@dataclass(frozen=True)
class WeekImages:
    week: str  # ISO week, "2026-W46"
    monday: date
    loans: int
    images: int  # claimed on return
    verified: int  # found on the Drive


# --- Finding a device ---------------------------------------------------------------------------


def _find_device(session: Session, code: str) -> tuple[Device, str | None]:
    """The device for a tag code or an asset tag, and its tag code in use."""
    text = " ".join((code or "").split())
    tag_code = compact_code(text)
    old_tag = False
    if tag_code:
        tag = session.get(Tag, tag_code)
        if tag is not None and tag.retired_at is None:
            if tag.kind != "device":
                raise Refused(f"{tag.code} is a {tag.kind} tag, not a device tag: scan the tag on the camera or iPad.")
            device = session.exec(select(Device).where(Device.asset_tag == tag.asset)).first()
            if device is not None:
                return device, tag.code
        old_tag = tag is not None
    if 0 < len(text) <= 64:
        device = session.exec(select(Device).where(Device.asset_tag == text.upper())).first()
        if device is not None:
            return device, _tag_of(session, device)
    if old_tag:
        raise Refused(f"The tag {tag_code} is not in use any more: scan the device's new tag, or type its asset tag.")
    raise Refused(f"No school device has the tag or asset tag “{text[:32]}”: check it, or import the devices first.")


def _tag_of(session: Session, device: Device) -> str | None:
    return session.exec(select(Tag.code).where(Tag.kind == "device", Tag.asset == device.asset_tag,
                                               Tag.retired_at.is_(None)).order_by(Tag.issued_at.desc())).first()


def _label(device: Device) -> str:
    return f"{device.asset_tag} {device.name}"


def _latest_loan(session: Session, device_id: int) -> DeviceLoan | None:
    return session.exec(select(DeviceLoan).where(DeviceLoan.device_id == device_id)
                        .order_by(DeviceLoan.out_at.desc(), DeviceLoan.id.desc())).first()


def device_info(database: Database, code: str) -> DeviceInfo:
    """A device by tag code or asset tag, with its state and latest loan (for the lending screen)."""
    with database.reading() as session:
        device, tag_code = _find_device(session, code)
        return _device_info(session, database, device, tag_code)


def list_devices(database: Database) -> list[DeviceInfo]:
    """Every registered device with its state, by asset tag."""
    with database.reading() as session:
        devices = session.exec(select(Device).order_by(Device.asset_tag)).all()
        return [_device_info(session, database, d, _tag_of(session, d)) for d in devices]


def _device_info(session: Session, database: Database, device: Device, tag_code: str | None) -> DeviceInfo:
    latest = _latest_loan(session, device.id)
    loan = _loans(session, database, [latest])[0] if latest else None
    status = "in"
    if loan and loan.returned is None:
        status = "out"
    elif loan and loan.status == "upload outstanding":
        status = "upload outstanding"
    return DeviceInfo(id=device.id, asset_tag=device.asset_tag, kind=device.kind, name=device.name,
                      make=device.make, model=device.model, serial=device.serial, tag_code=tag_code,
                      status=status, loan=loan)


# --- Loans as plain data ------------------------------------------------------------------------


def _staff_names(session: Session, ids: Iterable[int | None]) -> dict[int, Staff]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {s.id: s for s in session.exec(select(Staff).where(Staff.id.in_(wanted))).all()}


def _loans(session: Session, database: Database, rows: list[DeviceLoan]) -> list[Loan]:
    devices = {d.id: d for d in session.exec(select(Device).where(Device.id.in_({r.device_id for r in rows}))).all()}
    staff = _staff_names(session, [i for r in rows for i in (r.staff_id, r.returned_by_id, r.uploaded_by_id)])
    now = database.local(database.now())
    return [_loan(database, row, devices[row.device_id], staff, now) for row in rows]


def _name(staff: dict[int, Staff], staff_id: int | None) -> str | None:
    person = staff.get(staff_id) if staff_id is not None else None
    return f"{person.first_name} {person.surname}" if person else None


def _loan(database: Database, row: DeviceLoan, device: Device, staff: dict[int, Staff], now: datetime) -> Loan:
    out = database.local(row.out_at)
    returned = database.local(row.returned_at) if row.returned_at else None
    end_of_day = datetime.combine(out.date(), DAY_ENDS, tzinfo=database.zone)
    not_back = (returned > end_of_day) if returned else now > end_of_day
    if returned is None:
        status = "not back" if not_back else "out"
    elif row.uploaded_at is None:
        status = "upload outstanding" if row.images else "no images"
    elif row.verified is None:
        status = "unverified"
    elif row.verified < (row.images or 0):
        status = "fewer found"
    else:
        status = "verified"
    return Loan(id=row.id, device=_label(device), asset_tag=device.asset_tag, staff=_name(staff, row.staff_id),
                staff_code=staff[row.staff_id].code, class_name=row.class_name, purpose=row.purpose, out=out,
                returned=returned, returned_by=_name(staff, row.returned_by_id), images=row.images,
                uploaded_by=_name(staff, row.uploaded_by_id),
                uploaded_at=database.local(row.uploaded_at) if row.uploaded_at else None,
                verified=row.verified, by_model_only=row.by_model_only, wiped=row.wiped, not_back=not_back,
                status=status)


def _when(database: Database, moment: datetime) -> str:
    local = database.local(moment)
    if local.date() == database.local(database.now()).date():
        return f"{local:%H:%M} today"
    return f"{local:%H:%M} on {local:%a} {local.day} {local:%b}"


# --- Lending, return, upload --------------------------------------------------------------------


def lend_device(database: Database, code: str, by: str, class_name: str, purpose: str) -> LendResult:
    """Lend a device to a member of staff for a class; returns the loan and the class's do-not-photograph list.

    Refused when the device is out, or its last loan's images are not confirmed on the Drive.
    """
    purpose = plain(purpose, 10_000)
    if not purpose:
        raise Refused("Say what the device is for, e.g. --purpose “4B trip to the museum”.")
    if len(purpose) > PURPOSE_MAX:
        raise Refused(f"The purpose is longer than {PURPOSE_MAX} characters: say it more briefly.")
    label = "The device"
    try:
        with database.writing() as session:
            staff = find_staff(session, by, "devices", "lending a camera or iPad")
            device, tag_code = _find_device(session, code)
            label = _label(device)
            class_name = _class_on_roll(session, class_name)
            _refuse_if_outstanding(session, database, device)
            now = database.now()
            no_photo = _no_photo_list(session, database, class_name, now)
            entry = append(session, database, "device_out", staff_id=staff.id, tag_code=tag_code, at=now, detail={
                "device": device.asset_tag, "class": class_name, "purpose": purpose,
                "do_not_photograph": [p.pupil_id for p in no_photo.pupils]})
            loan = DeviceLoan(device_id=device.id, staff_id=staff.id, class_name=class_name, purpose=purpose,
                              out_at=now, out_ledger_id=entry)
            session.add(loan)
            session.flush()  # the partial unique index refuses a second open loan here
            session.commit()
            return LendResult(_loans(session, database, [loan])[0], no_photo)
    except IntegrityError:
        raise Refused(f"{label} has just been lent at another kiosk: scan it again to see who has it.") from None


def _refuse_if_outstanding(session: Session, database: Database, device: Device) -> None:
    last = _latest_loan(session, device.id)
    if last is None:
        return
    borrower = session.get(Staff, last.staff_id)
    who = f"{borrower.first_name} {borrower.surname}"
    if last.returned_at is None:
        raise Refused(f"{_label(device)} is out with {who} for {last.class_name} since "
                      f"{_when(database, last.out_at)}: it must be returned before it is lent again.")
    if last.images and last.uploaded_at is None:
        images = f"{last.images} image{'s' if last.images != 1 else ''}"
        raise Refused(f"{_label(device)} still holds {images} from {who}'s loan for {last.class_name} "
                      f"({_when(database, last.out_at)}) that are not confirmed uploaded to the Drive: "
                      "confirm the upload before lending it again.")


def _class_on_roll(session: Session, class_name: str) -> str:
    wanted = " ".join((class_name or "").split())[:32]
    found = session.exec(select(Pupil.class_name).where(func.upper(Pupil.class_name) == wanted.upper(),
                                                        Pupil.left_at.is_(None)).limit(1)).first()
    if found is None:
        raise Refused(f"No pupil on roll is in class “{wanted}”: check the class, e.g. 4B.")
    return found


def return_device(database: Database, code: str, by: str, images: int) -> Loan:
    """The device is back: record who brought it and how many images were taken (0 means nothing to upload)."""
    if images is None or not 0 <= images <= MAX_IMAGES:
        raise Refused("Give the number of photos and videos taken on the device, e.g. --images 24 (0 if none).")
    with database.writing() as session:
        staff = find_staff(session, by, "devices", "returning a camera or iPad")
        device, tag_code = _find_device(session, code)
        loan = _latest_loan(session, device.id)
        if loan is None or loan.returned_at is not None:
            raise Refused(f"{_label(device)} is not out, so it cannot be returned: check the tag.")
        now = database.now()
        entry = append(session, database, "device_returned", staff_id=staff.id, tag_code=tag_code, at=now,
                       detail={"device": device.asset_tag, "loan": loan.id, "images": images})
        loan.returned_at, loan.returned_by_id, loan.images, loan.returned_ledger_id = now, staff.id, images, entry
        session.add(loan)
        session.commit()
        return _loans(session, database, [loan])[0]


def confirm_upload(database: Database, code: str, by: str, *, folder: Path | str | None = None,
                   wiped: bool = False, progress: Callable[[drive.Progress], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> UploadResult:
    """Confirm that the last loan's images are on the Drive (R4), checking ``folder`` when given.

    With a folder, the images there taken by this device between its lending
    and its return are counted from their EXIF (the folder is read before
    anything is written, so a bad folder or a stopped check changes nothing).
    Without one the confirmation is recorded as unverified. Refused when the
    device is out, was never lent, its images are already verified, or none of
    the images claimed are in the folder.
    """
    with database.reading() as session:
        find_staff(session, by, "devices", "confirming an upload")
        device, _tag = _find_device(session, code)
        loan = _confirmable(session, database, device, folder)
        devices = session.exec(select(Device)).all()
        window = (loan.out_at - CLOCK_GRACE, loan.returned_at + CLOCK_GRACE)
        loan_id, claimed = loan.id, loan.images or 0
    verified = by_model = None
    files, notes = 0, ()
    if folder is not None:
        scan = drive.read_folder(folder, database.zone, progress=progress, cancelled=cancelled)
        if cancelled and cancelled():
            raise Refused("The check of the Drive folder was stopped: nothing was recorded.")
        verified, by_model = _count(scan.photos, device, devices, window)
        files, notes = scan.files, _notes(scan)
        if claimed and not verified:
            raise Refused(f"None of the {claimed} images from {_label(device)}'s loan were found in {folder}: "
                          "wait for Google Drive to finish syncing and try again, or confirm without a folder "
                          "to record it unverified.")
    with database.writing() as session:
        staff = find_staff(session, by, "devices", "confirming an upload")
        device, tag_code = _find_device(session, code)
        loan = _confirmable(session, database, device, folder)
        if loan.id != loan_id:
            raise Refused(f"{_label(device)} was lent again while its folder was checked: nothing was recorded.")
        now = database.now()
        entry = append(session, database, "device_uploaded", staff_id=staff.id, tag_code=tag_code, at=now, detail={
            "device": device.asset_tag, "loan": loan.id, "claimed": claimed, "verified": verified,
            "by_model_only": by_model, "wiped": bool(wiped), "folder": str(folder) if folder is not None else None})
        loan.uploaded_at, loan.uploaded_by_id, loan.uploaded_ledger_id = now, staff.id, entry
        loan.verified, loan.by_model_only, loan.wiped = verified, by_model, bool(wiped)
        loan.folder = str(folder)[:500] if folder is not None else None
        session.add(loan)
        session.commit()
        result = _loans(session, database, [loan])[0]
    note = None
    if verified is not None and verified < claimed:
        note = (f"Only {verified} of the {claimed} images claimed were found in the folder: the rest may still "
                "be syncing, or still on the device.")
    elif verified is not None and verified > claimed:
        also = " (or another device of the same model was out at the same time)" if by_model else ""
        note = f"{verified} images were found, more than the {claimed} claimed at the return{also}."
    elif not wiped and claimed:
        note = "The device is not marked as wiped: delete the images from it once they are on the Drive."
    return UploadResult(loan=result, claimed=claimed, verified=verified, by_model_only=by_model or 0,
                        files=files, notes=notes, note=note)


def _confirmable(session: Session, database: Database, device: Device, folder) -> DeviceLoan:
    loan = _latest_loan(session, device.id)
    if loan is None:
        raise Refused(f"{_label(device)} has never been lent, so there are no images to confirm.")
    if loan.returned_at is None:
        raise Refused(f"{_label(device)} is still out: record its return (with the number of images) first.")
    if loan.uploaded_at is not None:
        who = session.get(Staff, loan.uploaded_by_id)
        done = f"by {who.first_name} {who.surname} at {_when(database, loan.uploaded_at)}"
        if loan.verified is not None and loan.verified >= (loan.images or 0):
            raise Refused(f"The upload of {_label(device)}'s images was already confirmed {done}: "
                          f"{loan.verified} found on the Drive.")
        if folder is None:
            raise Refused(f"The upload of {_label(device)}'s images was already confirmed {done}: give the Drive "
                          "folder to check it for them.")
    return loan


def _notes(scan: drive.FolderScan) -> tuple[drive.Skipped, ...]:
    return tuple([drive.Skipped(p.path, p.note) for p in scan.photos if p.note] + list(scan.skipped))


# --- Matching a photo to a registered device ----------------------------------------------------


def _words(text: str | None) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.findall(r"[a-z0-9]+", text)


def _make_words(make: str | None) -> set[str]:
    return set(_words(make)) - {"corporation", "corp", "co", "ltd", "inc", "company", "imaging", "electronics"}


def model_key(make: str | None, model: str | None) -> str:
    """The model without the make in front ("Canon EOS 2000D" and "EOS 2000D" are one model)."""
    words = _words(model)
    makes = _make_words(make)
    while words and words[0] in makes:
        words = words[1:]
    return " ".join(words)


def serial_key(serial: str | None) -> str:
    return "".join(_words(serial)).lstrip("0")


def _makes_match(a: str | None, b: str | None) -> bool:
    left, right = _make_words(a), _make_words(b)
    return bool(left and right) and (left <= right or right <= left)


def _candidates(photo: drive.Photo, devices: Iterable[Device]) -> tuple[list[Device], bool]:
    """The registered devices that could have taken the photo, and whether its serial number decided it."""
    if not photo.make and not photo.model:
        return [], False
    model = model_key(photo.make, photo.model)
    same_model = [d for d in devices if _makes_match(d.make, photo.make) and model
                  and model_key(d.make, d.model) == model]
    serial = serial_key(photo.serial)
    if serial:
        by_serial = [d for d in same_model if serial_key(d.serial) == serial]
        if by_serial:
            return by_serial, True
        # A camera of a registered model with a serial the school does not own is someone else's.
        return [d for d in same_model if not serial_key(d.serial)], False
    return same_model, False


def _count(photos: Iterable[drive.Photo], device: Device, devices: list[Device],
           window: tuple[datetime, datetime]) -> tuple[int, int]:
    found = by_model = 0
    start, end = window
    for photo in photos:
        if photo.captured is None or not start <= photo.captured <= end:
            continue
        candidates, by_serial = _candidates(photo, devices)
        if any(d.id == device.id for d in candidates):
            found += 1
            by_model += not by_serial
    return found, by_model


def provenance(database: Database, folder: Path | str, *, by: str | CommandLine,
               progress: Callable[[drive.Progress], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> ProvenanceReport:
    """Every image in the folder with the registered device that took it, or flagged as from an unregistered one.

    A photo without EXIF, or damaged, cannot be traced and is flagged too.
    """
    acting(database, by, "review", "the report of which devices took the images")
    scan = drive.read_folder(folder, database.zone, progress=progress, cancelled=cancelled)
    with database.reading() as session:
        devices = session.exec(select(Device)).all()
        loans = session.exec(select(DeviceLoan)).all()
        staff = _staff_names(session, [loan.staff_id for loan in loans])
    by_device: dict[int, list[DeviceLoan]] = {}
    for loan in sorted(loans, key=lambda loan: loan.out_at):
        by_device.setdefault(loan.device_id, []).append(loan)
    now = database.now()
    rows = tuple(_provenance_row(database, photo, devices, by_device, staff, now) for photo in scan.photos)
    return ProvenanceReport(folder=str(folder), rows=rows, skipped=tuple(scan.skipped),
                            files=scan.files, complete=scan.complete)


def _provenance_row(database: Database, photo: drive.Photo, devices: list[Device],
                    loans: dict[int, list[DeviceLoan]], staff: dict[int, Staff], now: datetime) -> ProvenanceRow:
    captured = database.local(photo.captured) if photo.captured else None
    candidates, _by_serial = _candidates(photo, devices)
    camera = " ".join(part for part in (photo.make, photo.model) if part) or None
    row = dict(file=photo.path, captured=captured, make=photo.make, model=photo.model, serial=photo.serial)
    if not candidates:
        note = photo.note or "not taken on a registered school device"
        return ProvenanceRow(device=camera, registered=False, loan=None, note=note, **row)
    covering = [(d, loan) for d in candidates for loan in _loans_at(loans.get(d.id, []), photo.captured, now)]
    if covering:
        chosen = sorted({d.id: d for d, _loan in covering}.values(), key=lambda d: d.asset_tag)
        loan = covering[0][1]
        borrower = staff.get(loan.staff_id)
        when = database.local(loan.out_at)
        text = f"{borrower.first_name} {borrower.surname}, {loan.class_name}, {when:%a} {when.day} {when:%b}"
        return ProvenanceRow(device=" or ".join(_label(d) for d in chosen), registered=True,
                             loan=text if len(covering) == 1 else None, note=photo.note, **row)
    note = photo.note or "taken when this device was not lent out"
    chosen = sorted(candidates, key=lambda d: d.asset_tag)
    return ProvenanceRow(device=" or ".join(_label(d) for d in chosen), registered=True, loan=None, note=note, **row)


def _loans_at(loans: list[DeviceLoan], moment: datetime | None, now: datetime) -> list[DeviceLoan]:
    """The device's loans (sorted by lending time) that cover ``moment``, with the clock grace either side."""
    if moment is None:
        return []
    # One device's loans never overlap, so only the last one lent before the moment (or the one before it,
    # inside the grace) can cover it.
    index = bisect.bisect_right(loans, moment + CLOCK_GRACE, key=lambda loan: loan.out_at)
    return [loan for loan in loans[max(0, index - 2):index]
            if loan.out_at - CLOCK_GRACE <= moment <= (loan.returned_at or now) + CLOCK_GRACE]


# --- Consent ------------------------------------------------------------------------------------


def _answers(session: Session, pupil_ids: Iterable[int], at: datetime) -> dict[tuple[int, str], ConsentEvent]:
    """Each pupil's latest answer per category at ``at`` (absent: never recorded)."""
    ids = list(pupil_ids)
    if not ids:
        return {}
    latest: dict[tuple[int, str], ConsentEvent] = {}
    events = session.exec(select(ConsentEvent).where(ConsentEvent.pupil_id.in_(ids), ConsentEvent.at <= at)
                          .order_by(ConsentEvent.at, ConsentEvent.id)).all()
    for event in events:
        latest[(event.pupil_id, event.category)] = event
    return latest


def _short(pupil: Pupil) -> str:
    return f"{first_name(pupil)} {pupil.surname[:1]}."


def _no_photo_list(session: Session, database: Database, class_name: str, at: datetime) -> NoPhotoList:
    pupils = session.exec(select(Pupil).where(Pupil.class_name == class_name, Pupil.left_at.is_(None))
                          .order_by(Pupil.surname, Pupil.legal_first)).all()
    answers = _answers(session, (p.id for p in pupils), at)
    refuse, limited = [], []
    for pupil in pupils:
        refused = tuple(label for key, label in CATEGORIES.items()
                        if not (answers.get((pupil.id, key)) and answers[(pupil.id, key)].given))
        if not refused:
            continue
        entry = NoPhotoPupil(pupil.id, _short(pupil), refused)
        (refuse if CATEGORIES[PHOTOS] in refused else limited).append(entry)
    order = lambda p: p.short_name.casefold()  # noqa: E731 - first names, as the teacher reads the slip
    return NoPhotoList(class_name=class_name, at=database.local(at), pupils=tuple(sorted(refuse, key=order)),
                       not_published=tuple(sorted(limited, key=order)), on_roll=len(pupils))


def do_not_photograph(database: Database, class_name: str, at: datetime | None = None) -> NoPhotoList:
    """The class's do-not-photograph list as it stands now (or at ``at``): consent not given means no."""
    with database.reading() as session:
        class_name = _class_on_roll(session, class_name)
        return _no_photo_list(session, database, class_name, at or database.now())


def consent_of(database: Database, pupil_ref: str, at: datetime | None = None) -> PupilConsent:
    """One pupil's consent in each category now (or at ``at``), with the date each answer was recorded."""
    with database.reading() as session:
        pupil = find_pupil(session, pupil_ref)
        return _pupil_consent(session, database, pupil, at or database.now())


def _pupil_consent(session: Session, database: Database, pupil: Pupil, at: datetime) -> PupilConsent:
    answers = _answers(session, [pupil.id], at)
    rows = []
    for key, label in CATEGORIES.items():
        event = answers.get((pupil.id, key))
        rows.append(ConsentAnswer(key, label, bool(event and event.given),
                                  database.local(event.at) if event else None))
    return PupilConsent(pupil.id, f"{first_name(pupil)} {pupil.surname}", _short(pupil), pupil.class_name,
                        tuple(rows))


def category_key(text: str) -> str:
    """"photos", "website", "social" or "press" from a key or a heading such as "Social Media"."""
    wanted = " ".join((text or "").split()).lower()
    for key, label in CATEGORIES.items():
        if wanted in (key, label.lower()):
            return key
    names = ", ".join(CATEGORIES.values())
    raise Refused(f"“{wanted[:30]}” is not a consent category: use one of {names}.")


def set_consent(database: Database, pupil_ref: str, category: str, given: bool, by: str) -> PupilConsent:
    """Record one answer from a parent (a withdrawal letter, a late form); it applies from now on."""
    key = category_key(category)
    with database.writing() as session:
        staff = find_staff(session, by, "office", "recording photo consent")
        pupil = find_pupil(session, pupil_ref)
        now = database.now()
        current = _answers(session, [pupil.id], now).get((pupil.id, key))
        if current is None or current.given != bool(given):
            record_answers(session, database, pupil.id, {key: bool(given)}, now, staff_id=staff.id,
                           source="kiosk")
        session.commit()
        return _pupil_consent(session, database, pupil, now)


def record_answers(session: Session, database: Database, pupil_id: int, answers: dict[str, bool], at: datetime,
                   *, staff_id: int | None = None, source: str) -> int:
    """Append one pupil's changed answers and their ledger row (inside the caller's transaction)."""
    entry = append(session, database, "consent_changed", staff_id=staff_id, pupil_id=pupil_id, at=at,
                   detail={"source": source, **answers})
    session.add_all([ConsentEvent(pupil_id=pupil_id, category=key, given=value, at=at, staff_id=staff_id,
                                  ledger_id=entry) for key, value in answers.items()])
    return entry


def current_answers(session: Session, pupil_ids: Iterable[int], at: datetime) -> dict[tuple[int, str], bool]:
    """(pupil id, category) → the answer in force at ``at``, for pupils with one recorded."""
    return {key: event.given for key, event in _answers(session, pupil_ids, at).items()}


# --- The leadership's review --------------------------------------------------------------------


def _range(database: Database, start: date | None, end: date | None) -> tuple[date, date]:
    end = end or today(database)
    start = start or end
    if end < start:
        raise Refused("The --to date is before the --from date: swap them.")
    return start, end


def loans_report(database: Database, start: date | None = None, end: date | None = None,
                 class_name: str | None = None, *, by: str | CommandLine) -> list[Loan]:
    """Every loan lent between two school days (inclusive; default today), oldest first; optionally one class."""
    acting(database, by, "review", "the report of camera and iPad loans")
    start, end = _range(database, start, end)
    with database.reading() as session:
        query = select(DeviceLoan).where(DeviceLoan.out_at >= day_start(database, start),
                                         DeviceLoan.out_at < day_start(database, end + timedelta(days=1)))
        if class_name:
            query = query.where(func.upper(DeviceLoan.class_name) == " ".join(class_name.split()).upper())
        rows = session.exec(query.order_by(DeviceLoan.out_at, DeviceLoan.id)).all()
        return _loans(session, database, list(rows))


def outstanding_uploads(database: Database, *, by: str | CommandLine) -> list[Loan]:
    """Loans back with images not yet confirmed on the Drive, oldest first (whatever day)."""
    acting(database, by, "review", "the list of uploads outstanding")
    with database.reading() as session:
        rows = session.exec(select(DeviceLoan).where(DeviceLoan.returned_at.is_not(None),
                                                     DeviceLoan.uploaded_at.is_(None), DeviceLoan.images > 0)
                            .order_by(DeviceLoan.out_at)).all()
        return _loans(session, database, list(rows))


def devices_not_back(database: Database, *, by: str | CommandLine) -> list[Loan]:
    """Devices still out from an earlier day, or from today after the end of the day (18:00)."""
    acting(database, by, "review", "the list of devices not back")
    with database.reading() as session:
        rows = session.exec(select(DeviceLoan).where(DeviceLoan.returned_at.is_(None))
                            .order_by(DeviceLoan.out_at)).all()
        return [loan for loan in _loans(session, database, list(rows)) if loan.not_back]


def devices_out(database: Database, *, by: str | CommandLine) -> list[Loan]:
    """Every device out now, oldest loan first."""
    acting(database, by, "review", "the list of devices out")
    with database.reading() as session:
        rows = session.exec(select(DeviceLoan).where(DeviceLoan.returned_at.is_(None))
                            .order_by(DeviceLoan.out_at)).all()
        return _loans(session, database, list(rows))


def images_per_week(database: Database, start: date | None = None, end: date | None = None,
                    class_name: str | None = None, *, by: str | CommandLine) -> list[WeekImages]:
    """Images claimed and verified per ISO week of lending, every week of the range (empty ones too), for a chart."""
    loans = loans_report(database, start, end, class_name, by=by)
    start, end = _range(database, start, end)
    monday = start - timedelta(days=start.weekday())
    weeks: dict[date, list[Loan]] = {}
    while monday <= end:
        weeks[monday] = []
        monday += timedelta(days=7)
    for loan in loans:
        day = loan.out.date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(loan)
    result = []
    for monday, group in sorted(weeks.items()):
        year, week, _ = monday.isocalendar()
        result.append(WeekImages(week=f"{year}-W{week:02d}", monday=monday, loans=len(group),
                                 images=sum(loan.images or 0 for loan in group),
                                 verified=sum(loan.verified or 0 for loan in group)))
    return result

