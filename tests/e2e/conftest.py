"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Responses that must not fail; XHR is left to the tests (a refused upload answers 400).
LOADED_RESOURCES = {"document", "script", "stylesheet", "image"}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session; Playwright's bundled browsers are never downloaded."""
    if not Path(CHROMIUM).exists():
        # In CI (scripts/test.sh sets this) a missing browser fails: a skip would pass silently.
        if os.environ.get("WENKU_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is not installed, and the browser tests are required")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, so Django would
    # refuse ORM calls from the test ("SynchronousOnlyOperation"). The test code is plain
    # synchronous code, so allow it while the browser is up, and only then.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            expect.set_options(timeout=10_000)
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page_errors() -> list[str]:
    """JavaScript errors and failed loads in `logged_in_page`; tests assert there are none."""
    return []


@contextmanager
def _open_page(browser, live_server, page_errors: list[str], user=None):
    """A page in a fresh browser context, logged in as `user` if given; load failures and
    JavaScript errors go to `page_errors`, printed when the page closes."""
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(10_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    page = context.new_page()
    page.on("pageerror", lambda exc: page_errors.append(f"JavaScript error: {exc}"))

    def console(message) -> None:  # what the Content-Security-Policy blocked
        if message.type == "error" and "Content Security Policy" in message.text:
            page_errors.append(f"CSP: {message.text}")

    page.on("console", console)

    def check(response) -> None:  # the page, its script, styles or images failed to load
        if (
            response.status >= 400
            and response.request.resource_type in LOADED_RESOURCES
            and not response.url.endswith("/favicon.ico")
        ):
            page_errors.append(f"HTTP {response.status} for {response.url}")

    def failed(request) -> None:
        # A navigation that turns into a download is reported as aborted; it is not a failure.
        if request.resource_type in LOADED_RESOURCES and "ERR_ABORTED" not in str(request.failure):
            page_errors.append(f"{request.failure} for {request.url}")

    page.on("response", check)
    page.on("requestfailed", failed)
    try:
        yield page
    finally:
        context.close()
        if page_errors:  # shown with a failure, which may have been caused by them
            print("browser problems:", *page_errors, sep="\n  ")


@pytest.fixture
def open_page(browser, live_server, page_errors):
    """open_page(user=None): a context manager giving a page, as in the two fixtures below."""
    return lambda user=None: _open_page(browser, live_server, page_errors, user)


@pytest.fixture
def anonymous_page(open_page):
    """A page in a fresh browser context, logged in as nobody."""
    with open_page() as page:
        yield page


@pytest.fixture
def logged_in_page(open_page, user):
    """A page in a fresh browser context whose session cookie logs `user` in."""
    with open_page(user) as page:
        yield page
