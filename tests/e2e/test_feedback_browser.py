"""A buyer in Chromium: reads past the preview, rates the document and comments on it, in place
(htmx), with no JavaScript error and nothing the Content-Security-Policy blocks."""

import re

import pytest

from tests.factories import give_points
from wenku.conversion import runner
from wenku.conversion.ingest import Metadata, ingest
from wenku.library import downloads
from wenku.samples.pdf import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_buyer_reads_everything_rates_and_comments(
    open_page, user, reader, tmp_docs, artifacts, page_errors
):
    from playwright.sync_api import expect

    path = make_pdf(tmp_docs / "浏览器全文.pdf", title="买了就能读", pages=4)
    document = ingest(path, "浏览器全文.pdf", user, Metadata(price=3, preview_limit=1))
    runner.run_conversion(document.pk)
    document.refresh_from_db()
    give_points(reader, 10)
    downloads.download(reader, document)

    with open_page(reader) as page:
        page.goto(document.get_absolute_url())
        expect(page.locator(".preview .end")).to_contain_text("已购买，可阅读全文")
        page.get_by_role("link", name="从第2页继续阅读").click()
        expect(page.locator("#reader-caption")).to_contain_text("第2页 / 共4页")
        image = page.locator("#reader-image")
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0, "the page past the preview renders"

        page.goto(document.get_absolute_url())
        page.get_by_label("4 星").check()
        page.get_by_role("button", name="提交评分").click()
        expect(page.locator("#rating")).to_contain_text("评分 4.0（1 人评价）")
        expect(page.locator("#rating")).to_contain_text("我的评分：4 星")

        page.get_by_label("发表评论").fill("第二页的图表很清楚")
        page.get_by_role("button", name="发表", exact=True).click()
        comment = page.locator(".comment").filter(has_text="第二页的图表很清楚")
        expect(comment).to_be_visible()
        expect(page.locator("#comments-h")).to_contain_text("评论（1）")

        comment.locator("summary", has_text="回复").click()
        comment.get_by_role("textbox").fill("补充：第三页也不错")
        comment.get_by_role("button", name="回复").click()
        expect(page.locator(".comment.reply")).to_contain_text("补充：第三页也不错")
        expect(page.locator("#comments-h")).to_contain_text("评论（2）")
        page.screenshot(path=str(artifacts / "feedback.png"), full_page=True)

        page.locator(".comment.reply").get_by_role("button", name="删除").click()
        expect(page.locator(".comment.reply")).to_have_count(0)
        expect(page.locator("#comments-h")).to_contain_text(re.compile("评论（1）"))
    assert not page_errors, page_errors
