"""The closed sets of words the record uses: what a scan did, where a phone or device stands. One
``StrEnum`` each, so db, the command line and the screens compare the same values (they are strings too:
JSON, CSV and the screen show them as they are)."""

from enum import StrEnum


class Outcome(StrEnum):
    """What a phone scan did."""

    CUPBOARD = "cupboard"  # checked in to the class cupboard (R1)
    OFFICE = "office"  # checked in to the office (R2)
    HANDED_BACK = "handed back"
    KEEPS_PHONE = "keeps phone"  # on the exceptions register: seen, nothing held
    CONFISCATED = "confiscated"
    RELEASED = "released"  # a confiscated phone, to the parent or carer named
    IN_AGAIN = "in again"  # left overnight where it was held: recorded as in today (kiosk only)
    ALREADY_IN = "already in"  # scanned again at the kiosk that has just checked it in: nothing recorded


class StockResult(StrEnum):
    """One phone in a stock-take of a cupboard or the office."""

    FOUND = "found"  # the record says it is here, and it was found here
    MISSING = "missing"  # the record says it is here, and it was not found
    NOT_EXPECTED = "not expected"  # found here, but the record says it is elsewhere (or not held at all)


class HeldStatus(StrEnum):
    """A phone held now."""

    HELD = "held"
    STILL_HELD = "still held"  # after home-time
    LEFT_OVERNIGHT = "left overnight"
    CONFISCATED = "confiscated"  # a sanction: held until a parent or carer collects it, however long that takes


class DeviceStatus(StrEnum):
    """A school camera or iPad now."""

    IN = "in"
    OUT = "out"
    UPLOAD_OUTSTANDING = "upload outstanding"


class LoanStatus(StrEnum):
    """One loan of a device, as the leadership's review sees it."""

    OUT = "out"
    NOT_BACK = "not back"  # still out from an earlier day, or after the end of the day
    UPLOAD_OUTSTANDING = "upload outstanding"
    NO_IMAGES = "no images"
    UNVERIFIED = "unverified"  # confirmed uploaded without a folder checked
    FEWER_FOUND = "fewer found"  # the folder held fewer of its photos than claimed
    VERIFIED = "verified"


class AgreementStatus(StrEnum):
    """A pupil's exception or a staff phone agreement."""

    CURRENT = "current"
    DUE_FOR_REVIEW = "due for review"
    NOT_STARTED = "not started"
    ENDED = "ended"


class Role(StrEnum):
    TEACHER = "teacher"
    OFFICE = "office"
    SLT = "slt"
    ADMIN = "admin"
