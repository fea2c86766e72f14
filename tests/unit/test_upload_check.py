"""The upload check's count of a loan's images: each photo once, and what else the folder holds from the loan's
time (photos from devices the school has not registered, videos); and the provenance report's copies."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest

from db import devices
from db.core import COMMAND_LINE
from tests.photos import canon, personal_phone, photo, video
from tests.unit.test_devices import cameras, lend_and_return  # noqa: F401 - a fixture, used by name


def test_the_check_counts_each_photo_once_and_names_what_else_was_taken_during_the_loan(database, cameras, clock,
                                                                                        tmp_path):
    drive = tmp_path / "Drive"
    first = canon(drive / "Walk" / "IMG_1.JPG", datetime(2026, 11, 10, 9, 30))
    for copy in (drive / "Walk" / "IMG_1 (1).JPG", drive / "Walk" / "renamed.jpg", drive / "Old" / "IMG_1.JPG"):
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(first, copy)
    canon(drive / "Walk" / "IMG_2.JPG", datetime(2026, 11, 10, 9, 40))
    canon(drive / "Walk" / "borrowed_canon.JPG", datetime(2026, 11, 10, 10, 0), serial="99999")  # not the school's
    phone = personal_phone(drive / "Walk" / "phone.jpg", datetime(2026, 11, 10, 10, 5))
    shutil.copy(phone, drive / "Walk" / "phone copy.jpg")  # a stranger's copy counts once too
    personal_phone(drive / "Walk" / "weekend.jpg", datetime(2026, 11, 8, 10, 0))  # outside the loan
    photo(drive / "Walk" / "no_exif.jpg")  # cannot be traced: a note, not a stranger's
    video(drive / "Walk" / "clip.mov", datetime(2026, 11, 10, 10, 30, tzinfo=timezone.utc))
    video(drive / "Walk" / "last_year.mov", datetime(2025, 11, 10, 10, 30, tzinfo=timezone.utc))
    lend_and_return(database, clock, images=3)
    result = devices.confirm_upload(database, "CAM-01", "HBR", folder=drive, wiped=True, reason="the clip")
    assert (result.claimed, result.verified, result.duplicates, result.unregistered, result.videos) == (3, 2, 3, 2, 1)
    assert result.note == (
        "Only 2 of the 3 images claimed were found in the folder as images from this device. The folder also holds "
        "1 video made during the loan, which may be the rest: a video does not say which device made it, so videos "
        "are not in the count. Confirmed with the reason: the clip.")
    assert result.remarks == (
        "2 images in the folder were taken during the loan on a device the school has not registered, such as a "
        "personal phone: pupils may be photographed only on school devices. The leadership team's provenance report "
        "lists them.",
        "3 files were copies of an image already counted: each image is counted once.")
    assert [n.path for n in result.notes] == ["Walk/no_exif.jpg"]
    report = devices.provenance(database, drive, by=COMMAND_LINE)
    copies = {r.file: r.duplicate_of for r in report.rows if r.duplicate_of}
    assert copies == {"Walk/IMG_1 (1).JPG": "Old/IMG_1.JPG", "Walk/IMG_1.JPG": "Old/IMG_1.JPG",
                      "Walk/renamed.jpg": "Old/IMG_1.JPG", "Walk/phone copy.jpg": "Walk/phone.jpg"}
    assert (report.images, report.duplicates, report.unregistered, len(report.videos)) == (6, 4, 4, 2)


def test_a_loan_of_videos_only_is_not_refused(database, cameras, clock, tmp_path):
    video(tmp_path / "MVI_0001.MP4", datetime(2026, 11, 10, 10, 0, tzinfo=timezone.utc), brand=b"mp42")
    lend_and_return(database, clock, images=1)
    with pytest.raises(devices.FewerFound, match="The folder also holds 1 video made during the loan, which may be "
                                                 "the rest"):
        devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path, wiped=True)
    result = devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path, wiped=True, reason="it was a video")
    assert (result.verified, result.videos, result.loan.status) == (0, 1, "fewer found")
    assert result.note.startswith("Only 0 of the 1 images claimed were found in the folder as images from this "
                                  "device. The folder also holds 1 video made during the loan, which may be the rest")
    assert result.remarks == ()
