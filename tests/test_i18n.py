"""The interface is Chinese by default and English on request (Accept-Language or the switch)."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import published_document
from wenku.library.models import Category

pytestmark = pytest.mark.django_db

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def document(user):
    return published_document(
        uploader=user,
        title="2023年工作总结",
        pages=3,
        category=Category.from_path("工作总结/年度总结"),
        tags=["总结"],
        text=lambda i: "今年的工作取得了很大的进展，现将情况汇报如下。" * 20,
    )


def html(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


# Text shown on each page: (Chinese by default, English with Accept-Language: en).
PAGES = {
    "home": (
        "/",
        ["文档分类", "最新文档", "上传文档", "登录", "语言"],
        ["Categories", "Latest documents", "Upload documents", "Log in", "Language"],
    ),
    "login": (
        "/accounts/login/",
        ["忘记密码？", "没有账号？"],
        ["Forgot password?", "No account yet?"],
    ),
    "register": (
        "/accounts/register/",
        ["已有账号？", "注册即送"],
        ["Already have an account?", "Sign up"],
    ),
}


@pytest.mark.parametrize("name", PAGES)
def test_pages_are_chinese_by_default_and_english_on_request(client, name):
    url, chinese, english = PAGES[name]
    page = html(client, url)
    assert '<html lang="zh-hans">' in page
    for text in chinese:
        assert text in page, text
    page = html(client, url, **EN)
    assert '<html lang="en">' in page
    for text in english:
        assert text in page, text
    for text in chinese:
        assert text not in page, text


def test_the_document_page_in_english(client, document):
    page = html(client, document.get_absolute_url(), **EN)
    for text in [
        "Favorite",
        "Share",
        "Tip",
        "Download",
        "Report",
        "Document No.",
        "Uploader",
        "You are here: ",
        ">Home<",
        "Description",
        "Read the full text",
        "Related documents",
        "You may also like",
        "Related searches",
        "Page 1 of 3",
        "That's the whole document: all 3 pages previewed.",
        'alt="2023年工作总结_Page 2"',
    ]:
        assert text in page, text
    for text in ["收藏", "文档编号", "当前位置", "展开阅读全文", "猜你喜欢"]:
        assert text not in page, text
    # The data stays as it is.
    assert "2023年工作总结" in page and "工作总结" in page


def test_the_document_page_in_chinese_is_unchanged(client, document):
    page = html(client, document.get_absolute_url())
    for text in [
        "当前位置:",
        "文档编号",
        "亲,该文档总共3页,全部预览完了,如果喜欢就下载吧!",
        "第2页 / 共3页",
        'alt="2023年工作总结_第2页"',
        "展开阅读全文",
    ]:
        assert text in page, text
    assert "Document No." not in page


def test_the_cached_anonymous_page_is_per_language(client, document, settings):
    from wenku.config import CONFIG

    assert CONFIG.page_cache_seconds, "the page cache is on by default; this test needs it"
    url = document.get_absolute_url()
    for _ in range(2):
        assert "Document No." in html(client, url, **EN)
        assert "文档编号" in html(client, url)


def test_me_in_english(client, user, document):
    client.force_login(user)
    page = html(client, "/me/", **EN)
    for text in ["My uploads", "My favorites", "Points history", "Daily check-in", "Log out"]:
        assert text in page, text
    assert "我的上传" in html(client, "/me/")


def test_the_switch_sets_the_language_without_javascript(client, document):
    page = html(client, "/")
    assert 'action="/i18n/setlang/"' in page
    assert 'name="language"' in page and ">English<" in page and ">简体中文<" in page
    url = document.get_absolute_url()
    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302 and response.url == url
    page = html(client, url)
    assert "Document No." in page and "文档编号" not in page
    assert "Forgot password?" in html(client, "/accounts/login/")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "文档编号" in html(client, url)


def test_the_switch_works_without_a_csrf_token(document):
    """Anonymous document pages come from a shared cache, so their form has no token."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Categories" in html(client, "/")


def test_messages_from_python_are_translated(client, user, document):
    client.force_login(user)
    client.post("/me/signin/", **EN)
    page = html(client, "/me/", **EN)
    assert "Checked in: you earned" in page


def _po_entries(text: str):
    """(msgctxt, msgid, msgid_plural, [msgstr...], flags) for each entry of a .po file."""
    for block in text.strip().split("\n\n"):
        fields, key, flags = {}, None, []
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += [f.strip() for f in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif m := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line):
                key = m.group(1)
                fields[key] = ast.literal_eval(m.group(2))
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
        strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        yield fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), strs, flags


def test_every_message_has_an_english_translation():
    entries = list(_po_entries(PO.read_text(encoding="utf-8")))
    header, entries = entries[0], entries[1:]
    assert header[1] == "" and "fuzzy" not in header[4]
    assert len(entries) > 300
    untranslated = [e[1] for e in entries if not all(e[3])]
    fuzzy = [e[1] for e in entries if "fuzzy" in e[4]]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy
    for _ctx, msgid, plural, strs, _flags in entries:
        wanted = sorted(re.findall(r"%\(\w+\)s", msgid))
        for s in strs:
            assert sorted(re.findall(r"%\(\w+\)s", s)) == wanted, (msgid, s)
        assert len(strs) == (2 if plural else 1), msgid
