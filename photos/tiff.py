"""The few EXIF tags that say which camera took a photo and when, read from TIFF directories directly.

EXIF is a small TIFF: a JPEG carries one in its APP1 segment, a HEIC in its Exif item, a Canon CR3 in its
CMT1/CMT2 boxes, and TIFF-based raw stills (CR2, NEF, DNG, ARW, RW2, ORF, PEF …) *are* TIFF files. Each is
read through a byte-range source (``photos.reader``), so a raw file is read directory by directory and
never whole. Reading these tags directly is several times faster than building Pillow's full directory
(bench/drive_scan.py); anything unexpected raises ``Damaged``.

Where the Exif IFD has no BodySerialNumber the body serial is looked for where cameras put it instead: a
DNG's CameraSerialNumber, and Canon's and Nikon's maker notes (older EOS and Nikon bodies write it only there).
"""

from __future__ import annotations

import struct

from photos.reader import Damaged

TAG_MAKE, TAG_MODEL, TAG_EXIF_IFD, TAG_DNG_SERIAL = 0x010F, 0x0110, 0x8769, 0xC62F
TAG_ORIGINAL, TAG_DIGITIZED = 0x9003, 0x9004
TAG_OFFSET_ORIGINAL, TAG_OFFSET_DIGITIZED = 0x9011, 0x9012
TAG_SUBSEC_ORIGINAL, TAG_BODY_SERIAL, TAG_MAKER_NOTE = 0x9291, 0xA431, 0x927C
CANON_SERIAL, NIKON_SERIAL, NIKON_OLD_SERIAL = 0x000C, 0x001D, 0x00A0  # the last: D70-era bodies

IFD0_TAGS = frozenset({TAG_MAKE, TAG_MODEL, TAG_EXIF_IFD, TAG_DNG_SERIAL})
EXIF_TAGS = frozenset({TAG_ORIGINAL, TAG_DIGITIZED, TAG_OFFSET_ORIGINAL, TAG_OFFSET_DIGITIZED, TAG_SUBSEC_ORIGINAL,
                       TAG_BODY_SERIAL, TAG_MAKER_NOTE})
# TIFF's magic number, and the ones raw formats put in its place: Olympus ORF ("RO", "RS"), Panasonic RW2 (0x55).
MAGIC = frozenset({42, 0x4F52, 0x5352, 0x55})
_WIDTH = {1: 1, 2: 1, 7: 1, 3: 2, 4: 4, 9: 4, 13: 4}  # BYTE, ASCII, UNDEFINED, SHORT, LONG, SLONG, IFD
_NUMBER = {3: "H", 4: "I", 9: "i", 13: "I"}
MAX_ENTRIES = 1000  # a directory with more entries than this is damage, not a camera's


class MakerNote(tuple):
    """Where the maker note lies (offset from the TIFF header, length): its bytes are read only if needed."""


def byte_order(head: bytes) -> str:
    """"<" or ">" from a TIFF header's first four bytes; Damaged if they are not one."""
    order = {b"II": "<", b"MM": ">"}.get(head[:2])
    if order is None or len(head) < 8 or struct.unpack_from(order + "H", head, 2)[0] not in MAGIC:
        raise Damaged("not a TIFF header")
    return order


def fields(source, base: int = 0) -> tuple[dict[int, object], dict[int, object]]:
    """IFD0's and the Exif IFD's wanted tags of the TIFF at ``base`` in ``source``: text as bytes, numbers as int.

    The serial number is filled in from a DNG's or a maker note's where the Exif IFD has none.
    """
    head = source.exactly(base, 8, "the TIFF header")
    order = byte_order(head)
    main = ifd(source, base, order, struct.unpack_from(order + "I", head, 4)[0], IFD0_TAGS)
    pointer = main.get(TAG_EXIF_IFD)
    sub = ifd(source, base, order, pointer, EXIF_TAGS) if isinstance(pointer, int) and pointer else {}
    if not sub.get(TAG_BODY_SERIAL):
        serial = main.get(TAG_DNG_SERIAL) or _maker_serial(source, base, order, main.get(TAG_MAKE),
                                                           sub.get(TAG_MAKER_NOTE))
        if serial:
            sub[TAG_BODY_SERIAL] = serial
    return main, sub


def ifd(source, base: int, order: str, offset: int, wanted: frozenset[int]) -> dict[int, object]:
    """The wanted tags of the directory at ``offset`` (from the TIFF header at ``base``)."""
    count = struct.unpack(order + "H", source.exactly(base + offset, 2, "a directory"))[0]
    if count > MAX_ENTRIES:
        raise Damaged("a directory with too many entries")
    entries = source.exactly(base + offset + 2, 12 * count, "a directory")
    found: dict[int, object] = {}
    for pos in range(0, 12 * count, 12):
        tag, kind, number = struct.unpack_from(order + "HHI", entries, pos)
        if tag not in wanted:
            continue
        width = _WIDTH.get(kind)
        if width is None:
            raise Damaged("a tag of an unexpected type")
        size = width * number
        start = offset + 2 + pos + 8 if size <= 4 else struct.unpack_from(order + "I", entries, pos + 8)[0]
        if tag == TAG_MAKER_NOTE:
            found[tag] = MakerNote((start, size))
        elif kind in (1, 2, 7):
            found[tag] = source.exactly(base + start, size, "a tag's value")
        elif number == 1:
            value = entries[pos + 8:pos + 12] if size <= 4 else source.exactly(base + start, size, "a tag's value")
            found[tag] = struct.unpack_from(order + _NUMBER[kind], value)[0]
    return found


def _maker_serial(source, base: int, order: str, make, note) -> bytes | None:
    """The body serial from a Canon or Nikon maker note, or None (other makes, or a note laid out otherwise)."""
    if not isinstance(note, MakerNote) or not isinstance(make, bytes):
        return None
    start, length = note
    make = make.upper()
    try:
        if make.startswith(b"CANON"):  # a bare directory, offsets from the photo's TIFF header
            value = ifd(source, base, order, start, frozenset({CANON_SERIAL})).get(CANON_SERIAL)
            return f"{value:010d}".encode() if isinstance(value, int) and value > 0 else None
        if make.startswith(b"NIKON") and length > 18:
            head = source.exactly(base + start, 18, "the maker note")
            if head.startswith(b"Nikon\x00"):  # its own TIFF header 10 bytes in; offsets from there
                inner = base + start + 10
                inner_order = byte_order(head[10:18])
                first = struct.unpack_from(inner_order + "I", head, 14)[0]
                found = ifd(source, inner, inner_order, first, frozenset({NIKON_SERIAL, NIKON_OLD_SERIAL}))
                value = found.get(NIKON_SERIAL) or found.get(NIKON_OLD_SERIAL)
                return value if isinstance(value, bytes) else None
    except (Damaged, struct.error):
        return None  # a maker note is the camera maker's own format: damage there costs only the serial
    return None
