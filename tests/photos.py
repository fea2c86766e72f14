"""Real photos for tests: small JPEGs (Pillow) and HEICs (pillow-heif) carrying the EXIF a camera writes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PIL import Image

MAKE, MODEL, EXIF_IFD = 0x010F, 0x0110, 0x8769
ORIGINAL, OFFSET_ORIGINAL, BODY_SERIAL = 0x9003, 0x9011, 0xA431


def exif(make: str | None = None, model: str | None = None, taken: datetime | str | None = None,
         offset: str | None = None, serial: str | None = None) -> Image.Exif:
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
    return data


def photo(path: Path, *, make: str | None = None, model: str | None = None, taken: datetime | str | None = None,
          offset: str | None = None, serial: str | None = None, size: tuple[int, int] = (48, 32),
          colour: tuple[int, int, int] = (200, 120, 40)) -> Path:
    """Write a real image (JPEG or, for .heic, HEIC) with that EXIF; no EXIF at all when every field is None."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, colour)
    fields = (make, model, taken, offset, serial)
    extra = {"exif": exif(make, model, taken, offset, serial).tobytes()} if any(f is not None for f in fields) else {}
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
