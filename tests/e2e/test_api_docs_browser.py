"""The API's documentation page works in a browser, from this site's own files, under its CSP."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_lists_every_operation(anonymous_page, artifacts, page_errors):
    from playwright.sync_api import expect

    page = anonymous_page
    page.on("console", lambda m: page_errors.append(m.text) if m.type == "error" else None)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 15
    expect(page.locator(".errors-wrapper")).to_have_count(0)
    page.screenshot(path=artifacts / "api-docs.png")
    assert page_errors == []
