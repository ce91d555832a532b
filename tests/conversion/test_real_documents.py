"""Real files convert right, or are refused for the right reason, through the real pipeline.

One test (or one parametrised group) per class of defect seen with real uploads: fonts,
text encodings, harmless DOCTYPEs, passwords, PDF forms and broken pages, XFA, wide CSV cells,
messages without tool output, retries and restarts, odd but valid inputs.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from django.core.files.storage import default_storage
from PIL import Image

from tests.samples import realworld
from wenku.conversion.ingest import IngestError, ingest
from wenku.library.models import Document

pytestmark = [pytest.mark.django_db]

RAW_OUTPUT = re.compile(r"(/tmp/|/var/|\.py\b|Traceback|PdfiumError|Warning:|Error:|javaldx|qpdf)")


def _convert(path: Path, user, run_queue, name: str | None = None) -> Document:
    document = ingest(path, name or path.name, user)
    run_queue()
    document.refresh_from_db()
    return document


def _pdf_bytes(document: Document) -> bytes:
    with default_storage.open((document.pdf or document.original).name) as f:
        return f.read()


def _fonts(pdf_data: bytes) -> set[str]:
    """Base names of the fonts a PDF's pages use, without subset prefixes."""
    names = set()
    with pikepdf.open(io.BytesIO(pdf_data)) as pdf:
        for page in pdf.pages:
            fonts = page.obj.get("/Resources", {}).get("/Font", {})
            for font in fonts.values():
                base = str(font.get("/BaseFont", ""))
                names.add(base.lstrip("/").split("+", 1)[-1])
                for descendant in font.get("/DescendantFonts", []):
                    names.add(str(descendant.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1])
    return names


def _text(document: Document) -> str:
    return "\n".join(document.pages.order_by("number").values_list("text", flat=True))


def _plain_soffice_pages(src: Path, workdir: Path) -> int:
    """Pages of a plain `soffice --convert-to pdf`: the system's fonts and fontconfig, no
    Wenku configuration at all."""
    profile = workdir / "plain-profile"
    env = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
    env["HOME"] = str(workdir)
    subprocess.run(
        [
            shutil.which("soffice") or "soffice",
            "--headless",
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(src),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    return len(pdfium.PdfDocument(str(workdir / (src.stem + ".pdf"))))


# --- 1. fonts ---------------------------------------------------------------------------------


@pytest.mark.office
def test_western_fonts_get_their_metric_twins_and_chinese_fonts_noto(user, run_queue, tmp_docs):
    document = _convert(realworld.make_font_mix_docx(tmp_docs / "fonts.docx"), user, run_queue)
    assert document.status == Document.Status.READY, document.error
    fonts = _fonts(_pdf_bytes(document))
    for wanted in [*realworld.WESTERN_FONTS.values(), *realworld.CHINESE_FONTS.values()]:
        assert any(name.startswith(wanted) for name in fonts), (wanted, fonts)
    assert not any(name.startswith("DejaVu") for name in fonts), fonts


@pytest.mark.office
def test_page_count_equals_plain_libreoffice(user, run_queue, tmp_docs, tmp_path):
    path = realworld.make_western_docx(tmp_docs / "western.docx", paragraphs=70)
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    plain = _plain_soffice_pages(path, tmp_path)
    assert plain > 3
    assert document.page_count == plain


# --- 2. text encodings ------------------------------------------------------------------------


@pytest.mark.office
@pytest.mark.parametrize("encoding", list(realworld.ENCODED_TEXTS))
def test_text_files_in_any_encoding_are_read_right(encoding, user, run_queue, tmp_docs):
    path = realworld.make_encoded_text(tmp_docs / f"{encoding}.txt", encoding)
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    # The detected encoding is kept, and reads the file exactly as the one it was written in
    # (cp1125 for cp866 is the same for Russian; cp1252 for Latin-1 the same for its letters).
    data = path.read_bytes()
    assert document.text_encoding
    assert data.decode(document.text_encoding) == data.decode(encoding)
    text = re.sub(r"\s+", "", _text(document))
    for line in realworld.encoded_text_lines(encoding):
        assert re.sub(r"\s+", "", line) in text
    assert "\ufffd" not in text


@pytest.mark.office
def test_characters_outside_the_bmp_are_drawn_not_boxed(user, run_queue, tmp_docs):
    document = _convert(
        realworld.make_encoded_text(tmp_docs / "extb.txt", "utf-8"), user, run_queue
    )
    assert "𠀀𠀁𪚥" in _text(document)
    # Noto CJK lacks most of Extension B: the glyphs must come from a font that has them.
    assert any(name.startswith("HanaMin") for name in _fonts(_pdf_bytes(document)))


# --- 3. harmless DOCTYPEs are not attacks -----------------------------------------------------


@pytest.mark.office
def test_odt_with_formula_and_basic_macros_converts(user, run_queue, tmp_docs):
    path = realworld.make_odt_with_formula_and_macro(tmp_docs / "公式.odt", text="含公式的文档")
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert "含公式的文档" in _text(document)


@pytest.mark.office
def test_docx_with_html_altchunk_converts(user, run_queue, tmp_docs):
    path = realworld.make_docx_with_altchunk(
        tmp_docs / "chunk.docx", text="正文段落", chunk_text="导入的网页段落"
    )
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert "正文段落" in _text(document)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
        '<!DOCTYPE x PUBLIC "-//A//B" "http://192.0.2.1/evil.dtd">',
        '<!DOCTYPE x [<!ENTITY e "boom">]>',
    ],
)
def test_entities_and_external_dtds_are_still_refused(doctype, user, tmp_docs):
    path = realworld.make_odt_with_formula_and_macro(tmp_docs / "x.odt", text="x")
    data = io.BytesIO()
    with (
        __import__("zipfile").ZipFile(path) as src,
        __import__("zipfile").ZipFile(data, "w") as dst,
    ):
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "Object 1/content.xml":
                content = content.replace(realworld.MATH_DOCTYPE.encode(), doctype.encode())
            dst.writestr(info, content)
    path.write_bytes(data.getvalue())
    with pytest.raises(IngestError) as info:
        ingest(path, "x.odt", user)
    assert info.value.code == "xxe"


# --- 4. passwords, both ways ------------------------------------------------------------------


def test_encrypted_odt_is_refused_as_encrypted(user, tmp_docs):
    with pytest.raises(IngestError) as info:
        ingest(realworld.make_encrypted_odt(tmp_docs / "locked.odt"), "locked.odt", user)
    assert info.value.code == "encrypted" and "密码" in info.value.message
    assert Document.objects.count() == 0


@pytest.mark.office
def test_office_default_password_is_no_password(user, run_queue, tmp_docs):
    rows = [["项目", "金额"], ["土地出让金", "1200"], ["Target", "88"]]
    path = realworld.make_encrypted_xlsx(
        tmp_docs / "readonly.xlsx", password="VelvetSweatshop", rows=rows
    )
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert document.format == "xlsx"
    assert "土地出让金" in _text(document) and "Target" in _text(document)


def test_a_real_password_is_refused(user, tmp_docs):
    path = realworld.make_encrypted_xlsx(tmp_docs / "locked.xlsx", password="secret", rows=[["a"]])
    with pytest.raises(IngestError) as info:
        ingest(path, "locked.xlsx", user)
    assert info.value.code == "encrypted"


# --- 5. PDFs ----------------------------------------------------------------------------------


def _ink_in(webp: bytes, rect_pt, page_height_pt: float) -> int:
    image = Image.open(io.BytesIO(webp)).convert("L")
    scale = image.width / 595
    x0, y0, x1, y1 = rect_pt
    box = (
        int(x0 * scale) + 4,
        int((page_height_pt - y1) * scale) + 4,
        int(x1 * scale) - 4,
        int((page_height_pt - y0) * scale) - 4,
    )
    return image.crop(box).point(lambda v: 255 if v < 100 else 0).histogram()[255]


def test_filled_in_form_fields_are_drawn(user, run_queue, tmp_docs):
    path, rect = realworld.make_filled_form_pdf(tmp_docs / "form.pdf", value="Zhang San 2026")
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    page = document.pages.get(number=1)
    with default_storage.open(page.image.name) as f:
        assert _ink_in(f.read(), rect, page.height_pt) > 50, "the field's value is drawn"


def test_a_broken_page_is_left_out_and_the_rest_published(user, run_queue, tmp_docs):
    path = realworld.make_pdf_with_broken_page(tmp_docs / "broken.pdf", pages=5, broken=3)
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert document.attempts == 1
    texts = list(document.pages.order_by("number").values_list("text", flat=True))
    assert "Page 1 of the report" in texts[0] and "Page 2 of the report" in texts[1]
    assert not any("Page 3 of" in t for t in texts)
    assert "第 3 页已损坏" in document.error
    assert [p.number for p in document.pages.order_by("number")] == list(range(1, len(texts) + 1))


def test_xfa_only_form_is_refused_saying_what_it_is(user, tmp_docs):
    with pytest.raises(IngestError) as info:
        ingest(realworld.make_xfa_only_pdf(tmp_docs / "xfa.pdf"), "xfa.pdf", user)
    assert info.value.code == "xfa" and "XFA" in info.value.message


# --- 6. CSV -----------------------------------------------------------------------------------


@pytest.mark.office
def test_wide_csv_cells_are_readable_whole(user, run_queue, tmp_docs):
    path, long_cells = realworld.make_wide_csv(tmp_docs / "名单.csv")
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    text = re.sub(r"\s+", "", _text(document))
    for cell in long_cells:
        assert cell in text, cell[:20]


# --- 7 and 8. messages, retries, restarts -----------------------------------------------------


@pytest.mark.office
def test_a_file_libreoffice_cannot_load_fails_once_clearly_without_a_restart(
    user, run_queue, tmp_docs, office
):
    starts = office.starts
    document = _convert(realworld.make_unloadable_docx(tmp_docs / "坏.docx"), user, run_queue)
    assert document.status == Document.Status.FAILED
    assert document.attempts == 1, "a failure that will repeat is not retried"
    assert "无法打开此文件" in document.error
    assert not RAW_OUTPUT.search(document.error), document.error
    assert "Could not load" in document.error_detail, "the tool's words are kept for staff"
    assert office.starts == starts and office.alive(), "the warm LibreOffice was kept"


@pytest.mark.office
def test_libreoffice_is_recycled_between_documents_above_its_memory_limit(
    user, run_queue, tmp_docs, office, wenku_config
):
    wenku_config(office_max_rss_mb=1)
    recycled = office.recycled
    document = _convert(
        realworld.make_font_mix_docx(tmp_docs / "a.docx", repeat=1), user, run_queue
    )
    assert document.status == Document.Status.READY, document.error
    assert office.recycled == recycled + 1 and not office.alive()


def test_messages_of_refusals_carry_no_paths_or_tool_output(user, tmp_docs):
    from tests.samples import hostile

    for name, builder in [
        ("t.pdf", hostile.make_truncated_pdf),
        ("r.docx", hostile.make_random_bytes),
        ("xfa.pdf", realworld.make_xfa_only_pdf),
    ]:
        path = builder(tmp_docs / name)
        try:
            ingest(path, name, user)
        except IngestError as exc:
            assert not RAW_OUTPUT.search(exc.message), exc.message


# --- 9. odd but valid inputs ------------------------------------------------------------------


@pytest.mark.office
def test_word_2003_xml_named_doc_converts(user, run_queue, tmp_docs):
    path = realworld.make_word2003_xml(tmp_docs / "通知.doc", paragraphs=["关于开展检查的通知"])
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert document.format == "doc"
    assert "关于开展检查的通知" in _text(document)


@pytest.mark.office
def test_excel_2003_xml_named_xls_converts(user, run_queue, tmp_docs):
    path = realworld.make_spreadsheetml(
        tmp_docs / "表.xls", rows=[["部门", "人数"], ["教务处", "12"]]
    )
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert document.format == "xls" and "教务处" in _text(document)


@pytest.mark.office
def test_plain_text_named_doc_is_shown_as_text(user, run_queue, tmp_docs):
    path = tmp_docs / "说明.doc"
    path.write_text("这是一份纯文本说明。\n第二行。\n", "gb18030")
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert "这是一份纯文本说明" in _text(document)


def test_web_page_named_doc_is_refused_for_what_it_is(user, tmp_docs):
    with pytest.raises(IngestError) as info:
        ingest(realworld.make_html_named_doc(tmp_docs / "通知.doc"), "通知.doc", user)
    assert "网页" in info.value.message
    assert "不支持的文件类型 .doc" not in info.value.message


@pytest.mark.office
def test_epub_with_xhtml_named_entities_converts(user, run_queue, tmp_docs):
    path = realworld.make_epub_with_entities(
        tmp_docs / "book.epub", title="实体测试", paragraphs=["第一段正文", "第二段正文"]
    )
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    text = _text(document)
    assert "第一段正文" in text and "©" in text and "—" in text


@pytest.mark.office
def test_odf_templates_open_as_documents(user, run_queue, tmp_docs):
    path = realworld.make_odt_template(tmp_docs / "模板.ott", text="模板中的正文")
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert document.format == "odt" and "模板中的正文" in _text(document)


@pytest.mark.office
def test_docx_whose_main_part_has_another_name_converts(user, run_queue, tmp_docs):
    path = realworld.make_docx_with_renamed_main_part(tmp_docs / "gen.docx", text="生成器写的文档")
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    assert "生成器写的文档" in _text(document)


@pytest.mark.office
def test_untidy_epub_keeps_what_it_can(user, run_queue, tmp_docs):
    path = realworld.make_untidy_epub(
        tmp_docs / "书.epub", good="第一章的正文", untidy="第二章正文"
    )
    document = _convert(path, user, run_queue)
    assert document.status == Document.Status.READY, document.error
    text = _text(document)
    assert "第一章的正文" in text and "第二章正文" in text


def test_drm_epub_is_refused_as_encrypted(user, tmp_docs):
    with pytest.raises(IngestError) as info:
        ingest(realworld.make_drm_epub(tmp_docs / "drm.epub"), "drm.epub", user)
    assert info.value.code == "encrypted" and "DRM" in info.value.message


def test_web_page_is_refused_as_a_web_page(user, tmp_docs):
    path = realworld.make_html_named_doc(tmp_docs / "page.html")
    with pytest.raises(IngestError) as info:
        ingest(path, "page.html", user)
    assert info.value.code == "unsupported" and "网页" in info.value.message
