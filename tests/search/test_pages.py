"""The search page, suggestions, search inside a document, the API and the search log."""

import json

import pytest
from django.urls import reverse

from wenku.search.models import SearchLog, related_queries, top_queries


@pytest.mark.django_db
def test_search_page_highlights_and_escapes(client, make_doc):
    doc = make_doc("<script>alert(1)</script>溅射靶材", ["第一页", "高纯<img src=x>溅射靶材制备"])
    response = client.get(reverse("search:results"), {"q": "溅射靶材"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>溅射靶材</mark>" in html
    assert "高纯&lt;img src=x&gt;<mark>溅射靶材</mark>制备" in html
    assert "第2页" in html
    assert f"{doc.get_absolute_url()}#page-2" in html
    assert "找到 1 篇文档" in html


@pytest.mark.django_db
def test_a_page_past_the_last_says_there_is_no_more(client, make_doc):
    for i in range(21):  # two pages of 20
        make_doc(f"铪靶{i}", ["铪靶材"])
    html = client.get(reverse("search:results"), {"q": "铪靶", "page": 400}).content.decode()
    assert "找到 21 篇文档" in html and "没有更多结果了。" in html
    assert "400/" not in html


@pytest.mark.django_db
def test_search_page_with_nothing_found_and_without_query(client):
    html = client.get(reverse("search:results"), {"q": "不存在的词"}).content.decode()
    assert "没有找到" in html
    assert client.get(reverse("search:results")).status_code == 200


@pytest.mark.django_db
def test_search_page_in_english(client, make_doc):
    make_doc("溅射靶材", ["第一页", "高纯溅射靶材制备"])
    url = reverse("search:results")
    html = client.get(url, {"q": "溅射靶材"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Found 1 document<" in html
    assert ">Page 2</a>" in html
    assert "Filter" in html and "Relevance" in html
    for text in ["找到", "篇文档", "第2页", "筛选", "相关度"]:
        assert text not in html, text
    html = client.get(url, {"q": "不存在的词"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Found 0 documents" in html
    assert "No documents contain “不存在的词”. Try fewer or shorter words." in html
    assert "没有找到" not in html


@pytest.mark.django_db
def test_searches_are_logged_and_feed_related_and_top_queries(client, make_doc):
    make_doc("土地批复", ["土地批复文件"])
    client.get(reverse("search:results"), {"q": "土地"})
    client.get(reverse("search:results"), {"q": "土地 批复"})
    client.get(reverse("search:results"), {"q": "土地 批复"})
    client.get(reverse("search:results"), {"q": "土地 批复", "page": 2})  # not logged again
    client.get(reverse("search:results"), {"q": "靶材"})
    log = SearchLog.objects.order_by("created_at").first()
    assert (log.query, log.normalized, log.result_count) == ("土地", "土地", 1)
    assert SearchLog.objects.count() == 4
    assert related_queries(["土地"]) == ["土地 批复"]
    top = top_queries(days=1)
    assert top[0]["query"] == "土地 批复" and top[0]["count"] == 2
    assert {"query": "靶材", "zero_results": 1}.items() <= top[-1].items()


@pytest.mark.django_db
def test_suggestions_offer_titles_and_tags(client, make_doc):
    make_doc("溅射靶材手册", ["x"], tags=["溅射工艺"])
    make_doc("高纯溅射靶材", ["x"])
    make_doc("私有溅射", ["x"], visibility="private")
    data = client.get(reverse("search:suggest"), {"q": "溅射"}).json()
    assert data["titles"] == ["溅射靶材手册", "高纯溅射靶材"]
    assert data["tags"] == ["溅射工艺"]


@pytest.mark.django_db
def test_search_in_document_as_json_and_html(client, make_doc):
    doc = make_doc("t", ["无", "土地 <b>x</b>", "土地"])
    url = reverse("search:in_document", args=[doc.number])
    data = client.get(url, {"q": "土地"}).json()
    assert [p["page"] for p in data["pages"]] == [2, 3]
    assert data["pages"][0]["snippet"] == "<mark>土地</mark> &lt;b&gt;x&lt;/b&gt;"
    html = client.get(url, {"q": "土地", "format": "html"}).content.decode()
    assert f'href="{doc.get_absolute_url()}#page-2">第2页</a>' in html
    private = make_doc("p", ["土地"], visibility="private")
    assert client.get(reverse("search:in_document", args=[private.number])).status_code == 404


@pytest.mark.django_db
def test_api_search(client, make_doc):
    doc = make_doc("Sputtering Targets 手册", ["High purity sputtering targets"], format="pdf")
    make_doc("other", ["sputtering targets"], format="docx")
    response = client.get("/api/search", {"q": '"sputtering target"', "format": "pdf"})
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["total"] == 1
    [hit] = data["results"]
    assert hit["id"] == doc.number
    assert hit["title_html"] == "<mark>Sputtering Targets</mark> 手册"
    assert hit["format"] == "pdf"
    assert SearchLog.objects.get().normalized == '"sputtering target"'


@pytest.mark.django_db
def test_search_page_sorts_and_filters_from_the_query_string(client, make_doc):
    older = make_doc("钒靶材料", ["钒靶"], format="pdf")
    newer = make_doc("其他", ["钒靶"], format="docx")
    html = client.get(reverse("search:results"), {"q": "钒靶", "sort": "latest"}).content.decode()
    assert html.index(newer.get_absolute_url()) < html.index(older.get_absolute_url())
    html = client.get(reverse("search:results"), {"q": "钒靶"}).content.decode()
    assert html.index(older.get_absolute_url()) < html.index(newer.get_absolute_url())
    html = client.get(reverse("search:results"), {"q": "钒靶", "format": "docx"}).content.decode()
    assert older.get_absolute_url() not in html and newer.get_absolute_url() in html
