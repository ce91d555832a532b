"""Scanned pages get their text recognised (OCR): searchable, in 资源描述, marked as recognised;
pages with a text layer are left alone; the site setting, `wenku ocr --missing` and the time
limit per page."""

from __future__ import annotations

import io
import time
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from wenku.conversion import ocr, runner
from wenku.conversion.ingest import ingest
from wenku.discovery.services import keywords_for
from wenku.library.models import Document, Page
from wenku.samples.text import chinese_paragraphs
from wenku.search.index import search
from wenku.site.models import SiteSettings

pytestmark = [pytest.mark.django_db, pytest.mark.ocr]
DPI = 200
NOTE = "以下文字由系统识别，可能有误"


def _text_page(canvas, paragraphs: list[str], size: float = 12, margin: float = 72) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    canvas.setFont("STSong-Light", size)
    y = 842 - margin
    for text in paragraphs:
        line = ""
        for ch in text:
            if stringWidth(line + ch, "STSong-Light", size) > 595 - 2 * margin:
                canvas.drawString(margin, y, line)
                line, y = "", y - size * 1.6
            line += ch
        canvas.drawString(margin, y, line)
        y -= size * 2.6


def _scan(paragraphs: list[str], margin: float) -> Image.Image:
    """The page of text a scanner would give: drawn, rendered at 200 dpi, in grey."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=(595, 842), invariant=True)
    _text_page(canvas, paragraphs, margin=margin)
    canvas.showPage()
    canvas.save()
    pdf = pdfium.PdfDocument(buf.getvalue())
    image = pdf[0].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    pdf.close()
    return image


def make_pdf(path: Path, pages: list[tuple[str, list[str]]], margin: float = 72) -> Path:
    """A PDF whose pages are ("text", paragraphs): a text layer, or ("scan", paragraphs): the
    text only as an image (an image-only page, as a scanner makes)."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    canvas = Canvas(str(path), pagesize=(595, 842), invariant=True)
    for kind, paragraphs in pages:
        if kind == "text":
            _text_page(canvas, paragraphs)
        else:
            image = ImageReader(_scan(paragraphs, margin))
            canvas.drawImage(image, 0, 0, width=595, height=842)
        canvas.showPage()
    canvas.save()
    return path


def _cer(truth: str, found: str) -> float:
    t = "".join(unicodedata.normalize("NFKC", truth).split())
    f = "".join(unicodedata.normalize("NFKC", found).split())
    previous = list(range(len(f) + 1))
    for i, a in enumerate(t, 1):
        current = [i]
        for j, b in enumerate(f, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / len(t)


def _convert(path: Path, user) -> Document:
    document = ingest(path, path.name, user)
    runner.run_conversion(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document


def _word_of(truth: str, found: str) -> str:
    """A four-character word of the known text that recognition got right."""
    compact = "".join(found.split())
    for start in range(len(truth) - 4):
        word = truth[start : start + 4]
        if all("\u4e00" <= ch <= "\u9fff" for ch in word) and word in compact:
            return word
    raise AssertionError("no word of the text was recognised")


def test_a_scanned_page_is_recognised_searchable_and_described(user, tmp_docs, client):
    paragraphs = chinese_paragraphs(2, seed=31)
    path = make_pdf(tmp_docs / "扫描件.pdf", [("scan", paragraphs)])
    assert pdfium.PdfDocument(str(path))[0].get_textpage().get_text_range() == ""

    document = _convert(path, user)
    (page,) = document.pages.all()
    assert page.text_source == Page.TextSource.OCR == "ocr"
    assert _cer("".join(paragraphs), page.text) < 0.03, page.text
    assert page.image, "the page image stays the scan"

    word = _word_of("".join(paragraphs), page.text)
    assert [hit.document.pk for hit in search(word).hits] == [document.pk]
    from_text = [k for k in keywords_for(document) if k not in document.title]
    assert from_text and all(k in page.text for k in from_text), "keywords of the text"
    html = client.get(document.get_absolute_url()).content.decode()
    assert "资源描述" in html and NOTE in html
    assert word in html

    # Another scan of the same text (other margins) is found a near-duplicate by its text.
    copy = _convert(make_pdf(tmp_docs / "副本.pdf", [("scan", paragraphs)], margin=90), user)
    assert copy.review == Document.Review.PENDING
    assert any("疑似重复" in reason for reason in copy.review_flags), copy.review_flags


def test_only_the_page_without_a_text_layer_is_recognised(user, tmp_docs, client, monkeypatch):
    layer, scanned = chinese_paragraphs(2, seed=32), chinese_paragraphs(1, seed=33)
    path = make_pdf(tmp_docs / "混合.pdf", [("text", layer), ("scan", scanned)])
    seen: list[tuple[int, int]] = []
    recognise = ocr.recognise

    def counting(image, **kwargs):
        seen.append(image.size)
        return recognise(image, **kwargs)

    monkeypatch.setattr(ocr, "recognise", counting)
    document = _convert(path, user)
    first, second = document.pages.order_by("number")
    assert len(seen) == 1, "one page was read"
    assert first.text_source == Page.TextSource.LAYER and layer[0][:20] in first.text
    assert second.text_source == Page.TextSource.OCR
    assert _cer(scanned[0], second.text) < 0.05

    text_only = make_pdf(tmp_docs / "文字.pdf", [("text", layer)])
    document = _convert(text_only, user)
    assert len(seen) == 1, "a document with a text layer is not read"
    html = client.get(document.get_absolute_url()).content.decode()
    assert "资源描述" in html and NOTE not in html


def test_site_setting_off_then_wenku_ocr_missing_fills_the_text(user, tmp_docs, client):
    SiteSettings.objects.update_or_create(pk=1, defaults={"ocr_enabled": False})
    SiteSettings.forget()
    paragraphs = chinese_paragraphs(1, seed=34)
    document = _convert(make_pdf(tmp_docs / "旧扫描件.pdf", [("scan", paragraphs)]), user)
    (page,) = document.pages.all()
    assert page.text == "" and page.text_source == Page.TextSource.LAYER
    before = keywords_for(document)  # from the title only

    with pytest.raises(CommandError):
        call_command("ocr")
    out = io.StringIO()
    call_command("ocr", "--missing", stdout=out, stderr=io.StringIO())
    assert "1 recognised in 1 documents, 0 over the time limit" in out.getvalue()
    page.refresh_from_db()
    assert page.text_source == Page.TextSource.OCR
    assert _cer(paragraphs[0], page.text) < 0.05
    word = _word_of(paragraphs[0], page.text)
    assert [hit.document.pk for hit in search(word).hits] == [document.pk], "reindexed"
    assert len(keywords_for(document)) > len(before), "discovery followed (document_changed)"
    assert NOTE in client.get(document.get_absolute_url()).content.decode()

    out = io.StringIO()
    call_command("ocr", "--document", str(document.number), stdout=out, stderr=io.StringIO())
    assert "checked 0 pages" in out.getvalue(), "nothing left to do"


def test_a_page_over_the_time_limit_fails_alone_not_the_document(user, tmp_docs, wenku_config):
    # A page takes Tesseract about a second: 50 ms is Tesseract's own deadline cutting it off.
    wenku_config(ocr_timeout_per_page=0.05)
    scanned = chinese_paragraphs(2, seed=35)
    path = make_pdf(tmp_docs / "慢.pdf", [("text", chinese_paragraphs(1)), ("scan", scanned)])
    started = time.monotonic()
    document = _convert(path, user)
    assert time.monotonic() - started < 3
    assert document.page_count == 2
    first, second = document.pages.order_by("number")
    assert first.text and second.text_source == Page.TextSource.LAYER
    assert "第 2 页的文字识别超时" in document.error
    assert document.lease_owner == "" and document.stage == ""


def test_which_pages_need_ocr_and_how_text_is_cleaned(tmp_path):
    assert ocr.needs_ocr("")
    assert ocr.needs_ocr("- 3 -  扫描全能王 创建")
    assert not ocr.needs_ocr("根据《新材料产业发展指南》有关规定，教研室对区域协调发展进行了检查")
    pdf = pdfium.PdfDocument(str(make_pdf(tmp_path / "p.pdf", [("text", ["目录"]), ("scan", [])])))
    assert not ocr.needs_ocr("目录", pdf[0]), "a few words and no picture: nothing to read"
    assert ocr.needs_ocr("", pdf[1]), "a scanned page"
    pdf.close()
    assert ocr.clean("社会 稳定 风险 评估 是 Wenku OCR\n\n  引导 ; 第二 行 ") == (
        "社会稳定风险评估是 Wenku OCR\n引导;第二行"
    )
