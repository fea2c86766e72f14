"""One file in the Drive folder: which camera took it and when, from its header alone (no pixels decoded).

What each kind of file is read for:

- JPEG: marker by marker up to its EXIF segment.
- HEIC/HEIF (what iPads save) and Canon CR3: box by box (``photos.isobmff``) to the EXIF they hold.
- TIFF and the raw stills built on it (CR2, NEF, DNG, ARW, RW2, ORF, PEF …): directory by directory;
  a Fujifilm RAF through the JPEG preview its header points to.
- Videos (MOV, MP4, M4V, 3GP): counted as videos, with the creation time the container gives (``mvhd``).
- PNG, GIF, WebP, BMP: images without camera EXIF; anything else is not a photo.

The tags are read from the TIFF directories directly (``photos.tiff``), with Pillow's ``Image.Exif`` as the
fallback for an EXIF block laid out unusually. A HEIC this reader cannot follow is handed to pillow-heif
only when it is small (pillow-heif reads the whole file into memory): a damaged or enormous file costs a
few megabytes, never its size.

A photo's capture time is DateTimeOriginal read with OffsetTimeOriginal when the camera wrote one,
otherwise in the school's time zone. In the hour that repeats when the clocks go back, a time without an
offset is read as the first of the two (British Summer Time); a time that does not exist when the clocks
go forward is read with the offset before the change (GMT). EXIF text ends at its first NUL byte.
"""

from __future__ import annotations

import os
import re
import struct
import sys
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from photos import isobmff, tiff
from photos.reader import HEAD_BYTES, Bytes, Damaged, Reader

MAX_JPEG_HEADER = 4 * 1024 * 1024  # markers past this are not a JPEG's header any more
LIBHEIF_MAX = 32 * 1024 * 1024  # pillow-heif reads a whole file: only a HEIC this small is handed to it

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".heic", ".heif", ".hif", ".avif", ".png", ".gif", ".webp",
                            ".tif", ".tiff", ".bmp"})
RAW_SUFFIXES = frozenset({".cr2", ".cr3", ".raf", ".nef", ".nrw", ".dng", ".arw", ".srf", ".sr2", ".rw2", ".orf",
                          ".pef", ".raw", ".3fr", ".erf", ".kdc", ".mef", ".mos", ".iiq", ".srw"})
VIDEO_SUFFIXES = frozenset({".mov", ".mp4", ".m4v", ".3gp", ".3g2", ".avi", ".mts", ".m2ts", ".mkv", ".wmv",
                            ".crm"})
IGNORED_NAMES = frozenset({"desktop.ini", "thumbs.db", "icon\r"})  # Windows and macOS folder furniture
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif",
                         b"avis", b"mif2"})
CR3_BRAND = b"crx "
AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})  # sound recordings in the same boxes
QUICKTIME_FIRST_BOXES = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})  # a MOV with no ftyp
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
# "2026:11:10 13:05:00" as EXIF writes it; "-" between date parts and no seconds are seen too.
_STAMP = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")

# Pillow's EXIF reader warns about damage it works round; the damage is already a note on the file.
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")

NO_EXIF = "no EXIF camera information: which device took it cannot be told"
NO_TIME = "no capture time in its EXIF"
DAMAGED_HEADER = "damaged: its header could not be read"


@dataclass(frozen=True, slots=True)
class Photo:
    """An image in the folder and what its EXIF says (None where it says nothing)."""

    path: str  # relative to the folder scanned, "/" between folders
    kind: str  # "jpeg", "heic", "cr3", "raf", "cr2", "nef", "dng" … or a type that carries no camera EXIF ("png")
    make: str | None
    model: str | None
    serial: str | None  # BodySerialNumber (or the maker's own); Apple devices do not write one
    captured: datetime | None  # aware, UTC
    note: str | None = None  # why it cannot be traced to a device, e.g. no EXIF or damaged
    size: int = 0  # bytes
    subsec: str | None = None  # SubSecTimeOriginal: tells apart photos taken in the same second
    duplicate_of: str | None = None  # the same image met earlier in the scan (photos.duplicates): counted once


@dataclass(frozen=True, slots=True)
class Video:
    """A video in the folder: counted, with its container's creation time; videos carry no camera serial."""

    path: str
    kind: str  # "mov", "mp4", "m4v", "3gp" … from its name
    created: datetime | None  # aware, UTC; None where the container gives none
    size: int = 0
    duplicate_of: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or folder that is not a photo or could not be read, with the reason."""

    path: str
    note: str


def reason(exc: OSError) -> str:
    """Why a file or folder could not be read, in a few words."""
    if isinstance(exc, PermissionError):
        return "no permission"
    return (exc.strerror or type(exc).__name__).lower()


def read_photo(path: Path | str, zone: ZoneInfo, rel: str | None = None) -> Photo | Video | Skipped:
    """What one file's header says: a Photo, a Video, or why it is neither; never raises for a bad file."""
    path = str(path)
    rel = rel or os.path.basename(path)
    suffix = os.path.splitext(path)[1].lower()
    try:
        with open(path, "rb") as handle:
            reader = Reader(handle)
            kind = _sniff(reader.get(0, HEAD_BYTES), suffix)
            if kind == "video":
                return _video(reader, rel, suffix)
            if kind is None:
                if suffix in IMAGE_SUFFIXES or suffix in RAW_SUFFIXES:
                    return Photo(rel, suffix.lstrip("."), None, None, None, None,
                                 "damaged: named as an image but its content is not one", reader.size)
                return Skipped(rel, "not an image")
            if kind in ("png", "gif", "webp", "bmp"):
                return Photo(rel, kind, None, None, None, None, f"a {kind.upper()} image: {NO_EXIF}", reader.size)
            return _still(reader, path, rel, kind, suffix, zone)
    except OSError as exc:
        return Skipped(rel, f"could not be read ({reason(exc)})")


def _still(reader: Reader, path: str, rel: str, kind: str, suffix: str, zone: ZoneInfo) -> Photo:
    size = reader.size
    try:
        if kind == "jpeg":
            fields = _exif_fields(_jpeg_exif(reader))
        elif kind == "heic":
            fields = _exif_fields(_heif_exif(reader, path))
        elif kind == "cr3":
            fields = isobmff.cr3_fields(reader)
        elif kind == "raf":  # Fujifilm: a header, then a JPEG preview carrying the camera's EXIF
            fields = _exif_fields(_jpeg_exif(reader, int.from_bytes(reader.exactly(84, 4, "its header"), "big")))
        else:  # a TIFF file: a raw still named by its suffix, else a plain TIFF
            kind = suffix.lstrip(".") if suffix in RAW_SUFFIXES else "tiff"
            fields = tiff.fields(reader)
    except (Damaged, struct.error, IndexError, ValueError, OverflowError):
        return Photo(rel, kind, None, None, None, None, DAMAGED_HEADER, size)
    if fields is None:
        return Photo(rel, kind, None, None, None, None, NO_EXIF, size)
    if not fields:
        return Photo(rel, kind, None, None, None, None, "damaged: its EXIF could not be read", size)
    return _photo(rel, kind, *fields, zone, size)


def _video(reader: Reader, rel: str, suffix: str) -> Video:
    try:
        created = isobmff.movie_created(reader) if suffix not in (".avi", ".mkv", ".wmv", ".mts", ".m2ts") else None
    except (Damaged, struct.error, IndexError, ValueError, OverflowError):
        created = None  # a video whose header is damaged is still a video: counted, with no time
    return Video(rel, suffix.lstrip(".") or "video", created, reader.size)


def _exif_fields(data: bytes | None) -> tuple[dict, dict] | None:
    """The wanted tags of an EXIF block; None when there is no block, () when it cannot be read at all."""
    if not data:
        return None
    if data.startswith(b"Exif\x00\x00"):
        data = data[6:]
    try:
        return tiff.fields(Bytes(data))
    except (Damaged, struct.error, IndexError, ValueError):
        try:
            return _pillow_fields(data)  # slower, and forgiving of more kinds of damage
        except Exception:  # noqa: BLE001 - any damage in a stranger's file is a note, never a crash
            return ()


def _photo(rel: str, kind: str, main: dict, sub: dict, zone: ZoneInfo, size: int) -> Photo:
    # Interned: a folder holds thousands of photos from a handful of cameras (bench/drive_scan.py's peak memory).
    make, model = _shared(_text(main.get(tiff.TAG_MAKE))), _shared(_text(main.get(tiff.TAG_MODEL)))
    serial = _shared(_text(sub.get(tiff.TAG_BODY_SERIAL)))
    captured = (capture_time(sub.get(tiff.TAG_ORIGINAL), sub.get(tiff.TAG_OFFSET_ORIGINAL), zone)
                or capture_time(sub.get(tiff.TAG_DIGITIZED), sub.get(tiff.TAG_OFFSET_DIGITIZED), zone))
    subsec = _text(sub.get(tiff.TAG_SUBSEC_ORIGINAL)) if captured else None
    note = None
    if not make and not model:
        note = NO_EXIF
    elif captured is None:
        note = NO_TIME
    return Photo(rel, kind, make, model, serial, captured, note, size, subsec)


def _shared(text: str | None) -> str | None:
    return sys.intern(text) if text else None


def _pillow_fields(data: bytes) -> tuple[dict[int, object], dict[int, object]]:
    from PIL import Image  # imported only for EXIF the quick reader could not follow

    exif = Image.Exif()
    exif.load(data)
    main = {tag: exif.get(tag) for tag in (tiff.TAG_MAKE, tiff.TAG_MODEL)}
    return main, (exif.get_ifd(tiff.TAG_EXIF_IFD) if tiff.TAG_EXIF_IFD in exif else {})


def capture_time(text, offset, zone: ZoneInfo) -> datetime | None:
    """EXIF "2026:11:10 13:05:00" with an optional "+01:00", as an aware UTC time; None if unreadable.

    Without an offset the time is the school's local time (``zone``); see the
    module docstring for the hours around the clock changes.
    """
    text = _text(text)
    if not text:
        return None
    match = _STAMP.match(text)
    if not match:
        return None
    try:
        naive = datetime(*(int(part) for part in match.groups(default="0")))
    except ValueError:  # "0000:00:00 00:00:00": a camera whose clock was never set
        return None
    shift = _offset(offset)
    moment = naive.replace(tzinfo=timezone(shift)) if shift is not None else naive.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def _offset(value) -> timedelta | None:
    match = _OFFSET.fullmatch(_text(value) or "")
    if not match:
        return None  # blank, "   :  " (unknown, as EXIF writes it) or nonsense
    hours, minutes = int(match.group(2)), int(match.group(3))
    if hours > 14 or minutes > 59:
        return None
    shift = timedelta(hours=hours, minutes=minutes)
    return -shift if match.group(1) == "-" else shift


def _text(value) -> str | None:
    """An EXIF string as EXIF means it: up to its first NUL, without padding; None when empty.

    Bytes are read as UTF-8 when they are valid UTF-8 (what phones write), else as Windows-1252/Latin-1.
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.split(b"\x00", 1)[0]
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("cp1252", errors="replace")
    elif not isinstance(value, str):
        value = str(value)
    value = value.split("\x00", 1)[0]
    value = "".join(ch for ch in value if ch.isprintable()).strip()
    return value[:100] or None


def _sniff(head: bytes, suffix: str) -> str | None:
    """"jpeg", "heic", "cr3", "tiff", another image type, "video", or None, from the first bytes and the name."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:16] == b"FUJIFILMCCD-RAW ":
        return "raf"
    if head[4:8] == b"ftyp":
        major, all_brands = isobmff.brands(head)
        if major == CR3_BRAND:
            return "video" if suffix == ".crm" else "cr3"  # a CRM is Canon's raw movie, in the same boxes
        if major in AUDIO_BRANDS:
            return None
        if major in HEIF_BRANDS or (all_brands & HEIF_BRANDS and suffix not in VIDEO_SUFFIXES):
            return "heic"
        return "video" if suffix in VIDEO_SUFFIXES or suffix not in IMAGE_SUFFIXES else None
    if head[4:8] in QUICKTIME_FIRST_BOXES and suffix in VIDEO_SUFFIXES:
        return "video"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    try:
        tiff.byte_order(head)
        return "tiff"
    except Damaged:
        pass
    if head[:2] == b"BM" and suffix == ".bmp":
        return "bmp"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return None


def _jpeg_exif(reader: Reader, start: int = 0) -> bytes | None:
    """The APP1 "Exif" segment's content of the JPEG at ``start``, read marker by marker; None when it has none."""
    if reader.get(start, 2) != b"\xff\xd8":
        raise Damaged("not a JPEG")
    pos = start + 2
    while pos < start + MAX_JPEG_HEADER:
        head = reader.get(pos, 4)
        if len(head) < 2:
            raise Damaged("the file ends inside its header")
        if head[0] != 0xFF:
            raise Damaged("a marker was expected")
        marker = head[1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        if marker in (0xDA, 0xD9):  # image data (or the end) starts: no EXIF in this header
            return None
        if len(head) < 4:
            raise Damaged("the file ends inside its header")
        length = int.from_bytes(head[2:4], "big")
        if length < 2:
            raise Damaged("a segment has an impossible length")
        if marker == 0xE1:
            payload = reader.exactly(pos + 4, length - 2, "its EXIF segment")
            if payload.startswith(b"Exif\x00\x00"):
                return payload
        pos += 2 + length
    return None


def _heif_exif(reader: Reader, path: str) -> bytes | None:
    """A HEIC's Exif block, box by box; a small HEIC laid out otherwise is read by libheif instead."""
    try:
        return isobmff.heif_exif(reader)
    except (Damaged, struct.error, IndexError, ValueError, OverflowError):
        if reader.size > LIBHEIF_MAX:
            raise
    data = _heif_exif_by_libheif(path)
    if data is None:
        raise Damaged("libheif could not read it either")
    return data


def _heif_exif_by_libheif(path: str) -> bytes | None:
    """The Exif of a HEIF file this reader could not follow, via libheif (reads the file, decodes nothing)."""
    try:
        import pillow_heif

        exif = pillow_heif.open_heif(path).info.get("exif")
    except Exception:  # noqa: BLE001 - libheif refusing the file means it is damaged
        return None
    return exif or b""
