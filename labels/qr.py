"""QR codes for tags: the module matrix, a PNG-ready image, and a terminal drawing.

The payload is exactly the tag code text (``P-K3M9-QXT``): upper-case letters,
digits and ``-`` go in the QR alphanumeric mode, so a 10-character code fits
a version 1 symbol (21 x 21 modules) even at error correction H.

Error correction is **H** (about 30 % of the symbol can be lost): for a
10-character code it costs nothing, since M and H both give version 1, and a
tag lives on a scuffed phone pouch or a fading thermal label.

The quiet zone is the standard 4 modules on every side and is part of every
rendering here (matrix, image, terminal), so a caller never has to add one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import qrcode
from qrcode import util as _qrutil
from qrcode.constants import ERROR_CORRECT_H

if TYPE_CHECKING:  # PIL is imported when an image is asked for
    from PIL.Image import Image

ERROR_CORRECTION = "H"
QUIET_ZONE = 4  # modules of light margin on every side (ISO/IEC 18004)
_EC = ERROR_CORRECT_H


def qr_matrix(code: str, *, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The QR symbol for ``code`` as rows of modules, True = dark, quiet zone included.

    Error correction H; the result is square, ``21 + 2 * border`` wide for a tag code.
    Each call returns fresh lists the caller may change.
    """
    qr = qrcode.QRCode(error_correction=_EC, border=border, box_size=1)
    qr.add_data(code)
    qr.best_fit()
    qr.makeImpl(False, _best_mask(qr))
    return [list(map(bool, row)) for row in qr.get_matrix()]


def qr_png(code: str, scale: int = 8, *, border: int = QUIET_ZONE) -> Image:
    """The QR as a black-and-white PIL image (mode "1"), ``scale`` pixels per module.

    At ``scale`` = the printer's dots per module this is exactly what a raster
    printer prints; ``image.save(path)`` makes a PNG.
    """
    from PIL import Image as PILImage

    if scale < 1:
        raise ValueError("scale must be at least 1 pixel per module")
    matrix = qr_matrix(code, border=border)
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = PILImage.frombytes("L", (size, size), pixels)
    return small.resize((size * scale, size * scale), PILImage.Resampling.NEAREST).convert(
        "1", dither=PILImage.Dither.NONE
    )


# Two module rows per text line: (top lit, bottom lit) -> character.
_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def qr_halfblocks(code: str, *, dark_background: bool = True, border: int = QUIET_ZONE) -> str:
    """The QR drawn with ``▀ ▄ █`` and spaces, two module rows per line, lines joined by ``\\n``.

    A block character is lit in the terminal's foreground colour and a space
    shows the background. On a dark-background terminal (the default) the
    *light* modules and the quiet zone are drawn as blocks and the dark
    modules are left as spaces, so the screen shows dark modules on a light
    square, which is what a phone camera or scanner expects. Pass
    ``dark_background=False`` for dark text on a light background. Show it
    in a widget with explicit colours (e.g. white on black) so a theme
    cannot invert it, and without line spacing: a terminal cell is about
    twice as tall as wide, so each module comes out square. An odd number of
    module rows leaves the bottom half of the last line unlit.
    """
    matrix = qr_matrix(code, border=border)
    lit = [[dark != dark_background for dark in row] for row in matrix]
    if len(lit) % 2:
        lit.append([False] * len(lit[0]))
    return "\n".join(
        "".join(_HALF_BLOCKS[top, bottom] for top, bottom in zip(lit[r], lit[r + 1]))
        for r in range(0, len(lit), 2)
    )


# --- Choosing the mask -----------------------------------------------------------------
# qrcode picks the mask by building all eight candidate symbols and scoring them
# in pure Python: about 90 % of its time for a small code. We score the same
# eight candidates with the same four ISO/IEC 18004 penalty rules (as qrcode's
# util.lost_point computes them) on integer bitmaps and strings, then let qrcode
# build the one chosen. The result is identical to qrcode's own make(), checked by
# tests/unit/test_labels_qr.py, and about twice as fast, which the whole
# school's 58 mm tags need (bench/tags_render.py).

_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")
_LAYOUTS: dict[int, tuple[int, int, list[int], list[int], int]] = {}


def _layout(qr: qrcode.QRCode) -> tuple[int, int, list[int], list[int], int]:
    """Per version: size, function patterns as a bitmap, data-module bits in placement order, masks, 2x2 window."""
    version = qr.version
    if version in _LAYOUTS:
        return _LAYOUTS[version]
    n = version * 4 + 17
    # The same function patterns as qrcode's makeImpl(test=True): format and version areas light.
    qr.modules_count = n
    qr.modules = [[None] * n for _ in range(n)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(n - 7, 0)
    qr.setup_position_probe_pattern(0, n - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(True, 0)
    if version >= 7:
        qr.setup_type_number(True)
    top = n * n - 1

    def bit(row: int, col: int) -> int:
        return 1 << (top - (row * n + col))

    blank = 0
    for r, row in enumerate(qr.modules):
        for c, module in enumerate(row):
            if module:
                blank |= bit(r, c)
    # The zig-zag placement of qrcode's map_data.
    cells: list[tuple[int, int]] = []
    row, step = n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if qr.modules[row][c] is None:
                    cells.append((row, c))
            row += step
            if row < 0 or row >= n:
                row -= step
                step = -step
                break
    order = [bit(r, c) for r, c in cells]
    masks = []
    for pattern in range(8):
        flips = _qrutil.mask_func(pattern)
        masks.append(sum(b for b, (r, c) in zip(order, cells) if flips(r, c)))
    window = sum(bit(r, c) for r in range(1, n) for c in range(1, n))
    qr.modules = None
    _LAYOUTS[version] = (n, blank, order, masks, window)
    return _LAYOUTS[version]


def _penalty(symbol: int, n: int, window: int) -> int:
    text = format(symbol, f"0{n * n}b")
    lines = "|".join([text[i : i + n] for i in range(0, n * n, n)] + [text[c::n] for c in range(n)])
    runs = _RUNS.findall(lines)
    score = sum(map(len, runs)) - 2 * len(runs)  # N1: 3 + (length - 5) per run of 5 or more
    score += 40 * len(_FINDER_LIKE.findall(lines))  # N3: finder-like 1:1:3:1:1 with 4 light
    same_as_above = ~(symbol ^ (symbol >> n))
    same_as_left = ~(symbol ^ (symbol >> 1))
    score += 3 * (same_as_above & (same_as_above >> 1) & same_as_left & window).bit_count()  # N2: 2x2 blocks
    score += int(abs(symbol.bit_count() / (n * n) * 100 - 50) / 5) * 10  # N4: balance of dark
    return score


def _best_mask(qr: qrcode.QRCode) -> int:
    n, blank, order, masks, window = _layout(qr)
    if qr.data_cache is None:
        qr.data_cache = _qrutil.create_data(qr.version, qr.error_correction, qr.data_list)
    data = qr.data_cache
    data_bits = len(data) * 8
    placed = 0
    for i, b in enumerate(order[:data_bits]):
        if (data[i >> 3] >> (7 - (i & 7))) & 1:
            placed |= b
    scores = [_penalty(blank | (placed ^ mask), n, window) for mask in masks]
    return scores.index(min(scores))
