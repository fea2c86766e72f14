"""Bounded memory and time: a damaged or enormous file is never read whole, whatever it claims.

The large files here are sparse (``truncate``): they take no disk, but a reader that read them whole would
need their full size in memory. Peak memory is measured in a fresh Python process (``ru_maxrss``).
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from photos import Video, headers, read_photo
from tests.photos import box, ipad, movie_header
from tests.raw_files import cr2, nef

LONDON = __import__("zoneinfo").ZoneInfo("Europe/London")
GB = 1024 ** 3
ROOT = Path(__file__).resolve().parents[2]


def damaged_heic(path: Path, size: int) -> Path:
    """A real iPad HEIC whose ``meta`` box claims 6 GB (a damaged size field), made ``size`` bytes long (sparse)."""
    ipad(path, "2026:11:10 10:00:00")
    data = path.read_bytes()
    meta = data.index(b"meta") - 4
    path.write_bytes(data[:meta] + struct.pack(">I4sQ", 1, b"meta", 6 * GB) + data[meta + 8:])
    with open(path, "r+b") as handle:
        handle.truncate(size)  # as large as that, or the file cut short
    return path


PEAK_MB = """
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def peak_memory(path: Path) -> dict:
    """Read one file in a fresh process: what it found, its peak resident memory (MB) and the time it took.

    The peak is the process's VmHWM where Linux gives it: there ``ru_maxrss`` also carries the peak of the
    process that started it (pytest's) across ``exec``, so it could not show a peak smaller than pytest's.
    """
    code = PEAK_MB + (
        "import json, sys, time, zoneinfo\nfrom photos import read_photo\n"
        "start = time.perf_counter()\nfound = read_photo(sys.argv[1], zoneinfo.ZoneInfo('Europe/London'))\n"
        "print(json.dumps({'kind': type(found).__name__, 'note': getattr(found, 'note', None),"
        " 'seconds': time.perf_counter() - start, 'peak_mb': peak_mb()}))")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, check=True)
    return json.loads(done.stdout)


@pytest.mark.slow
def test_a_damaged_six_gigabyte_heic_is_a_note_in_little_memory_and_time(tmp_path):
    """Before: handed to pillow-heif, which read all of it (6.3 GB resident). Now: a note, in a few MB."""
    path = damaged_heic(tmp_path / "IMG_0001.HEIC", 6 * GB)
    if path.stat().st_blocks * 512 > 1024 ** 2:
        pytest.skip("this file system does not keep files sparse: the 6 GB file would take 6 GB of disk")
    result = peak_memory(path)
    assert (result["kind"], result["note"]) == ("Photo", "damaged: its header could not be read")
    assert result["peak_mb"] < 50, result  # a bare Python with photos imported is about 18 MB
    assert result["seconds"] < 2, result


def test_a_large_damaged_heic_is_not_handed_to_libheif_but_a_small_one_is(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(headers, "_heif_exif_by_libheif", lambda path: asked.append(path))
    big = damaged_heic(tmp_path / "big.heic", headers.LIBHEIF_MAX + 1)
    assert read_photo(big, LONDON).note == "damaged: its header could not be read" and asked == []
    small = damaged_heic(tmp_path / "small.heic", 64 * 1024)  # the meta box runs past the end: libheif tries
    assert read_photo(small, LONDON).note == "damaged: its header could not be read"
    assert asked == [str(small)]


@pytest.mark.slow
def test_a_five_gigabyte_video_is_read_from_its_boxes(tmp_path):
    """A long recording: the media data first (5 GB, 64-bit size), the movie header after it."""
    path = tmp_path / "MVI_0001.MP4"
    created = datetime(2026, 11, 10, 10, 15, tzinfo=timezone.utc)
    media = 5 * GB
    with open(path, "wb") as handle:
        handle.write(box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom"))
        handle.write(struct.pack(">I4sQ", 1, b"mdat", 16 + media))
        handle.seek(media, 1)
        handle.write(box(b"moov", movie_header(created)))
    found = read_photo(path, LONDON)
    assert found == Video("MVI_0001.MP4", "mp4", created, path.stat().st_size)
    result = peak_memory(path)
    assert result["kind"] == "Video" and result["peak_mb"] < 50 and result["seconds"] < 2, result


def test_a_raw_that_claims_huge_parts_is_a_note_at_once(tmp_path):
    path = cr2(tmp_path / "a.cr2", model="Canon EOS 2000D", taken="2026:11:10 10:00:00")
    data = bytearray(path.read_bytes())
    ifd0 = struct.unpack_from("<I", data, 4)[0]
    struct.pack_into("<H", data, ifd0, 0xFFFF)  # 65,535 entries in IFD0
    path.write_bytes(bytes(data))
    begun = time.perf_counter()
    assert read_photo(path, LONDON).note == "damaged: its header could not be read"
    huge = nef(tmp_path / "b.nef", model="NIKON Z 30", taken="2026:11:10 10:00:00")
    data = bytearray(huge.read_bytes())
    make = data.index(b"\x0f\x01\x02\x00")  # the Make entry: tag 0x010F, ASCII
    struct.pack_into("<I", data, make + 4, 0x7FFFFFFF)  # says its text is 2 GB long
    huge.write_bytes(bytes(data))
    assert read_photo(huge, LONDON).note == "damaged: its header could not be read"
    assert time.perf_counter() - begun < 1
