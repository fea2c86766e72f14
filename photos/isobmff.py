"""Files made of ISO boxes (ISO/IEC 14496-12): HEIC/HEIF stills, Canon CR3 raws, and MP4/MOV/3GP videos.

Boxes are walked header by header from the file (16 bytes each), so a video's media data, however large,
is stepped over and never read. Only small boxes are read whole: a HEIF ``meta`` box and its Exif item,
and a CR3's CMT boxes (each a little TIFF); anything claiming more than a megabyte is damage
(``photos.reader``).

- HEIC (iPads, iPhones): the ``meta`` box's item list (``iinf``) names the Exif item, its location list
  (``iloc``) says where its bytes are.
- CR3 (Canon's EOS R and M bodies): ``moov`` holds a ``uuid`` box of Canon's whose CMT1 box is IFD0
  (make, model) and CMT2 the Exif IFD (capture time, body serial).
- Videos: ``moov``'s ``mvhd`` box holds the creation time, seconds since 1904-01-01 UTC (0: none given).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from photos import tiff
from photos.reader import MAX_RANGE, Bytes, Damaged, Reader

MAX_BOXES = 1000  # boxes in one container before the file is taken as damaged
CANON_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
EPOCH_1904 = datetime(1904, 1, 1, tzinfo=timezone.utc)
EARLIEST, LATEST = datetime(1990, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc)


class Box(NamedTuple):
    kind: bytes
    start: int  # where its content starts (after the header)
    end: int  # where it ends


def boxes(reader: Reader, start: int, end: int) -> Iterator[Box]:
    """The boxes between ``start`` and ``end`` of the file, read header by header.

    The last box may run past the end of the file (a copy cut short): it is
    yielded as it claims to be, and reading inside it then finds the file ends.
    """
    pos = start
    for _ in range(MAX_BOXES):
        if pos + 8 > end:
            return
        head = reader.get(pos, 16)
        if len(head) < 8:
            return
        size, kind = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1:
            if len(head) < 16:
                raise Damaged("the file ends inside a box header")
            size, header = struct.unpack_from(">Q", head, 8)[0], 16
        elif size == 0:  # "to the end of the file"
            size = end - pos
        if size < header:
            raise Damaged("a box has an impossible size")
        if pos + size > end and end < reader.size:
            raise Damaged("a box runs past its parent")
        yield Box(kind, pos + header, pos + size)
        pos += size
    raise Damaged("too many boxes")


def first(reader: Reader, kind: bytes, start: int, end: int) -> Box | None:
    """The first box of ``kind`` between ``start`` and ``end``, or None."""
    return next((box for box in boxes(reader, start, end) if box.kind == kind), None)


def brands(head: bytes) -> tuple[bytes, set[bytes]]:
    """An ``ftyp`` box's major brand and all its brands, from the file's first bytes."""
    size = int.from_bytes(head[:4], "big")
    end = min(len(head), size if 16 <= size <= 256 else 64)
    return head[8:12], {head[8:12]} | {head[i:i + 4] for i in range(16, end - 3, 4)}


# --- HEIC / HEIF ----------------------------------------------------------------------------------------


def heif_exif(reader: Reader) -> bytes | None:
    """The Exif item of a HEIF/HEIC file (its TIFF block), or None when it has none."""
    meta = first(reader, b"meta", 0, reader.size)
    if meta is None:
        raise Damaged("no meta box")
    children = _children(reader.exactly(meta.start, meta.end - meta.start, "its meta box"), 4)  # a FullBox
    exif_items = _exif_item_ids(children.get(b"iinf", [b""])[0])
    if not exif_items:
        return None
    locations = _item_locations(children.get(b"iloc", [b""])[0])
    idat = children.get(b"idat", [b""])[0]
    for item in exif_items:
        if item not in locations:
            continue
        method, extents = locations[item]
        parts, total = [], 0
        for offset, length in extents:
            total += length
            if length <= 0 or total > MAX_RANGE:
                raise Damaged("an Exif item of unusual size")
            part = idat[offset:offset + length] if method == 1 else reader.get(offset, length)
            if len(part) < length:
                raise Damaged("the file ends inside its Exif item")
            parts.append(part)
        data = b"".join(parts)
        skip = int.from_bytes(data[:4], "big")  # the Exif item starts with the offset to its TIFF header
        return data[4 + skip:]
    return None


def _children(data: bytes, start: int = 0) -> dict[bytes, list[bytes]]:
    """The child boxes of a box already read, by type (their content without the header)."""
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
            raise Damaged("a box runs past its parent")
        found.setdefault(kind, []).append(data[pos + header:pos + size])
        pos += size
    return found


def _exif_item_ids(iinf: bytes) -> list[int]:
    if len(iinf) < 6:
        return []
    start = 6 if iinf[0] == 0 else 8
    ids = []
    for entry in _children(iinf, start).get(b"infe", []):
        if entry[0] < 2:
            continue  # the old form has no item type: not used for Exif
        if entry[0] == 2:
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
            raise Damaged("an iloc field of unusual size")
        if pos + size > len(iloc):
            raise Damaged("the iloc box is cut short")
        value = int.from_bytes(iloc[pos:pos + size], "big") if size else 0
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


# --- Canon CR3 --------------------------------------------------------------------------------------------


def cr3_fields(reader: Reader) -> tuple[dict[int, object], dict[int, object]]:
    """IFD0's and the Exif IFD's wanted tags from a CR3's CMT1 and CMT2 boxes (as ``tiff.fields`` gives them)."""
    moov = first(reader, b"moov", 0, reader.size)
    if moov is None:
        raise Damaged("no moov box")
    canon = next((box for box in boxes(reader, moov.start, moov.end)
                  if box.kind == b"uuid" and reader.get(box.start, 16) == CANON_UUID), None)
    if canon is None:
        raise Damaged("no Canon metadata box")
    parts = {box.kind: box for box in boxes(reader, canon.start + 16, canon.end)}
    if b"CMT1" not in parts:
        raise Damaged("no CMT1 box")
    main = _first_ifd(reader, parts[b"CMT1"], tiff.IFD0_TAGS)
    sub = _first_ifd(reader, parts[b"CMT2"], tiff.EXIF_TAGS) if b"CMT2" in parts else {}
    if not sub.get(tiff.TAG_BODY_SERIAL) and b"CMT3" in parts:  # the maker note, as its own TIFF
        value = _first_ifd(reader, parts[b"CMT3"], frozenset({tiff.CANON_SERIAL})).get(tiff.CANON_SERIAL)
        if isinstance(value, int) and value > 0:
            sub[tiff.TAG_BODY_SERIAL] = f"{value:010d}".encode()
    return main, sub


def _first_ifd(reader: Reader, box: Box, wanted: frozenset[int]) -> dict[int, object]:
    """The first directory of the little TIFF a CMT box holds (offsets from the box's content)."""
    block = Bytes(reader.exactly(box.start, box.end - box.start, "a CMT box"))
    head = block.exactly(0, 8, "the TIFF header")
    order = tiff.byte_order(head)
    return tiff.ifd(block, 0, order, struct.unpack_from(order + "I", head, 4)[0], wanted)


# --- Videos -----------------------------------------------------------------------------------------------


def movie_created(reader: Reader) -> datetime | None:
    """A MP4/MOV/3GP file's creation time from ``moov``/``mvhd`` (UTC), or None where it gives none."""
    moov = first(reader, b"moov", 0, reader.size)
    if moov is None:
        return None
    header = first(reader, b"mvhd", moov.start, moov.end)
    if header is None:
        return None
    data = reader.exactly(header.start, 12, "its movie header")
    seconds = struct.unpack_from(">Q", data, 4)[0] if data[0] == 1 else struct.unpack_from(">I", data, 4)[0]
    if not seconds:
        return None
    try:
        created = EPOCH_1904 + timedelta(seconds=seconds)
    except OverflowError:
        return None
    return created if EARLIEST <= created < LATEST else None  # a clock never set, or nonsense
