"""A moderator's day in Chromium: approve an upload from the queue, act on a reader's report."""

import re

import pytest

from tests.factories import published_document
from wenku.library import publication
from wenku.library.models import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approve_and_report_flows(open_page, admin_user, user, reader, artifacts):
    from playwright.sync_api import expect

    from wenku.site.models import SiteSettings

    site = SiteSettings.current()
    site.review_mode = "everyone"
    site.save()
    held = published_document(uploader=user, title="等待审核的文档")
    Document.objects.filter(pk=held.pk).update(review="auto")
    held.refresh_from_db()
    publication.converted(held)
    live = published_document(uploader=user, title="将被举报的文档")

    with open_page(admin_user) as page, open_page(reader) as rp:
        page.goto("/moderation/review/")
        item = page.locator("article.review-item", has_text="等待审核的文档")
        expect(item).to_be_visible()
        page.screenshot(path=artifacts / "moderation-review.png", full_page=True)
        item.get_by_role("button", name="通过", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("已通过 1 篇文档")
        expect(page.get_by_text("没有待审核的文档。")).to_be_visible()
        assert Document.objects.public().filter(pk=held.pk).exists()

        rp.goto(live.get_absolute_url())
        rp.get_by_role("link", name="举报").click()
        rp.get_by_label("侵犯版权").check()
        rp.get_by_label("详细说明").fill("这是我写的文章")
        rp.get_by_role("button", name="提交举报").click()
        expect(rp.locator("#panel")).to_contain_text("举报已提交")

        page.goto("/moderation/reports/")
        group = page.locator("article.report-group", has_text="将被举报的文档")
        expect(group).to_contain_text("这是我写的文章")
        group.get_by_label("处理").select_option("hide")
        group.get_by_label("说明").fill("确认侵权")
        page.screenshot(path=artifacts / "moderation-reports.png", full_page=True)
        group.get_by_role("button", name="执行").click()
        expect(page.locator(".messages")).to_contain_text("已处理《将被举报的文档》的 1 条举报")

        rp.goto("/me/reports/")
        expect(rp.locator("table.list")).to_contain_text(re.compile("已处理.*该文档已被屏蔽"))
        assert rp.goto(live.get_absolute_url()).status == 404
        live.refresh_from_db()
        assert live.review == "hidden"
