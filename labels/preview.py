"""A picture of a print job, for ``preview:PATH.png`` and for a person checking a layout.

The job's ESC/POS bytes are read back (:mod:`labels.escpos_reader`) and drawn
at the paper's width, one image pixel per printer dot: text in 12 x 24 dot
cells (the printers' font A), raster images as sent, native QR codes drawn as
the printer would draw them, and each cut as a dashed grey line.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from labels.escpos_reader import Cut, Feed, NativeQR, RasterImage, TextLine, read_job
from labels.layouts import DEFAULT_PAPER, Paper

if TYPE_CHECKING:
    from PIL.Image import Image

CELL_W, CELL_H = 12, 24  # font A
LINE_PITCH = 30  # the default 1/6 inch line spacing, in dots
_MONO_FONTS = ("DejaVuSansMono.ttf", "LiberationMono-Regular.ttf", "consola.ttf", "cour.ttf", "Menlo.ttc")


def preview_png(data: bytes, paper: Paper | None = None) -> Image:
    """The job drawn as a greyscale PIL image ``paper.dots`` wide (80 mm paper when not given).

    ``image.save("job.png")`` writes the PNG. Raises ValueError if the bytes
    hold a command the reader does not know.
    """
    from PIL import Image as PILImage
    from PIL import ImageDraw

    paper = paper or DEFAULT_PAPER
    width = paper.dots
    strips: list[Image] = []
    for block in read_job(data, paper.escpos_profile):
        if isinstance(block, TextLine):
            strips.append(_text_strip(block, width))
        elif isinstance(block, RasterImage):
            strips.append(_placed(block.image.convert("L"), block.align, width))
        elif isinstance(block, NativeQR):
            from labels.qr import qr_png

            strips.append(_placed(qr_png(block.data, block.module_dots, border=0).convert("L"), block.align, width))
        elif isinstance(block, Feed):
            strips.append(PILImage.new("L", (width, max(block.dots, 1)), 255))
        elif isinstance(block, Cut):
            strip = PILImage.new("L", (width, 9), 255)
            draw = ImageDraw.Draw(strip)
            for x in range(0, width, 16):
                draw.line((x, 4, x + 8, 4), fill=150, width=2)
            strips.append(strip)
    height = sum(strip.height for strip in strips) or 1
    page = PILImage.new("L", (width, height), 255)
    y = 0
    for strip in strips:
        page.paste(strip, (0, y))
        y += strip.height
    return page


def _placed(image: Image, align: str, width: int) -> Image:
    from PIL import Image as PILImage

    strip = PILImage.new("L", (width, image.height), 255)
    room = max(width - image.width, 0)
    x = {"left": 0, "center": room // 2, "right": room}[align]
    strip.paste(image.crop((0, 0, min(image.width, width), image.height)), (x, 0))
    return strip


def _text_strip(line: TextLine, width: int) -> Image:
    from PIL import Image as PILImage
    from PIL import ImageDraw

    tall = line.height
    strip = PILImage.new("L", (width, LINE_PITCH - CELL_H + CELL_H * tall), 255)
    room = max(width - line.cells * CELL_W, 0)
    x = {"left": 0, "center": room // 2, "right": room}[line.align]
    for text, style in line.runs:
        if not text:
            continue
        run = PILImage.new("L", (len(text) * CELL_W, CELL_H), 0 if style.invert else 255)
        draw = ImageDraw.Draw(run)
        ink = 255 if style.invert else 0
        for i, ch in enumerate(text):
            draw.text((i * CELL_W + CELL_W // 2, CELL_H // 2), ch, font=_font(), fill=ink, anchor="mm",
                      stroke_width=1 if style.bold else 0, stroke_fill=ink)
        if style.underline:
            draw.line((0, CELL_H - 2, run.width, CELL_H - 2), fill=ink, width=2)
        if style.width > 1 or style.height > 1:
            run = run.resize((run.width * style.width, CELL_H * style.height), PILImage.Resampling.NEAREST)
        strip.paste(run, (x, CELL_H * tall - run.height))  # characters of one line share a baseline
        x += run.width
    return strip


@lru_cache(maxsize=1)
def _font():
    from PIL import ImageFont

    for name in _MONO_FONTS:
        try:
            return ImageFont.truetype(name, 19)
        except OSError:
            continue
    return ImageFont.load_default(19)
