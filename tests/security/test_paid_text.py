"""No text of a page past the preview reaches a viewer who may not read it (issue 13, item 1).

A paid document of 30 pages previews 20. Anonymous visitors and logged-in readers who have not
bought it read the text of pages 1–20 only, everywhere: the document page (资源描述, meta
description, JSON-LD), the reader, the in-document search, the site search and the API. The
buyer (bought through the real download), the uploader and staff read all 30 pages. Search
still finds a match on page 25 and names "第25页", without quoting it.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import give_points, published_document
from wenku.accounts.models import ApiToken
from wenku.library.access import pages_readable_by, pages_readable_by_each
from wenku.library.models import Document, Purchase
from wenku.search.index import index_document

pytestmark = pytest.mark.django_db

PAGES, PREVIEW, PRICE = 30, 20, 5
VIEWERS = ["anonymous", "non-buyer", "buyer", "uploader", "staff"]
MAY_READ_ALL = {"buyer", "uploader", "staff"}


def marker(n: int) -> str:
    """A word found on page `n` only (what a search looks for)."""
    return f"第{n}页独有词"


def secret(n: int) -> str:
    """Another phrase of page `n` only, never searched for: it must not show up in a snippet."""
    return f"暗号{n}丙丁"


def page_text(n: int) -> str:
    return f"公共段落说明文字。{marker(n)}。本页{secret(n)}。"


def locked(n: int) -> bool:
    return n > PREVIEW


def leaked(text: str, pages=range(PREVIEW + 1, PAGES + 1)) -> list[int]:
    """The pages (past the preview, by default) whose own words appear in `text`."""
    return [n for n in pages if marker(n) in text or secret(n) in text]


@pytest.fixture
def document(user):
    doc = published_document(
        uploader=user,
        title="付费测试文档",
        price=PRICE,
        pages=PAGES,
        preview=PREVIEW,
        text=page_text,
        description="上传者写的简介",
    )
    index_document(doc)
    return doc


@pytest.fixture
def viewers(document, user, reader, admin_user, django_user_model):
    """A client per kind of viewer; the buyer buys through the download page, for points."""
    clients = {name: Client() for name in VIEWERS}
    other = django_user_model.objects.create_user("nobuyer1", password="pw-123456-abc")
    clients["non-buyer"].force_login(other)
    clients["uploader"].force_login(user)
    clients["staff"].force_login(admin_user)
    give_points(reader, 10)
    clients["buyer"].force_login(reader)
    response = clients["buyer"].post(f"/doc/{document.number}/download/", {"kind": "original"})
    assert response.status_code == 200
    assert Purchase.objects.filter(user=reader, document=document).exists()
    clients["tokens"] = {
        "anonymous": None,
        "non-buyer": ApiToken.issue(other)[1],
        "buyer": ApiToken.issue(reader)[1],
        "uploader": ApiToken.issue(user)[1],
        "staff": ApiToken.issue(admin_user)[1],
    }
    return clients


def get(client, url, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def bearer(token: str | None) -> dict:
    return {"headers": {"Authorization": f"Bearer {token}"}} if token else {}


# The rule -----------------------------------------------------------------------------------


def test_the_rule_counts_the_pages_each_viewer_may_read(document, viewers, reader, user):
    from django.contrib.auth.models import AnonymousUser

    from wenku.accounts.models import User

    assert pages_readable_by(document, None) == PREVIEW
    assert pages_readable_by(document, AnonymousUser()) == PREVIEW
    assert pages_readable_by(document, User.objects.get(username="nobuyer1")) == PREVIEW
    assert pages_readable_by(document, reader) == PAGES
    assert pages_readable_by(document, user) == PAGES
    assert pages_readable_by(document, User.objects.get(username="admin")) == PAGES
    free = published_document(uploader=user, pages=PAGES, preview=PREVIEW)
    assert pages_readable_by(free, None) == PAGES

    other = published_document(uploader=user, pages=PAGES, preview=PREVIEW, price=PRICE)
    with CaptureQueriesContext(connection) as queries:
        counts = pages_readable_by_each([document, free, other], reader)
    assert counts == {document.pk: PAGES, free.pk: PAGES, other.pk: PREVIEW}
    assert len(queries) == 1, "one query for the purchases"


# The document page --------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
def test_the_document_page_shows_the_text_each_viewer_may_read(document, viewers, who):
    html = get(viewers[who], document.get_absolute_url())
    assert all(marker(n) in html for n in range(1, PREVIEW + 1)), "the preview's text for all"
    if who in MAY_READ_ALL:
        assert leaked(html) == list(range(PREVIEW + 1, PAGES + 1))
        assert "购买</a>后可阅读全部内容" not in html
    else:
        assert leaked(html) == []
        assert "以上为前20页的内容。全文共30页" in html and "购买</a>后可阅读全部内容" in html


def json_ld(html: str) -> dict:
    blocks = [
        json.loads(b)
        for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]
    return {b["@type"]: b for b in blocks}["DigitalDocument"]


def meta_description(html: str) -> str:
    return re.search(r'<meta name="description" content="([^"]*)">', html).group(1)


@pytest.mark.parametrize("who", VIEWERS)
def test_meta_description_and_json_ld_come_from_readable_text_only(user, viewers, who):
    """A scanned preview (no text on pages 1–20): the description must not fall through to the
    text of page 21."""
    scanned = published_document(
        uploader=user,
        price=PRICE,
        pages=PAGES,
        preview=PREVIEW,
        text=lambda n: page_text(n) if locked(n) else "",
    )
    if who == "buyer":
        viewers[who].post(f"/doc/{scanned.number}/download/", {"kind": "original"})
    html = get(viewers[who], scanned.get_absolute_url())
    described = meta_description(html) + json_ld(html)["description"]
    og = re.search(r'<meta property="og:description" content="([^"]*)">', html).group(1)
    if who in MAY_READ_ALL:
        assert marker(21) in described and marker(21) in og
    else:
        assert leaked(described + og) == [] and leaked(html) == []
        assert "全文共30页" in html


def test_the_uploaders_description_is_the_meta_description(document, viewers):
    html = get(viewers["anonymous"], document.get_absolute_url())
    assert meta_description(html) == "上传者写的简介"
    assert json_ld(html)["description"] == "上传者写的简介"


# The page cache for anonymous visitors -------------------------------------------------------


def test_the_cached_anonymous_copy_is_never_the_buyers_and_the_buyer_never_gets_it(
    document, viewers
):
    anonymous, buyer = viewers["anonymous"], viewers["buyer"]
    first = get(anonymous, document.get_absolute_url())
    assert leaked(first) == []
    with CaptureQueriesContext(connection) as cached:
        assert get(anonymous, document.get_absolute_url()) == first
    assert len(cached) <= 2, "served from the cache"
    assert len(leaked(get(buyer, document.get_absolute_url()))) == PAGES - PREVIEW
    assert leaked(get(anonymous, document.get_absolute_url())) == []
    assert leaked(get(viewers["non-buyer"], document.get_absolute_url())) == []


def test_a_free_copy_in_the_cache_is_dropped_when_the_document_becomes_paid(user):
    document = published_document(uploader=user, pages=PAGES, preview=PREVIEW, text=page_text)
    anonymous = Client()
    assert len(leaked(get(anonymous, document.get_absolute_url()))) == PAGES - PREVIEW
    # Even a bulk update, which leaves `updated_at` alone, invalidates the cached copy.
    Document.objects.filter(pk=document.pk).update(price=PRICE)
    assert leaked(get(anonymous, document.get_absolute_url())) == []


# The reader ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
def test_the_reader_shows_no_text_past_the_preview(document, viewers, who):
    """Pages, never text; past the preview only for those who may read it all (their images
    are made on request: tests/web/test_reading_after_purchase.py, with a real PDF)."""
    for page in (1, PREVIEW, 25, PAGES):
        html = get(viewers[who], f"/doc/{document.number}/read/?page={page}")
        assert leaked(html) == []
        shown = page if who in MAY_READ_ALL else min(page, PREVIEW)
        assert f"/page/{shown}.webp" in html
    if who not in MAY_READ_ALL:
        assert viewers[who].get(f"/doc/{document.number}/page/25.webp").status_code == 404


# Search inside the document -----------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
def test_in_document_search_as_json_names_locked_pages_without_their_text(document, viewers, who):
    url = f"/search/in/{document.number}/"
    data = json.loads(get(viewers[who], url, data={"q": "独有词", "format": "json"}))
    pages = {p["page"]: p for p in data["pages"]}
    assert sorted(pages) == list(range(1, PAGES + 1)), "every page matches, for everyone"
    for n, hit in pages.items():
        if who in MAY_READ_ALL or not locked(n):
            assert hit["locked"] is False and marker(n).replace("独有词", "") in hit["snippet"]
            assert secret(n) in hit["snippet"]
        else:
            assert hit["locked"] is True and hit["snippet"] is None
            assert hit["url"] == f"/doc/{document.number}/download/"
    shown = json.dumps(data, ensure_ascii=False)
    assert (leaked(shown) == []) is (who not in MAY_READ_ALL)


@pytest.mark.parametrize("who", VIEWERS)
def test_in_document_search_as_html_lists_page_25_with_a_note(document, viewers, who):
    fragment = get(
        viewers[who], f"/search/in/{document.number}/", data={"q": marker(25), "format": "html"}
    )
    assert "第25页</a>" in fragment
    if who in MAY_READ_ALL:
        assert secret(25) in fragment and "该页内容需购买后阅读" not in fragment
    else:
        assert secret(25) not in fragment and "该页内容需购买后阅读" in fragment
        assert "<mark>" not in fragment, "no snippet at all"
    # The same list on the document page itself (a search there without JavaScript).
    page = get(viewers[who], document.get_absolute_url(), data={"q": marker(25)})
    results = page.split('id="doc-search-results"')[1].split("</section>")[0]
    assert "第25页</a>" in results
    assert (secret(25) in page) is (who in MAY_READ_ALL)


# Site search and the API --------------------------------------------------------------------


def snippets(html: str) -> str:
    return " ".join(re.findall(r'<p class="snippet">(.*?)</p>', html, re.S))


@pytest.mark.parametrize("who", VIEWERS)
def test_site_search_finds_page_25_and_quotes_it_only_to_those_who_may_read_it(
    document, viewers, who
):
    html = get(viewers[who], "/search/", data={"q": marker(25)})
    assert document.get_absolute_url() in html, "the document is still found"
    assert "第25页</a>" in html
    if who in MAY_READ_ALL:
        assert secret(25) in snippets(html) and "<mark>第25页独有词</mark>" in snippets(html)
        assert "匹配内容在完整文档中" not in html
    else:
        assert leaked(snippets(html)) == [] and secret(25) not in html
        assert "匹配内容在完整文档中，购买后可阅读" in html
    # A word on every page: the snippet comes from the first page, which everyone may read.
    html = get(viewers[who], "/search/", data={"q": "独有词"})
    assert secret(1) in snippets(html) and leaked(snippets(html)) == []
    if who not in MAY_READ_ALL:
        assert leaked(html) == []


@pytest.mark.parametrize("who", VIEWERS)
def test_api_search_lists_locked_pages_without_quoting_them(document, viewers, who):
    token = viewers["tokens"][who]
    response = Client().get("/api/search", {"q": marker(25)}, **bearer(token))
    assert response.status_code == 200
    [hit] = response.json()["results"]
    assert hit["id"] == document.number and 25 in hit["hit_pages"]
    if who in MAY_READ_ALL:
        assert hit["locked_pages"] == [] and hit["snippet_page"] == 25
        assert secret(25) in hit["snippet_html"]
    else:
        assert hit["locked_pages"] == [25] and hit["snippet_page"] is None
        assert leaked(response.content.decode()) == []
    # A session works as well as a token (the site's own pages call the API that way).
    session = viewers[who].get("/api/search", {"q": marker(25)}).json()["results"][0]
    assert session["locked_pages"] == hit["locked_pages"]


@pytest.mark.parametrize("who", VIEWERS)
def test_the_api_document_endpoint_carries_no_page_text(document, viewers, who):
    response = Client().get(f"/api/documents/{document.number}", **bearer(viewers["tokens"][who]))
    assert response.status_code == 200
    body = response.content.decode()
    assert leaked(body, range(1, PAGES + 1)) == []
    assert response.json()["pages"] == PAGES and response.json()["preview_pages"] == PREVIEW


# A free document ----------------------------------------------------------------------------


def test_a_free_document_shows_all_its_text_to_anyone(user):
    free = published_document(uploader=user, pages=PAGES, preview=PREVIEW, text=page_text)
    index_document(free)
    anonymous = Client()
    everything = list(range(PREVIEW + 1, PAGES + 1))
    assert leaked(get(anonymous, free.get_absolute_url())) == everything
    assert "购买</a>后可阅读全部内容" not in get(anonymous, free.get_absolute_url())
    data = json.loads(get(anonymous, f"/search/in/{free.number}/", data={"q": "独有词"}))
    assert not any(p["locked"] for p in data["pages"])
    assert leaked(json.dumps(data, ensure_ascii=False)) == everything
    html = get(anonymous, "/search/", data={"q": marker(25)})
    assert secret(25) in snippets(html)
    [hit] = anonymous.get("/api/search", {"q": marker(25)}).json()["results"]
    assert hit["locked_pages"] == [] and secret(25) in hit["snippet_html"]


@pytest.mark.parametrize(("price", "shown"), [(5, False), (0, True)])
def test_keywords_shown_to_everyone_come_from_text_everyone_may_read(user, price, shown):
    """关键词 and 相关搜索 are public: a paid document's locked pages must not feed them."""
    from wenku.discovery import services as discovery

    def text(i: int) -> str:
        if i == 25:
            return "锆钛矿选冶工艺。" * 40
        return "土地利用总体规划的批复文件，各级政府严格执行。" * 5

    document = published_document(
        uploader=user, title="矿产报告", price=price, pages=30, preview=20, text=text
    )
    discovery.on_published(document)
    assert ("选冶" in discovery.keywords_for(document)) is shown
