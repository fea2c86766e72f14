"""Six school weeks of the demo school's camera and iPad loans, counted back from whenever the demo is filled.

Every loan goes through the kiosk's own lending, return and upload confirmation (so the ledger chain is the
real one), each on a clock set to the moment it happened. Together they show every status on the review:
verified (one loan's photos are real JPEGs in the demo's Drive folder), unverified, no images, an upload
outstanding, and a device out now.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PIL import Image

from db import devices
from db.core import Database

SCHOOL_DAYS_BACK = 30  # six school weeks

# (school days ago, device, teacher, class, purpose, out, back, images, upload): oldest first, so that
# each device's last loan decides whether it can be lent now. Upload: "unverified" (confirmed without a
# folder), "verified" (checked against photos in the Drive folder), None (not confirmed).
LOANS = (
    (29, "CAM-01", "HBR", "6A", "Class photos", time(9, 10), time(11, 40), 42, "unverified"),
    (27, "IPAD-01", "LPA", "4B", "Science – bean plants", time(10, 5), time(10, 50), 12, "unverified"),
    (24, "IPAD-02", "DOK", "6B", "PE", time(13, 20), time(14, 30), 0, None),
    (22, "IPAD-03", "HBR", "6A", "Trip to the Science Museum", time(8, 50), time(15, 20), 64, "unverified"),
    (19, "IPAD-01", "LPA", "4B", "Science – bean plants", time(10, 5), time(10, 45), 9, "unverified"),
    (17, "CAM-01", "DOK", "6B", "Trip – Forest School", time(9, 0), time(14, 55), 37, "unverified"),
    (14, "IPAD-02", "HBR", "6A", "Art display", time(13, 30), time(15, 0), 14, "unverified"),
    (12, "IPAD-01", "LPA", "4B", "Science – bean plants", time(10, 10), time(10, 40), 11, "unverified"),
    (9, "IPAD-03", "DOK", "6B", "PE – gymnastics", time(13, 15), time(14, 20), 21, "unverified"),
    (7, "CAM-01", "LPA", "4B", "Class photos", time(9, 15), time(11, 30), 4, "verified"),
    (4, "IPAD-01", "HBR", "6A", "Harvest festival", time(13, 45), time(15, 5), 18, "unverified"),
    (2, "IPAD-02", "DOK", "6B", "Science – bean plants", time(10, 0), time(10, 35), 8, "unverified"),
    (1, "IPAD-03", "LPA", "4B", "Trip to the library", time(9, 30), time(14, 40), 16, None),
)
CAMERA = dict(make="Canon", model="Canon IXUS 185", serial="183052001234")  # CAM-01 in the demo register


def school_days_back(today: date, count: int) -> list[date]:
    """The ``count`` school days (Monday to Friday) before today, newest first."""
    days, day = [], today
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _at(database: Database, moment: datetime) -> Database:
    """The same database on a clock stopped at ``moment``."""
    stopped = replace(database, server_clock=False, clock_checked=False)  # made-up weeks, before today's rows
    stopped.clock = lambda: moment
    return stopped


def before_the_loans(database: Database) -> Database:
    """The database on a clock at 07:45 on the first school day of the six weeks (devices registered then)."""
    today = database.local(database.now()).date()
    first = school_days_back(today, SCHOOL_DAYS_BACK)[-1]
    return _at(database, datetime.combine(first, time(7, 45), tzinfo=database.zone))


def lend_and_return(database: Database, drive: Path) -> None:
    """The six weeks of loans, then one device lent this morning and not back yet."""
    now = database.local(database.now())
    days = school_days_back(now.date(), SCHOOL_DAYS_BACK)
    for ago, asset, teacher, class_name, purpose, out, back, images, upload in LOANS:
        day = days[ago - 1]
        out_at, back_at = (datetime.combine(day, t, tzinfo=database.zone) for t in (out, back))
        devices.lend_device(_at(database, out_at), asset, teacher, class_name, purpose)
        devices.return_device(_at(database, back_at), asset, teacher, images)
        confirm = _at(database, back_at + timedelta(minutes=25))
        if upload == "unverified":
            devices.confirm_upload(confirm, asset, teacher, wiped=True)
        elif upload == "verified":
            folder = drive / f"{class_name} {purpose} {day:%Y-%m-%d}"
            for n in range(images):
                _photo(folder / f"IMG_{n + 1:04d}.JPG", out_at + timedelta(minutes=10 + 7 * n))
            devices.confirm_upload(confirm, asset, teacher, folder=folder, wiped=True)
    # This morning: 09:05, or ten minutes ago when the demo starts earlier (never before midnight).
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    lent = max(midnight, min(now - timedelta(minutes=10), now.replace(hour=9, minute=5, second=0, microsecond=0)))
    devices.lend_device(_at(database, lent), "IPAD-02", "HBR", "6A", "PE")


def _photo(path: Path, taken: datetime) -> None:
    """A small real JPEG with the EXIF the class camera writes (make, model, body serial, time and offset)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = CAMERA["make"], CAMERA["model"]
    sub = exif.get_ifd(0x8769)  # the Exif IFD
    offset = taken.utcoffset()
    hours, minutes = divmod(int(offset.total_seconds()) // 60, 60) if offset else (0, 0)
    sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal, the camera's clock
    sub[0x9011] = f"+{hours:02d}:{minutes:02d}"  # OffsetTimeOriginal (the UK is never behind UTC)
    sub[0xA431] = CAMERA["serial"]  # BodySerialNumber
    Image.new("RGB", (64, 48), (90, 140, 60)).save(path, format="JPEG", quality=70, exif=exif.tobytes())
