"""Every kind of file a Drive folder holds: raw stills (real public samples and real TIFFs), Canon CR3, videos,
and EXIF text as cameras really write it."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from photos import Photo, Skipped, Video, read_folder, read_photo
from photos.headers import _text
from tests.photos import SAMPLES, box, exif, movie_header, photo, raw_tiff, video

LONDON = __import__("zoneinfo").ZoneInfo("Europe/London")
UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- Raw stills: ExifTool's own samples, checked against what ExifTool reads from them ---------------------

# (file, kind, make, model, serial, capture time, subseconds); the times carry no offset except the CR3's,
# so they are read in London (BST in summer).
SAMPLE_FILES = [
    ("CanonRaw.cr3", "cr3", "Canon", "Canon EOS M50", "613040000565", utc(2018, 2, 21, 12, 8, 56), "21"),
    ("CanonRaw.cr2", "cr2", "Canon", "Canon EOS 350D DIGITAL", "0123456789", utc(2005, 8, 3, 17, 59, 18), None),
    ("Nikon.nef", "nef", "NIKON CORPORATION", "NIKON D70", "12345678", utc(2004, 6, 9, 15, 2, 35), "00"),
    ("DNG.dng", "dng", "Canon", "Canon EOS 350D DIGITAL", "012345678", utc(2005, 8, 3, 17, 59, 18), None),
    ("Panasonic.rw2", "rw2", "Panasonic", "DMC-LX3", None, utc(2008, 8, 6, 14, 21, 56), None),
    ("FujiFilm.raf", "raf", "FUJIFILM", "FinePix S5Pro", None, utc(2007, 5, 22, 12, 58, 30), None),
]


@pytest.mark.parametrize(("name", "kind", "make", "model", "serial", "captured", "subsec"), SAMPLE_FILES)
def test_real_raw_stills_give_their_camera_serial_and_time(name, kind, make, model, serial, captured, subsec):
    path = SAMPLES / name
    assert read_photo(path, LONDON) == Photo(name, kind, make, model, serial, captured, None, path.stat().st_size,
                                             subsec)


def test_a_cr3_is_a_photo_not_a_video_even_renamed(tmp_path):
    shutil.copy(SAMPLES / "CanonRaw.cr3", tmp_path / "IMG_0042.CR3")
    shutil.copy(SAMPLES / "CanonRaw.cr3", tmp_path / "renamed.jpg")  # the content decides, not the name
    result = read_folder(tmp_path, LONDON)
    assert [(p.path, p.kind, p.model) for p in result.photos] == [("IMG_0042.CR3", "cr3", "Canon EOS M50"),
                                                                 ("renamed.jpg", "cr3", "Canon EOS M50")]
    assert result.videos == () and result.skipped == ()


def test_raw_stills_built_as_real_tiffs(tmp_path):
    """A Sony ARW, a DNG (serial as CameraSerialNumber) and a big-endian NEF written by Pillow's TIFF writer."""
    arw = raw_tiff(tmp_path / "DSC01234.ARW", make="SONY", model="ILCE-7M3", taken="2026:11:10 13:05:00",
                   serial="5123456", offset="+00:00")
    dng = raw_tiff(tmp_path / "IMG_0001.DNG", make="Apple", model="iPad Pro (12.9-inch) (6th generation)",
                   taken="2026:07:10 10:30:00", serial="DMPXK1234", dng=True)
    assert read_photo(arw, LONDON) == Photo("DSC01234.ARW", "arw", "SONY", "ILCE-7M3", "5123456",
                                            utc(2026, 11, 10, 13, 5), None, arw.stat().st_size)
    found = read_photo(dng, LONDON)
    assert (found.kind, found.make, found.serial, found.captured) == ("dng", "Apple", "DMPXK1234",
                                                                      utc(2026, 7, 10, 9, 30))
    nef = raw_tiff(tmp_path / "DSC_0001.NEF", make="NIKON CORPORATION", model="NIKON Z 30", serial="7001234",
                   taken="2026:11:10 13:05:00", big_endian=True)
    assert nef.read_bytes()[:4] == b"MM\x00*"
    assert read_photo(nef, LONDON) == Photo("DSC_0001.NEF", "nef", "NIKON CORPORATION", "NIKON Z 30", "7001234",
                                            utc(2026, 11, 10, 13, 5), None, nef.stat().st_size)


def test_a_raw_cut_short_or_a_plain_tiff_is_a_note(tmp_path):
    cut = tmp_path / "cut.nef"
    cut.write_bytes((SAMPLES / "Nikon.nef").read_bytes()[:300])  # IFD0 survives, the Exif IFD does not
    found = read_photo(cut, LONDON)
    assert (found.kind, found.make, found.note) == ("nef", None, "damaged: its header could not be read")
    Image.new("RGB", (8, 8)).save(tmp_path / "scan.tif")
    assert read_photo(tmp_path / "scan.tif", LONDON).note.startswith("no EXIF camera information")
    (tmp_path / "empty.cr3").write_bytes(b"")
    assert read_photo(tmp_path / "empty.cr3", LONDON).note == "damaged: named as an image but its content is not one"


def test_a_cr3_cut_short_inside_its_metadata_is_a_note(tmp_path):
    data = (SAMPLES / "CanonRaw.cr3").read_bytes()
    (tmp_path / "cut.cr3").write_bytes(data[:400])  # inside CMT1
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


def test_the_real_quicktime_sample_and_videos_without_a_time(tmp_path):
    assert read_photo(SAMPLES / "QuickTime.mov", LONDON).created == utc(2005, 8, 11, 14, 3, 54)  # no ftyp box
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
    assert result.skipped == (Skipped("song.m4a", "not a photo"),)


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


@FUZZ
@given(st.sampled_from(["CanonRaw.cr3", "CanonRaw.cr2", "Nikon.nef", "DNG.dng", "FujiFilm.raf", "QuickTime.mov"]),
       st.lists(st.tuples(st.integers(0, 12_000), st.integers(0, 255)), max_size=8), st.integers(1, 60_000))
def test_a_damaged_real_raw_or_video_gives_a_photo_a_video_or_a_note(tmp_path_factory, name, flips, cut):
    data = bytearray((SAMPLES / name).read_bytes())
    for position, value in flips:
        if position < len(data):
            data[position] = value
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(bytes(data[:cut]))
    found = read_photo(path, LONDON)
    assert isinstance(found, (Photo, Video, Skipped))
    if isinstance(found, Photo):  # without a note, a photo names its camera and time
        assert found.note or ((found.make or found.model) and found.captured)
