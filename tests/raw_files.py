"""Raw stills made here, laid out as each camera maker lays them out: Canon CR2 and CR3, Nikon NEF, Adobe DNG,
Panasonic RW2, Olympus ORF, Sony ARW, Pentax PEF and Fujifilm RAF.

No camera's file is copied into the repository (no third-party files in it): every raw a test reads is made
here, from the public descriptions of these formats (ExifTool's tag tables, Adobe's DNG specification, the
ISO base media format), with the tags ``photos`` reads set as a camera sets them. Real camera files can still
be checked when someone puts them beside the repository (tests/unit/test_photo_kinds.py, the last section).

- TIFF-based raws: every directory is written by Pillow's TIFF directory writer
  (``ImageFileDirectory_v2.tobytes``, what ``Image.save`` uses); :func:`tiff_bytes` only puts the header, the
  directories and their image data in order, because ``Image.save`` writes neither a CR2's header, nor
  SubIFDs, nor a maker note typed as one. The image data is real: a Pillow JPEG preview, and sensor data
  (uncompressed here; cameras compress theirs).
- Maker notes: Canon's is a bare directory (its values fit in their entries, the body serial a LONG, so it
  reads the same wherever it lies); Nikon's is "Nikon\\0", a version and a TIFF of its own.
- CR3: ISO boxes as the EOS M50 writes them: ``ftyp`` "crx ", then ``moov`` holding Canon's ``uuid`` box
  (CNCV, CMT1 = IFD0, CMT2 = the Exif IFD, CMT3 = the maker note, THMB) and ``mvhd``; a preview ``uuid``;
  ``mdat``.
- RAF: Fujifilm's header ("FUJIFILMCCD-RAW ", the camera's name, then where the JPEG preview and the sensor
  data lie), the JPEG preview (Pillow, with the camera's EXIF) at the offset it names, then the sensor data.
"""

from __future__ import annotations

import hashlib
import io
import struct
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from PIL import Image, TiffImagePlugin

from tests.photos import (
    BODY_SERIAL,
    EXIF_IFD,
    MAKE,
    MODEL,
    OFFSET_ORIGINAL,
    ORIGINAL,
    SUBSEC_ORIGINAL,
    box,
    exif,
    movie_header,
)

BYTE, ASCII, SHORT, LONG, UNDEFINED = 1, 2, 3, 4, 7  # TIFF's types
NEW_SUBFILE, WIDTH, HEIGHT, BITS, COMPRESSION, PHOTOMETRIC = 0x00FE, 0x0100, 0x0101, 0x0102, 0x0103, 0x0106
STRIP_OFFSETS, SAMPLES_PER_PIXEL, ROWS_PER_STRIP, STRIP_BYTES = 0x0111, 0x0115, 0x0116, 0x0117
DATE_TIME, SUB_IFDS, DIGITIZED, MAKER_NOTE = 0x0132, 0x014A, 0x9004, 0x927C
DNG_VERSION, DNG_BACKWARD, UNIQUE_MODEL, DNG_SERIAL = 0xC612, 0xC613, 0xC614, 0xC62F
CANON_SERIAL, CANON_MODEL_ID, NIKON_VERSION, NIKON_SERIAL, NIKON_OLD_SERIAL = 0x000C, 0x0010, 0x0001, 0x001D, 0x00A0
CANON_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
PREVIEW_UUID = bytes.fromhex("eaf42b5e1c984b88b9fbb7dc406e4d16")
ORF, RW2 = 0x4F52, 0x55  # the numbers Olympus ("RO") and Panasonic write in place of TIFF's 42
# The 16 bytes after an RW2's header by which readers (ExifTool) tell it from Panasonic's older RAW.
RW2_SIGNATURE = bytes.fromhex("88e774d8f8251d4d947a6e77822b5d6a")


class At(NamedTuple):
    """A LONG tag's value that is where another directory of the file starts (an Exif IFD, SubIFDs)."""

    name: str


class Directory(NamedTuple):
    name: str
    entries: dict[int, tuple[int, object]]  # tag -> (TIFF type, value); At(...) for a pointer
    strip: bytes = b""  # image data, written right after the directory (StripOffsets, StripByteCounts)
    next: str | None = None  # the directory that follows in the chain (IFD0 -> IFD1 …)


def tiff_bytes(directories: list[Directory], *, order: str = "<", magic: int = 42, cr2_raw: str | None = None,
               extra: bytes = b"") -> bytes:
    """A TIFF file: its header (with ``cr2_raw``, Canon's "CR" extension naming the raw data's directory; then
    ``extra``), then each directory written by Pillow, word-aligned. Laid out twice: sizes do not depend on
    where things lie, so the second pass writes every pointer where the first found its target."""
    where = {directory.name: 0 for directory in directories}
    for _ in range(2):
        first = where[directories[0].name]
        out = bytearray((b"II" if order == "<" else b"MM") + struct.pack(order + "HI", magic, first))
        if cr2_raw:
            out += b"CR\x02\x00" + struct.pack(order + "I", where[cr2_raw])
        out += extra
        for directory in directories:
            out += b"\x00" * (len(out) % 2)
            where[directory.name] = len(out)
            out += _directory(directory, order, len(out), where)
    return bytes(out)


def _directory(directory: Directory, order: str, at: int, where: dict[str, int]) -> bytes:
    ifd = TiffImagePlugin.ImageFileDirectory_v2(b"II*\x00\x08\x00\x00\x00" if order == "<" else
                                                b"MM\x00*\x00\x00\x00\x08")
    entries = dict(directory.entries)
    if directory.strip:  # Pillow points StripOffsets past the directory's own data, where the strip goes
        entries |= {STRIP_OFFSETS: (LONG, 0), STRIP_BYTES: (LONG, len(directory.strip))}
    for tag, (kind, value) in entries.items():
        ifd.tagtype[tag] = kind
        ifd[tag] = where[value.name] if isinstance(value, At) else value
    data = bytearray(ifd.tobytes(at))
    struct.pack_into(order + "I", data, 2 + 12 * len(entries), where[directory.next] if directory.next else 0)
    return bytes(data) + directory.strip


def _stamp(taken: datetime | str) -> str:
    return taken if isinstance(taken, str) else taken.strftime("%Y:%m:%d %H:%M:%S")


def _exif_entries(taken: datetime | str, offset: str | None = None, subsec: str | None = None,
                  serial: str | None = None) -> dict[int, tuple[int, object]]:
    """The Exif IFD a camera writes, as far as ``photos`` reads it (maker notes are added by the callers)."""
    entries = {ORIGINAL: (ASCII, _stamp(taken)), DIGITIZED: (ASCII, _stamp(taken)), 0x9000: (UNDEFINED, b"0231")}
    for tag, value in ((OFFSET_ORIGINAL, offset), (SUBSEC_ORIGINAL, subsec), (BODY_SERIAL, serial)):
        if value is not None:
            entries[tag] = (ASCII, value)
    return entries


def _camera(make: str, model: str, taken: datetime | str) -> dict[int, tuple[int, object]]:
    return {MAKE: (ASCII, make), MODEL: (ASCII, model), DATE_TIME: (ASCII, _stamp(taken)), EXIF_IFD: (LONG, At("exif"))}


def sensor(width: int, height: int, seed: str) -> bytes:
    """12-bit sensor values in 16-bit words, as noisy as a sensor's, drawn from ``seed`` (the capture time, say):
    two photos made with different seeds differ all through their pictures."""
    data = bytearray(hashlib.shake_128(seed.encode()).digest(2 * width * height))
    data[1::2] = bytes(high & 0x0F for high in data[1::2])  # little-endian: the high byte of each word
    return bytes(data)


def jpeg(size: tuple[int, int] = (32, 24), colour: tuple[int, int, int] = (90, 140, 60),
         data: Image.Exif | None = None) -> bytes:
    """A preview JPEG, as Pillow encodes it (with EXIF when ``data`` is given)."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG", quality=70, **({"exif": data.tobytes()} if data else {}))
    return out.getvalue()


def _raw_directory(seed: str, *, width: int = 24, height: int = 16) -> Directory:
    return Directory("raw", {NEW_SUBFILE: (LONG, 0), WIDTH: (SHORT, width), HEIGHT: (SHORT, height),
                             BITS: (SHORT, 16), COMPRESSION: (SHORT, 1), PHOTOMETRIC: (SHORT, 32803),  # CFA
                             SAMPLES_PER_PIXEL: (SHORT, 1), ROWS_PER_STRIP: (SHORT, height)},
                     sensor(width, height, seed))


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- TIFF-based raws ----------------------------------------------------------------------------------------


def cr2(path: Path, *, taken: datetime | str, make: str = "Canon", model: str = "Canon EOS 350D DIGITAL",
        serial: int | None = 123456789, subsec: str | None = None) -> Path:
    """A Canon CR2: "CR" at byte 8 and the raw directory's offset, IFD0 with a JPEG preview, the Exif IFD whose
    maker note holds the body serial (tag 0x000C, a LONG, read as ten digits), then the raw directory."""
    note = {CANON_MODEL_ID: (LONG, 0x80000189)}
    if serial is not None:
        note[CANON_SERIAL] = (LONG, serial)
    maker_note = _directory(Directory("note", note), "<", 0, {})
    preview = jpeg(colour=(sum(_stamp(taken).encode()) % 256, 90, 40))
    ifd0 = {**_camera(make, model, taken), WIDTH: (SHORT, 32), HEIGHT: (SHORT, 24), BITS: (SHORT, (8, 8, 8)),
            COMPRESSION: (SHORT, 6)}
    return _write(path, tiff_bytes([
        Directory("ifd0", ifd0, preview, next="raw"),
        Directory("exif", {**_exif_entries(taken, subsec=subsec), MAKER_NOTE: (UNDEFINED, maker_note)}),
        _raw_directory(_stamp(taken)),
    ], cr2_raw="raw"))


def nikon_maker_note(serial: str | None, *, old: bool = False, order: str = ">") -> bytes:
    """Nikon's maker note: "Nikon\\0", its version, and a TIFF of its own (offsets count from there) whose
    directory holds the serial: tag 0x001D, or 0x00A0 as D70-era bodies write it (``old``)."""
    entries = {NIKON_VERSION: (UNDEFINED, b"0210")}
    if serial is not None:
        entries[NIKON_OLD_SERIAL if old else NIKON_SERIAL] = (ASCII, serial)
    return b"Nikon\x00\x02\x10\x00\x00" + tiff_bytes([Directory("note", entries)], order=order)


def nef(path: Path, *, taken: datetime | str, make: str = "NIKON CORPORATION", model: str = "NIKON D70",
        serial: str | None = "12345678", old: bool = True, subsec: str | None = "00", order: str = "<") -> Path:
    """A Nikon NEF: IFD0 a small RGB thumbnail, its SubIFDs the raw data, the Exif IFD with Nikon's maker note
    holding the serial (older Nikon bodies write it only there, not as BodySerialNumber)."""
    thumbnail = Image.new("RGB", (16, 10), (sum(_stamp(taken).encode()) % 256, 60, 120)).tobytes()
    ifd0 = {**_camera(make, model, taken), NEW_SUBFILE: (LONG, 1), WIDTH: (LONG, 16), HEIGHT: (LONG, 10),
            BITS: (SHORT, (8, 8, 8)), COMPRESSION: (SHORT, 1), PHOTOMETRIC: (SHORT, 2), SAMPLES_PER_PIXEL: (SHORT, 3),
            ROWS_PER_STRIP: (LONG, 10), SUB_IFDS: (LONG, At("raw"))}
    note = nikon_maker_note(serial, old=old, order=order)
    return _write(path, tiff_bytes([
        Directory("ifd0", ifd0, thumbnail),
        Directory("exif", {**_exif_entries(taken, subsec=subsec), MAKER_NOTE: (UNDEFINED, note)}),
        _raw_directory(_stamp(taken)),
    ], order=order))


def dng(path: Path, *, taken: datetime | str, make: str = "Canon", model: str = "Canon EOS 350D DIGITAL",
        serial: str | None = "012345678", offset: str | None = None, big_endian: bool = True) -> Path:
    """An Adobe DNG: DNGVersion and the body serial as CameraSerialNumber in IFD0 (a thumbnail), its SubIFDs the
    raw data; big-endian as Adobe's converter writes it, or little-endian as phones do."""
    thumbnail = Image.new("RGB", (16, 10), (40, sum(_stamp(taken).encode()) % 256, 90)).tobytes()
    ifd0 = {**_camera(make, model, taken), NEW_SUBFILE: (LONG, 1), WIDTH: (LONG, 16), HEIGHT: (LONG, 10),
            BITS: (SHORT, (8, 8, 8)), COMPRESSION: (SHORT, 1), PHOTOMETRIC: (SHORT, 2), SAMPLES_PER_PIXEL: (SHORT, 3),
            ROWS_PER_STRIP: (LONG, 10), SUB_IFDS: (LONG, At("raw")), DNG_VERSION: (BYTE, b"\x01\x04\x00\x00"),
            DNG_BACKWARD: (BYTE, b"\x01\x01\x00\x00"), UNIQUE_MODEL: (ASCII, model)}
    if serial is not None:
        ifd0[DNG_SERIAL] = (ASCII, serial)
    return _write(path, tiff_bytes([Directory("ifd0", ifd0, thumbnail), _raw_directory(_stamp(taken)),
                                    Directory("exif", _exif_entries(taken, offset))],
                                   order=">" if big_endian else "<"))


def rw2(path: Path, *, taken: datetime | str, make: str = "Panasonic", model: str = "DMC-LX3",
        serial: str | None = None) -> Path:
    """A Panasonic RW2: magic 0x55 and Panasonic's signature, IFD0 in Panasonic's own tags (sensor size, ISO,
    where the raw data is) with Make, Model and the Exif IFD; Panasonic bodies write no BodySerialNumber."""
    raw = sensor(24, 16, _stamp(taken))
    ifd0 = {0x0001: (UNDEFINED, b"0340"), 0x0002: (SHORT, 24), 0x0003: (SHORT, 16), 0x0017: (SHORT, 100),
            MAKE: (ASCII, make), MODEL: (ASCII, model), 0x0112: (SHORT, 1), ROWS_PER_STRIP: (SHORT, 16),
            EXIF_IFD: (LONG, At("exif"))}
    return _write(path, tiff_bytes([Directory("ifd0", ifd0, raw), Directory("exif", _exif_entries(
        taken, serial=serial))], magic=RW2, extra=RW2_SIGNATURE))


def raw_tiff(path: Path, *, make: str, model: str, taken: datetime | str, serial: str | None = None,
             offset: str | None = None, big_endian: bool = False, magic: int = 42, shade: int = 90) -> Path:
    """The plain shape (Sony ARW, Pentax PEF, Olympus ORF with ``magic=ORF``), written whole by Pillow's
    ``Image.save``: IFD0 the 16-bit sensor data with Make and Model, an Exif IFD with the capture time and
    BodySerialNumber. ``big_endian`` writes it Motorola-style ("MM"); ``magic`` goes where TIFF's 42 was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[MAKE], info[MODEL] = make, model
    sub = {ORIGINAL: _stamp(taken)}
    if offset is not None:
        sub[OFFSET_ORIGINAL] = offset
    if serial is not None:
        sub[BODY_SERIAL] = serial
    info[EXIF_IFD] = sub
    Image.new("I;16B" if big_endian else "I;16", (24, 16), shade).save(path, format="TIFF", tiffinfo=info)
    if magic != 42:
        with open(path, "r+b") as handle:
            handle.seek(2)
            handle.write(struct.pack(">H" if big_endian else "<H", magic))
    return path


# --- Canon CR3 and Fujifilm RAF -----------------------------------------------------------------------------


def cr3(path: Path, *, taken: datetime | str, make: str = "Canon", model: str = "Canon EOS M50",
        serial: str | None = "613040000565", subsec: str | None = "21", offset: str | None = "+00:00",
        maker_serial: int | None = None) -> Path:
    """A Canon CR3. CMT1 is IFD0 (Make, Model) and CMT2 the Exif IFD (capture time, subseconds, offset,
    BodySerialNumber), each a little TIFF of its own; CMT3 the maker note, as a TIFF too, where older bodies'
    serial (``maker_serial``, tag 0x000C) is when CMT2 has none."""
    stamp = _stamp(taken)
    cmt1 = tiff_bytes([Directory("ifd0", {MAKE: (ASCII, make), MODEL: (ASCII, model), DATE_TIME: (ASCII, stamp),
                                          0x0112: (SHORT, 1)})])
    cmt2 = tiff_bytes([Directory("exif", _exif_entries(taken, offset, subsec, serial))])
    note = {CANON_MODEL_ID: (LONG, 0x80000412)}
    if maker_serial is not None:
        note[CANON_SERIAL] = (LONG, maker_serial)
    cmt3 = tiff_bytes([Directory("note", note)])
    thumbnail = jpeg((16, 10), (sum(stamp.encode()) % 256, 30, 30))
    canon = box(b"uuid", CANON_UUID + box(b"CNCV", b"CanonCR3_001/00.10.00/00.00.00") + box(b"CMT1", cmt1)
                + box(b"CMT2", cmt2) + box(b"CMT3", cmt3)
                + box(b"THMB", struct.pack(">4xHHI4x", 16, 10, len(thumbnail)) + thumbnail))
    created = datetime.strptime(stamp[:19], "%Y:%m:%d %H:%M:%S").replace(tzinfo=timezone.utc)
    preview = jpeg((48, 32), (sum(stamp.encode()) % 256, 80, 160))
    return _write(path, box(b"ftyp", b"crx \x00\x00\x00\x01crx isom")
                  + box(b"moov", canon + movie_header(created))
                  + box(b"uuid", PREVIEW_UUID + struct.pack(">Q", 1)
                        + box(b"PRVW", struct.pack(">IHHHHI", 0, 1, 48, 32, 1, len(preview)) + preview))
                  + box(b"mdat", sensor(24, 16, f"{stamp}.{subsec}")))


def raf(path: Path, *, taken: datetime | str, make: str = "FUJIFILM", model: str = "FinePix S5Pro",
        serial: str | None = None, offset: str | None = None) -> Path:
    """A Fujifilm RAF: its header, a JPEG preview carrying the camera's EXIF at the offset the header names
    (byte 84; its length at 88), then a sensor-data header and the sensor data (offsets at 92 and 100)."""
    preview = jpeg((48, 32), (200, sum(_stamp(taken).encode()) % 256, 20),
                   exif(make=make, model=model, taken=taken, offset=offset, serial=serial))
    raw = sensor(24, 16, _stamp(taken))
    cfa_header = struct.pack(">I", 1) + struct.pack(">HHHH", 0x0100, 4, 16, 24)  # one record: the raw's size
    start = 148
    cfa_header_at = start + len(preview)
    header = (b"FUJIFILMCCD-RAW " + b"0201" + b"FF129502" + model.encode()[:31].ljust(32, b"\x00") + b"0100"
              + b"\x00" * 20 + struct.pack(">6I", start, len(preview), cfa_header_at, len(cfa_header),
                                            cfa_header_at + len(cfa_header), len(raw)))
    return _write(path, header.ljust(start, b"\x00") + preview + cfa_header + raw)
