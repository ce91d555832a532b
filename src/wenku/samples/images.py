"""A generated bar-chart PNG: ``make_png`` writes one, ``png_bytes`` is the picture that
``make_docx(with_image=True)`` embeds.

The bars come from ``random.Random(seed)``, so the same arguments give the same image.
"""

import io
import random
from pathlib import Path

from .files import write_bytes

__all__ = ["make_png", "png_bytes"]


def png_bytes(seed: int = 0, width: int = 480, height: int = 270) -> bytes:
    """A small bar chart with Chinese-free labels (Pillow's default font has no CJK glyphs)."""
    from PIL import Image, ImageDraw

    rng = random.Random(f"png-{seed}")
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width - 1, height - 1), outline=(90, 90, 90))
    bars = 8
    slot = (width - 40) // bars
    palette = [(52, 101, 164), (78, 154, 6), (204, 0, 0), (237, 212, 0)]
    for i in range(bars):
        h = rng.randint(height // 6, height - 50)
        x0 = 25 + i * slot
        draw.rectangle((x0, height - 25 - h, x0 + slot - 12, height - 25), fill=palette[i % 4])
        draw.text((x0 + 4, height - 20), f"{2016 + i}", fill=(0, 0, 0))
    draw.line((20, height - 25, width - 15, height - 25), fill=(0, 0, 0), width=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def make_png(path: str | Path, *, seed: int = 0, width: int = 480, height: int = 270) -> Path:
    """Write a small generated bar-chart PNG."""
    return write_bytes(path, png_bytes(seed, width, height))
