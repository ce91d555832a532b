"""A reader searches from the header, opens the hit on its page, and searches inside it."""

import re

import pytest

from tests.factories import published_document
from wenku.search.index import index_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_open_hit_and_find_in_document(anonymous_page, user, artifacts, page_errors):
    from playwright.sync_api import expect

    page = anonymous_page
    target = published_document(
        uploader=user,
        title="新材料产业报告",
        pages=5,
        text=lambda i: "本页介绍溅射靶材的制备工艺。" if i == 4 else f"第{i}页的普通内容。",
    )
    other = published_document(uploader=user, title="无关文档", text=lambda i: "别的内容")
    for document in (target, other):
        index_document(document)

    page.goto("/")
    page.get_by_role("searchbox", name="搜索文档").fill("溅射靶材")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.locator(".summary")).to_contain_text("找到 1 篇文档")
    expect(page.locator("mark").first).to_have_text(re.compile("溅射|靶材|溅射靶材"))
    page.screenshot(path=artifacts / "search-results.png", full_page=True)
    page.get_by_role("link", name="第4页").first.click()
    expect(page).to_have_url(re.compile(rf"/doc/{target.number}/#page-4$"))

    page.get_by_role("searchbox", name="在本文档中搜索").fill("制备工艺")
    page.get_by_role("button", name="查找").click()
    hits = page.locator("#doc-search-results")
    expect(hits).to_contain_text("第4页")
    hits.get_by_role("link", name="第4页").click()
    expect(page).to_have_url(re.compile(r"#page-4$"))
    assert page_errors == []
