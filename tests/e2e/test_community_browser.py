"""Readers and uploaders in Chromium: the uploader's home page and follow, folders from the
document page, a reply that reaches the uploader as a notice — in place (htmx), with no
JavaScript error and nothing the Content-Security-Policy blocks."""

import re

import pytest

from tests.factories import published_document
from wenku.community import comments
from wenku.community.models import FolderItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_follow_collect_and_a_reply_that_reaches_the_uploader(
    open_page, user, reader, artifacts, page_errors
):
    from playwright.sync_api import expect

    document = published_document(uploader=user, title="社区功能测试文档")
    asked = comments.post(user, document, "欢迎提出问题")

    with open_page(reader) as page:
        page.goto(document.get_absolute_url())
        page.locator(".meta").get_by_role("link", name="up****1").click()
        expect(page).to_have_url(re.compile(rf"/u/{user.pk}/$"))
        expect(page.get_by_role("main")).to_contain_text("社区功能测试文档")
        page.get_by_role("button", name="关注").click()
        expect(page.get_by_role("button", name="已关注")).to_be_visible()

        page.goto(document.get_absolute_url())
        page.get_by_role("link", name="收藏到…").click()
        page.get_by_label("新建收藏夹").fill("毕业论文资料")
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".collect-form")).to_contain_text("毕业论文资料")
        assert FolderItem.objects.filter(folder__name="毕业论文资料", document=document).exists()

        thread = page.locator(f"#comment-{asked.pk}")
        thread.locator("summary", has_text="回复").click()
        thread.get_by_role("textbox").fill("第三章的数据从哪里来？")
        thread.get_by_role("button", name="回复").click()
        expect(page.locator(".comment.reply")).to_contain_text("第三章的数据从哪里来？")

    with open_page(user) as page:
        page.goto("/")
        expect(page.locator("#unread-notices")).to_have_text("1")
        page.get_by_role("link", name=re.compile("^消息")).click()
        notice = page.get_by_role("link", name=re.compile("回复"))
        expect(notice).to_be_visible()
        page.screenshot(path=str(artifacts / "notices.png"), full_page=True)
        notice.first.click()
        expect(page).to_have_url(re.compile(rf"/doc/{document.number}/"))
        expect(page.locator("#unread-notices")).to_have_count(0)
    assert not page_errors, page_errors
