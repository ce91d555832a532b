"""Images uploaded as documents (scans, photos of pages): JPEG, PNG and TIFF, each image a page.

Told by their bytes; refused when damaged, when an image has more than 100 million pixels
(Pillow's decompression-bomb check stays on as well) or a TIFF more than 500 frames. The PDF has
one page per image (per frame of a TIFF; an animated PNG or a camera's multi-picture JPEG gives
its first picture) at the image's own size (its resolution, else 96 dpi). A JPEG's data goes in
as it is when a PDF reader shows it the same way (grey or RGB, upright); anything else is
decoded: a photo (turned upright by its EXIF orientation) stored as a JPEG again, anything else
losslessly (Flate; black-and-white scans at one bit per pixel). The pages
have no text: OCR fills it in later.
"""

from __future__ import annotations

import io
import logging
import struct
import warnings
import zlib
from pathlib import Path

import numpy as np
import pikepdf
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .errors import ConversionError, RejectedFile

log = logging.getLogger("wenku.conversion")

IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")
FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "TIFF": "tiff"}
MAX_PIXELS = 100_000_000
MAX_FRAMES = 500
DEFAULT_DPI = 96.0
MAX_PAGE_PT = 14400.0  # the largest page a PDF reader must show (200 inches)
ORIENTATION = 0x0112


def _frames(image: Image.Image) -> int:
    """Pages the image gives: every frame of a TIFF, the first picture of anything else."""
    return getattr(image, "n_frames", 1) if image.format == "TIFF" else 1


def _bomb(width: int, height: int) -> RejectedFile:
    return RejectedFile(
        _("图像过大：%(width)s × %(height)s 像素，上限为 %(max)s 万像素。")
        % {"width": width, "height": height, "max": MAX_PIXELS // 10_000},
        code="image_bomb",
    )


def _damaged(exc: BaseException) -> RejectedFile:
    return RejectedFile(
        _("图像文件已损坏，无法读取（文件可能不完整）。"), code="malformed", detail=repr(exc)
    )


def check_image(path: Path) -> str:
    """The format ("jpg", "png", "tiff") of an image file, or RejectedFile saying why not.

    Every frame's size is checked from its header; the first frame is decoded (a JPEG at an
    eighth of its size, which still reads all of its data), so a truncated file is refused
    here rather than failing its conversion."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                fmt = FORMATS.get(image.format or "")
                if fmt is None:
                    raise RejectedFile(
                        _("不支持的图像格式 %(format)s，请上传 JPG、PNG 或 TIFF。")
                        % {"format": image.format or "?"},
                        code="unsupported",
                    )
                frames = _frames(image)
                if frames > MAX_FRAMES:
                    raise RejectedFile(
                        _("TIFF 图像有 %(count)s 页，超过上限 %(max)s 页。")
                        % {"count": frames, "max": MAX_FRAMES},
                        code="too_many_pages",
                    )
                for index in range(frames):
                    image.seek(index)
                    width, height = image.size
                    if width * height > MAX_PIXELS:
                        raise _bomb(width, height)
                    if not width or not height:
                        raise _damaged(ValueError("empty frame"))
                image.seek(0)
                if image.format == "JPEG":
                    image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except Image.DecompressionBombError as exc:
        raise _bomb(*_header_size(path)) from exc
    except (OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:
        raise _damaged(exc) from exc
    return fmt


def _header_size(path: Path) -> tuple[int, int]:
    try:
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None  # read the header only, to name the size
        try:
            with Image.open(path) as image:
                return image.size
        finally:
            Image.MAX_IMAGE_PIXELS = saved
    except Exception:  # noqa: BLE001 - the size is only for the message
        return (0, 0)


def images_to_pdf(src: Path, dst: Path) -> Path:
    """A PDF with one page per image (per TIFF frame), each at the image's own size."""
    pdf = pikepdf.new()
    index = 0
    try:
        with Image.open(src) as image:
            for index in range(_frames(image)):
                image.seek(index)
                jpeg = index == 0 and image.format == "JPEG"
                _add_page(pdf, image, src.read_bytes() if jpeg else None)
    except (
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        struct.error,
        Image.DecompressionBombError,
    ) as exc:
        raise ConversionError(
            _("图像第 %(page)s 页已损坏，无法读取。") % {"page": index + 1}, detail=repr(exc)
        ) from exc
    pdf.save(dst)
    return dst


def _page_size(image: Image.Image) -> tuple[float, float]:
    dpi = image.info.get("dpi") or (0, 0)
    try:
        xdpi, ydpi = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        xdpi = ydpi = 0.0
    xdpi = xdpi if 30 <= xdpi <= 4800 else DEFAULT_DPI
    ydpi = ydpi if 30 <= ydpi <= 4800 else xdpi
    width, height = image.width * 72 / xdpi, image.height * 72 / ydpi
    scale = min(1.0, MAX_PAGE_PT / max(width, height))
    return width * scale, height * scale


def _add_page(pdf: pikepdf.Pdf, image: Image.Image, data: bytes | None) -> None:
    orientation = image.getexif().get(ORIENTATION, 1) if image.format in ("JPEG", "MPO") else 1
    as_is = (
        data is not None
        and image.format == "JPEG"
        and image.mode in ("L", "RGB")
        and orientation in (0, 1)
    )
    if as_is:
        stream = pikepdf.Stream(pdf, data)
        stream.Filter = pikepdf.Name.DCTDecode
        mode, size = image.mode, image.size
        page_image = image
    else:
        page_image = _pixels(ImageOps.exif_transpose(image) if orientation not in (0, 1) else image)
        mode, size = page_image.mode, page_image.size
        if image.format in ("JPEG", "MPO") and mode in ("L", "RGB"):
            # A photo turned upright, a camera's multi-picture file, CMYK: a JPEG again.
            out = io.BytesIO()
            page_image.save(out, "JPEG", quality=92)
            stream = pikepdf.Stream(pdf, out.getvalue())
            stream.Filter = pikepdf.Name.DCTDecode
        else:
            stream = pikepdf.Stream(pdf, zlib.compress(page_image.tobytes(), 6))
            stream.Filter = pikepdf.Name.FlateDecode
    stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    stream.Width, stream.Height = size
    stream.BitsPerComponent = 1 if mode == "1" else 8
    stream.ColorSpace = pikepdf.Name.DeviceRGB if mode == "RGB" else pikepdf.Name.DeviceGray
    page_image.info.setdefault("dpi", image.info.get("dpi"))
    width, height = _page_size(page_image)
    content = f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Im0 Do Q".encode()
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(width, 4), round(height, 4)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))


def _pixels(image: Image.Image) -> Image.Image:
    """The frame as "1", "L" or "RGB": transparency over white, 16-bit and float greys scaled
    to 8 bits, CMYK, YCbCr and palettes as RGB."""
    if image.mode in ("1", "L", "RGB"):
        return image.copy() if image.mode != "1" else image.convert("1")
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else values * 0
        grey = Image.fromarray(scaled.clip(0, 255).astype(np.uint8), "L")
        grey.info = dict(image.info)
        return grey
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        flat.info = dict(image.info)
        return flat
    converted = image.convert("RGB")
    converted.info = dict(image.info)
    return converted
