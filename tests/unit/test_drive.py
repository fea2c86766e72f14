"""Reading the Drive folder: real JPEG and HEIC files with real EXIF, and everything a folder can throw at it."""

from __future__ import annotations

import builtins
import os
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

import photos
from photos import (
    NO_EXIF,
    FolderProblem,
    Photo,
    Progress,
    Skipped,
    Video,
    capture_time,
    headers,
    isobmff,
    read_folder,
    read_photo,
    scan,
    tiff,
)
from photos.reader import Bytes, Damaged, Reader
from tests.photos import canon, count_reads, exif, ipad, personal_phone, photo

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc
# pytest resets the warning filter photos/headers.py sets: Pillow's notes on damaged EXIF are expected here.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:PIL.TiffImagePlugin")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- One photo ------------------------------------------------------------------------------------


def test_a_jpeg_gives_make_model_serial_and_capture_time_with_its_offset(tmp_path):
    path = canon(tmp_path / "IMG_0001.JPG", "2026:11:10 13:05:09", serial="012345678901", offset="+01:00")
    assert read_photo(path, LONDON) == Photo("IMG_0001.JPG", "jpeg", "Canon", "Canon EOS 2000D", "012345678901",
                                             utc(2026, 11, 10, 12, 5, 9), size=path.stat().st_size)


def test_a_heic_from_an_ipad_is_read_from_its_boxes_without_libheif(tmp_path, monkeypatch):
    path = ipad(tmp_path / "IMG_0002.HEIC", "2026:07:10 10:30:00")
    monkeypatch.setattr(headers, "_heif_exif_by_libheif", lambda _path: pytest.fail("fell back to libheif"))
    # No offset: read in the school's zone, which is British Summer Time in July.
    assert read_photo(path, LONDON) == Photo("IMG_0002.HEIC", "heic", "Apple", "iPad (9th generation)", None,
                                             utc(2026, 7, 10, 9, 30), size=path.stat().st_size)


def test_a_heic_this_reader_cannot_follow_is_read_by_libheif(tmp_path, monkeypatch):
    path = ipad(tmp_path / "odd.heic", "2026:07:10 10:30:00", offset="+01:00")

    def cannot_follow(_reader):
        raise Damaged("an unusual layout")

    monkeypatch.setattr(isobmff, "heif_exif", cannot_follow)
    found = read_photo(path, LONDON)
    assert (found.make, found.model, found.captured) == ("Apple", "iPad (9th generation)", utc(2026, 7, 10, 9, 30))


def test_no_pixel_is_decoded_and_only_the_header_is_read(tmp_path, monkeypatch):
    """A 1 MB photo of noise: the scan reads a few kilobytes and never opens it as an image."""
    big = tmp_path / "big.jpg"
    noise = Image.frombytes("RGB", (1000, 700), os.urandom(1000 * 700 * 3))
    noise.save(big, quality=95, exif=exif(make="Canon", model="EOS 2000D", taken="2026:11:10 13:05:00").tobytes())
    heic = ipad(tmp_path / "big.heic", "2026:11:10 13:06:00")
    assert big.stat().st_size > 500_000

    def no_decoding(*_args, **_kwargs):
        raise AssertionError("pixels or a whole image were asked for")

    monkeypatch.setattr(Image, "open", no_decoding)
    monkeypatch.setattr(Image.Image, "load", no_decoding)
    import pillow_heif

    monkeypatch.setattr(pillow_heif, "open_heif", no_decoding)
    read = count_reads(monkeypatch, headers)
    found = read_photo(big, LONDON)
    assert (found.make, found.model, found.captured) == ("Canon", "EOS 2000D", utc(2026, 11, 10, 13, 5))
    assert sum(read) <= 32 * 1024
    assert read_photo(heic, LONDON).model == "iPad (9th generation)"


def test_a_jpeg_whose_image_data_is_missing_still_tells_its_camera(tmp_path):
    path = canon(tmp_path / "cut.jpg", "2026:11:10 13:05:00")
    data = path.read_bytes()
    start = data.index(b"\xff\xda")  # start of scan: everything after is pixel data
    path.write_bytes(data[:start + 20])  # the pixel data cut off just after it starts
    assert read_photo(path, LONDON).model == "Canon EOS 2000D"
    with pytest.raises(OSError):
        Image.open(path).load()  # a decoder would fail on it: the scan never decodes


def test_bad_files_are_notes_never_crashes(tmp_path):
    good = canon(tmp_path / "good.jpg", "2026:11:10 13:05:00")
    (tmp_path / "truncated.jpg").write_bytes(good.read_bytes()[:40])
    photo(tmp_path / "no_exif.jpg")
    (tmp_path / "renamed.jpg").write_text("this was never a photo", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("Trip list", encoding="utf-8")
    Image.new("RGB", (8, 8)).save(tmp_path / "screenshot.png")
    (tmp_path / "empty.heic").write_bytes(b"")
    photo(tmp_path / "clock_never_set.jpg", make="Canon", model="EOS 2000D", taken="0000:00:00 00:00:00")
    result = {item.path: item for item in scan(tmp_path, LONDON)}
    assert result["good.jpg"].note is None and result["good.jpg"].captured == utc(2026, 11, 10, 13, 5)
    assert result["truncated.jpg"].note == "damaged: its header could not be read"
    assert result["no_exif.jpg"] == Photo("no_exif.jpg", "jpeg", None, None, None, None, NO_EXIF,
                                          (tmp_path / "no_exif.jpg").stat().st_size)
    assert result["renamed.jpg"].note == "damaged: named as an image but its content is not one"
    assert result["notes.txt"] == Skipped("notes.txt", "not an image")
    assert result["screenshot.png"].note.startswith("a PNG image: no EXIF camera information")
    assert result["empty.heic"].note.startswith("damaged")
    assert (result["clock_never_set.jpg"].model, result["clock_never_set.jpg"].captured,
            result["clock_never_set.jpg"].note) == ("EOS 2000D", None, "no capture time in its EXIF")


def test_damaged_exif_inside_a_good_jpeg_is_a_note(tmp_path):
    path = canon(tmp_path / "bad_exif.jpg", "2026:11:10 13:05:00")
    data = bytearray(path.read_bytes())
    tiff = data.index(b"Exif\x00\x00") + 6
    data[tiff + 4:tiff + 8] = b"\x7f\xff\xff\xff"  # IFD0 points far past the segment
    path.write_bytes(bytes(data))
    found = read_photo(path, LONDON)
    assert isinstance(found, Photo) and found.make is None and found.note


# --- Capture times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "offset", "expected"), [
    ("2026:11:10 13:05:00", None, utc(2026, 11, 10, 13, 5)),  # GMT in November
    ("2026:07:10 13:05:00", None, utc(2026, 7, 10, 12, 5)),  # BST in July
    ("2026:07:10 13:05:00", "+00:00", utc(2026, 7, 10, 13, 5)),  # the camera says UTC: believed
    ("2026:07:10 08:05:00", "-05:00", utc(2026, 7, 10, 13, 5)),
    ("2026:07:10 13:05:00", "   :  ", utc(2026, 7, 10, 12, 5)),  # EXIF's "unknown" offset
    # Clocks go back at 02:00 BST on 25 Oct 2026: 01:30 happens twice; without an offset, the first (BST).
    ("2026:10:25 01:30:00", None, utc(2026, 10, 25, 0, 30)),
    ("2026:10:25 01:30:00", "+00:00", utc(2026, 10, 25, 1, 30)),  # the second, told by its offset
    ("2026:10:25 02:30:00", None, utc(2026, 10, 25, 2, 30)),
    # Clocks go forward at 01:00 GMT on 29 Mar 2026: 01:30 does not exist; read with the offset before (GMT).
    ("2026:03:29 00:59:59", None, utc(2026, 3, 29, 0, 59, 59)),
    ("2026:03:29 01:30:00", None, utc(2026, 3, 29, 1, 30)),
    ("2026:03:29 02:30:00", None, utc(2026, 3, 29, 1, 30)),
    ("0000:00:00 00:00:00", None, None),
    ("", None, None),
    ("yesterday", None, None),
])
def test_capture_time(text, offset, expected):
    assert capture_time(text, offset, LONDON) == expected


def test_an_ambiguous_hour_photo_is_read_through_its_real_exif(tmp_path):
    first = photo(tmp_path / "a.jpg", make="Apple", model="iPad", taken="2026:10:25 01:30:00", offset="+01:00")
    second = photo(tmp_path / "b.jpg", make="Apple", model="iPad", taken="2026:10:25 01:30:00", offset="+00:00")
    assert read_photo(second, LONDON).captured - read_photo(first, LONDON).captured == (utc(2026, 1, 1, 1) -
                                                                                      utc(2026, 1, 1))


# --- The folder --------------------------------------------------------------------------------------


def test_folders_are_read_recursively_in_name_order_and_hidden_files_are_ignored(tmp_path):
    ipad(tmp_path / "Trips" / "Museum" / "b.heic", "2026:11:10 10:00:00")
    canon(tmp_path / "Trips" / "a.jpg", "2026:11:10 10:00:00")
    personal_phone(tmp_path / "z.jpg", "2026:11:10 10:00:00")
    canon(tmp_path / ".tmp.drivedownload" / "partial.jpg", "2026:11:10 10:00:00")
    (tmp_path / "desktop.ini").write_text("[.ShellClassInfo]", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    result = read_folder(tmp_path, LONDON)
    assert [p.path for p in result.photos] == ["z.jpg", "Trips/a.jpg", "Trips/Museum/b.heic"]
    assert result.skipped == () and result.files == 3 and result.complete


def test_a_missing_folder_or_a_file_is_one_sentence(tmp_path):
    with pytest.raises(FolderProblem, match=r"^There is no folder at .*nowhere: check the path"):
        scan(tmp_path / "nowhere", LONDON)
    (tmp_path / "file.jpg").write_bytes(b"x")
    with pytest.raises(FolderProblem, match="is a file, not a folder"):
        read_folder(tmp_path / "file.jpg", LONDON)


def test_a_loop_of_links_ends_and_each_photo_is_counted_once(tmp_path):
    canon(tmp_path / "Trips" / "a.jpg", "2026:11:10 10:00:00")
    (tmp_path / "Trips" / "back_to_top").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "Trips" / "self").symlink_to(tmp_path / "Trips", target_is_directory=True)
    (tmp_path / "Other").mkdir()
    (tmp_path / "Other" / "linked").symlink_to(tmp_path / "Trips", target_is_directory=True)
    (tmp_path / "gone.jpg").symlink_to(tmp_path / "deleted.jpg")
    result = read_folder(tmp_path, LONDON)
    assert [p.path for p in result.photos] == ["Trips/a.jpg"]
    notes = {s.path: s.note for s in result.skipped}
    assert set(notes) == {"Other/linked", "Trips/back_to_top", "Trips/self", "gone.jpg"}
    assert notes["Trips/self"].startswith("a link to a folder already read")
    assert notes["gone.jpg"] == "a link to something that is not there"


def _cannot_read(path: Path) -> bool:
    try:
        os.listdir(path)
    except PermissionError:
        return True
    return False


def test_a_folder_that_cannot_be_read(tmp_path):
    canon(tmp_path / "open" / "a.jpg", "2026:11:10 10:00:00")
    locked = tmp_path / "locked"
    canon(locked / "b.jpg", "2026:11:10 10:00:00")
    locked.chmod(0)
    try:
        if not _cannot_read(locked):
            pytest.skip("running as root: chmod 000 does not stop root reading (the next test covers this path)")
        result = read_folder(tmp_path, LONDON)
        assert [p.path for p in result.photos] == ["open/a.jpg"]
        assert result.skipped == (Skipped("locked", "this folder could not be opened (no permission)"),)
        with pytest.raises(FolderProblem, match="cannot be read by this computer's user"):
            read_folder(locked, LONDON)
    finally:
        locked.chmod(0o755)


def test_permission_denied_by_the_file_system_is_a_note_or_one_sentence(tmp_path, monkeypatch):
    """The same as above, made to happen for root too: the OS refuses to list a folder or open a file."""
    canon(tmp_path / "open" / "a.jpg", "2026:11:10 10:00:00")
    canon(tmp_path / "locked" / "b.jpg", "2026:11:10 10:00:00")
    canon(tmp_path / "private.jpg", "2026:11:10 10:00:00")
    real_scandir, real_open = os.scandir, builtins.open

    def scandir(path="."):
        if os.path.basename(str(path)) == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def opener(path, mode="r", *args, **kwargs):
        if os.path.basename(str(path)) == "private.jpg":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(headers, "open", opener, raising=False)
    result = read_folder(tmp_path, LONDON)
    assert [p.path for p in result.photos] == ["open/a.jpg"]
    assert {s.path: s.note for s in result.skipped} == {
        "locked": "this folder could not be opened (no permission)",
        "private.jpg": "could not be read (no permission)"}
    with pytest.raises(FolderProblem, match=r"^The folder .*locked cannot be read by this computer's user: ask IT"):
        read_folder(tmp_path / "locked", LONDON)


def test_progress_is_reported_and_a_cancelled_scan_stops(tmp_path):
    for n in range(12):
        canon(tmp_path / f"{n:02}.jpg", "2026:11:10 10:00:00")
    (tmp_path / "readme.txt").write_text("x", encoding="utf-8")
    seen: list[Progress] = []
    items = list(scan(tmp_path, LONDON, progress=seen.append, every=5))
    assert len(items) == 13
    assert seen == [Progress(5, 5, 0), Progress(10, 10, 0), Progress(13, 12, 1, done=True)]

    stop_after = iter(range(100))
    cancelled = read_folder(tmp_path, LONDON, cancelled=lambda: next(stop_after) >= 3)
    assert len(cancelled.photos) < 12 and not cancelled.complete


def test_a_scan_stops_at_its_file_limit_with_a_note(tmp_path):
    for n in range(6):
        canon(tmp_path / f"{n}.jpg", "2026:11:10 10:00:00")
    result = photos.read_folder(tmp_path, LONDON, max_files=4)
    assert len(result.photos) == 4 and not result.complete
    assert result.skipped[-1].note.startswith("stopped after 4 files")


def test_heic_and_jpeg_both_count_in_one_folder(tmp_path):
    ipad(tmp_path / "IMG_1.HEIC", datetime(2026, 11, 10, 13, 0))
    ipad(tmp_path / "IMG_2.JPG", datetime(2026, 11, 10, 13, 1))
    kinds = sorted((p.kind, p.model) for p in read_folder(tmp_path, LONDON).photos)
    assert kinds == [("heic", "iPad (9th generation)"), ("jpeg", "iPad (9th generation)")]


@pytest.mark.parametrize("endian", ["<", ">"])
def test_the_quick_exif_reader_agrees_with_pillow(tmp_path, endian):
    """Both byte orders (Intel "II" and Motorola "MM"), as JPEG and HEIC files: the same camera, serial and time."""
    data = exif(make="NIKON CORPORATION", model="NIKON D3500", taken="2026:11:10 13:05:00", offset="+00:00",
                serial="6001234")
    data.endian = endian
    image = Image.new("RGB", (40, 30), (9, 9, 9))
    image.save(tmp_path / "n.jpg", exif=data.tobytes())
    import pillow_heif

    pillow_heif.register_heif_opener()
    image.save(tmp_path / "n.heic", format="HEIF", exif=data.tobytes())
    for name in ("n.jpg", "n.heic"):
        with open(tmp_path / name, "rb") as handle:
            reader = Reader(handle)
            raw = headers._jpeg_exif(reader) if name.endswith("jpg") else isobmff.heif_exif(reader)
        quick, slow = tiff.fields(Bytes(raw.removeprefix(b"Exif\x00\x00"))), headers._pillow_fields(raw)
        for ours, pillows in zip(quick, slow):
            assert {t: headers._text(v) for t, v in ours.items() if t != tiff.TAG_EXIF_IFD} == {
                t: headers._text(v) for t, v in pillows.items()}
        assert read_photo(tmp_path / name, LONDON) == Photo(name, name[2:].replace("jpg", "jpeg"), "NIKON CORPORATION",
                                                            "NIKON D3500", "6001234", utc(2026, 11, 10, 13, 5),
                                                            size=(tmp_path / name).stat().st_size)


# --- Whatever a file holds: a photo or a note, never an exception -------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(st.text(max_size=30), st.one_of(st.none(), st.text(max_size=8)))
def test_any_capture_time_text_gives_a_utc_time_or_none(text, offset):
    found = capture_time(text, offset, LONDON)
    assert found is None or found.utcoffset() == timezone.utc.utcoffset(None)


@FUZZ
@given(st.sampled_from(["jpg", "heic"]), st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=8),
       st.integers(0, 4000))
def test_a_damaged_real_photo_gives_a_photo_or_a_note(tmp_path_factory, suffix, flips, cut):
    """A real JPEG or HEIC with bytes changed and its end cut off: read or noted, never an exception."""
    folder = tmp_path_factory.mktemp("fuzz")
    original = (canon if suffix == "jpg" else ipad)(folder / f"a.{suffix}", "2026:11:10 13:05:00")
    data = bytearray(original.read_bytes())
    for position, value in flips:
        if position < len(data):
            data[position] = value
    original.write_bytes(bytes(data[:max(cut, 1)]))
    found = read_photo(original, LONDON)
    assert isinstance(found, (Photo, Skipped))
    # Without a note, a photo names its camera and time (a damaged one may name less: then it has a note).
    assert isinstance(found, Skipped) or found.note or ((found.make or found.model) and found.captured)


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from([".jpg", ".heic", ".png", ".txt", ".mov"]))
def test_any_bytes_give_a_photo_or_a_note(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"x{suffix}"
    path.write_bytes(data)
    assert isinstance(read_photo(path, LONDON), (Photo, Video, Skipped))
