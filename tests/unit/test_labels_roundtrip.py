"""The printed QR decodes back to a code the kiosk accepts: from the PNG preview and from a job's raster bytes.

The decoder is zxing-cpp, independent of the qrcode package that drew the symbols.
"""

from __future__ import annotations

import random

import pytest
from PIL import Image

from labels.layouts import PAPER, TagLabel, tags_job
from labels.printers import send
from labels.qr import qr_png
from tagcodes import TagKind, new_code, parse_code
from tests.qr_decode import decode_all, raster_images

RNG = random.Random(42)
TAGS = [TagLabel(new_code(TagKind.PHONE, RNG), "Amira K. 6A", "Blue iPhone 12"),
        TagLabel(new_code(TagKind.DEVICE, RNG), "CAM-07 Canon IXUS"),
        TagLabel(new_code(TagKind.LOCATION, RNG), "6A cupboard"),
        TagLabel(new_code(TagKind.STAFF, RNG), "S014 Mrs Patel")]
CODES = [tag.code for tag in TAGS]


def test_the_58mm_jobs_raster_qr_codes_decode_to_the_codes_the_kiosk_accepts():
    job = tags_job(TAGS, PAPER["58mm"])
    images = raster_images(job)
    assert len(images) == len(TAGS)
    decoded = [decode_all(image) for image in images]
    assert decoded == [[code] for code in CODES]  # in print order, one per tag
    for (text,), tag in zip(decoded, TAGS):
        kind, code = parse_code(text)
        assert code == tag.code and kind.letter == tag.code[0]


def test_raster_fragments_are_put_back_together():
    from escpos.printer import Dummy

    printer = Dummy(profile="POS-5890")
    printer.image(qr_png(CODES[0], 8), center=True, fragment_height=64)  # 232 dots tall: four fragments
    job = printer.output
    assert job.count(b"\x1dv0") == 4
    (image,) = raster_images(job)
    assert image.size == (384, 232)
    assert decode_all(image) == [CODES[0]]


def test_a_symbol_taller_than_960_rows_goes_in_fragments_that_still_decode():
    from labels.layouts import raster_command
    from labels.qr import qr_matrix

    job = raster_command(qr_matrix(CODES[1]), 40, 1200)  # 29 modules x 40 = 1160 rows
    assert job.count(b"\x1dv0") == 2
    (image,) = raster_images(job)
    assert image.size == (1200, 1160)
    assert decode_all(image.resize((300, 290))) == [CODES[1]]


@pytest.mark.parametrize("paper", ["80mm", "58mm"])
def test_the_png_preview_decodes_to_the_codes(tmp_path, paper):
    target = tmp_path / f"tags-{paper}.png"
    send(f"preview:{target}", tags_job(TAGS, PAPER[paper]), paper=PAPER[paper])
    with Image.open(target) as image:
        assert image.format == "PNG" and image.width == PAPER[paper].dots
        found = decode_all(image)
    assert found == sorted(CODES)
    assert sorted(parse_code(text)[1] for text in found) == sorted(CODES)
