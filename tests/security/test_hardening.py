"""The site answers odd and hostile requests with a status that says what happened, never 500."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys

import pytest

from tests.factories import published_document
from wenku.middleware import LimitedUploadHandler, UploadTooLarge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/doc/9223372036854775808/",
        "/doc/99999999999999999999999/read/",
        "/doc/9223372036854775808/page/1.webp",
        "/doc/1/page/99999999999999999999.webp",
        "/category/9223372036854775808/",
        "/search/in/9223372036854775808/",
    ],
)
def test_numbers_past_64_bits_are_not_found(client, url):
    assert client.get(url).status_code == 404


def test_a_locked_database_answers_503_with_retry_after(client, settings):
    settings.ROOT_URLCONF = "tests.security.busy_urls"
    page = client.get("/busy/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "稍后重试" in page.content.decode()
    api = client.get("/api/busy/")
    assert api.status_code == 503 and api.json()["code"] == "busy"


def test_a_server_error_leaves_its_traceback_in_the_log(settings):
    from django.test import Client

    settings.ROOT_URLCONF = "tests.security.busy_urls"
    logger = logging.getLogger("django.request")
    assert logger.handlers, "django.request has a handler of ours"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        response = Client(raise_request_exception=False).get("/broken/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    assert "Traceback" in stream.getvalue() and "RuntimeError: a bug" in stream.getvalue()


def test_an_upload_over_the_limit_is_refused_before_its_body_is_read(client, user):
    client.force_login(user)
    response = client.post(
        "/upload/", data=b"x" * 10, content_type="application/octet-stream",
        CONTENT_LENGTH=str(150 * 1024 * 1024),
    )  # fmt: skip
    assert response.status_code == 413 and "文件过大" in response.content.decode()
    api = client.post(
        "/api/documents", data=b"x", content_type="application/octet-stream",
        CONTENT_LENGTH=str(150 * 1024 * 1024),
    )  # fmt: skip
    assert api.status_code == 413 and api.json()["code"] == "too_large"


def test_a_body_without_a_truthful_length_is_cut_off_past_the_limit():
    handler = LimitedUploadHandler()
    handler.handle_raw_input(None, {}, 0, b"b")
    handler.receive_data_chunk(b"x" * 1024, 0)
    with pytest.raises(UploadTooLarge):
        for start in range(0, 200 * 1024 * 1024, 8 * 1024 * 1024):
            handler.receive_data_chunk(b"x" * 8 * 1024 * 1024, start)


def test_pages_still_work_behind_the_guard(client, user):
    document = published_document(uploader=user, title="正常的文档")
    assert client.get(document.get_absolute_url()).status_code == 200


def test_https_settings_follow_wenku_https(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wenku.settings",
        "WENKU_DATA_DIR": str(tmp_path),
    }
    plain = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert plain.stdout.split()[:4] == ["False", "False", "0", "False"], plain.stderr
    env["WENKU_HTTPS"] = "true"
    secure = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert secure.stdout.split()[:4] == ["True", "True", "31536000", "True"], secure.stderr
    assert "HTTP_X_FORWARDED_PROTO" in secure.stdout


def test_pages_carry_a_content_security_policy_that_allows_only_this_site(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy


def test_api_docs_load_swagger_from_this_site(client):
    html = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_no_template_has_inline_script():
    """Behaviour is declared with data attributes (static/wenku/site.js): the policy blocks
    inline handlers and script blocks."""
    import re
    from pathlib import Path

    from django.conf import settings

    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    block = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        assert not handler.search(text), template
        assert not block.search(text), template


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=a&pages_min=100000000000000000000000",
        "/search/?q=a&pages_min=1e23&pages_max=9223372036854775808",
    ],
)
def test_huge_search_filters_are_ignored_not_errors(client, url):
    assert client.get(url).status_code == 200


def test_huge_api_numbers_are_refused_or_clamped(client, user):
    assert client.get("/api/search?q=a&pages_max=9223372036854775808").status_code == 422
    assert client.get("/api/search?q=a&page=4611686018427387904").status_code == 422
    client.force_login(user)
    response = client.get("/api/me/points?page=4611686018427387904")
    assert response.status_code == 200 and response.json() == []


def test_an_original_is_served_as_what_it_is_never_as_a_page(client, user):
    document = published_document(
        uploader=user, title="伪装", filename="invoice.html", fmt="pdf", body=b"%PDF-1.4 x"
    )
    client.force_login(user)
    response = client.post(f"/doc/{document.number}/download/", {"kind": "original"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "invoice.html.pdf" in disposition


def test_page_images_of_documents_not_public_are_not_for_shared_caches(client, user):
    public = published_document(uploader=user, title="公开")
    private = published_document(uploader=user, title="私有", visibility="private")
    assert "public" in client.get(f"/doc/{public.number}/page/1.webp")["Cache-Control"]
    client.force_login(user)
    cache = client.get(f"/doc/{private.number}/page/1.webp")["Cache-Control"]
    assert cache.startswith("private")


@pytest.mark.parametrize(
    ("target", "lands"),
    [
        ("https://evil.example/", "/me/"),
        ("//evil.example/x", "/me/"),
        ("javascript:alert(1)", "/me/"),
        ("/doc/1/", "/doc/1/"),
    ],
)
def test_sign_in_goes_back_only_to_this_site(client, user, target, lands):
    client.force_login(user)
    response = client.post("/me/signin/", {"next": target})
    assert response.status_code == 302 and response["Location"] == lands
