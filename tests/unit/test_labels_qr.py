"""QR rendering: the symbol qrcode would make, error correction H, a quiet zone, and scannable drawings."""

from __future__ import annotations

import random
import string

import pytest
import qrcode
from PIL import Image

from labels.qr import ERROR_CORRECTION, QUIET_ZONE, qr_halfblocks, qr_matrix, qr_png
from tagcodes import TagKind, new_code, parse_code

zxingcpp = pytest.importorskip("zxingcpp", reason="the independent QR decoder (pip install zxing-cpp) is not installed")

RNG = random.Random(20261110)
CODES = [new_code(kind, RNG) for kind in TagKind for _ in range(40)]


def decode(image: Image.Image) -> list[str]:
    """What a scanner reads: normal polarity only (dark modules on a light ground)."""
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    return [barcode.text for barcode in found]


def test_the_symbol_is_exactly_what_qrcode_makes_for_tags_and_for_any_text():
    # Our faster mask choice must pick the same mask as qrcode's own make().
    texts = CODES + ["".join(RNG.choice(string.printable) for _ in range(RNG.randint(1, 120))) for _ in range(16)]
    for text in texts:
        reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H, border=QUIET_ZONE)
        reference.add_data(text)
        reference.make()
        assert qr_matrix(text) == reference.get_matrix(), text


def test_a_tag_code_is_a_version_1_symbol_at_level_h_in_alphanumeric_mode_with_a_4_module_quiet_zone():
    code = CODES[0]
    matrix = qr_matrix(code)
    assert ERROR_CORRECTION == "H"
    assert len(matrix) == 21 + 2 * 4 and all(len(row) == len(matrix) for row in matrix)
    margin = [row[:4] + row[-4:] for row in matrix] + matrix[:4] + matrix[-4:]
    assert not any(any(row) for row in margin)
    reference = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_H)
    reference.add_data(code)
    reference.make()
    assert reference.version == 1
    assert reference.data_list[0].mode == qrcode.util.MODE_ALPHA_NUM
    # The format information (row 8) carries the level: read it back through the decoder.
    found = zxingcpp.read_barcodes(qr_png(code, 4), try_invert=False)
    assert found[0].ec_level == "H"


def test_each_call_returns_fresh_rows():
    matrix = qr_matrix(CODES[1])
    matrix[0][0] = True  # the quiet-zone rows are shared inside qrcode; ours must not be
    assert not any(qr_matrix(CODES[1])[0])
    assert not any(matrix[1])


@pytest.mark.parametrize("scale", [1, 3, 8])
def test_the_png_image_decodes_back_to_the_code(scale):
    for code in CODES[:: len(CODES) // 8]:
        image = qr_png(code, scale)
        assert image.size == ((21 + 8) * scale,) * 2
        assert decode(image.resize((image.width * 4 // scale,) * 2) if scale < 4 else image) == [code]
        assert parse_code(code) == parse_code(decode(image.resize((116, 116)))[0])


def halfblocks_to_image(text: str, lit: int, unlit: int, pixels: int = 8) -> Image.Image:
    """What the terminal shows: each character cell is one module wide and two modules tall."""
    lines = text.split("\n")
    width = max(map(len, lines))
    cell = {" ": (False, False), "▀": (True, False), "▄": (False, True), "█": (True, True)}
    image = Image.new("L", (width, len(lines) * 2), unlit)
    for y, line in enumerate(lines):
        for x, ch in enumerate(line):
            top, bottom = cell[ch]
            image.putpixel((x, 2 * y), lit if top else unlit)
            image.putpixel((x, 2 * y + 1), lit if bottom else unlit)
    image = image.resize((width * pixels, len(lines) * 2 * pixels), Image.Resampling.NEAREST)
    screen = Image.new("L", (image.width + 80, image.height + 80), unlit)  # the rest of the terminal
    screen.paste(image, (40, 40))
    return screen


def test_the_half_block_drawing_scans_off_a_dark_terminal():
    for code in CODES[::20]:
        text = qr_halfblocks(code)
        assert set(text) <= set(" ▀▄█\n")
        lines = text.split("\n")
        assert len(lines) == (29 + 1) // 2 and {len(line) for line in lines} == {29}
        # light foreground (the blocks) on a black background
        assert decode(halfblocks_to_image(text, lit=230, unlit=10)) == [code]
        # the same characters on a light terminal come out inverted: a scanner that needs
        # dark-on-light cannot read them, which is why the default draws the light modules
        assert decode(halfblocks_to_image(text, lit=10, unlit=230)) == []


def test_the_light_background_variant_scans_off_a_light_terminal():
    code = CODES[3]
    text = qr_halfblocks(code, dark_background=False)
    assert decode(halfblocks_to_image(text, lit=10, unlit=240)) == [code]
    assert text.split("\n")[0].strip() == ""  # the quiet zone is the background itself
