"""Read ESC/POS bytes back into what a printer would put on paper.

This is the other half of the preview: ``send("preview:tags.png", job)`` gets
only bytes, so it reads them the way a printer does and draws the result
(:mod:`labels.preview`). Reading the job itself, rather than drawing the
same data a second way, means the preview shows exactly what was sent.

It knows the commands python-escpos writes for this project's layouts (text
and its styles, code pages, ``GS v 0`` raster images, ``GS ( k`` QR codes,
feeds and cuts) and raises ValueError on anything else, so a layout that
starts sending something new is caught by the tests rather than drawn wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

ESC, GS, FS, LF, CR = 0x1B, 0x1D, 0x1C, 0x0A, 0x0D
_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


@dataclass(frozen=True)
class Style:
    bold: bool = False
    underline: bool = False
    width: int = 1  # character width multiplier
    height: int = 1  # character height multiplier
    font: int = 0
    invert: bool = False


@dataclass
class TextLine:
    """One printed line: runs of text with their style, and the justification it was printed with."""

    runs: list[tuple[str, Style]] = field(default_factory=list)
    align: str = "left"

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.runs)

    @property
    def cells(self) -> int:
        """Width in normal-font character cells (double width counts twice)."""
        return sum(len(text) * style.width for text, style in self.runs)

    @property
    def height(self) -> int:
        return max((style.height for _, style in self.runs), default=1)


@dataclass
class RasterImage:
    """A ``GS v 0`` block: ``image`` is mode "1", black where the printer burns a dot."""

    image: Image
    align: str = "left"


@dataclass
class NativeQR:
    """A ``GS ( k`` QR code printed by the printer itself."""

    data: str
    module_dots: int
    error_correction: str  # "L", "M", "Q" or "H"
    align: str = "left"


@dataclass
class Feed:
    dots: int


@dataclass
class Cut:
    partial: bool


Block = TextLine | RasterImage | NativeQR | Feed | Cut


def read_job(data: bytes, profile: str | None = None) -> list[Block]:
    """The blocks of a job in paper order. ``profile``: the python-escpos profile, for its code pages.

    Raises ValueError naming the byte offset of anything it does not know.
    """
    pages = _code_pages(profile)
    blocks: list[Block] = []
    style = Style()
    align = "left"
    line = TextLine(align=align)
    decode = pages.get(0, _ascii_only)
    qr_data, qr_size, qr_ec = b"", 3, "L"
    pending = bytearray()
    i, end = 0, len(data)

    def flush_text() -> None:
        if pending:
            line.runs.append((decode(bytes(pending)), style))
            pending.clear()

    def new_style(**changes) -> None:
        nonlocal style
        flush_text()
        style = replace(style, **changes)

    def print_line() -> None:
        nonlocal line
        flush_text()
        blocks.append(line)
        line = TextLine(align=align)

    def need(count: int, at: int) -> None:
        if at + count > end:
            raise ValueError(f"The ESC/POS job ends inside a command at byte {at}.")

    while i < end:
        b = data[i]
        if b == LF:
            print_line()
            i += 1
        elif b == CR:
            i += 1
        elif b >= 0x20 and b != 0x7F:
            if not line.runs and not pending:
                line.align = align
            pending.append(b)
            i += 1
        elif b == ESC:
            need(2, i)
            cmd = data[i + 1]
            if cmd == ord("@"):
                flush_text()
                style, align, decode = Style(), "left", pages.get(0, _ascii_only)
                line.align = align
                i += 2
            elif cmd in b"!EG-Mat{dJ3=":
                need(3, i)
                n = data[i + 2]
                if cmd == ord("!"):
                    new_style(font=n & 1, bold=bool(n & 8), height=2 if n & 16 else 1,
                              width=2 if n & 32 else 1, underline=bool(n & 128))
                elif cmd in b"EG":
                    new_style(bold=bool(n & 1))
                elif cmd == ord("-"):
                    new_style(underline=n in (1, 2, 49, 50))
                elif cmd == ord("M"):
                    new_style(font=n & 1)
                elif cmd == ord("a"):
                    align = _ALIGN.get(n, "left")
                    if not line.runs and not pending:
                        line.align = align
                elif cmd == ord("t"):
                    flush_text()
                    decode = pages.get(n, _ascii_only)
                elif cmd == ord("d"):  # print the line, then feed: n line feeds in all
                    for _ in range(n or (1 if line.runs or pending else 0)):
                        print_line()
                elif cmd == ord("J"):
                    if line.runs or pending:
                        print_line()
                    blocks.append(Feed(n))
                i += 3  # ESC { (upside down), ESC 3 (line spacing), ESC = (select device): nothing to draw
            elif cmd == ord("2"):
                i += 2
            else:
                raise ValueError(f"Unknown ESC/POS command ESC 0x{cmd:02x} at byte {i}.")
        elif b == GS:
            need(2, i)
            cmd = data[i + 1]
            if cmd in b"!Bb|":
                need(3, i)
                n = data[i + 2]
                if cmd == ord("!"):
                    new_style(width=(n >> 4) + 1, height=(n & 15) + 1)
                elif cmd == ord("B"):
                    new_style(invert=bool(n & 1))
                i += 3
            elif cmd == ord("V"):
                need(3, i)
                m = data[i + 2]
                if line.runs or pending:
                    print_line()
                blocks.append(Cut(partial=m in (1, 49, 66)))
                i += 4 if m in (65, 66) else 3
            elif cmd == ord("v"):
                need(8, i)
                if data[i + 2] != ord("0"):
                    raise ValueError(f"Unknown ESC/POS command GS v 0x{data[i + 2]:02x} at byte {i}.")
                width_bytes = data[i + 4] | data[i + 5] << 8
                height = data[i + 6] | data[i + 7] << 8
                size = width_bytes * height
                need(8 + size, i)
                if line.runs or pending:
                    print_line()
                blocks.append(RasterImage(raster_image(width_bytes, height, data[i + 8 : i + 8 + size]), align))
                i += 8 + size
            elif cmd == ord("(") and data[i + 2 : i + 3] == b"k":
                need(5, i)
                length = data[i + 3] | data[i + 4] << 8
                need(5 + length, i)
                body = data[i + 5 : i + 5 + length]
                cn, fn = body[0], body[1]
                if cn != ord("1"):
                    raise ValueError(f"Unknown 2D code type 0x{cn:02x} at byte {i}.")
                if fn == 67:
                    qr_size = body[2]
                elif fn == 69:
                    qr_ec = "LMQH"[body[2] - 48]
                elif fn == 80:
                    qr_data = body[3:]
                elif fn == 81:
                    if line.runs or pending:
                        print_line()
                    blocks.append(NativeQR(qr_data.decode("utf-8", "replace"), qr_size, qr_ec, align))
                i += 5 + length
            else:
                raise ValueError(f"Unknown ESC/POS command GS 0x{cmd:02x} at byte {i}.")
        else:
            raise ValueError(f"Unknown control byte 0x{b:02x} at byte {i} of the ESC/POS job.")
    if line.runs or pending:
        print_line()
    return blocks


def raster_image(width_bytes: int, height: int, bits: bytes) -> Image:
    """A ``GS v 0`` bitmap (rows of bytes, most significant bit leftmost, 1 = dot) as a PIL image, black = dot."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    dots = PILImage.frombytes("1", (width_bytes * 8, height), bytes(bits))  # in mode "1" a set bit is white
    return ImageOps.invert(dots.convert("L")).convert("1")


def text_lines(blocks: list[Block]) -> list[TextLine]:
    return [block for block in blocks if isinstance(block, TextLine)]


def _ascii_only(raw: bytes) -> str:
    return "".join(chr(b) if b < 0x80 else "?" for b in raw)


def _code_pages(profile: str | None) -> dict[int, object]:
    """Slot number -> a function decoding that code page, from python-escpos's printer database."""
    from escpos.capabilities import get_profile
    from escpos.codepages import CodePages

    pages = {}
    for name, slot in get_profile(profile).get_code_pages().items():
        try:
            info = CodePages.get_encoding(name)
        except KeyError:
            continue
        if "data" in info:
            upper = "".join(info["data"])
        elif "python_encode" in info:
            upper = "".join(_one_byte(b, info["python_encode"]) for b in range(128, 256))
        else:
            continue
        pages[int(slot)] = _decoder(upper)
    return pages


def _one_byte(b: int, codec: str) -> str:
    try:
        return bytes([b]).decode(codec)
    except (UnicodeDecodeError, LookupError):
        return "?"


def _decoder(upper: str):
    table = {128 + i: ch for i, ch in enumerate(upper)}

    def decode(raw: bytes) -> str:
        return "".join(chr(b) if b < 0x80 else table.get(b, "?") for b in raw)

    return decode
