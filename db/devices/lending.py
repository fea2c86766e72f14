"""Lending a school camera or iPad, its return, and the confirmation that its images reached the Drive.

A device is named by its tag code (what a scanner types) or its asset tag. A device that is out, or
whose last loan's images are not confirmed on the Drive, is not lent again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

import photos
from db.core import (
    Database,
    Refused,
    append,
    class_on_roll,
    find_staff,
    full_name,
    plain,
    plural,
    short_name,
    staff_names,
    when,
)
from db.core.models import Device, DeviceLoan, Staff, Tag
from db.core.outcomes import DeviceStatus, LoanStatus
from db.devices.consent import no_photo_list
from db.devices.matching import CLOCK_GRACE, LoanImages, loan_images, read_drive
from db.devices.views import DeviceInfo, LendResult, Loan, UploadResult, device_label
from tagcodes import printed_form

DAY_ENDS = time(18, 0)  # a device still out at this time has gone home with someone
MAX_IMAGES = 100_000
PURPOSE_MAX = 200


def _find_device(session: Session, code: str) -> tuple[Device, str | None]:
    """The device for a tag code or an asset tag, and its tag code in use."""
    text = " ".join((code or "").split())
    tag_code = printed_form(text)
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
    loan = loans_of(session, database, [latest])[0] if latest else None
    status = DeviceStatus.IN
    if loan and loan.returned is None:
        status = DeviceStatus.OUT
    elif loan and loan.status == LoanStatus.UPLOAD_OUTSTANDING:
        status = DeviceStatus.UPLOAD_OUTSTANDING
    return DeviceInfo(id=device.id, asset_tag=device.asset_tag, kind=device.kind, name=device.name,
                      make=device.make, model=device.model, serial=device.serial, tag_code=tag_code,
                      status=status, loan=loan)


def loans_of(session: Session, database: Database, rows: list[DeviceLoan]) -> list[Loan]:
    devices = {d.id: d for d in session.exec(select(Device).where(Device.id.in_({r.device_id for r in rows}))).all()}
    staff = staff_names(session, [i for r in rows for i in (r.staff_id, r.returned_by_id, r.uploaded_by_id)])
    now = database.local(database.now())
    return [_loan(database, row, devices[row.device_id], staff, now) for row in rows]


def _name(staff: dict[int, Staff], staff_id: int | None, *, short: bool = False) -> str | None:
    person = staff.get(staff_id) if staff_id is not None else None
    return (short_name if short else full_name)(person.first_name, person.surname) if person else None


def _loan(database: Database, row: DeviceLoan, device: Device, staff: dict[int, Staff], now: datetime) -> Loan:
    out = database.local(row.out_at)
    returned = database.local(row.returned_at) if row.returned_at else None
    end_of_day = datetime.combine(out.date(), DAY_ENDS, tzinfo=database.zone)
    not_back = (returned > end_of_day) if returned else now > end_of_day
    if returned is None:
        status = LoanStatus.NOT_BACK if not_back else LoanStatus.OUT
    elif row.uploaded_at is None:
        status = LoanStatus.UPLOAD_OUTSTANDING if row.images else LoanStatus.NO_IMAGES
    elif row.verified is None:
        status = LoanStatus.UNVERIFIED
    elif row.verified < (row.images or 0):
        status = LoanStatus.FEWER_FOUND
    else:
        status = LoanStatus.VERIFIED
    return Loan(id=row.id, device=device_label(device), asset_tag=device.asset_tag, staff=_name(staff, row.staff_id),
                staff_code=staff[row.staff_id].code, class_name=row.class_name, purpose=row.purpose, out=out,
                returned=returned, returned_by=_name(staff, row.returned_by_id), images=row.images,
                uploaded_by=_name(staff, row.uploaded_by_id),
                uploaded_at=database.local(row.uploaded_at) if row.uploaded_at else None,
                verified=row.verified, by_model_only=row.by_model_only, wiped=row.wiped, not_back=not_back,
                status=status, staff_short=_name(staff, row.staff_id, short=True),
                uploaded_by_short=_name(staff, row.uploaded_by_id, short=True))


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
            label = device_label(device)
            class_name = class_on_roll(session, class_name)
            _refuse_if_outstanding(session, database, device)
            now = database.now()
            no_photo = no_photo_list(session, database, class_name, now)
            entry = append(session, database, "device_out", staff_id=staff.id, tag_code=tag_code, at=now, detail={
                "device": device.asset_tag, "class": class_name, "purpose": purpose,
                "do_not_photograph": [p.pupil_id for p in no_photo.pupils]})
            loan = DeviceLoan(device_id=device.id, staff_id=staff.id, class_name=class_name, purpose=purpose,
                              out_at=now, out_ledger_id=entry)
            session.add(loan)
            session.flush()  # the partial unique index refuses a second open loan here
            session.commit()
            return LendResult(loans_of(session, database, [loan])[0], no_photo)
    except IntegrityError:
        raise Refused(f"{label} has just been lent at another kiosk: scan it again to see who has it.") from None


def _refuse_if_outstanding(session: Session, database: Database, device: Device) -> None:
    last = _latest_loan(session, device.id)
    if last is None:
        return
    borrower = session.get(Staff, last.staff_id)
    who = full_name(borrower.first_name, borrower.surname)
    if last.returned_at is None:
        raise Refused(f"{device_label(device)} is out with {who} for {last.class_name} since "
                      f"{when(database.local(last.out_at), database.local(database.now()))}: "
                      "it must be returned before it is lent again.")
    if last.images and last.uploaded_at is None:
        images = f"{plural(last.images, 'image')}"
        raise Refused(f"{device_label(device)} still holds {images} from {who}'s loan for {last.class_name} "
                      f"({when(database.local(last.out_at), database.local(database.now()))}) "
                      "that are not confirmed uploaded to the Drive: "
                      "confirm the upload before lending it again.")


def return_device(database: Database, code: str, by: str, images: int) -> Loan:
    """The device is back: record who brought it and how many images were taken (0 means nothing to upload)."""
    if images is None or not 0 <= images <= MAX_IMAGES:
        raise Refused("Give the number of images (videos included) taken on the device, e.g. --images 24 (0 if none).")
    with database.writing() as session:
        staff = find_staff(session, by, "devices", "returning a camera or iPad")
        device, tag_code = _find_device(session, code)
        loan = _latest_loan(session, device.id)
        if loan is None or loan.returned_at is not None:
            raise Refused(f"{device_label(device)} is not out, so it cannot be returned: check the tag.")
        now = database.now()
        entry = append(session, database, "device_returned", staff_id=staff.id, tag_code=tag_code, at=now,
                       detail={"device": device.asset_tag, "loan": loan.id, "images": images})
        loan.returned_at, loan.returned_by_id, loan.images, loan.returned_ledger_id = now, staff.id, images, entry
        session.add(loan)
        session.commit()
        return loans_of(session, database, [loan])[0]


class FewerFound(Refused):
    """The folder holds fewer of the loan's images than were claimed: look again, or confirm with a reason."""

    def __init__(self, sentence: str, claimed: int, found: int):
        super().__init__(sentence)
        self.claimed, self.found = claimed, found


def confirm_upload(database: Database, code: str, by: str, *, folder: Path | str | None = None,
                   wiped: bool = False, progress: Callable[[photos.Progress], None] | None = None,
                   cancelled: Callable[[], bool] | None = None, reason: str | None = None) -> UploadResult:
    """Confirm that the last loan's images are on the Drive (R4), checking ``folder`` when given.

    With a folder, the images there taken by this device between its lending
    and its return are counted from their EXIF, each image once however many
    copies the folder holds (the folder is read before anything is written, so
    a bad folder or a stopped check changes nothing). The result also says how
    many copies were left out, how many videos were made in that time, and how
    many photos taken in that time came from devices the school has not
    registered (a personal phone on the trip). Without a folder the
    confirmation is recorded as unverified. Refused when the device is out, was
    never lent, its images are already verified, or none of the images claimed
    are in the folder.

    Fewer found than claimed is a decision, not a confirmation: without ``reason`` (why the rest are not
    there, e.g. "2 blurred images deleted on the iPad") it raises ``FewerFound`` and records nothing, so the
    loan stays outstanding on the review; with one, the reason goes into the ledger row and the result.
    """
    reason = plain(reason or "", 200) or None
    with database.reading() as session:
        find_staff(session, by, "devices", "confirming an upload")
        device, _tag = _find_device(session, code)
        loan = _confirmable(session, database, device, folder)
        devices = session.exec(select(Device)).all()
        window = (loan.out_at - CLOCK_GRACE, loan.returned_at + CLOCK_GRACE)
        loan_id, claimed = loan.id, loan.images or 0
    verified = by_model = None
    files, notes, seen = 0, (), LoanImages(0, 0, 0, 0, 0)
    if folder is not None:
        scan = read_drive(folder, database.zone, progress=progress, cancelled=cancelled)
        if cancelled and cancelled():
            raise Refused("The check of the Drive folder was stopped: nothing was recorded.")
        seen = loan_images(scan, device, devices, window)
        verified, by_model = seen.found, seen.by_model
        files, notes = scan.files, _notes(scan)
        if claimed and not verified and not seen.videos:
            raise Refused(f"None of the {claimed} images from {device_label(device)}'s loan were found in {folder}: "
                          "wait for Google Drive to finish syncing and try again, or confirm without a folder "
                          "to record it unverified.")
        if verified < claimed and reason is None:
            videos = (f" The folder also holds {plural(seen.videos, 'video')} made during the loan, which may be "
                      "the rest (a video does not say which device made it)." if seen.videos else "")
            raise FewerFound(f"Only {verified} of the {claimed} images claimed from {device_label(device)}'s loan "
                             f"were found in {folder}: nothing was recorded.{videos} Look again once Google Drive "
                             "has finished syncing (or the rest are uploaded from the device), or confirm with the "
                             "reason for the difference.", claimed, verified)
    with database.writing() as session:
        staff = find_staff(session, by, "devices", "confirming an upload")
        device, tag_code = _find_device(session, code)
        loan = _confirmable(session, database, device, folder)
        if loan.id != loan_id:
            raise Refused(f"{device_label(device)} was lent again while its folder was checked: nothing was recorded.")
        now = database.now()
        entry = append(session, database, "device_uploaded", staff_id=staff.id, tag_code=tag_code, at=now, detail={
            "device": device.asset_tag, "loan": loan.id, "claimed": claimed, "verified": verified,
            "by_model_only": by_model, "wiped": bool(wiped), "folder": str(folder) if folder is not None else None,
            "fewer_found_reason": reason if verified is not None and verified < claimed else None})
        loan.uploaded_at, loan.uploaded_by_id, loan.uploaded_ledger_id = now, staff.id, entry
        loan.verified, loan.by_model_only, loan.wiped = verified, by_model, bool(wiped)
        loan.folder = str(folder)[:500] if folder is not None else None
        session.add(loan)
        session.commit()
        result = loans_of(session, database, [loan])[0]
    note, videos_told = None, False
    if verified is not None and verified < claimed:
        note = f"Only {verified} of the {claimed} images claimed were found in the folder. Confirmed with the " \
               f"reason: {reason}."
        if seen.videos:  # the rest may be these videos: say so once, here
            videos_told = True
            note = (f"Only {verified} of the {claimed} images claimed were found in the folder as images from this "
                    f"device. The folder also holds {plural(seen.videos, 'video')} made during the loan, which may "
                    "be the rest: a video does not say which device made it, so videos are not in the count. "
                    f"Confirmed with the reason: {reason}.")
    elif verified is not None and verified > claimed:
        also = " (or another device of the same model was out at the same time)" if by_model else ""
        note = f"{verified} images were found, more than the {claimed} claimed at the return{also}."
    elif not wiped and claimed:
        note = "The device is not marked as wiped: delete the images from it once they are on the Drive."
    return UploadResult(loan=result, claimed=claimed, verified=verified, by_model_only=by_model or 0,
                        files=files, notes=notes, note=note, duplicates=seen.duplicates,
                        unregistered=seen.unregistered, videos=seen.videos,
                        remarks=_remarks(seen, videos_told),
                        reason=reason if verified is not None and verified < claimed else None)


def _confirmable(session: Session, database: Database, device: Device, folder) -> DeviceLoan:
    loan = _latest_loan(session, device.id)
    if loan is None:
        raise Refused(f"{device_label(device)} has never been lent, so there are no images to confirm.")
    if loan.returned_at is None:
        raise Refused(f"{device_label(device)} is still out: record its return (with the number of images) first.")
    if loan.uploaded_at is not None:
        who = session.get(Staff, loan.uploaded_by_id)
        done = (f"by {full_name(who.first_name, who.surname)} "
                f"at {when(database.local(loan.uploaded_at), database.local(database.now()))}")
        if loan.verified is not None and loan.verified >= (loan.images or 0):
            raise Refused(f"The upload of {device_label(device)}'s images was already confirmed {done}: "
                          f"{loan.verified} found on the Drive.")
        if folder is None:
            raise Refused(f"The upload of {device_label(device)}'s images was already confirmed {done}: give the Drive "
                          "folder to check it for them.")
    return loan


def _notes(scan: photos.FolderScan) -> tuple[photos.Skipped, ...]:
    return tuple([photos.Skipped(p.path, p.note) for p in scan.photos if p.note and not p.duplicate_of]
                 + list(scan.skipped))


def _remarks(seen: LoanImages, videos_told: bool) -> tuple[str, ...]:
    """What else the folder held from the loan's time, one plain sentence each (the CLI and the kiosk show them)."""
    remarks = []
    if seen.unregistered:
        were = "was" if seen.unregistered == 1 else "were"
        remarks.append(f"{plural(seen.unregistered, 'image')} in the folder {were} taken during the loan on a "
                       "device the school has not registered, such as a personal phone: pupils may be "
                       "photographed only on school devices. The leadership team's provenance report lists them.")
    if seen.duplicates:
        copies = "1 file was a copy" if seen.duplicates == 1 else f"{seen.duplicates:,} files were copies"
        remarks.append(f"{copies} of an image already counted: each image is counted once.")
    if seen.videos and not videos_told:
        remarks.append(f"The folder also holds {plural(seen.videos, 'video')} made during the loan: a video "
                       "does not say which device made it, so videos are not in the count.")
    return tuple(remarks)


