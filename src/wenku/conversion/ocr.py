"""Recognising the text of pages that have none (scans, photographed pages): OCR.

Tesseract 5 through the tesserocr wheel (its own libtesseract, one thread, no OpenMP), with
Debian's traineddata (`tesseract-ocr-chi-sim`, `-chi-tra`, `-eng`). Why Tesseract and not
RapidOCR, and the figures: README ("Scanned documents: OCR") and `bench/ocr.py`.

A page is recognised when its text layer is not usable and there is a picture to read
(`needs_ocr`): fewer than `MIN_LAYER_CHARS` letters, digits or CJK characters, images on at
least `MIN_PICTURE_SHARE` of the page, and not recognised before. It is rendered
for the purpose at `WENKU_OCR_DPI` (the preview image is too small and pages past the preview
have none); its image stays the scan. The recognised text replaces an empty layer, or one it
says clearly more than (`_better`), and is marked `Page.TextSource.OCR`.

One model at a time rather than `chi_sim+chi_tra+eng` together: Tesseract then tries every
model on many words, which cost 2.7 s a page and mixed simplified and traditional characters
(2.4% CER on either). Here a page is read with `chi_sim`; a mean confidence under
`SECOND_OPINION` (`chi_sim` reading traditional text scores ~80, the right model ~90) has
`chi_tra` read it too, and the more confident reading is kept (a traditional page costs two
readings); a page that comes out mostly Latin is read again with `eng`, kept if it is at least
as confident.

Each page has a time limit (`WENKU_OCR_TIMEOUT_PER_PAGE`, Tesseract's own deadline, so a
pathological page cannot hold the worker): a page that overruns it keeps its text layer and is
named to the uploader; `wenku ocr --missing` tries it again later.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

from wenku.library.models import Page
from wenku.site.models import SiteSettings

from .pdf import open_pdf, render_page

log = logging.getLogger("wenku.conversion")

MIN_LAYER_CHARS = 20
MIN_PICTURE_SHARE = 0.05
CHINESE = ("chi_sim", "chi_tra")
SECOND_OPINION = 86
# Longest side of a page image for OCR: an A3 page at 250 dpi; a poster is read smaller.
MAX_SIDE = 4200
TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
)
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_PUNCT = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# Tesseract sets words apart with spaces, Chinese ones and punctuation too: "社会 稳定 ;" is
# "社会稳定;". Spaces next to Latin words stay.
_CJK_SPACE = re.compile(
    rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}{_PUNCT}])|(?<=[{_CJK}{_PUNCT}])[ \t]+(?=[{_CJK}])"
)


class OcrUnavailable(Exception):
    """tesserocr or the traineddata is missing (a machine set up without `make setup`)."""


class OcrTimeout(Exception):
    """A page's recognition overran its time limit."""


def meaningful(text: str) -> int:
    """Letters, digits and CJK characters: what a text layer must have to be usable."""
    return sum(1 for ch in text if unicodedata.category(ch)[0] in "LN")


def needs_ocr(text: str, page: pdfium.PdfPage | None = None) -> bool:
    """Whether a page whose text layer says `text` is recognised: fewer than `MIN_LAYER_CHARS`
    meaningful characters and, when the pdfium page is given, pictures on it (`has_picture`):
    a page of a few words and no picture has nothing more to read."""
    if meaningful(text) >= MIN_LAYER_CHARS:
        return False
    return page is None or has_picture(page)


def has_picture(page: pdfium.PdfPage) -> bool:
    """Images (a scan, a photo of text; in form XObjects too) covering at least
    `MIN_PICTURE_SHARE` of the page."""
    width, height = page.get_size()
    area = 0.0
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = image.get_bounds()
        area += max(right - left, 0) * max(top - bottom, 0)
        if area >= MIN_PICTURE_SHARE * width * height:
            return True
    return False


def enabled() -> bool:
    """The site setting (admin: 识别扫描页的文字)."""
    return SiteSettings.current().ocr_enabled


def tessdata() -> str:
    prefix = os.environ.get("TESSDATA_PREFIX", "")
    for folder in (prefix, *TESSDATA) if prefix else TESSDATA:
        if all(Path(folder, f"{lang}.traineddata").exists() for lang in (*CHINESE, "eng")):
            return folder
    raise OcrUnavailable("no tessdata with chi_sim, chi_tra and eng (make setup installs it)")


class _Engine:
    """One tesserocr API per model, loaded once per process; used by one thread at a time."""

    def __init__(self) -> None:
        try:
            import tesserocr  # lazy: libtesseract, only in a process that recognises
        except ImportError as exc:
            raise OcrUnavailable(f"tesserocr: {exc}") from exc
        folder = tessdata()
        self.apis = {}
        for lang in (*CHINESE, "eng"):
            api = tesserocr.PyTessBaseAPI(path=folder, lang=lang)
            # Tesseract 5 reads every doubtful line a second time as white on black: 35% of
            # the time of a page, for text scans do not have.
            api.SetVariable("tessedit_do_invert", "0")
            self.apis[lang] = api
        self.lock = threading.Lock()

    def read(self, lang: str, image: Image.Image, dpi: int, deadline: float) -> tuple[str, int]:
        api = self.apis[lang]
        api.SetImage(image)
        api.SetSourceResolution(dpi)
        left = deadline - time.monotonic()
        if left <= 0 or not api.Recognize(timeout=max(1, int(left * 1000))):
            api.Clear()
            raise OcrTimeout(lang)
        return api.GetUTF8Text(), api.MeanTextConf()

    def recognise(self, image: Image.Image, dpi: int, deadline: float) -> str:
        with self.lock:
            text, confidence = self.read("chi_sim", image, dpi, deadline)
            if confidence < SECOND_OPINION and meaningful(text):
                try:
                    found = self.read("chi_tra", image, dpi, deadline)
                except OcrTimeout:  # the first reading stands
                    found = ("", -1)
                if found[1] > confidence:
                    text, confidence = found
            if _mostly_latin(text):
                try:
                    found = self.read("eng", image, dpi, deadline)
                except OcrTimeout:
                    found = ("", -1)
                if found[1] >= confidence:
                    text = found[0]
            return text


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def engine() -> _Engine:
    """The process's engine, its models loaded on first use (a worker loads it at start)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            started = time.monotonic()
            _engine = _Engine()
            log.info("OCR models loaded in %.2fs", time.monotonic() - started)
        return _engine


def available() -> bool:
    try:
        engine()
    except OcrUnavailable as exc:
        log.warning("OCR unavailable: %s", exc)
        return False
    return True


def _mostly_latin(text: str) -> bool:
    letters = [ch for ch in text if unicodedata.category(ch)[0] == "L"]
    cjk = sum(1 for ch in letters if ord(ch) >= 0x2E80)
    return len(letters) >= 20 and cjk < len(letters) * 0.1


def clean(text: str) -> str:
    """Lines without the spaces Tesseract puts between Chinese words, without empty lines."""
    lines = (_CJK_SPACE.sub("", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def recognise(image: Image.Image, *, dpi: int, timeout: float | None = None) -> str:
    """The text of a page image rendered at `dpi`; OcrTimeout past `timeout` seconds
    (default `WENKU_OCR_TIMEOUT_PER_PAGE`)."""
    if timeout is None:
        timeout = settings.WENKU.ocr_timeout_per_page
    if image.mode != "L":
        image = image.convert("L")
    return clean(engine().recognise(image, dpi, time.monotonic() + timeout))


def page_image(page, dpi: int) -> tuple[Image.Image, int]:
    """A pdfium page rendered in grey for OCR at `dpi` (less for a page over MAX_SIDE)."""
    width, height = page.get_size()
    dpi = min(dpi, int(MAX_SIDE * 72 / max(width, height, 1.0)))
    return render_page(page, max(1, round(width * dpi / 72))).convert("L"), dpi


def recognise_pages(
    pdf_path: Path,
    pages: list[Page],
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Recognise, in place, the pages that need it (`needs_ocr`; numbered as `extract_pages`
    numbers them: pages pdfium cannot load are left out, and not recognised before); returns
    the numbers of those that overran their time limit. `on_progress(done, total)` before each
    candidate page. Nothing happens when the engine is not installed (logged)."""
    todo = {
        page.number: page
        for page in pages
        if page.text_source != Page.TextSource.OCR and needs_ocr(page.text)
    }
    if not todo:
        return []
    dpi = settings.WENKU.ocr_dpi
    timed_out: list[int] = []
    pdf, opened = open_pdf(pdf_path)
    try:
        number = done = 0
        for index in range(len(pdf)):
            if number >= max(todo):
                break
            try:
                pdf_page = pdf[index]
            except pdfium.PdfiumError:  # left out by extract_pages too
                continue
            number += 1
            page = todo.get(number)
            try:
                if page is None:
                    continue
                if on_progress:
                    on_progress(done, len(todo))
                done += 1
                if not needs_ocr(page.text, pdf_page):
                    continue
                if not available():
                    return []
                image, used_dpi = page_image(pdf_page, dpi)
            finally:
                pdf_page.close()
            try:
                found = recognise(image, dpi=used_dpi)
            except OcrTimeout:
                log.warning("%s: OCR of page %s overran its time limit", pdf_path.name, number)
                timed_out.append(number)
                continue
            except Exception:  # noqa: BLE001 - one page's OCR must not fail the document
                log.exception("%s: OCR of page %s failed", pdf_path.name, number)
                continue
            if _better(found, page.text):
                page.text, page.text_source = found, Page.TextSource.OCR
    finally:
        pdf.close()
        if opened != pdf_path:
            opened.unlink(missing_ok=True)
    return timed_out


def _better(found: str, layer: str) -> bool:
    """Whether recognised text replaces a page's text layer: always an empty one (the page is
    then marked as read, even when nothing was found), else only when it says clearly more (a
    slide's title over a photo of text); a few characters read again may only add errors."""
    have = meaningful(layer)
    return have == 0 or meaningful(found) >= have + MIN_LAYER_CHARS


def timeout_notice(numbers: list[int]) -> str:
    """A sentence for the uploader naming the pages whose recognition overran its limit."""
    if not numbers:
        return ""
    shown = "、".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")
    return _("第 %(pages)s 页的文字识别超时，这些页面的文字暂时无法搜索。") % {"pages": shown}


def warm_up() -> None:
    """Load the models and read a line once, so that the first scan pays for neither."""
    if not available():
        return
    image = Image.new("L", (600, 80), 255)
    ImageDraw.Draw(image).text((10, 25), "Wenku OCR warm-up 2026", fill=0)
    with contextlib.suppress(OcrTimeout):
        recognise(image, dpi=200, timeout=30)
