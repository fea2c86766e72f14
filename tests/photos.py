"""Real photos and videos for tests: JPEGs (Pillow) and HEICs (pillow-heif) carrying the EXIF a camera writes,
and MP4/MOV/3GP files as real box structures (a MOV as old QuickTime writes it starts with ``moov``, no
``ftyp``: ``video(..., ftyp=False)``).

Raw stills (CR2, CR3, NEF, DNG, RW2, ORF, ARW, PEF, RAF) are made in ``tests/raw_files.py``, from the formats'
public descriptions: the repository holds no camera's or other project's files, only code that writes
them. Real camera files are checked only when someone puts them beside the repository (see the end of
tests/unit/test_photo_kinds.py).
"""

from __future__ import annotations

import builtins
import struct
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image

MAKE, MODEL, EXIF_IFD = 0x010F, 0x0110, 0x8769
ORIGINAL, OFFSET_ORIGINAL, SUBSEC_ORIGINAL, BODY_SERIAL = 0x9003, 0x9011, 0x9291, 0xA431


def exif(make: str | None = None, model: str | None = None, taken: datetime | str | None = None,
         offset: str | None = None, serial: str | None = None, subsec: str | None = None) -> Image.Exif:
    """EXIF as a camera writes it: Make and Model in IFD0; capture time, its offset and body serial in the Exif IFD.

    ``taken``: a naive datetime (the camera's clock) or the EXIF text itself.
    """
    data = Image.Exif()
    if make is not None:
        data[MAKE] = make
    if model is not None:
        data[MODEL] = model
    sub = data.get_ifd(EXIF_IFD)
    if taken is not None:
        sub[ORIGINAL] = taken if isinstance(taken, str) else taken.strftime("%Y:%m:%d %H:%M:%S")
    if offset is not None:
        sub[OFFSET_ORIGINAL] = offset
    if serial is not None:
        sub[BODY_SERIAL] = serial
    if subsec is not None:
        sub[SUBSEC_ORIGINAL] = subsec
    return data


def photo(path: Path, *, make: str | None = None, model: str | None = None, taken: datetime | str | None = None,
          offset: str | None = None, serial: str | None = None, subsec: str | None = None,
          size: tuple[int, int] = (48, 32), colour: tuple[int, int, int] = (200, 120, 40)) -> Path:
    """Write a real image (JPEG or, for .heic, HEIC) with that EXIF; no EXIF at all when every field is None."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, colour)
    fields = (make, model, taken, offset, serial, subsec)
    extra = {"exif": exif(*fields).tobytes()} if any(f is not None for f in fields) else {}
    if path.suffix.lower() in (".heic", ".heif"):
        import pillow_heif

        pillow_heif.register_heif_opener()
        image.save(path, format="HEIF", quality=50, **extra)
    else:
        image.save(path, format="JPEG", quality=80, **extra)
    return path


def ipad(path: Path, taken: datetime | str, offset: str | None = None) -> Path:
    """A photo as the school's iPads write it: Apple, the model, no serial number."""
    return photo(path, make="Apple", model="iPad (9th generation)", taken=taken, offset=offset)


def canon(path: Path, taken: datetime | str, serial: str = "012345678901", offset: str | None = None) -> Path:
    """A photo from a Canon EOS 2000D: the model is written with the make in front, and a body serial."""
    return photo(path, make="Canon", model="Canon EOS 2000D", taken=taken, offset=offset, serial=serial)


def personal_phone(path: Path, taken: datetime | str) -> Path:
    """A photo from someone's own phone: a model the school does not own."""
    return photo(path, make="samsung", model="SM-S918B", taken=taken, offset="+00:00")


def box(kind: bytes, content: bytes = b"", *, large: bool = False) -> bytes:
    """One ISO box: size, type, content (``large``: the 64-bit size form)."""
    if large:
        return struct.pack(">I4sQ", 1, kind, 16 + len(content)) + content
    return struct.pack(">I4s", 8 + len(content), kind) + content


def movie_header(created: datetime | None, *, version: int = 0) -> bytes:
    """An ``mvhd`` box: creation and modification time in seconds since 1904-01-01 UTC (0: none)."""
    seconds = 0 if created is None else int((created - datetime(1904, 1, 1, tzinfo=timezone.utc)).total_seconds())
    times = struct.pack(">QQIQ", seconds, seconds, 600, 0) if version == 1 else struct.pack(">IIII", seconds,
                                                                                           seconds, 600, 0)
    rest = struct.pack(">IH10x36sII", 0x00010000, 0x0100, b"\x00" * 36, 0, 2) + b"\x00" * 16
    return box(b"mvhd", bytes([version, 0, 0, 0]) + times + rest)


def video(path: Path, created: datetime | None, *, brand: bytes = b"qt  ", version: int = 0, moov_last: bool = False,
          media: bytes = b"\x00" * 64, ftyp: bool = True) -> Path:
    """A real MP4/MOV/3GP container: ``ftyp``, ``moov``/``mvhd`` and ``mdat`` (``moov_last``: after the media,
    as cameras that write as they record leave it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    head = box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"isom") if ftyp else b""
    moov = box(b"moov", movie_header(created, version=version))
    parts = [head, box(b"mdat", media), moov] if moov_last else [head, moov, box(b"mdat", media)]
    path.write_bytes(b"".join(parts))
    return path


def count_reads(monkeypatch, module) -> list[int]:
    """The sizes of the reads ``module`` makes through ``open`` from now on (the test's monkeypatch undoes it)."""
    read: list[int] = []
    real_open = builtins.open

    class Counting:
        def __init__(self, handle):
            self.handle = handle

        def read(self, size=-1):
            data = self.handle.read(size)
            read.append(len(data))
            return data

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(module, "open", lambda path, mode="r": Counting(real_open(path, mode)), raising=False)
    return read
