"""Which registered device took a photo (EXIF make, model and body serial), and the folder report of it."""

from __future__ import annotations

import bisect
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

import photos
from db.core import CommandLine, Database, Refused, acting, full_name, staff_names
from db.core.models import Device, DeviceLoan, Staff
from db.devices.views import ProvenanceReport, ProvenanceRow, device_label

CLOCK_GRACE = timedelta(minutes=5)  # a camera's clock is often a few minutes out


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


def read_drive(folder: Path | str, zone: ZoneInfo, **how) -> photos.FolderScan:
    """The Drive folder's photos (``photos.read_folder``); a folder that cannot be read is a refusal."""
    try:
        return photos.read_folder(folder, zone, **how)
    except photos.FolderProblem as exc:
        raise Refused(str(exc)) from None


def _candidates(photo: photos.Photo, devices: Iterable[Device]) -> tuple[list[Device], bool]:
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


@dataclass(frozen=True)
class LoanImages:
    """What the folder holds from one loan's time window (each image counted once)."""

    found: int  # photos this device took in the window
    by_model: int  # of those, matched by make and model alone
    duplicates: int  # further copies of those photos, not counted
    unregistered: int  # photos taken in the window on a camera or phone the school has not registered
    videos: int  # videos made in the window (a video does not say which device made it)


def loan_images(scan: photos.FolderScan, device: Device, devices: list[Device],
                window: tuple[datetime, datetime]) -> LoanImages:
    """Count the folder's images from ``window``: this device's, their copies, strangers' and videos."""
    found = by_model = duplicates = unregistered = 0
    start, end = window
    for photo in scan.photos:
        if photo.captured is None or not start <= photo.captured <= end:
            continue
        candidates, by_serial = _candidates(photo, devices)
        if any(d.id == device.id for d in candidates):
            if photo.duplicate_of:
                duplicates += 1
                continue
            found += 1
            by_model += not by_serial
        elif not candidates and (photo.make or photo.model) and not photo.duplicate_of:
            unregistered += 1
    videos = sum(1 for video in scan.videos
                 if not video.duplicate_of and video.created is not None and start <= video.created <= end)
    return LoanImages(found, by_model, duplicates, unregistered, videos)


def provenance(database: Database, folder: Path | str, *, by: str | CommandLine,
               progress: Callable[[photos.Progress], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> ProvenanceReport:
    """Every image in the folder with the registered device that took it, or flagged as from an unregistered one.

    A photo without EXIF, or damaged, cannot be traced and is flagged too. A copy of an image met earlier
    in the folder gets the same row as the first, with ``duplicate_of`` naming it (it counts once).
    Videos are counted in the report, not traced: they carry no camera serial.
    """
    acting(database, by, "review", "the report of which devices took the images")
    scan = read_drive(folder, database.zone, progress=progress, cancelled=cancelled)
    with database.reading() as session:
        devices = session.exec(select(Device)).all()
        loans = session.exec(select(DeviceLoan)).all()
        staff = staff_names(session, [loan.staff_id for loan in loans])
    by_device: dict[int, list[DeviceLoan]] = {}
    for loan in sorted(loans, key=lambda loan: loan.out_at):
        by_device.setdefault(loan.device_id, []).append(loan)
    now = database.now()
    rows = tuple(_provenance_row(database, photo, devices, by_device, staff, now) for photo in scan.photos)
    return ProvenanceReport(folder=str(folder), rows=rows, skipped=tuple(scan.skipped),
                            files=scan.files, complete=scan.complete, videos=scan.videos)


def _provenance_row(database: Database, photo: photos.Photo, devices: list[Device],
                    loans: dict[int, list[DeviceLoan]], staff: dict[int, Staff], now: datetime) -> ProvenanceRow:
    captured = database.local(photo.captured) if photo.captured else None
    candidates, _by_serial = _candidates(photo, devices)
    camera = _one(" ".join(part for part in (photo.make, photo.model) if part) or None)
    row = dict(file=photo.path, captured=captured, make=photo.make, model=photo.model, serial=photo.serial,
               duplicate_of=photo.duplicate_of)
    copy = "a copy of another file in the folder: counted once" if photo.duplicate_of else None
    if not candidates:
        note = copy or photo.note or "not taken on a registered school device"
        return ProvenanceRow(device=camera, registered=False, loan=None, note=note, **row)
    covering = [(d, loan) for d in candidates for loan in _loans_at(loans.get(d.id, []), photo.captured, now)]
    if covering:
        chosen = sorted({d.id: d for d, _loan in covering}.values(), key=lambda d: d.asset_tag)
        loan = covering[0][1]
        borrower = staff.get(loan.staff_id)
        when = database.local(loan.out_at)
        text = f"{full_name(borrower.first_name, borrower.surname)}, {loan.class_name}, {when:%a} {when.day} {when:%b}"
        return ProvenanceRow(device=_one(" or ".join(device_label(d) for d in chosen)), registered=True,
                             loan=_one(text) if len(covering) == 1 else None, note=copy or photo.note, **row)
    note = copy or photo.note or "taken when this device was not lent out"
    chosen = sorted(candidates, key=lambda d: d.asset_tag)
    return ProvenanceRow(device=_one(" or ".join(device_label(d) for d in chosen)), registered=True, loan=None,
                         note=note, **row)


def _one(text: str | None) -> str | None:
    """One copy of a text that thousands of rows repeat (a device, a loan): a report may hold 100,000 rows."""
    return sys.intern(text) if text else None


def _loans_at(loans: list[DeviceLoan], moment: datetime | None, now: datetime) -> list[DeviceLoan]:
    """The device's loans (sorted by lending time) that cover ``moment``, with the clock grace either side."""
    if moment is None:
        return []
    # One device's loans never overlap, so only the last one lent before the moment (or the one before it,
    # inside the grace) can cover it.
    index = bisect.bisect_right(loans, moment + CLOCK_GRACE, key=lambda loan: loan.out_at)
    return [loan for loan in loans[max(0, index - 2):index]
            if loan.out_at - CLOCK_GRACE <= moment <= (loan.returned_at or now) + CLOCK_GRACE]


