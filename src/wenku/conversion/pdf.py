"""PDF to pages with pdfium: page count, the text of every page, WebP previews of some pages."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from wenku.config import CONFIG

from .errors import ConversionError, RejectedFile, StepTimeout


@dataclass
class PageResult:
    number: int
    text: str
    width_pt: float
    height_pt: float
    image: bytes | None = None
    image_width: int = 0
    image_height: int = 0


def repair_pdf(path: Path, out: Path) -> Path:
    """Rewrite a damaged PDF with qpdf (through pikepdf), which rebuilds a lost xref table."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            pdf.save(out)
    except pikepdf.PasswordError as exc:
        raise RejectedFile("PDF 已加密，需要密码才能打开。", code="encrypted") from exc
    except Exception as exc:  # noqa: BLE001 - qpdf reports many kinds of damage
        raise RejectedFile(f"PDF 文件已损坏，无法修复：{exc}", code="malformed") from exc
    try:
        pdfium.PdfDocument(str(out)).close()
    except pdfium.PdfiumError as exc:
        out.unlink(missing_ok=True)
        raise RejectedFile("PDF 文件已损坏，修复后仍无法打开。", code="malformed") from exc
    return out


def open_pdf(path: Path) -> tuple[pdfium.PdfDocument, Path]:
    """Open a PDF, repairing it first when pdfium cannot read it as it is."""
    try:
        return pdfium.PdfDocument(str(path)), path
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:
            raise RejectedFile("PDF 已加密，需要密码才能打开。", code="encrypted") from exc
    repaired = repair_pdf(path, path.with_name(path.stem + ".repaired.pdf"))
    return pdfium.PdfDocument(str(repaired)), repaired


def encode_webp(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "WEBP", quality=CONFIG.webp_quality, method=CONFIG.webp_method)
    return buf.getvalue()


def render_page(page: pdfium.PdfPage, width: int) -> Image.Image:
    scale = width / max(page.get_width(), 1.0)
    bitmap = page.render(scale=scale, may_draw_forms=True)
    try:
        return bitmap.to_pil()
    finally:
        bitmap.close()


def page_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        # pdfium marks line ends with \r\n; keep plain newlines.
        return textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n").strip()
    finally:
        textpage.close()


def extract_pages(
    pdf_path: Path,
    *,
    previewable: Callable[[int], int],
    on_progress: Callable[[int, int], None] | None = None,
    width: int | None = None,
) -> Iterator[PageResult]:
    """Yield every page's text, with a WebP image for the first `previewable(count)` pages.

    Each page has its own time limit, so one pathological page cannot hold a worker forever.
    """
    width = width or CONFIG.preview_width
    pdf, opened = open_pdf(pdf_path)
    try:
        count = len(pdf)
        if count == 0:
            raise ConversionError("PDF 没有任何页面。")
        render_upto = min(count, max(previewable(count), 0))
        for index in range(count):
            started = time.monotonic()
            page = pdf[index]
            try:
                width_pt, height_pt = page.get_size()
                result = PageResult(index + 1, page_text(page), width_pt, height_pt)
                if index < render_upto:
                    image = render_page(page, width)
                    result.image = encode_webp(image)
                    result.image_width, result.image_height = image.size
                    limit = CONFIG.render_timeout_per_page
                else:
                    limit = CONFIG.text_timeout_per_page * 10
            finally:
                page.close()
            elapsed = time.monotonic() - started
            if elapsed > limit:
                raise StepTimeout(f"第 {index + 1} 页渲染", limit)
            if on_progress:
                on_progress(index + 1, count)
            yield result
    finally:
        pdf.close()
        if opened != pdf_path:
            opened.unlink(missing_ok=True)
