"""What the ledger hands back: plain frozen data, never a live ORM object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from db.core.outcomes import AgreementStatus, HeldStatus, Outcome


@dataclass(frozen=True)
class StaffMember:
    id: int
    code: str
    name: str
    role: str
    class_name: str | None


@dataclass(frozen=True)
class PupilSummary:
    id: int
    name: str  # preferred (else legal) first name and surname: on screen for staff only
    short_name: str  # first name and surname initial: anything printed (R5)
    class_name: str
    year: int
    upn: str | None
    adno: str | None
    walk_home: bool  # the parents' permission, in force this school year
    phone_tag: str | None
    phone: str  # what a morning scan does: "goes to the class cupboard", "goes to the office", "kept by pupil (…)"


@dataclass(frozen=True)
class TagInfo:
    code: str
    kind: str
    label: str  # what is printed beside the QR
    description: str | None = None


@dataclass(frozen=True)
class CustodyResult:
    """The outcome of a scan, for the big panel."""

    code: str
    pupil: str
    first_name: str
    short_name: str  # first name and surname initial, for a printed receipt (R5)
    class_name: str
    description: str | None
    location: str
    outcome: Outcome
    note: str | None  # a reason to look twice: amber on the kiosk
    at: datetime
    parents_to_tell: bool = False
    review_due: bool = False  # a pupil's exception is past its review date


@dataclass(frozen=True)
class HeldPhoneRow:
    code: str
    pupil: str
    short_name: str  # first name and surname initial, for the printed end-of-day list (R5)
    class_name: str
    description: str | None
    location: str
    since: datetime
    by: str
    status: HeldStatus
    entry: int = 0  # the ledger entry that put the phone where it is (what `kiosk void` takes)
    reason: str | None = None  # why it was confiscated (status CONFISCATED); ``since`` is then when


@dataclass(frozen=True)
class ParentsToTell:
    task_id: int
    pupil_ref: str  # the UPN, else the admission number, else the phone tag: what `parents told` takes
    pupil: str
    class_name: str
    reason: str
    since: datetime
    went_home: datetime | None = None  # the phone was handed back before the parents were told


@dataclass(frozen=True)
class CupboardCheck:
    location: str
    class_name: str | None
    phones: int
    locked_at: datetime | None  # the latest confirmation today, if any


@dataclass(frozen=True)
class ClassPhone:
    """One of today's phones for a class: the live list under the scan panel."""

    code: str
    pupil: str
    description: str | None
    location: str
    checked_in: datetime
    handed_back: datetime | None
    left_overnight: bool = False  # held since an earlier day: ``checked_in`` is that day's time


@dataclass(frozen=True)
class CustodyEvent:
    at: datetime
    action: str
    code: str | None
    pupil: str | None
    class_name: str | None
    location: str | None
    by: str | None
    kiosk: str
    note: str | None
    entry: int = 0  # the ledger id: what `kiosk void ENTRY` takes
    voided_by: int | None = None  # the entry that voided this one (its row stays in the ledger)


@dataclass(frozen=True)
class Voidable:
    """A ledger entry as a person recognises it, before they void it (the kiosk's U asks about this one)."""

    entry: int
    action: str  # "phone in"
    what: str  # "Amira Khan's phone checked in (6A cupboard)"
    at: datetime


@dataclass(frozen=True)
class Voided:
    """A mistaken entry voided by a new ledger row with a reason; ``outcome`` says what follows now."""

    entry: int
    void_entry: int
    action: str
    what: str
    outcome: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class CoverBadge:
    """A cover teacher's one-day badge: the PIN is here once, to print; only its hash is stored."""

    code: str
    pin: str
    name: str
    class_name: str
    until: datetime


@dataclass(frozen=True)
class PupilException:
    """A pupil on the exceptions register: keeps their phone, on the leadership team's say-so."""

    id: int
    pupil: str
    pupil_ref: str  # UPN, else admission number: what the commands take
    class_name: str
    kind: str
    conditions: str
    approved_by: str
    approved_at: datetime
    review_on: date
    status: AgreementStatus


@dataclass(frozen=True)
class StaffPhoneAgreement:
    """R6: a member of staff allowed their phone in contact time, agreed with the leadership team."""

    id: int
    staff: str
    staff_code: str
    reason: str
    approved_by: str
    starts_on: date
    ends_on: date
    status: AgreementStatus
