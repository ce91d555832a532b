"""Every accepted format goes through the real LibreOffice and pdfium to pages, text and images."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from wenku.conversion.ingest import Metadata, ingest
from wenku.library.models import Category, Document
from wenku.samples.epub import make_epub
from wenku.samples.office import make_csv, make_docx, make_pptx, make_rtf, make_txt, make_xlsx
from wenku.samples.pdf import make_pdf
from wenku.samples.text import chinese_paragraphs

pytestmark = [pytest.mark.django_db, pytest.mark.office]


def _convert(path, user, run_queue, **meta) -> Document:
    document = ingest(path, path.name, user, Metadata(**meta))
    assert document.status == Document.Status.QUEUED
    run_queue()
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document


def _distinct_glyph_tiles(webp: bytes) -> int:
    """Count distinct 16x16 ink tiles: boxes (missing CJK glyphs) all look alike."""
    image = Image.open(io.BytesIO(webp)).convert("L").point(lambda v: 255 if v > 160 else 0)
    tiles = set()
    width, height = image.size
    for y in range(0, height - 16, 16):
        for x in range(0, width - 16, 16):
            tile = image.crop((x, y, x + 16, y + 16)).tobytes()
            if tile.count(0) > 8:
                tiles.add(tile)
    return len(tiles)


def test_chinese_docx_becomes_pages_with_text_images_and_pdf(user, run_queue, tmp_docs):
    paragraphs = chinese_paragraphs(10, seed=11)
    path = make_docx(tmp_docs / "报告.docx", title="土地批复报告", paragraphs=paragraphs, pages=5)
    Category.from_path("资格与职业考试/其它")  # categories are made by staff
    document = _convert(path, user, run_queue, category="资格与职业考试/其它")

    with default_storage.open(document.pdf.name) as f:
        pdf_pages = len(pdfium.PdfDocument(f.read()))
    assert document.page_count == pdf_pages == 5
    assert document.format == "docx"
    assert document.category.path == "资格与职业考试/其它"
    pages = list(document.pages.order_by("number"))
    assert [p.number for p in pages] == [1, 2, 3, 4, 5]
    assert all(p.text.strip() for p in pages)
    assert "土地批复报告" in pages[0].text
    assert len({p.text for p in pages}) == 5, "every page has its own text"
    for page in pages:
        with default_storage.open(page.image.name) as f:
            data = f.read()
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP"
        assert 880 <= image.width <= 920
    with default_storage.open(pages[0].image.name) as f:
        assert _distinct_glyph_tiles(f.read()) > 60, "Chinese glyphs rendered, not boxes"


@pytest.mark.parametrize(
    ("fmt", "build", "expect_text"),
    [
        (
            "pptx",
            lambda d: make_pptx(d / "演示.pptx", title="项目汇报演示", slides=3),
            "项目汇报演示",
        ),
        ("xlsx", lambda d: make_xlsx(d / "表格.xlsx", rows=20), None),
        ("csv", lambda d: make_csv(d / "表格.csv", rows=20), None),
        (
            "txt",
            lambda d: make_txt(d / "文本.txt", ["纯文本文档的第一段：土地批复。", "第二段。"]),
            "土地批复",
        ),
        (
            "rtf",
            lambda d: make_rtf(d / "富文本.rtf", "富文本标题", ["富文本正文：溅射靶材。"]),
            "溅射靶材",
        ),
        ("pdf", lambda d: make_pdf(d / "资料.pdf", title="复习资料", pages=3), "第2页"),
        (
            "epub",
            lambda d: make_epub(
                d / "书.epub", title="电子书", chapters=[("第一章", ["电子书正文：亩产统计。"])]
            ),
            "亩产统计",
        ),
    ],
)
def test_each_format_converts(fmt, build, expect_text, user, run_queue, tmp_docs):
    document = _convert(build(tmp_docs), user, run_queue)
    assert document.format == fmt
    assert document.page_count >= 1
    assert document.preview_page_count == min(document.page_count, 20)
    text = "".join(document.pages.values_list("text", flat=True))
    assert text.strip()
    if expect_text:
        assert expect_text in text


def test_odf_and_legacy_formats_are_detected_and_converted(user, run_queue, tmp_docs, office):
    """ODT/ODS/ODP and DOC/XLS/PPT are made from our own files by LibreOffice itself."""

    made = {
        "odt": make_docx(tmp_docs / "a.docx", title="开放文档", paragraphs=["开放文档格式"]),
        "ods": make_xlsx(tmp_docs / "b.xlsx", rows=5),
        "odp": make_pptx(tmp_docs / "c.pptx", title="开放演示", slides=1),
    }
    legacy = {"doc": made["odt"], "xls": made["ods"], "ppt": made["odp"]}
    converted = []
    for fmt, src in [*made.items(), *legacy.items()]:
        out = tmp_docs / f"out-{fmt}"
        out.mkdir()
        converted.append((fmt, _lo_convert(src, out, fmt)))
    for fmt, path in converted:
        document = _convert(path, user, run_queue)
        assert document.format == fmt
        assert document.page_count >= 1


def _lo_convert(src, outdir, fmt):
    import shutil
    import subprocess

    from wenku.conversion.office import office_env

    filters = {"doc": "doc:MS Word 97", "xls": "xls:MS Excel 97", "ppt": "ppt:MS PowerPoint 97"}
    target = filters.get(fmt, fmt)
    profile = outdir / "profile"
    subprocess.run(
        [
            shutil.which("soffice"),
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=office_env(profile),
    )
    return next(outdir.glob(f"*.{fmt}"))


def test_only_previewable_pages_are_rendered(user, run_queue, tmp_docs):
    path = make_pdf(tmp_docs / "long.pdf", title="长文档", pages=30)
    document = _convert(path, user, run_queue, preview_limit=4)
    assert document.page_count == 30
    assert document.preview_page_count == 4
    assert document.pages.exclude(image="").count() == 4
    assert document.pages.filter(text__contains="第30页").exists(), "text of every page"
