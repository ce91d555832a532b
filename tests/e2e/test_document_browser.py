"""A reader opens a converted document in Chromium, expands the text, pages through the reader."""

import re

import pytest

from wenku.library.models import Category, Document
from wenku.samples.office import make_docx
from wenku.samples.text import chinese_paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.office, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def converted(user, run_queue, tmp_docs):
    """A real 6-page Chinese DOCX, imported and converted by LibreOffice and pdfium."""
    from wenku.conversion.ingest import Metadata, ingest

    path = make_docx(
        tmp_docs / "汇报.docx",
        title="贯彻落实情况汇报",
        paragraphs=chinese_paragraphs(60, seed=7),
        pages=6,
    )
    document = ingest(
        path,
        "贯彻落实情况汇报.docx",
        user,
        Metadata(title="贯彻落实情况汇报", category=Category.from_path("资格与职业考试/其它")),
    )
    run_queue()
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document


def test_document_page_and_reader_mode(anonymous_page, converted, artifacts, page_errors):
    from playwright.sync_api import expect

    page = anonymous_page
    total = converted.page_count
    page.goto(converted.get_absolute_url())
    expect(page.locator("nav.crumbs")).to_have_text("当前位置:首页 > 资格与职业考试 > 其它")
    expect(page.locator(".meta")).to_contain_text("文档编号")
    figures = page.locator("figure.page")
    expect(figures).to_have_count(total)
    expect(figures.first.locator("figcaption")).to_have_text(f"第1页 / 共{total}页")
    first = page.get_by_alt_text("贯彻落实情况汇报_第1页")
    expect(first).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", first.element_handle()) > 0
    expect(page.locator(".preview .end")).to_contain_text(f"该文档总共{total}页,全部预览完了")

    more = page.locator("details.more")  # 60 paragraphs: far more than the two chunks shown
    expect(more).to_have_count(1)
    hidden = more.locator("p").first
    expect(hidden).to_be_hidden()
    page.get_by_text("展开阅读全文").click()
    expect(hidden).to_be_visible()
    page.screenshot(path=artifacts / "document-page.png", full_page=True)

    page.get_by_role("link", name="阅读模式").click()
    image = page.locator("#reader-image")
    expect(image).to_have_attribute("alt", "贯彻落实情况汇报_第1页")
    page.get_by_role("link", name="下一页").click()
    expect(page.locator("#reader-caption")).to_have_text(f"第2页 / 共{total}页")
    page.keyboard.press("ArrowRight")
    expect(image).to_have_attribute("alt", "贯彻落实情况汇报_第3页")
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    page.locator("#page-input").fill(str(total))
    page.locator("#page-input").press("Enter")
    expect(page.locator("#reader-caption")).to_have_text(f"第{total}页 / 共{total}页")
    page.get_by_role("button", name="放大").click()
    expect(page.locator("#zoom-level")).to_have_text("125%")
    page.keyboard.press("-")
    expect(page.locator("#zoom-level")).to_have_text("100%")
    page.screenshot(path=artifacts / "reader-mode.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=artifacts / "reader-mode-phone.png")
    assert page_errors == []
