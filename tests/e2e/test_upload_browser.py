"""The upload page in a real browser: XHR upload, live status polling, the document page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from wenku.library.models import Document
from wenku.samples.office import make_docx, make_txt
from wenku.samples.text import chinese_paragraphs

pytestmark = [
    pytest.mark.browser,
    pytest.mark.office,
    pytest.mark.django_db(transaction=True),
]

DOC_LINK = re.compile(r"^文档 \d+$")
CONVERSION_TIMEOUT = 30_000  # ms: LibreOffice is warm, but the page polls once a second


def _result_line(page, filename: str):
    return page.locator("#results li").filter(has_text=filename)


def _wait_until_loaded(page, img) -> int:
    """Bring a (lazy) image into view, wait until it has decoded, return its natural width."""
    img.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    return img.evaluate("img => img.naturalWidth")


def test_two_files_upload_convert_and_show_their_pages(
    logged_in_page, page_errors, run_queue, tmp_path, artifacts
):
    page = logged_in_page
    docx = make_docx(
        tmp_path / "土地批复报告.docx",
        title="土地批复报告",
        paragraphs=chinese_paragraphs(6, seed=21),
        pages=3,
    )
    txt = make_txt(tmp_path / "工作说明.txt", chinese_paragraphs(2, seed=22))

    page.goto("/upload/")
    page.set_input_files("#id_files", [docx, txt])
    expect(page.locator("#chosen li")).to_have_count(2)
    page.fill("#id_tags", "土地 批复")
    page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page
    page.click("#submit")

    expect(page.locator("#upload-progress")).to_be_visible()
    expect(page.locator("#upload-percent")).to_have_text("上传完成")
    expect(page.locator("#results li")).to_have_count(2)
    docx_line, txt_line = _result_line(page, docx.name), _result_line(page, txt.name)
    for line in (docx_line, txt_line):
        expect(line).to_have_class("ok")
        expect(line.get_by_role("link", name=DOC_LINK)).to_be_visible()
    expect(page.locator("#chosen li")).to_have_count(0)

    # Two files: each document is titled after its file, both carry the tags.
    documents = {d.original_filename: d for d in Document.objects.prefetch_related("tags")}
    assert set(documents) == {docx.name, txt.name}
    assert documents[docx.name].title == "土地批复报告"
    assert documents[txt.name].title == "工作说明"
    for document in documents.values():
        assert document.status == Document.Status.QUEUED
        assert {t.name for t in document.tags.all()} == {"土地", "批复"}
    expect(docx_line.get_by_role("link", name=DOC_LINK)).to_have_text(
        f"文档 {documents[docx.name].number}"
    )

    # The page is already polling; convert in this thread and let the page notice by itself.
    assert run_queue() >= 2
    expect(docx_line.locator(".state")).to_have_text("已就绪，共 3 页", timeout=CONVERSION_TIMEOUT)
    expect(txt_line.locator(".state")).to_have_text(
        re.compile(r"^已就绪，共 \d+ 页$"), timeout=CONVERSION_TIMEOUT
    )
    expect(page.locator("#results progress")).to_have_count(0)
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    page.screenshot(path=artifacts / "upload-results.png", full_page=True)

    docx_line.get_by_role("link", name=DOC_LINK).click()
    page.wait_for_url(f"**{documents[docx.name].get_absolute_url()}")
    images = page.locator(".preview img")
    expect(images).to_have_count(3)
    first = page.locator('img[alt$="_第1页"]')
    expect(first).to_have_count(1)
    expect(first).to_have_attribute("alt", "土地批复报告_第1页")
    expect(page.get_by_text("第1页 / 共3页", exact=True)).to_be_visible()
    expect(page.locator("p.end")).to_have_text("亲,该文档总共3页,全部预览完了,如果喜欢就下载吧!")
    assert _wait_until_loaded(page, first) > 0
    for i in range(1, 3):  # the lazy ones too, so the full-page screenshot shows every page
        assert _wait_until_loaded(page, images.nth(i)) > 0
    page.screenshot(path=artifacts / "document-page.png", full_page=True)
    assert page_errors == []


def test_refused_file_shows_its_message(logged_in_page, page_errors, tmp_path, artifacts):
    page = logged_in_page
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")

    page.goto("/upload/")
    page.set_input_files("#id_files", empty)
    expect(page.locator("#chosen li")).to_have_count(1)
    page.click("#submit")

    expect(page.locator("#upload-percent")).to_have_text("上传完成")
    line = _result_line(page, "empty.docx")
    expect(line).to_have_class("bad")
    expect(line.locator(".error")).to_contain_text("文件为空")
    expect(line.get_by_role("link")).to_have_count(0)
    page.screenshot(path=artifacts / "upload-refused.png", full_page=True)
    assert Document.objects.count() == 0
    assert page_errors == []


def test_dropped_file_is_listed_and_uploaded(logged_in_page, page_errors):
    page = logged_in_page
    page.goto("/upload/")
    content = "拖放上传的文本：土地批复与用地预审。\n".encode()
    transfer = page.evaluate_handle(
        """([name, bytes]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], name, {type: "text/plain"}));
            return dt;
        }""",
        ["拖放文件.txt", list(content)],
    )
    zone = page.locator("#dropzone")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    expect(zone).to_have_class(re.compile(r"\bover\b"))
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    expect(zone).not_to_have_class(re.compile(r"\bover\b"))
    expect(page.locator("#chosen li")).to_have_count(1)
    expect(page.locator("#chosen")).to_contain_text("拖放文件.txt")

    page.click("#submit")
    expect(page.locator("#upload-percent")).to_have_text("上传完成")
    line = _result_line(page, "拖放文件.txt")
    expect(line.get_by_role("link", name=DOC_LINK)).to_be_visible()
    document = Document.objects.get()
    assert document.original_filename == "拖放文件.txt"
    assert document.size == len(content)
    assert page_errors == []
