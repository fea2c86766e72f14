"""A photo counts once: the same image saved twice (a copy, an archive folder, a renamed file) is one image."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone

from PIL import Image

from photos import duplicates, read_folder
from tests.photos import canon, count_reads, exif, ipad, video
from tests.raw_files import cr3

LONDON = __import__("zoneinfo").ZoneInfo("Europe/London")


def duplicate_check_reads(monkeypatch) -> list[int]:
    """Bytes the duplicate check reads, read by read (the header reader's reads are not counted)."""
    return count_reads(monkeypatch, duplicates)


def test_a_copy_an_archived_copy_and_a_renamed_copy_are_one_image(tmp_path):
    first = ipad(tmp_path / "Trip" / "IMG_0001.HEIC", "2026:11:10 10:00:00")
    shutil.copy(first, tmp_path / "Trip" / "IMG_0001 (1).HEIC")  # Drive's name for a second upload
    (tmp_path / "Archive 2026").mkdir()
    shutil.copy(first, tmp_path / "Archive 2026" / "IMG_0001.HEIC")
    shutil.copy(first, tmp_path / "Trip" / "museum steps.heic")  # renamed
    raw = cr3(tmp_path / "Trip" / "IMG_0002.CR3", taken="2026:11:10 10:02:00", offset="+00:00")
    shutil.copy(raw, tmp_path / "Archive 2026" / "IMG_0002.CR3")
    canon(tmp_path / "Trip" / "IMG_0003.JPG", "2026:11:10 10:05:00")  # a different image
    result = read_folder(tmp_path, LONDON)
    copies = {p.path: p.duplicate_of for p in result.photos}
    # The scan reads folder by folder in name order: "Archive 2026" comes first, so its files are the originals.
    assert copies == {"Archive 2026/IMG_0001.HEIC": None, "Archive 2026/IMG_0002.CR3": None,
                      "Trip/IMG_0001 (1).HEIC": "Archive 2026/IMG_0001.HEIC",
                      "Trip/IMG_0001.HEIC": "Archive 2026/IMG_0001.HEIC",
                      "Trip/IMG_0002.CR3": "Archive 2026/IMG_0002.CR3", "Trip/IMG_0003.JPG": None,
                      "Trip/museum steps.heic": "Archive 2026/IMG_0001.HEIC"}
    assert result.duplicates == 4 and len(result.photos) - result.duplicates == 3


def test_two_photos_in_one_second_of_one_size_are_two_images(tmp_path):
    """A burst from a camera that writes no subseconds: same EXIF, same size, different pictures."""
    first = canon(tmp_path / "IMG_0001.JPG", "2026:11:10 10:00:00")
    data = bytearray(first.read_bytes())
    data[-10] ^= 0x01  # one bit of the picture, near its end: the same size and the same EXIF
    (tmp_path / "IMG_0002.JPG").write_bytes(bytes(data))
    result = read_folder(tmp_path, LONDON)
    assert [(p.size, p.captured, p.duplicate_of) for p in result.photos] == [
        (len(data), datetime(2026, 11, 10, 10, 0, tzinfo=timezone.utc), None)] * 2
    assert result.duplicates == 0


def test_photos_differing_in_size_or_subseconds_are_never_hashed(tmp_path, monkeypatch):
    read = duplicate_check_reads(monkeypatch)
    image = Image.new("RGB", (32, 32), (1, 2, 3))
    for n, subsec in enumerate(("10", "55")):  # the same second, told apart by the subseconds
        image.save(tmp_path / f"burst_{n}.jpg", exif=exif(make="Apple", model="iPad Air", subsec=subsec,
                                                          taken="2026:11:10 10:00:00").tobytes())
    canon(tmp_path / "other.jpg", "2026:11:10 10:00:00")
    assert [p.subsec for p in read_folder(tmp_path, LONDON).photos] == ["10", "55", None]
    assert read == []  # nothing shares a size and an identity: no file is opened to compare


def test_a_large_copy_costs_two_ends_of_each_file_not_the_whole(tmp_path, monkeypatch):
    noise = Image.frombytes("RGB", (1000, 700), os.urandom(1000 * 700 * 3))
    big = tmp_path / "big.jpg"
    noise.save(big, quality=95, exif=exif(make="Canon", model="EOS 2000D", taken="2026:11:10 13:05:00").tobytes())
    assert big.stat().st_size > 512 * 1024
    shutil.copy(big, tmp_path / "copy.jpg")
    read = duplicate_check_reads(monkeypatch)
    result = read_folder(tmp_path, LONDON)
    assert [p.duplicate_of for p in result.photos] == [None, "big.jpg"]
    assert sum(read) == 2 * 2 * duplicates.SAMPLE  # the first and last 64 KiB of each of the two files


def test_copies_of_a_video_and_a_link_to_a_photo_count_once(tmp_path):
    video(tmp_path / "IMG_0005.MOV", datetime(2026, 11, 10, 10, 1, tzinfo=timezone.utc))
    shutil.copy(tmp_path / "IMG_0005.MOV", tmp_path / "IMG_0005 copy.MOV")
    video(tmp_path / "IMG_0006.MOV", datetime(2026, 11, 10, 10, 2, tzinfo=timezone.utc))
    ipad(tmp_path / "a.heic", "2026:11:10 10:00:00")
    (tmp_path / "b_link.heic").symlink_to(tmp_path / "a.heic")
    result = read_folder(tmp_path, LONDON)
    # "IMG_0005.MOV" comes before "IMG_0005 copy.MOV": the name before its extension first, as Explorer lists them.
    assert [(v.path, v.duplicate_of) for v in result.videos] == [
        ("IMG_0005.MOV", None), ("IMG_0005 copy.MOV", "IMG_0005.MOV"), ("IMG_0006.MOV", None)]
    assert [(p.path, p.duplicate_of) for p in result.photos] == [("a.heic", None), ("b_link.heic", "a.heic")]
    assert result.duplicates == 2


def test_a_copy_that_cannot_be_read_again_is_counted_as_itself(tmp_path, monkeypatch):
    first = canon(tmp_path / "a.jpg", "2026:11:10 10:00:00")
    shutil.copy(first, tmp_path / "b.jpg")

    def refuse(path, mode="r"):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(duplicates, "open", refuse, raising=False)
    result = read_folder(tmp_path, LONDON)
    assert [p.duplicate_of for p in result.photos] == [None, None] and result.duplicates == 0


def test_a_copied_raw_counts_once_and_a_burst_of_raws_counts_each(tmp_path, monkeypatch):
    """A CR3 burst: one camera, one second, one size; the subseconds tell the frames apart without reading them."""
    read = duplicate_check_reads(monkeypatch)
    for frame in ("21", "46", "71"):
        cr3(tmp_path / f"IMG_00{frame}.CR3", taken="2026:11:10 10:00:00", subsec=frame)
    assert read == [] and read_folder(tmp_path, LONDON).duplicates == 0
    shutil.copy(tmp_path / "IMG_0046.CR3", tmp_path / "IMG_0046 (1).CR3")
    result = read_folder(tmp_path, LONDON)
    assert [(p.path, p.subsec, p.duplicate_of) for p in result.photos] == [
        ("IMG_0021.CR3", "21", None), ("IMG_0046.CR3", "46", None), ("IMG_0046 (1).CR3", "46", "IMG_0046.CR3"),
        ("IMG_0071.CR3", "71", None)]
    assert sum(read) == 2 * (tmp_path / "IMG_0046.CR3").stat().st_size  # small files: each read whole, once
