"""A new reader in Chromium: register, log in, sign in daily, favorite, tip and download."""

import re

import pytest
from django.core import mail

from tests.factories import published_document
from wenku.community.models import Tip
from wenku.library.models import Purchase

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_sign_in_favorite_tip_download(anonymous_page, user, artifacts, page_errors):
    from playwright.sync_api import expect

    page = anonymous_page
    document = published_document(
        uploader=user, title="浏览器测试文档", price=3, filename="浏览器测试文档.docx"
    )

    page.goto("/accounts/register/")
    page.get_by_label("用户名").fill("reader2026")
    page.get_by_label("电子邮箱").fill("reader2026@example.com")
    page.locator("#id_password1").fill("pw-123456-abc")
    page.locator("#id_password2").fill("pw-123456-abc")
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".messages")).to_contain_text("已赠送 20 积分")

    page.get_by_role("button", name="退出").click()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("reader2026")
    page.locator("#id_password").fill("pw-123456-abc")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/me/$"))

    page.get_by_role("button", name=re.compile("每日签到")).click()
    expect(page.locator(".messages")).to_contain_text("签到成功，获得 2 积分")
    expect(page.locator("#balance")).to_have_text("22")

    page.goto(document.get_absolute_url())
    expect(page.locator(".meta")).to_contain_text("up****1")
    page.get_by_role("button", name=re.compile("^收藏")).click()
    expect(page.get_by_role("button", name=re.compile("^已收藏"))).to_contain_text("1")

    # A new account tips once its e-mail is verified: open the link of the mail.
    link = re.search(r"http://\S+/accounts/verify/\S+/", mail.outbox[-1].body)
    page.goto(link.group(0))
    expect(page.locator("h1")).to_contain_text("邮箱已验证")
    page.goto(document.get_absolute_url())

    page.get_by_role("link", name="赏").click()
    page.get_by_label("5 积分").check()
    page.get_by_role("button", name="赏", exact=True).click()
    expect(page.locator("#panel")).to_contain_text("已打赏 5 积分")

    page.get_by_role("link", name=re.compile("^下载")).click()
    expect(page.locator(".download")).to_contain_text("需要 3 积分，您当前有 17 积分")
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("下载原文件")).click()
    assert info.value.suggested_filename == "浏览器测试文档.docx"
    page.screenshot(path=artifacts / "reader-download.png", full_page=True)

    page.goto("/me/points/")
    expect(page.locator("#balance")).to_have_text("14")
    expect(page.locator("table.list")).to_contain_text("下载付费文档")
    page.screenshot(path=artifacts / "reader-points.png", full_page=True)

    assert Tip.objects.get().amount == 5 and Purchase.objects.count() == 1
    assert page_errors == []
