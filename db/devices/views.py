"""What the device rooms hand back: plain frozen data, never a live ORM object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import photos
from db.core.models import Device
from db.core.outcomes import DeviceStatus, LoanStatus


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
    status: DeviceStatus
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
    status: LoanStatus
    staff_short: str = ""  # who borrowed it, first name and surname initial: printed (R5)
    uploaded_by_short: str | None = None

    @property
    def outstanding(self) -> bool:
        """Out, or back with images not yet confirmed on the Drive: it cannot be lent again."""
        return self.status in (LoanStatus.OUT, LoanStatus.NOT_BACK, LoanStatus.UPLOAD_OUTSTANDING)


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
    notes: tuple[photos.Skipped, ...]  # files that could not be checked, and why
    note: str | None  # a reason to look twice (amber on the kiosk), e.g. fewer found than claimed
    duplicates: int = 0  # further copies of this loan's photos in the folder: each image counted once
    unregistered: int = 0  # photos in the folder taken during the loan on devices the school has not registered
    videos: int = 0  # videos in the folder made during the loan (not matched to a device)
    remarks: tuple[str, ...] = ()  # one plain sentence for each of the three above that is not 0
    reason: str | None = None  # why fewer were found than claimed, given by the person who confirmed it anyway


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


@dataclass(frozen=True, slots=True)  # slots: a report holds up to photos.MAX_FILES rows
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
    duplicate_of: str | None = None  # the file this one is a copy of: the image is counted once


@dataclass(frozen=True)
class ProvenanceReport:
    folder: str
    rows: tuple[ProvenanceRow, ...]
    skipped: tuple[photos.Skipped, ...]  # files that are not photos or could not be read
    files: int
    complete: bool
    videos: tuple[photos.Video, ...] = ()  # counted, not traced: a video does not say which device made it

    @property
    def unregistered(self) -> int:
        """Images (each counted once) not traced to a registered device."""
        return sum(not row.registered and not row.duplicate_of for row in self.rows)

    @property
    def duplicates(self) -> int:
        """Rows that repeat an image met earlier in the folder, and copies of videos."""
        return sum(1 for row in self.rows if row.duplicate_of) + sum(1 for v in self.videos if v.duplicate_of)

    @property
    def images(self) -> int:
        """Different images in the folder: rows less the copies."""
        return sum(1 for row in self.rows if not row.duplicate_of)


@dataclass(frozen=True)
class WeekImages:
    week: str  # ISO week, "2026-W46"
    monday: date
    loans: int
    images: int  # claimed on return
    verified: int  # found on the Drive


def device_label(device: Device) -> str:
    """How a device is named to people: its asset tag and name ("IPAD-03 iPad 3")."""
    return f"{device.asset_tag} {device.name}"
