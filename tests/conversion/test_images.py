"""Images uploaded as documents: JPEG, PNG and TIFF (each frame a page) become a PDF with one
page per image at the image's own size; bombs and damaged files are refused at upload."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from wenku.conversion import runner
from wenku.conversion.ingest import IngestError, ingest
from wenku.library.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def convert(user, site_settings, django_capture_on_commit_callbacks):
    site_settings.ocr_enabled = False  # blank test images: nothing to recognise
    site_settings.save()

    def run(path: Path) -> Document:
        document = ingest(path, path.name, user)
        with django_capture_on_commit_callbacks(execute=True):
            runner.run_conversion(document.pk)
        document.refresh_from_db()
        assert document.status == Document.Status.READY, document.error
        return document

    return run


def _pdf(document: Document) -> pikepdf.Pdf:
    with default_storage.open(document.pdf.name) as f:
        return pikepdf.open(io.BytesIO(f.read()))


def _sizes(document: Document) -> list[tuple[float, float]]:
    return [
        (round(w, 2), round(h, 2))
        for w, h in document.pages.order_by("number").values_list("width_pt", "height_pt")
    ]


def _picture(size=(600, 400), mode="RGB") -> Image.Image:
    image = Image.new(mode, size, "white" if mode != "1" else 1)
    for x in range(0, size[0], 7):
        for y in range(0, size[1], 5):
            image.putpixel((x, y), (x % 256, y % 256, 90) if mode == "RGB" else 0)
    return image


def test_a_jpeg_is_one_page_at_its_size_with_its_data_kept(convert, tmp_docs):
    path = tmp_docs / "扫描.jpg"
    _picture((1200, 900)).save(path, "JPEG", quality=85, dpi=(150, 150))
    document = convert(path)
    assert document.format == "jpg"
    assert document.page_count == 1
    assert _sizes(document) == [(576.0, 432.0)]  # 1200 × 900 pixels at 150 dpi
    with _pdf(document) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        assert image.Filter == pikepdf.Name.DCTDecode
        assert image.read_raw_bytes() == path.read_bytes(), "the JPEG's bytes, not re-encoded"
    page = document.pages.get()
    assert page.image_width > 0 and page.text == ""


def test_a_photo_taken_sideways_is_turned_upright(convert, tmp_docs):
    path = tmp_docs / "手机.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: the picture is shown rotated 90° clockwise
    _picture((600, 400)).save(path, "JPEG", exif=exif, dpi=(96, 96))
    document = convert(path)
    assert _sizes(document) == [(300.0, 450.0)], "portrait, as a viewer shows it"
    with _pdf(document) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        assert (int(image.Width), int(image.Height)) == (400, 600)
        assert image.Filter == pikepdf.Name.DCTDecode


def test_a_png_with_transparency_is_a_page_on_white(convert, tmp_docs):
    path = tmp_docs / "图.png"
    image = Image.new("RGBA", (300, 150), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 150, 150))
    image.save(path, "PNG")
    document = convert(path)
    assert document.format == "png"
    assert _sizes(document) == [(225.0, 112.5)]  # no resolution in the file: 96 dpi
    with _pdf(document) as pdf:
        image = pdf.pages[0].Resources.XObject.Im0
        pixels = pikepdf.PdfImage(image).as_pil_image()
    assert pixels.getpixel((10, 10)) == (0, 0, 255)
    assert pixels.getpixel((290, 10)) == (255, 255, 255), "transparent is white, not black"


def test_a_multi_page_tiff_gives_a_page_per_frame_with_its_size(convert, tmp_docs):
    path = tmp_docs / "多页.tif"
    frames = [_picture((400, 200)), _picture((200, 400), "L"), _picture((300, 300), "1")]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], dpi=(100, 100))
    document = convert(path)
    assert document.format == "tiff"
    assert document.page_count == 3
    assert _sizes(document) == [(288.0, 144.0), (144.0, 288.0), (216.0, 216.0)]
    with _pdf(document) as pdf:
        bits = [int(p.Resources.XObject.Im0.BitsPerComponent) for p in pdf.pages]
    assert bits == [8, 8, 1], "a black-and-white frame stays one bit per pixel"


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds almost nothing: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "data", "code", "words"),
    [
        ("大图.png", _png_header(11_000, 10_000), "image_bomb", "11000 × 10000"),
        ("炸弹.png", _png_header(30_000, 30_000), "image_bomb", "上限"),
        ("坏图.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, "malformed", "损坏"),
    ],
    ids=["over-100-megapixels", "pillow-bomb-check", "not-a-png"],
)
def test_bombs_and_damaged_images_are_refused(name, data, code, words, user, tmp_docs):
    path = tmp_docs / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as refused:
        ingest(path, name, user)
    assert refused.value.code == code, refused.value.message
    assert words in refused.value.message
    assert not Document.objects.exists()


def test_a_truncated_jpeg_is_refused(user, tmp_docs):
    whole = io.BytesIO()
    _picture((800, 600)).save(whole, "JPEG", quality=90)
    path = tmp_docs / "半张.jpg"
    path.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    with pytest.raises(IngestError) as refused:
        ingest(path, path.name, user)
    assert refused.value.code == "malformed"
    assert "损坏" in refused.value.message
