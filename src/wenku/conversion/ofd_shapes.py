"""The small languages inside OFD objects, for `ofd_draw`: path data (AbbreviatedData), glyph
advances (DeltaX/DeltaY with the `g` repeat), colours; and the pictures of image objects and
seals, read with Pillow (JBIG2 through pdfium, which decodes it)."""

from __future__ import annotations

import io
import logging
import math
import re

import pikepdf
import pypdfium2 as pdfium
from PIL import Image
from reportlab.lib.utils import ImageReader

log = logging.getLogger("wenku.conversion")

MAX_IMAGE_PIXELS = 100_000_000
_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARGS = {"M": 2, "S": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0, "Z": 0}
Matrix = tuple[float, float, float, float, float, float]


def deltas(text: str | None, needed: int) -> list[float]:
    """DeltaX/DeltaY values; "g N d" stands for N times d (never more than `needed`)."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    try:
        while i < len(tokens) and len(out) < needed:
            if tokens[i] == "g" and i + 2 < len(tokens):
                count = int(float(tokens[i + 1]))
                out.extend([float(tokens[i + 2])] * max(0, min(count, needed - len(out))))
                i += 3
            else:
                out.append(float(tokens[i]))
                i += 1
    except ValueError:
        pass
    return out


def apply(m: Matrix | None, x: float, y: float) -> tuple[float, float]:
    if m is None:
        return x, y
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def multiply(first: Matrix, then: Matrix) -> Matrix:
    """The matrix that applies `first`, then `then` (PDF's and OFD's row-vector order)."""
    a, b, c, d, e, f = first
    A, B, C, D, E, F = then  # noqa: N806 - the usual names of a matrix's entries
    return (
        a * A + b * C,
        a * B + b * D,
        c * A + d * C,
        c * B + d * D,
        e * A + f * C + E,
        e * B + f * D + F,
    )


def trace(path, data: str | None, m: Matrix | None = None) -> int:  # noqa: ANN001 - reportlab's
    """Add the AbbreviatedData's segments to a reportlab path (points mapped by `m`); return
    how many segments were added. M/S move, L line, Q quadratic, B cubic, A elliptical arc,
    C/Z close the subpath."""
    tokens = _TOKEN.findall(data or "")
    count = 0
    cx = cy = sx = sy = 0.0
    i = 0
    while i < len(tokens):
        op = tokens[i].upper()
        if op not in _ARGS:
            i += 1
            continue
        n = _ARGS[op]
        try:
            args = [float(t) for t in tokens[i + 1 : i + 1 + n]]
        except ValueError:
            i += 1
            continue
        i += 1 + n
        if len(args) < n:
            break
        if op in ("M", "S"):
            cx, cy = sx, sy = args[0], args[1]
            path.moveTo(*apply(m, cx, cy))
        elif op == "L":
            cx, cy = args
            path.lineTo(*apply(m, cx, cy))
        elif op == "Q":
            qx, qy, x, y = args
            c1 = (cx + 2 / 3 * (qx - cx), cy + 2 / 3 * (qy - cy))
            c2 = (x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y))
            path.curveTo(*apply(m, *c1), *apply(m, *c2), *apply(m, x, y))
            cx, cy = x, y
        elif op == "B":
            path.curveTo(*apply(m, *args[0:2]), *apply(m, *args[2:4]), *apply(m, *args[4:6]))
            cx, cy = args[4], args[5]
        elif op == "A":
            for c1, c2, end in arc(cx, cy, *args):
                path.curveTo(*apply(m, *c1), *apply(m, *c2), *apply(m, *end))
            cx, cy = args[5], args[6]
        else:
            path.close()
            cx, cy = sx, sy
        count += 1
    return count


Point = tuple[float, float]


def arc(
    x0: float, y0: float, rx: float, ry: float, angle: float, large: float, sweep: float,
    x: float, y: float,
) -> list[tuple[Point, Point, Point]]:  # fmt: skip
    """An elliptical arc (SVG's endpoint form, as OFD's `A`) as cubic Bézier segments."""
    if (x0, y0) == (x, y):
        return []
    rx, ry = abs(rx), abs(ry)
    if rx == 0 or ry == 0:
        return [((x0, y0), (x, y), (x, y))]
    phi = math.radians(angle)
    cos, sin = math.cos(phi), math.sin(phi)
    dx, dy = (x0 - x) / 2, (y0 - y) / 2
    x1 = cos * dx + sin * dy
    y1 = -sin * dx + cos * dy
    scale = x1 * x1 / (rx * rx) + y1 * y1 / (ry * ry)
    if scale > 1:
        rx, ry = rx * math.sqrt(scale), ry * math.sqrt(scale)
    num = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1
    den = rx * rx * y1 * y1 + ry * ry * x1 * x1
    root = math.sqrt(max(0.0, num / den)) if den else 0.0
    if bool(large) == bool(sweep):
        root = -root
    cxp, cyp = root * rx * y1 / ry, -root * ry * x1 / rx
    cx = cos * cxp - sin * cyp + (x0 + x) / 2
    cy = sin * cxp + cos * cyp + (y0 + y) / 2

    def angle_of(ux: float, uy: float) -> float:
        return math.atan2(uy, ux)

    start = angle_of((x1 - cxp) / rx, (y1 - cyp) / ry)
    end = angle_of((-x1 - cxp) / rx, (-y1 - cyp) / ry)
    delta = end - start
    if sweep and delta < 0:
        delta += 2 * math.pi
    elif not sweep and delta > 0:
        delta -= 2 * math.pi
    pieces = max(1, math.ceil(abs(delta) / (math.pi / 2) - 1e-9))
    step = delta / pieces
    k = 4 / 3 * math.tan(step / 4)

    def point(t: float, dx: float = 0.0, dy: float = 0.0) -> Point:
        px = rx * (math.cos(t) + dx)
        py = ry * (math.sin(t) + dy)
        return cx + cos * px - sin * py, cy + sin * px + cos * py

    out = []
    t = start
    for _ in range(pieces):
        t2 = t + step
        c1 = point(t, -k * math.sin(t), k * math.cos(t))
        c2 = point(t2, k * math.sin(t2), -k * math.cos(t2))
        out.append((c1, c2, point(t2)))
        t = t2
    return out


def color(value: str | None, space: tuple[str, int] | None) -> tuple[str, tuple[float, ...]] | None:
    """("rgb"|"cmyk", components 0-1) of an OFD colour value ("255 0 0", "#ee #20 #25")."""
    if not value:
        return None
    try:
        parts = [int(t[1:], 16) if t.startswith("#") else float(t) for t in value.split()]
    except ValueError:
        return None
    kind, bits = space or ({1: "GRAY", 4: "CMYK"}.get(len(parts), "RGB"), 8)
    top = float(2**bits - 1) if 0 < bits <= 16 else 255.0
    comps = tuple(min(max(p / top, 0.0), 1.0) for p in parts)
    if kind == "GRAY" and comps:
        return "rgb", (comps[0],) * 3
    if kind == "CMYK" and len(comps) >= 4:
        return "cmyk", comps[:4]
    if len(comps) >= 3:
        return "rgb", comps[:3]
    return None


def picture(data: bytes) -> ImageReader | None:
    """An image for reportlab (a JPEG's data kept as it is), or None for what cannot be read
    (an unknown format, a damaged file, more than 100 megapixels)."""
    if data.startswith(b"\x97JB2\r\n\x1a\n"):
        image = jbig2(data)
        return ImageReader(image) if image is not None else None
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            log.info("OFD image of %sx%s pixels not drawn", width, height)
            return None
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            return ImageReader(io.BytesIO(data))
        image.load()
        if image.mode in ("P", "LA", "PA", "RGBA") or "transparency" in image.info:
            image = image.convert("RGBA")
        elif image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        return ImageReader(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        log.info("OFD image not drawn: %s", exc)
        return None


def jbig2(data: bytes) -> Image.Image | None:
    """A JBIG2 file (sequential organisation, the kind OFD writers keep QR codes in) decoded
    by pdfium: its segments become a PDF image's JBIG2Decode stream."""
    flags = data[8]
    if not flags & 0x01:
        return None  # random-access organisation: headers first; not worth reassembling
    stream = data[9:] if flags & 0x02 else data[13:]
    size = _jbig2_page_size(stream)
    if size is None:
        return None
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        return None
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, stream)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 1
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.JBIG2Decode
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, width, height],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
        Contents=pdf.make_stream(f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode()),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    try:
        document = pdfium.PdfDocument(out.getvalue())
        bitmap = document[0].render(scale=1)
        return bitmap.to_pil().convert("L")
    except pdfium.PdfiumError:
        return None


def _jbig2_page_size(stream: bytes) -> tuple[int, int] | None:
    """Width and height from the page information segment (type 48) of a JBIG2 stream."""
    i = 0
    while i + 11 <= len(stream):
        number = int.from_bytes(stream[i : i + 4], "big")
        flags = stream[i + 4]
        kind = flags & 0x3F
        i += 5
        refs = stream[i] >> 5
        if refs == 7:
            count = int.from_bytes(stream[i : i + 4], "big") & 0x1FFFFFFF
            i += 4 + (count + 8) // 8
        else:
            count = refs
            i += 1
        i += count * (1 if number <= 256 else 2 if number <= 65536 else 4)
        i += 4 if flags & 0x40 else 1
        length = int.from_bytes(stream[i : i + 4], "big")
        i += 4
        if kind == 48:
            width = int.from_bytes(stream[i : i + 4], "big")
            height = int.from_bytes(stream[i + 4 : i + 8], "big")
            return (width, height) if width and height and height != 0xFFFFFFFF else None
        if length == 0xFFFFFFFF:
            return None
        i += length
    return None
