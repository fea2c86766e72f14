"""One photo's header: which camera took it and when, from its EXIF alone (no pixels decoded).

A JPEG is read marker by marker up to its EXIF segment, a HEIC (what iPads save) box by box to its
``meta`` box and then its Exif item; the few tags needed are read from the EXIF's TIFF directories
directly, with Pillow's ``Image.Exif`` as the fallback for EXIF laid out unusually. A HEIC laid out in a
way this reader does not follow is handed to pillow-heif, which reads the file but still decodes nothing.

A photo's capture time is DateTimeOriginal read with OffsetTimeOriginal when the camera wrote one,
otherwise in the school's time zone. In the hour that repeats when the clocks go back, a time without an
offset is read as the first of the two (British Summer Time); a time that does not exist when the clocks
go forward is read with the offset before the change (GMT).
"""

from __future__ import annotations

import os
import re
import struct
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

HEAD_BYTES = 16 * 1024  # one read covers the EXIF segment of most photos
MAX_SEGMENT = 1024 * 1024  # no EXIF segment or HEIF meta box is larger in practice
MAX_JPEG_HEADER = 4 * 1024 * 1024  # markers past this are not a JPEG's header any more

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".heic", ".heif", ".hif", ".avif", ".png", ".gif", ".webp",
                            ".tif", ".tiff", ".bmp", ".dng"})
VIDEO_SUFFIXES = frozenset({".mov", ".mp4", ".m4v", ".avi", ".3gp", ".mts", ".mkv", ".wmv"})
IGNORED_NAMES = frozenset({"desktop.ini", "thumbs.db", "icon\r"})  # Windows and macOS folder furniture
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif",
                         b"avis", b"mif2"})
TAG_MAKE, TAG_MODEL, TAG_EXIF_IFD = 0x010F, 0x0110, 0x8769
TAG_ORIGINAL, TAG_DIGITIZED = 0x9003, 0x9004
TAG_OFFSET_ORIGINAL, TAG_OFFSET_DIGITIZED = 0x9011, 0x9012
TAG_BODY_SERIAL = 0xA431
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
# "2026:11:10 13:05:00" as EXIF writes it; "-" between date parts and no seconds are seen too.
_STAMP = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")

# Pillow's EXIF reader warns about damage it works round; the damage is already a note on the file.
warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")

NO_EXIF = "no EXIF camera information: which device took it cannot be told"
NO_TIME = "no capture time in its EXIF"


@dataclass(frozen=True)
class Photo:
    """An image in the folder and what its EXIF says (None where it says nothing)."""

    path: str  # relative to the folder scanned, "/" between folders
    kind: str  # "jpeg", "heic", or another image type ("png", ...) that carries no camera EXIF
    make: str | None
    model: str | None
    serial: str | None  # BodySerialNumber; Apple devices do not write one
    captured: datetime | None  # aware, UTC
    note: str | None = None  # why it cannot be traced to a device, e.g. no EXIF or damaged


@dataclass(frozen=True)
class Skipped:
    """A file or folder that is not a photo or could not be read, with the reason."""

    path: str
    note: str


class _Damaged(Exception):
    """The file is not laid out as its type says."""


def reason(exc: OSError) -> str:
    """Why a file or folder could not be read, in a few words."""
    if isinstance(exc, PermissionError):
        return "no permission"
    return (exc.strerror or type(exc).__name__).lower()


def read_photo(path: Path | str, zone: ZoneInfo, rel: str | None = None) -> Photo | Skipped:
    """What one file's EXIF says, or why it is not a photo; never raises for a bad file."""
    path = str(path)
    rel = rel or os.path.basename(path)
    suffix = os.path.splitext(path)[1].lower()
    try:
        with open(path, "rb") as handle:
            reader = _Reader(handle)
            head = reader.get(0, HEAD_BYTES)
            kind = _sniff(head, suffix)
            if kind == "video":
                return Skipped(rel, "a video: videos carry no EXIF, so they are not checked")
            if kind is None:
                if suffix in IMAGE_SUFFIXES:
                    return Photo(rel, suffix.lstrip("."), None, None, None, None,
                                 "damaged: named as an image but its content is not one")
                return Skipped(rel, "not a photo")
            if kind not in ("jpeg", "heic"):
                return Photo(rel, kind, None, None, None, None, f"a {kind.upper()} image: {NO_EXIF}")
            try:
                data = _jpeg_exif(reader) if kind == "jpeg" else _heif_exif(reader)
            except (_Damaged, struct.error, IndexError, ValueError, OverflowError):
                if kind == "jpeg":
                    return Photo(rel, kind, None, None, None, None, "damaged: its header could not be read")
                data = _heif_exif_by_libheif(path)
                if data is None:
                    return Photo(rel, kind, None, None, None, None, "damaged: its header could not be read")
    except OSError as exc:
        return Skipped(rel, f"could not be read ({reason(exc)})")
    if not data:
        return Photo(rel, kind, None, None, None, None, NO_EXIF)
    return _photo(rel, kind, data, zone)


def _photo(rel: str, kind: str, data: bytes, zone: ZoneInfo) -> Photo:
    try:
        main, sub = _tiff_fields(data)
    except (_Damaged, struct.error, IndexError, ValueError):
        try:
            main, sub = _pillow_fields(data)  # slower, and forgiving of more kinds of damage
        except Exception:  # noqa: BLE001 - any damage in a stranger's file is a note, never a crash
            return Photo(rel, kind, None, None, None, None, "damaged: its EXIF could not be read")
    make, model = _text(main.get(TAG_MAKE)), _text(main.get(TAG_MODEL))
    serial = _text(sub.get(TAG_BODY_SERIAL))
    captured = (capture_time(sub.get(TAG_ORIGINAL), sub.get(TAG_OFFSET_ORIGINAL), zone)
                or capture_time(sub.get(TAG_DIGITIZED), sub.get(TAG_OFFSET_DIGITIZED), zone))
    note = None
    if not make and not model:
        note = NO_EXIF
    elif captured is None:
        note = NO_TIME
    return Photo(rel, kind, make, model, serial, captured, note)


_IFD0_TAGS = frozenset({TAG_MAKE, TAG_MODEL, TAG_EXIF_IFD})
_EXIF_TAGS = frozenset({TAG_ORIGINAL, TAG_DIGITIZED, TAG_OFFSET_ORIGINAL, TAG_OFFSET_DIGITIZED, TAG_BODY_SERIAL})
_INLINE = {1: 1, 2: 1, 7: 1, 3: 2, 4: 4, 13: 4}  # BYTE, ASCII, UNDEFINED, SHORT, LONG, IFD: bytes per value


def _tiff_fields(data: bytes) -> tuple[dict[int, object], dict[int, object]]:
    """The few tags needed, straight from the EXIF's TIFF structure: IFD0 and the Exif IFD.

    Reading six tags directly is several times faster than building Pillow's
    full directory (bench/drive_scan.py); anything unexpected raises, and the
    caller hands the bytes to Pillow instead.
    """
    if data.startswith(b"Exif\x00\x00"):
        data = data[6:]
    order = {b"II": "<", b"MM": ">"}.get(data[:2])
    if order is None or struct.unpack_from(order + "H", data, 2)[0] != 42:
        raise _Damaged("not a TIFF header")
    main = _ifd(data, order, struct.unpack_from(order + "I", data, 4)[0], _IFD0_TAGS)
    pointer = main.get(TAG_EXIF_IFD)
    sub = _ifd(data, order, pointer, _EXIF_TAGS) if isinstance(pointer, int) else {}
    return main, sub


def _ifd(data: bytes, order: str, offset: int, wanted: frozenset[int]) -> dict[int, object]:
    count = struct.unpack_from(order + "H", data, offset)[0]
    if offset + 2 + 12 * count > len(data):
        raise _Damaged("a directory runs past the EXIF")
    found: dict[int, object] = {}
    for pos in range(offset + 2, offset + 2 + 12 * count, 12):
        tag, kind, number = struct.unpack_from(order + "HHI", data, pos)
        if tag not in wanted:
            continue
        width = _INLINE.get(kind)
        if width is None:
            raise _Damaged("a tag of an unexpected type")
        size = width * number
        start = pos + 8 if size <= 4 else struct.unpack_from(order + "I", data, pos + 8)[0]
        if start + size > len(data):
            raise _Damaged("a value runs past the EXIF")
        if kind in (1, 2, 7):
            found[tag] = data[start:start + size].decode("latin-1")
        elif number == 1:
            found[tag] = struct.unpack_from(order + ("H" if kind == 3 else "I"), data, start)[0]
    return found


def _pillow_fields(data: bytes) -> tuple[dict[int, object], dict[int, object]]:
    from PIL import Image  # imported only for EXIF the quick reader could not follow

    exif = Image.Exif()
    exif.load(data)
    main = {tag: exif.get(tag) for tag in (TAG_MAKE, TAG_MODEL)}
    return main, (exif.get_ifd(TAG_EXIF_IFD) if TAG_EXIF_IFD in exif else {})


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
    """An EXIF string without its padding; bytes read as Latin-1; None when empty."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        value = str(value)
    value = value.replace("\x00", " ").strip()
    return value[:100] or None


def _sniff(head: bytes, suffix: str) -> str | None:
    """"jpeg", "heic", another image type, "video", or None, from the first bytes (and the name for videos)."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[4:8] == b"ftyp":
        brands = {head[8:12]} | {head[i:i + 4] for i in range(16, min(len(head), 64), 4)}
        if head[8:12] in HEIF_BRANDS or (brands & HEIF_BRANDS and suffix not in VIDEO_SUFFIXES):
            return "heic"
        return "video"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:2] == b"BM" and suffix == ".bmp":
        return "bmp"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return None


class _Reader:
    """Byte ranges of an open file, with one buffered window (most reads fall in the first one)."""

    def __init__(self, handle):
        self.handle = handle
        self.base = 0
        self.window = b""
        self.size = os.fstat(handle.fileno()).st_size

    def get(self, start: int, count: int) -> bytes:
        end = start + count
        if start >= self.base and end <= self.base + len(self.window):
            return self.window[start - self.base:end - self.base]
        if start < 0 or start >= self.size:
            return b""
        self.handle.seek(start)
        self.window = self.handle.read(max(count, HEAD_BYTES) if count <= MAX_SEGMENT else count)
        self.base = start
        return self.window[:count]


def _jpeg_exif(reader: _Reader) -> bytes | None:
    """The APP1 "Exif" segment's content, read marker by marker; None when the header has none."""
    pos = 2
    while pos < MAX_JPEG_HEADER:
        head = reader.get(pos, 4)
        if len(head) < 2:
            raise _Damaged("the file ends inside its header")
        if head[0] != 0xFF:
            raise _Damaged("a marker was expected")
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
            raise _Damaged("the file ends inside its header")
        length = int.from_bytes(head[2:4], "big")
        if length < 2:
            raise _Damaged("a segment has an impossible length")
        if marker == 0xE1:
            payload = reader.get(pos + 4, length - 2)
            if len(payload) < length - 2:
                raise _Damaged("the file ends inside its EXIF segment")
            if payload.startswith(b"Exif\x00\x00"):
                return payload
        pos += 2 + length
    return None


def _boxes(data: bytes, start: int = 0) -> dict[bytes, list[bytes]]:
    """The child boxes of an ISO-BMFF box's content, by type (their content without the header)."""
    found: dict[bytes, list[bytes]] = {}
    pos = start
    while pos + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = len(data) - pos
        if size < header or pos + size > len(data):
            raise _Damaged("a box runs past its parent")
        found.setdefault(kind, []).append(data[pos + header:pos + size])
        pos += size
    return found


def _heif_exif(reader: _Reader) -> bytes | None:
    """The Exif item of a HEIF/HEIC file, from its ``meta`` box's item list and locations; None when it has none."""
    pos, meta = 0, None
    for _ in range(1000):
        head = reader.get(pos, 16)
        if len(head) < 8:
            break
        size, kind = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", head, 8)[0], 16
        elif size == 0:
            size = reader.size - pos
        if size < header:
            raise _Damaged("a box has an impossible size")
        if kind == b"meta":
            if size > MAX_SEGMENT:
                raise _Damaged("the meta box is too large")
            meta = reader.get(pos + header, size - header)
            if len(meta) < size - header:
                raise _Damaged("the file ends inside its meta box")
            break
        pos += size
    if meta is None:
        raise _Damaged("no meta box")
    children = _boxes(meta, 4)  # a FullBox: version and flags first
    exif_items = _exif_item_ids(children.get(b"iinf", [b""])[0])
    if not exif_items:
        return None
    locations = _item_locations(children.get(b"iloc", [b""])[0])
    idat = children.get(b"idat", [b""])[0]
    for item in exif_items:
        if item not in locations:
            continue
        method, extents = locations[item]
        parts = []
        for offset, length in extents:
            if length <= 0 or length > MAX_SEGMENT:
                raise _Damaged("an Exif item of unusual size")
            part = idat[offset:offset + length] if method == 1 else reader.get(offset, length)
            if len(part) < length:
                raise _Damaged("the file ends inside its Exif item")
            parts.append(part)
        data = b"".join(parts)
        skip = int.from_bytes(data[:4], "big")  # the Exif item starts with the offset to its TIFF header
        return data[4 + skip:]
    return None


def _exif_item_ids(iinf: bytes) -> list[int]:
    if len(iinf) < 6:
        return []
    version = iinf[0]
    start = 6 if version == 0 else 8
    ids = []
    for entry in _boxes(iinf, start).get(b"infe", []):
        entry_version = entry[0]
        if entry_version < 2:
            continue  # the old form has no item type: not used for Exif
        if entry_version == 2:
            item, kind = struct.unpack_from(">H", entry, 4)[0], entry[8:12]
        else:
            item, kind = struct.unpack_from(">I", entry, 4)[0], entry[10:14]
        if kind == b"Exif":
            ids.append(item)
    return ids


def _item_locations(iloc: bytes) -> dict[int, tuple[int, list[tuple[int, int]]]]:
    """item id → (construction method, [(absolute offset, length)]), from an ``iloc`` box."""
    version = iloc[0]
    sizes, more = iloc[4], iloc[5]
    offset_size, length_size = sizes >> 4, sizes & 0xF
    base_size, index_size = more >> 4, (more & 0xF) if version in (1, 2) else 0
    pos = 6
    if version < 2:
        count, pos = struct.unpack_from(">H", iloc, pos)[0], pos + 2
    else:
        count, pos = struct.unpack_from(">I", iloc, pos)[0], pos + 4

    def number(size: int) -> int:
        nonlocal pos
        if size not in (0, 2, 4, 8):
            raise _Damaged("an iloc field of unusual size")
        value = int.from_bytes(iloc[pos:pos + size], "big") if size else 0
        if pos + size > len(iloc):
            raise _Damaged("the iloc box is cut short")
        pos += size
        return value

    found = {}
    for _ in range(count):
        item = number(2 if version < 2 else 4)
        method = number(2) & 0xF if version in (1, 2) else 0
        number(2)  # data reference index
        base = number(base_size)
        extents = []
        for _ in range(number(2)):
            number(index_size)
            start = number(offset_size)
            extents.append((base + start, number(length_size)))
        found[item] = (method, extents)
    return found


def _heif_exif_by_libheif(path: str) -> bytes | None:
    """The Exif of a HEIF file this reader could not follow, via libheif (reads the file, decodes nothing)."""
    try:
        import pillow_heif

        exif = pillow_heif.open_heif(path).info.get("exif")
    except Exception:  # noqa: BLE001 - libheif refusing the file means it is damaged
        return None
    return exif or b""
