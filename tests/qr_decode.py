"""Reading printed QR codes back with an independent decoder (zxing-cpp), from images and from ESC/POS bytes."""

from __future__ import annotations

import zxingcpp  # a test dependency: a missing decoder fails the tests rather than skipping them
from PIL import Image, ImageOps


def decode_all(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode, try_invert=False)
    return sorted(barcode.text for barcode in found)


def raster_images(job: bytes) -> list[Image.Image]:
    """Every GS v 0 m xL xH yL yH d1...dk in the job as an image (black = a printed dot).

    Blocks that follow one another with nothing between them are fragments of one
    picture (python-escpos splits tall images) and are stacked back together.
    """
    pictures: list[list[Image.Image]] = []
    last_end = None
    at = job.find(b"\x1dv0")
    while at != -1:
        width_bytes = job[at + 4] + 256 * job[at + 5]
        height = job[at + 6] + 256 * job[at + 7]
        data = job[at + 8 : at + 8 + width_bytes * height]
        assert len(data) == width_bytes * height, "the job ends inside an image"
        assert job[at + 3] == 0, "normal density: one bit per printer dot"
        dots = Image.frombytes("1", (width_bytes * 8, height), data)  # a set bit is a dot: black
        fragment = ImageOps.invert(dots.convert("L"))
        if at == last_end:
            pictures[-1].append(fragment)
        else:
            pictures.append([fragment])
        last_end = at + 8 + len(data)
        at = job.find(b"\x1dv0", last_end)
    stacked = []
    for fragments in pictures:
        image = Image.new("L", (fragments[0].width, sum(f.height for f in fragments)), 255)
        y = 0
        for fragment in fragments:
            image.paste(fragment, (0, y))
            y += fragment.height
        stacked.append(image)
    return stacked
