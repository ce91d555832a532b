"""Home, category and search pages: anonymous visitors get a cached copy that never outlives a
change of what it lists; logged-in readers never see one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import published_document
from wenku.library.models import Category
from wenku.search.index import index_document
from wenku.search.models import SearchLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):
    return Category.from_path("报告/季度")


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_cached_home_page_costs_no_query_and_shows_a_new_document_at_once(client, user):
    published_document(uploader=user, title="第一篇缓存文档")
    first, _ = _get(client, "/")
    again, queries = _get(client, "/")
    assert again == first and queries == 0
    published_document(uploader=user, title="刚发布的第二篇")
    assert "刚发布的第二篇" in _get(client, "/")[0]


def test_a_category_page_follows_a_renamed_category(client, user, category):
    published_document(uploader=user, title="分类里的文档", category=category)
    url = category.get_absolute_url()
    assert _get(client, url)[1] > 0 and _get(client, url)[1] == 0
    Category.objects.filter(pk=category.pk).update(name="改名之前")  # no signal: still cached
    category.name = "改了名的分类"
    category.save()
    assert "改了名的分类" in _get(client, url)[0]


def test_each_language_and_each_query_has_its_own_copy(client, user):
    published_document(uploader=user, title="语言测试文档")
    chinese, _ = _get(client, "/")
    english, _ = _get(client, "/", **{"Accept-Language": "en"})
    assert chinese != english and "Latest documents" in english
    assert _get(client, "/?sort=downloads")[0] != "" and _get(client, "/?sort=downloads")[1] == 0


def test_a_logged_in_reader_never_gets_the_anonymous_copy(client, user, reader):
    published_document(uploader=user, title="登录测试文档")
    _get(client, "/")
    client.force_login(reader)
    html, queries = _get(client, "/")
    assert reader.username in html and queries > 0


def test_a_cached_search_is_still_logged(client, user):
    index_document(
        published_document(uploader=user, title="季度报告汇编", text=lambda n: "季度报告的正文")
    )
    first, _ = _get(client, "/search/?q=季度报告")
    assert "汇编" in first, "found (the title is highlighted: <mark>季度报告</mark>汇编)"
    again, queries = _get(client, "/search/?q=季度报告")
    assert again == first and queries == 1, "only the search log's insert"
    assert SearchLog.objects.filter(normalized__contains="季度").count() == 2
