"""Every kind of file a Drive folder holds: raw stills (made here as each camera maker lays them out, see
tests/raw_files.py), Canon CR3, videos, EXIF text as cameras really write it; and, when someone has put real
camera files beside the repository, those."""

from __future__ import annotations

import functools
import json
import os
import shutil
import struct
import tempfile
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from photos import Photo, Skipped, Video, read_folder, read_photo
from photos.headers import _text
from tests.photos import box, exif, movie_header, photo, video
from tests.raw_files import CANON_UUID, ORF, RW2_SIGNATURE, cr2, cr3, dng, nef, raf, raw_tiff, rw2

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc
ROOT = Path(__file__).resolve().parents[2]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- Raw stills, made as each maker lays them out ------------------------------------------------------------

# (file, how it is made, kind, make, model, serial, capture time, subseconds). The first six have the make,
# model, serial and time ExifTool reads from its own samples of those cameras (tests/data/photo_samples.json);
# times without an offset are read in London (BST in summer).
MADE = [
    ("IMG_0001.CR3", partial(cr3, taken="2018:02:21 12:08:56"),
     "cr3", "Canon", "Canon EOS M50", "613040000565", utc(2018, 2, 21, 12, 8, 56), "21"),
    ("IMG_0002.CR2", partial(cr2, taken="2005:08:03 18:59:18"),  # serial 123456789 in the maker note
     "cr2", "Canon", "Canon EOS 350D DIGITAL", "0123456789", utc(2005, 8, 3, 17, 59, 18), None),
    ("DSC_0003.NEF", partial(nef, taken="2004:06:09 16:02:35"),  # a D70: serial in maker-note tag 0x00A0
     "nef", "NIKON CORPORATION", "NIKON D70", "12345678", utc(2004, 6, 9, 15, 2, 35), "00"),
    ("IMG_0004.DNG", partial(dng, taken="2005:08:03 18:59:18"),  # big-endian, serial as CameraSerialNumber
     "dng", "Canon", "Canon EOS 350D DIGITAL", "012345678", utc(2005, 8, 3, 17, 59, 18), None),
    ("P1000005.RW2", partial(rw2, taken="2008:08:06 15:21:56"),
     "rw2", "Panasonic", "DMC-LX3", None, utc(2008, 8, 6, 14, 21, 56), None),
    ("DSCF0006.RAF", partial(raf, taken="2007:05:22 13:58:30"),
     "raf", "FUJIFILM", "FinePix S5Pro", None, utc(2007, 5, 22, 12, 58, 30), None),
    ("IMG_0007.CR3", partial(cr3, model="Canon EOS R", taken="2026:11:10 13:05:00", offset=None, subsec="07",
                             serial=None, maker_serial=3021000123),  # the serial only in the maker note (CMT3)
     "cr3", "Canon", "Canon EOS R", "3021000123", utc(2026, 11, 10, 13, 5), "07"),
    ("DSC_0008.NEF", partial(nef, model="NIKON Z 30", taken="2026:11:10 13:05:00", serial="7001234", old=False,
                             order=">", subsec="42"),  # today's Nikons: big-endian, serial in tag 0x001D
     "nef", "NIKON CORPORATION", "NIKON Z 30", "7001234", utc(2026, 11, 10, 13, 5), "42"),
    ("IMG_0009.DNG", partial(dng, make="Apple", model="iPad Pro (12.9-inch) (6th generation)", serial="DMPXK1234",
                             taken="2026:07:10 10:30:00", offset="+01:00", big_endian=False),
     "dng", "Apple", "iPad Pro (12.9-inch) (6th generation)", "DMPXK1234", utc(2026, 7, 10, 9, 30), None),
    ("DSC01234.ARW", partial(raw_tiff, make="SONY", model="ILCE-7M3", taken="2026:11:10 13:05:00",
                             serial="5123456", offset="+00:00"),
     "arw", "SONY", "ILCE-7M3", "5123456", utc(2026, 11, 10, 13, 5), None),
    ("P0000011.ORF", partial(raw_tiff, make="OM Digital Solutions", model="TG-7", taken="2026:06:01 09:00:00",
                             serial="BHK201234", magic=ORF),
     "orf", "OM Digital Solutions", "TG-7", "BHK201234", utc(2026, 6, 1, 8, 0), None),
    ("IMGP0012.PEF", partial(raw_tiff, make="RICOH IMAGING COMPANY, LTD.", model="PENTAX K-70", big_endian=True,
                             taken="2026:01:15 14:00:00"),
     "pef", "RICOH IMAGING COMPANY, LTD.", "PENTAX K-70", None, utc(2026, 1, 15, 14, 0), None),
    ("DSCF0013.RAF", partial(raf, model="X-T30", taken="2026:11:10 13:05:00", offset="+00:00", serial="9ABC1234"),
     "raf", "FUJIFILM", "X-T30", "9ABC1234", utc(2026, 11, 10, 13, 5), None),
]


@pytest.mark.parametrize(("name", "make_file", "kind", "make", "model", "serial", "captured", "subsec"), MADE,
                         ids=[row[0] for row in MADE])
def test_raw_stills_give_their_camera_serial_and_time(tmp_path, name, make_file, kind, make, model, serial,
                                                      captured, subsec):
    path = make_file(tmp_path / name)
    assert read_photo(path, LONDON) == Photo(name, kind, make, model, serial, captured, None, path.stat().st_size,
                                             subsec)


def test_the_made_raws_are_laid_out_as_the_cameras_lay_them_out(tmp_path):
    """What tells each format apart, checked byte by byte, so that a change to tests/raw_files.py that lost it
    would show here rather than leave the reader's branch for it untested."""
    made = {row[0]: row[1](tmp_path / row[0]).read_bytes() for row in MADE}
    assert made["IMG_0002.CR2"][:4] == b"II*\x00" and made["IMG_0002.CR2"][8:12] == b"CR\x02\x00"
    assert made["DSC_0003.NEF"][:4] == b"II*\x00" and b"Nikon\x00\x02\x10\x00\x00II*\x00" in made["DSC_0003.NEF"]
    assert b"Nikon\x00\x02\x10\x00\x00MM\x00*" in made["DSC_0008.NEF"]
    assert made["IMG_0004.DNG"][:4] == b"MM\x00*" and made["IMG_0009.DNG"][:4] == b"II*\x00"
    assert made["P1000005.RW2"][:4] == b"IIU\x00" and made["P1000005.RW2"][8:24] == RW2_SIGNATURE
    assert made["P0000011.ORF"][:4] == b"IIRO" and made["IMGP0012.PEF"][:4] == b"MM\x00*"
    cr3_data = made["IMG_0001.CR3"]
    assert cr3_data[4:12] == b"ftypcrx " and cr3_data[28:32] == b"moov" and cr3_data[40:56] == CANON_UUID
    assert [kind for kind in (b"CMT1", b"CMT2", b"CMT3", b"THMB", b"mvhd", b"mdat") if kind in cr3_data] == [
        b"CMT1", b"CMT2", b"CMT3", b"THMB", b"mvhd", b"mdat"]
    raf_data = made["DSCF0006.RAF"]
    jpeg_at, jpeg_length = struct.unpack_from(">II", raf_data, 84)
    assert raf_data[:16] == b"FUJIFILMCCD-RAW " and raf_data[28:41] == b"FinePix S5Pro"
    assert raf_data[jpeg_at:jpeg_at + 3] == b"\xff\xd8\xff" and b"Exif\x00\x00" in raf_data[jpeg_at:jpeg_at + 64]
    assert raf_data[jpeg_at + jpeg_length - 2:jpeg_at + jpeg_length] == b"\xff\xd9"


def test_a_cr3_is_a_photo_not_a_video_even_renamed(tmp_path):
    made = cr3(tmp_path / "made" / "IMG_0042.CR3", taken="2026:11:10 13:05:00")
    shutil.copy(made, tmp_path / "IMG_0042.CR3")
    shutil.copy(made, tmp_path / "renamed.jpg")  # the content decides, not the name
    shutil.rmtree(tmp_path / "made")
    result = read_folder(tmp_path, LONDON)
    assert [(p.path, p.kind, p.model) for p in result.photos] == [("IMG_0042.CR3", "cr3", "Canon EOS M50"),
                                                                 ("renamed.jpg", "cr3", "Canon EOS M50")]
    assert result.videos == () and result.skipped == ()


def exif_ifd_at(data: bytes) -> int:
    """Where a TIFF's Exif IFD starts, from IFD0's pointer to it."""
    order = "<" if data[:2] == b"II" else ">"
    first = struct.unpack_from(order + "I", data, 4)[0]
    count = struct.unpack_from(order + "H", data, first)[0]
    for pos in range(first + 2, first + 2 + 12 * count, 12):
        tag, _, _, value = struct.unpack_from(order + "HHII", data, pos)
        if tag == 0x8769:
            return value
    raise AssertionError("no Exif IFD")


def test_a_raw_cut_short_or_a_plain_tiff_is_a_note(tmp_path):
    data = nef(tmp_path / "made.nef", taken="2004:06:09 16:02:35").read_bytes()
    cut = tmp_path / "cut.nef"
    cut.write_bytes(data[:exif_ifd_at(data) + 6])  # IFD0 survives, the Exif IFD does not
    found = read_photo(cut, LONDON)
    assert (found.kind, found.make, found.note) == ("nef", None, "damaged: its header could not be read")
    Image.new("RGB", (8, 8)).save(tmp_path / "scan.tif")
    assert read_photo(tmp_path / "scan.tif", LONDON).note.startswith("no EXIF camera information")
    (tmp_path / "empty.cr3").write_bytes(b"")
    assert read_photo(tmp_path / "empty.cr3", LONDON).note == "damaged: named as an image but its content is not one"


def test_a_cr3_cut_short_inside_its_metadata_is_a_note(tmp_path):
    data = cr3(tmp_path / "made.cr3", taken="2018:02:21 12:08:56").read_bytes()
    (tmp_path / "cut.cr3").write_bytes(data[:data.index(b"CMT1") + 20])  # inside CMT1
    found = read_photo(tmp_path / "cut.cr3", LONDON)
    assert (found.kind, found.model, found.note) == ("cr3", None, "damaged: its header could not be read")


# --- Videos ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "how"), [
    ("IMG_0001.MOV", {"brand": b"qt  "}),  # an iPad's MOV
    ("VID_0002.mp4", {"brand": b"mp42", "version": 1}),  # 64-bit times
    ("clip.m4v", {"brand": b"M4V ", "moov_last": True}),  # moov after the media, as a camera recording writes it
    ("phone.3gp", {"brand": b"3gp5"}),
])
def test_videos_are_counted_with_their_creation_time(tmp_path, name, how):
    path = video(tmp_path / name, utc(2026, 11, 10, 10, 15), **how)
    assert read_photo(path, LONDON) == Video(name, name.rsplit(".", 1)[1].lower(), utc(2026, 11, 10, 10, 15),
                                             path.stat().st_size)


def test_a_quicktime_movie_without_ftyp_and_videos_without_a_time(tmp_path):
    old = video(tmp_path / "MVI_0001.MOV", utc(2005, 8, 11, 14, 3, 54), ftyp=False)  # as QuickTime wrote them
    assert old.read_bytes()[4:8] == b"moov"
    assert read_photo(old, LONDON) == Video("MVI_0001.MOV", "mov", utc(2005, 8, 11, 14, 3, 54), old.stat().st_size)
    assert read_photo(video(tmp_path / "unset.mp4", None, brand=b"isom"), LONDON).created is None
    (tmp_path / "old.avi").write_bytes(b"RIFF\x00\x00\x00\x00AVI LIST")
    assert read_photo(tmp_path / "old.avi", LONDON) == Video("old.avi", "avi", None, 16)
    (tmp_path / "cut.mov").write_bytes(video(tmp_path / "x.mov", utc(2026, 1, 1)).read_bytes()[:40])
    assert read_photo(tmp_path / "cut.mov", LONDON).created is None  # cut inside its header: still a video


def test_a_folder_counts_videos_apart_from_photos_and_problems(tmp_path):
    photo(tmp_path / "a.jpg", make="Apple", model="iPad Air", taken="2026:11:10 10:00:00")
    video(tmp_path / "b.mov", utc(2026, 11, 10, 10, 1))
    (tmp_path / "song.m4a").write_bytes(box(b"ftyp", b"M4A \x00\x00\x00\x00M4A isom") + box(b"moov",
                                                                                           movie_header(None)))
    result = read_folder(tmp_path, LONDON)
    assert [p.path for p in result.photos] == ["a.jpg"]
    assert [v.path for v in result.videos] == ["b.mov"]
    assert result.skipped == (Skipped("song.m4a", "not an image"),)


# --- EXIF text as EXIF means it ------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    (b"ION230\x00F", "ION230"),  # the string ends at its first NUL; what follows is left-over memory
    (b"Canon\x00\x00\x00\x00", "Canon"),
    (b"NIKON D3500   ", "NIKON D3500"),  # padded with spaces to a fixed width
    (b"\x00\x00\x00\x00", None),
    (b"   ", None),
    ("Zoë’s iPhone".encode(), "Zoë’s iPhone"),  # UTF-8, as phones write it
    ("Zoë".encode("cp1252"), "Zoë"),  # not UTF-8: Windows-1252
    (b"EOS\r\n2000D", "EOS2000D"),
    ("iPad\x00junk", "iPad"),  # Pillow's fallback hands back text, not bytes
])
def test_exif_text_is_cleaned(raw, expected):
    assert _text(raw) == expected


def test_a_real_jpeg_whose_model_has_bytes_after_its_nul(tmp_path):
    data = exif(make="ION", model="ION230\x00F", taken="2026:11:10 10:00:00", serial="SN 42 \x00\x00")
    path = tmp_path / "ion.jpg"
    Image.new("RGB", (16, 16)).save(path, exif=data.tobytes())
    assert path.read_bytes().count(b"ION230\x00F") == 1
    found = read_photo(path, LONDON)
    assert (found.make, found.model, found.serial) == ("ION", "ION230", "SN 42")


# --- Whatever a raw or a video holds: a photo, a video or a note, never an exception -------------------------

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@functools.cache
def made_bytes(name: str) -> bytes:
    """One made file of each kind, made once for all the examples below."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        if name.endswith(".MOV"):
            return video(path, utc(2005, 8, 11, 14, 3, 54), ftyp=False, media=bytes(range(256)) * 8).read_bytes()
        return next(row[1] for row in MADE if row[0] == name)(path).read_bytes()


@FUZZ
@given(st.sampled_from(["IMG_0001.CR3", "IMG_0002.CR2", "DSC_0003.NEF", "IMG_0004.DNG", "P1000005.RW2",
                        "DSCF0006.RAF", "IMG_0007.CR3", "DSC_0008.NEF", "MVI_0009.MOV"]),
       st.lists(st.tuples(st.integers(0, 3_000), st.integers(0, 255)), max_size=8), st.integers(1, 4_000))
def test_a_damaged_raw_or_video_gives_a_photo_a_video_or_a_note(tmp_path_factory, name, flips, cut):
    data = bytearray(made_bytes(name))
    for position, value in flips:
        if position < len(data):
            data[position] = value
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(bytes(data[:cut]))
    found = read_photo(path, LONDON)
    assert isinstance(found, (Photo, Video, Skipped))
    if isinstance(found, Photo):  # without a note, a photo names its camera and time
        assert found.note or ((found.make or found.model) and found.captured)


# --- Real camera files, when someone has put them beside the repository -------------------------------------
#
# The repository holds no camera's files. To check the reader against real ones, put them in
# ../shared/samples/photos/ (beside the repository) or name their folder in KIOSK_PHOTO_SAMPLES. Each is
# compared with its entry in tests/data/photo_samples.json (ExifTool's own test images, by their names) or in
# an expected.json of the same form beside the files. Without such a folder the test skips and says where.

SAMPLES_VARIABLE = "KIOSK_PHOTO_SAMPLES"
SHARED_SAMPLES = ROOT.parent / "shared" / "samples" / "photos"
EXPECTED = ROOT / "tests" / "data" / "photo_samples.json"
NOT_SAMPLES = {"expected.json", "readme", "readme.md", "readme.txt", "license", "licence", "copying"}


def sample_folder() -> Path | None:
    named = os.environ.get(SAMPLES_VARIABLE)
    if named:
        return Path(named)
    return SHARED_SAMPLES if SHARED_SAMPLES.is_dir() else None


def sample_names() -> list[str | None]:
    folder = sample_folder()
    if folder is None or not folder.is_dir():
        return [None]
    return sorted(p.name for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.name.lower() not in NOT_SAMPLES) or [None]


def expectations(folder: Path) -> tuple[dict, str]:
    """file name -> what it must read as, and the zone times without an offset are read in."""
    known = json.loads(EXPECTED.read_text(encoding="utf-8"))
    files, zone = dict(known["files"]), known["zone"]
    beside = folder / "expected.json"
    if beside.is_file():
        extra = json.loads(beside.read_text(encoding="utf-8"))
        files |= extra.get("files", {})
        zone = extra.get("zone", zone)
    return files, zone


@pytest.mark.parametrize("name", sample_names())
def test_real_camera_files_read_as_exiftool_reads_them(name):
    folder = sample_folder()
    if folder is None:
        pytest.skip(f"no real camera files to check: put them in {SHARED_SAMPLES} (named as in "
                    f"tests/data/photo_samples.json, or with an expected.json of that form beside them), or name "
                    f"their folder in {SAMPLES_VARIABLE}")
    assert folder.is_dir(), f"{SAMPLES_VARIABLE} names {folder}, which is not a folder"
    if name is None:
        pytest.skip(f"{folder} holds no camera files")
    files, zone = expectations(folder)
    expected = files.get(name)
    assert expected is not None, (f"{name} has no expected reading: add it to {folder / 'expected.json'} "
                                  f"in the form of {EXPECTED.relative_to(ROOT)}")
    found = read_photo(folder / name, ZoneInfo(zone))
    if "created" in expected:
        created = datetime.strptime(expected["created"], "%Y:%m:%d %H:%M:%S").replace(tzinfo=UTC)
        assert found == Video(name, expected["kind"], created, (folder / name).stat().st_size)
        return
    taken = datetime.strptime(expected["taken"], "%Y:%m:%d %H:%M:%S")
    if expected.get("offset"):
        sign, hours, minutes = expected["offset"][0], int(expected["offset"][1:3]), int(expected["offset"][4:6])
        shift = timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
        captured = taken.replace(tzinfo=timezone(shift)).astimezone(UTC)
    else:
        captured = taken.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    assert isinstance(found, Photo), found
    assert (found.kind, found.make, found.model, found.serial, found.captured, found.note) == (
        expected["kind"], expected["make"], expected["model"], expected["serial"], captured, None)
    if "subsec" in expected:
        assert found.subsec == expected["subsec"]
