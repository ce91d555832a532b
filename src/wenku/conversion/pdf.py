"""PDF to pages with pdfium: page count, the text of every page, WebP previews of some pages."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from .errors import RejectedFile, StepTimeout

log = logging.getLogger("wenku.conversion")


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
        raise RejectedFile(encrypted_message(), code="encrypted") from exc
    except Exception as exc:  # noqa: BLE001 - qpdf reports many kinds of damage
        log.info("qpdf could not repair %s: %s", path.name, exc)
        raise RejectedFile(
            _("PDF 文件已损坏，无法修复（文件可能不完整，请重新导出或下载后再上传）。"),
            code="malformed",
            detail=f"qpdf: {exc}",
        ) from exc
    try:
        pdfium.PdfDocument(str(out)).close()
    except pdfium.PdfiumError as exc:
        out.unlink(missing_ok=True)
        raise RejectedFile(
            _("PDF 文件已损坏，修复后仍无法打开。"), code="malformed", detail=f"pdfium: {exc}"
        ) from exc
    return out


def encrypted_message() -> str:
    return _("PDF 已加密，需要密码才能打开。请去除密码后重新上传。")


def open_pdf(path: Path) -> tuple[pdfium.PdfDocument, Path]:
    """Open a PDF, repairing it first when pdfium cannot read it as it is.

    Forms are initialised before any page is loaded (pdfium draws filled-in form fields only
    then); a PDF that is only an XFA form is refused, since pdfium has no XFA and its one page
    is the "Please wait..." placeholder that Adobe Reader replaces."""
    try:
        pdf = pdfium.PdfDocument(str(path))
        opened = path
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:
            raise RejectedFile(encrypted_message(), code="encrypted") from exc
        opened = repair_pdf(path, path.with_name(path.stem + ".repaired.pdf"))
        pdf = pdfium.PdfDocument(str(opened))
    try:
        if pdf.get_formtype() == pdfium_c.FORMTYPE_XFA_FULL:
            raise RejectedFile(
                _(
                    "这是 XFA 动态表单 PDF：页面内容只在 Adobe Acrobat/Reader 中生成，"
                    "文件本身只有一页“请稍候”提示，无法预览。请在 Adobe Reader 中打印为 PDF "
                    "后上传。"
                ),
                code="xfa",
            )
        # Only a PDF with a form pays for pdfium's form environment (5% of a text PDF's render).
        if pdf.get_formtype() != pdfium_c.FORMTYPE_NONE:
            pdf.init_forms()
    except BaseException:
        pdf.close()
        if opened != path:
            opened.unlink(missing_ok=True)
        raise
    return pdf, opened


def encode_webp(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "WEBP", quality=settings.WENKU.webp_quality, method=settings.WENKU.webp_method)
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
    skipped: list[int] | None = None,
    repaired: list[bool] | None = None,
) -> Iterator[PageResult]:
    """Yield every page's text, with a WebP image for the first `previewable(count)` pages.

    Each page has its own time limit, so one pathological page cannot hold a worker forever.
    A page pdfium cannot load (a broken page object, a loop in the page tree) is left out and
    its number in the file appended to `skipped`: the document keeps the pages that render, and
    yielded pages are numbered without gaps. A PDF none of whose pages loads is refused. When
    the file had to be repaired first (a truncated download), True is appended to `repaired`.
    """
    width = width or settings.WENKU.preview_width
    pdf, opened = open_pdf(pdf_path)
    if repaired is not None and opened != pdf_path:
        repaired.append(True)
    try:
        count = len(pdf)
        if count == 0:
            raise RejectedFile(_("PDF 没有任何页面。"), code="malformed")
        render_upto = min(count, max(previewable(count), 0))
        number = 0
        for index in range(count):
            started = time.monotonic()
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                log.warning("%s: page %s cannot be loaded: %s", pdf_path.name, index + 1, exc)
                if skipped is not None:
                    skipped.append(index + 1)
                continue
            number += 1
            try:
                width_pt, height_pt = page.get_size()
                result = PageResult(number, page_text(page), width_pt, height_pt)
                if number <= render_upto:
                    image = render_page(page, width)
                    result.image = encode_webp(image)
                    result.image_width, result.image_height = image.size
                    limit = settings.WENKU.render_timeout_per_page
                else:
                    limit = settings.WENKU.text_timeout_per_page * 10
            finally:
                page.close()
            elapsed = time.monotonic() - started
            if elapsed > limit:
                raise StepTimeout(_("第 %(page)s 页渲染") % {"page": index + 1}, limit)
            if on_progress:
                on_progress(index + 1, count)
            yield result
        if number == 0:
            raise RejectedFile(
                _("PDF 文件已损坏：%(count)s 个页面都无法读取。") % {"count": count},
                code="malformed",
            )
    finally:
        pdf.close()
        if opened != pdf_path:
            opened.unlink(missing_ok=True)
