"""What goes on paper: tags, the end-of-day list, the do-not-photograph slip, the check-in receipt.

Each ``*_job`` function takes plain data and returns the ESC/POS bytes of one
print job, ready for :func:`labels.printers.send`. The bytes are made with
python-escpos's ``Dummy`` printer under the paper's printer profile, so a
QR is sent as a native ``GS ( k`` symbol where the profile supports it and as
a ``GS v 0`` raster image otherwise.

R5 (no full names next to pictures of pupils): these layouts print only what
they are given, so the caller passes a pupil as first name, surname initial and
class ("Amira K. 6A"). As a last guard, any text that contains something shaped
like a UPN (a letter, 11 digits and a digit or letter: 13 characters) is
refused with :class:`UnsafeText` before anything is made.

Text is cleaned before it is printed: control characters become spaces (a
name cannot smuggle in a printer command), characters the printer's code
pages lack lose their accents or become ``?``, and every line is wrapped or
shortened to the paper's columns.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from tagcodes import parse_code

if TYPE_CHECKING:
    from escpos.escpos import Escpos


# --- Paper ---------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """A receipt printer and its paper.

    ``columns``: characters per line in the normal font (font A, 12 dots wide);
    ``dots``: printable width; ``module_dots``: QR module size in printer dots.
    ``native_qr`` and ``cutter`` left as None follow the python-escpos profile
    (features ``qrCode`` and ``paperFullCut``/``paperPartCut``).
    """

    name: str
    columns: int
    dots: int
    dpi: int
    escpos_profile: str
    module_dots: int
    native_qr: bool | None = None
    cutter: bool | None = None

    @property
    def module_mm(self) -> float:
        """The printed size of one QR module, in millimetres."""
        return self.module_dots * 25.4 / self.dpi


# Module size: a version 1 tag QR is 21 modules plus a 4-module quiet zone each
# side. At about 1 mm a module (8 dots at 203 dpi, 7 dots at 180 dpi) the symbol
# is 21 mm across (29 mm with its margins, well inside 48 mm of 58 mm paper):
# hand-held imagers read 0.25 mm modules, so 1 mm leaves room for thermal dot
# gain, fading and a scuffed pouch, and a phone camera reads it from 30 cm.
PAPER: dict[str, Paper] = {
    "80mm": Paper("80mm", columns=42, dots=512, dpi=180, escpos_profile="TM-T88V", module_dots=7),
    "58mm": Paper("58mm", columns=32, dots=384, dpi=203, escpos_profile="POS-5890", module_dots=8),
}
DEFAULT_PAPER = PAPER["80mm"]


def paper_named(name: str) -> Paper:
    """The paper profile called ``name`` ("80mm" or "58mm"); ValueError with a sentence otherwise."""
    key = name.strip().lower().replace(" ", "")
    if key in PAPER:
        return PAPER[key]
    raise ValueError(f"“{name}” is not a paper size the kiosk knows: use {' or '.join(PAPER)}.")


# --- What is printed -------------------------------------------------------------


class UnsafeText(ValueError):
    """Text that must never be printed (R5); the message is a sentence for a teacher."""


_UPN_LIKE = re.compile(r"(?<![0-9A-Za-z])[A-Za-z][0-9]{11}[0-9A-Za-z](?![0-9A-Za-z])")


def check_printable(text: str | None) -> None:
    """Raise :class:`UnsafeText` if ``text`` holds a UPN-like token (13 characters: a letter, 11 digits, one more).

    Full-width digits count as digits, and invisible characters (which are never
    printed) do not break a token.
    """
    if not text:
        return
    visible = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] != "C"
                      or ch in "\t\n\r")
    if _UPN_LIKE.search(visible):
        raise UnsafeText("That text looks like it holds a pupil's UPN, which is never printed: "
                         "print the first name, surname initial and class instead.")


class _Checked:
    """Every text field is checked by :func:`check_printable` when the object is made."""

    def __post_init__(self) -> None:
        for field in fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, str):
                check_printable(value)


@dataclass(frozen=True)
class TagLabel(_Checked):
    """One tag: the QR of ``code`` with ``heading`` above it and the code in large type under it.

    ``heading``: a phone's "Amira K. 6A" (R5: first name, surname initial, class),
    a device's asset number and name, a location's name, or a badge's staff code
    and name. ``detail``: a phone's description or a device's name, printed small.
    ``code`` is any tag code form the kiosk accepts; it is stored in its printed form.
    """

    code: str
    heading: str
    detail: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", parse_code(self.code)[1])
        super().__post_init__()


@dataclass(frozen=True)
class HeldLine(_Checked):
    """A phone still held, for the end-of-day list: ``since`` and ``status`` as they should read."""

    location: str
    pupil: str
    class_name: str
    since: str
    status: str = ""
    description: str = ""  # the phone, e.g. "white Samsung": which pouch to look for
    code: str = ""  # its tag code, printed as on the tag


@dataclass(frozen=True)
class NoPhotoLine(_Checked):
    """A pupil who must not be photographed, and what the parents refused ("Photos in school, Website")."""

    pupil: str
    refused: str


@dataclass(frozen=True)
class CheckInReceipt(_Checked):
    """A receipt for a phone checked in: who, where it is kept, when, and its tag code."""

    pupil: str
    class_name: str
    location: str
    at: str
    code: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", parse_code(self.code)[1])
        super().__post_init__()


# --- Jobs ------------------------------------------------------------------------


def tags_job(tags: Iterable[TagLabel], paper: Paper = DEFAULT_PAPER) -> bytes:
    """One job printing each tag in turn, each ending with a cut (or a tear line where there is no cutter).

    A tag: heading (bold, tall), detail, the QR, and the code in large bold type
    under it. Raises ValueError if ``tags`` is empty.
    """
    sheet = _Sheet(paper)
    count = 0
    for tag in tags:
        sheet.text(tag.heading, bold=True, size="tall", align="center", max_lines=3)
        if tag.detail:
            sheet.text(tag.detail, align="center", max_lines=2)
        sheet.qr(tag.code)
        sheet.text(tag.code, bold=True, size="big", align="center", max_lines=1)
        sheet.end_piece()
        count += 1
    if not count:
        raise ValueError("There are no tags to print.")
    return sheet.output()


def still_held_job(title: str, lines: Sequence[HeldLine], paper: Paper = DEFAULT_PAPER) -> bytes:
    """The end-of-day list of phones still held, grouped by location in the order given.

    ``title`` e.g. "Phones still held, Tue 10 Nov 15:40". Each phone: pupil and
    class with "since HH:MM" on the right, then (indented) its description and
    tag code, and its status.
    """
    sheet = _Sheet(paper)
    sheet.text(title, bold=True, size="tall", align="center", max_lines=3)
    sheet.blank()
    locations: dict[str, list[HeldLine]] = {}
    for line in lines:
        locations.setdefault(line.location, []).append(line)
    for location, held in locations.items():
        sheet.text(location, bold=True, underline=True, max_lines=2)
        for line in held:
            sheet.row(f"{line.pupil} {line.class_name}", f"since {line.since}" if line.since else "")
            # The code first: it is short and never split by the wrap; a long description wraps after it.
            phone = " · ".join(part for part in (f"tag {line.code}" if line.code else "", line.description) if part)
            if phone:
                sheet.text(phone, indent=2, max_lines=2)
            if line.status:
                sheet.text(line.status, indent=2, max_lines=2)
        sheet.blank()
    count = len(lines)
    sheet.text("No phones are still held." if not count else
               f"{count} phone{'s' if count != 1 else ''} still held.", bold=True)
    sheet.end_piece()
    return sheet.output()


def no_photo_slip_job(
    class_name: str,
    lines: Sequence[NoPhotoLine],
    paper: Paper = DEFAULT_PAPER,
    *,
    device: str | None = None,
    at: str | None = None,
    not_published: Sequence[NoPhotoLine] = (),
) -> bytes:
    """The do-not-photograph slip for a class, printed when a camera or iPad is lent.

    ``lines``: the pupils who must not be photographed (first name and surname
    initial) with what was refused; ``device`` and ``at`` (both optional) say
    which device the slip goes with and when it was lent; ``not_published``: the
    pupils who may be photographed but whose photos must not go on the places
    named (Website, Social Media, Press), as the kiosk's screen lists them.
    """
    sheet = _Sheet(paper)
    sheet.text("DO NOT PHOTOGRAPH", bold=True, size="tall", align="center", max_lines=2)
    sheet.text(f"Class {class_name}", bold=True, size="tall", align="center", max_lines=2)
    for note in (device, at):
        if note:
            sheet.text(note, align="center", max_lines=2)
    sheet.blank()
    if not lines:
        sheet.text(f"No pupil in {class_name} is on the do-not-photograph list.", max_lines=3)
    for line in lines:
        sheet.text(line.pupil, bold=True, max_lines=2)
        sheet.text(f"Not for: {line.refused}", indent=2, max_lines=3)
    if not_published:
        sheet.blank()
        sheet.text("May be photographed, but the images must not go on:", bold=True, max_lines=3)
        for line in not_published:
            sheet.text(line.pupil, bold=True, max_lines=2)
            sheet.text(f"Not on: {line.refused}", indent=2, max_lines=3)
    sheet.blank()
    sheet.text("Keep this slip with the device and shred it when the device comes back.", max_lines=3)
    sheet.end_piece()
    return sheet.output()


def check_in_receipt_job(receipt: CheckInReceipt, paper: Paper = DEFAULT_PAPER) -> bytes:
    """A short receipt for a phone checked in: pupil and class, where it is kept, when, and its tag."""
    sheet = _Sheet(paper)
    sheet.text("Phone checked in", bold=True, size="tall", align="center", max_lines=1)
    sheet.blank()
    sheet.text(f"{receipt.pupil} {receipt.class_name}", bold=True, max_lines=2)
    sheet.text(f"Kept in: {receipt.location}", max_lines=2)
    sheet.text(f"At: {receipt.at}", max_lines=2)
    sheet.text(f"Tag: {receipt.code}", max_lines=1)
    sheet.end_piece()
    return sheet.output()


# --- Writing ESC/POS ------------------------------------------------------------------

_GS_CUT_FULL = b"\x1dV\x00"
_RASTER_FRAGMENT = 960  # rows per GS v 0 command, python-escpos's default
_TEAR_FEED_LINES = 4  # from the print head up to a 58 mm printer's tear bar
_SIZES = {  # name -> (python-escpos set() arguments, width multiplier)
    "normal": ({"normal_textsize": True}, 1),
    "tall": ({"double_height": True}, 1),
    "big": ({"double_width": True, "double_height": True}, 2),
}
_ENCODABLE: dict[tuple[str, str], bool] = {}


class _Sheet:
    """A Dummy printer plus the paper's rules: columns, QR kind, cut or tear."""

    def __init__(self, paper: Paper) -> None:
        from escpos.printer import Dummy  # python-escpos costs ~0.3 s to import: only when printing

        self.paper = paper
        self.printer: Escpos = Dummy(profile=paper.escpos_profile)
        profile = self.printer.profile
        self.native_qr = profile.supports("qrCode") if paper.native_qr is None else paper.native_qr
        can_cut = profile.supports("paperFullCut") or profile.supports("paperPartCut")
        self.cutter = can_cut if paper.cutter is None else paper.cutter
        self.cut_by_profile = can_cut
        self.printer.hw("INIT")
        # Start from CP437, the usual power-on table; MagicEncode switches only for letters it lacks.
        if "CP437" in self.printer.magic.encoder.codepages:
            self.printer.magic.write_with_encoding("CP437", None)

    def output(self) -> bytes:
        return self.printer.output

    def text(self, text: str | None, *, bold: bool = False, underline: bool = False, size: str = "normal",
             align: str = "left", indent: int = 0, max_lines: int = 4) -> None:
        """Print ``text`` wrapped to the columns left at this size (at most ``max_lines``, the last shortened)."""
        check_printable(text)
        arguments, widen = _SIZES[size]
        width = self.paper.columns // widen - indent
        printed = self._for_printer(_clean(text))
        check_printable(printed)  # what reaches the paper, after accents and look-alikes are folded
        lines = _fit(printed, width, max_lines)
        if not lines:
            return
        self.printer.set(align=align, bold=bold, underline=1 if underline else 0, **arguments)
        for line in lines:
            self.printer.textln(" " * indent + line)
        self.printer.set(normal_textsize=True, bold=False, underline=0, align="left")

    def row(self, left: str, right: str) -> None:
        """``left`` and ``right`` on one line when both fit, else ``left`` wrapped and ``right`` under it, on the
        right."""
        left = self._for_printer(_clean(left))
        right = self._for_printer(_clean(right))[: self.paper.columns]
        check_printable(f"{left} {right}")
        columns = self.paper.columns
        if right and len(left) + 1 + len(right) <= columns:
            self.printer.textln(left + " " * (columns - len(left) - len(right)) + right)
            return
        for line in _fit(left, columns, 2):
            self.printer.textln(line)
        if right:
            self.printer.textln(right.rjust(columns))

    def blank(self, count: int = 1) -> None:
        self.printer.ln(count)

    def qr(self, code: str) -> None:
        """The QR of ``code``, centred, error correction H, ``paper.module_dots`` dots a module."""
        from escpos.constants import QR_ECLEVEL_H

        if self.native_qr:
            # The printer adds no quiet zone: a blank line above and two below give >= 4 modules.
            self.printer.ln()
            self.printer.set(align="center")
            self.printer.qr(code, ec=QR_ECLEVEL_H, size=self.paper.module_dots, native=True)
            self.printer.ln(2)
            self.printer.set(align="left")
        else:
            from labels.qr import qr_matrix

            # Our symbol carries its own 4-module quiet zone (python-escpos's qr() gives only 1).
            self.printer._raw(raster_command(qr_matrix(code), self.paper.module_dots, self.paper.dots))

    def end_piece(self) -> None:
        """End a tag or receipt: cut it off, or print a tear line where the printer has no cutter."""
        if self.cutter and self.cut_by_profile:
            self.printer.cut()
        elif self.cutter:
            self.printer.print_and_feed(6)
            self.printer._raw(_GS_CUT_FULL)  # the profile does not list a cutter, the paper says there is one
        else:
            self.printer.ln()
            self.printer.textln("- " * (self.paper.columns // 2 - 1) + "-")
            self.printer.print_and_feed(_TEAR_FEED_LINES)

    def _for_printer(self, text: str) -> str:
        """Each character the printer's code pages can print, else its unaccented letters, else "?"."""
        profile = self.paper.escpos_profile
        encoder = self.printer.magic.encoder
        out = []
        for ch in text:
            if ch < "\x80":
                out.append(ch)
                continue
            key = (profile, ch)
            if key not in _ENCODABLE:
                _ENCODABLE[key] = any(encoder.can_encode(page, ch) for page in encoder.codepages)
            if _ENCODABLE[key]:
                out.append(ch)
                continue
            base = "".join(part for part in unicodedata.normalize("NFKD", ch)
                           if unicodedata.category(part)[0] != "M")
            if base and all(b < "\x80" or any(encoder.can_encode(page, b) for page in encoder.codepages)
                            for b in base):
                out.append(base)
            elif unicodedata.category(ch)[0] != "M":
                out.append("?")
        return "".join(out)


def raster_command(matrix: list[list[bool]], scale: int, width: int) -> bytes:
    """``GS v 0`` commands printing ``matrix`` (True = dot) centred on ``width`` dots, ``scale`` dots a module.

    Byte for byte what python-escpos's ``image(qr_png(code, scale), center=True)``
    sends (a test holds it to that), made straight from the modules: it skips
    four PIL conversions a tag, a third of the time of the whole school's
    58 mm tags. Tall images go in fragments of 960 rows, as python-escpos does.
    """
    size = len(matrix[0]) * scale
    width_bytes = (width + 7) // 8
    shift = width_bytes * 8 - (width - size) // 2 - size
    if shift < 0:
        raise ValueError(f"The QR code is {size} dots wide, wider than the paper's {width} dots.")
    module = (1 << scale) - 1
    rows = []
    for row in matrix:
        bits = 0
        for dark in row:
            bits = (bits << scale) | (module if dark else 0)
        rows.extend([(bits << shift).to_bytes(width_bytes, "big")] * scale)
    commands = []
    for start in range(0, len(rows), _RASTER_FRAGMENT):
        fragment = rows[start : start + _RASTER_FRAGMENT]
        commands.append(b"\x1dv0\x00" + width_bytes.to_bytes(2, "little") + len(fragment).to_bytes(2, "little"))
        commands.extend(fragment)
    return b"".join(commands)


def _clean(text: str | None) -> str:
    """One line of plain text: no control or invisible characters, single spaces."""
    if not text:
        return ""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        kind = unicodedata.category(ch)
        if kind in ("Cc", "Zs", "Zl", "Zp"):
            out.append(" ")
        elif kind[0] != "C":  # format, private-use, unassigned and surrogate characters are dropped
            out.append(ch)
    return " ".join("".join(out).split())


def _fit(text: str, width: int, max_lines: int) -> list[str]:
    """``text`` wrapped to ``width`` columns, at most ``max_lines`` lines, the last ending "..." if cut short."""
    if not text or width < 1:
        return []
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 3, 0)].rstrip() + "..."
        lines[-1] = lines[-1][:width]
    return lines
