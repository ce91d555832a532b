"""Home page, category pages, reader mode, sitemap.xml and robots.txt."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.factories import published_document
from wenku.library.models import Category, Document

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def library(user):
    law = Category.from_path("法律/合同")
    edu = Category.from_path("教育")
    docs = {
        "contract": published_document(uploader=user, title="租房合同", category=law, pages=2),
        "pdf": published_document(
            uploader=user, title="劳动合同范本", category=law, fmt="pdf", pages=9
        ),
        "lesson": published_document(uploader=user, title="小学教案", category=edu, pages=4),
    }
    Document.objects.filter(pk=docs["pdf"].pk).update(download_count=50, view_count=3)
    Document.objects.filter(pk=docs["lesson"].pk).update(recommended=True, view_count=99)
    return law, edu, docs


def test_home_shows_categories_latest_most_downloaded_and_recommended(client, library):
    html = client.get("/").content.decode()
    for text in ["文档分类", "法律", "合同", "教育", "最新文档", "下载排行", "编辑推荐"]:
        assert text in html, text
    recommended = html.split('id="rec-h"')[1].split("</section>")[0]
    assert "小学教案" in recommended and "租房合同" not in recommended
    top = html.split('id="top-h"')[1].split("</section>")[0]
    assert top.index("劳动合同范本") < top.index("租房合同")


def test_category_pages_list_their_subtree_sort_and_filter(client, library):
    law, edu, docs = library
    parent = law.parent
    html = client.get(parent.get_absolute_url()).content.decode()
    assert "租房合同" in html and "劳动合同范本" in html and "小学教案" not in html
    assert "当前位置:" in html
    html = client.get(f"{parent.get_absolute_url()}?sort=downloads").content.decode()
    assert html.index("劳动合同范本") < html.index("租房合同")
    html = client.get(f"{parent.get_absolute_url()}?format=pdf").content.decode()
    assert "劳动合同范本" in html and "租房合同" not in html
    html = client.get(f"{parent.get_absolute_url()}?sort=nonsense&format=exe").content.decode()
    assert "共 2 篇文档" in html


def test_category_pages_paginate(client, user):
    node = Category.from_path("很多")
    for i in range(25):
        published_document(uploader=user, title=f"文档{i:02d}", category=node, pages=1)
    first = client.get(node.get_absolute_url()).content.decode()
    second = client.get(f"{node.get_absolute_url()}?page=2").content.decode()
    assert "第 1 / 2 页" in first and 'rel="next"' in first
    assert len(re.findall(r"文档\d\d", first)) == 20 and len(re.findall(r"文档\d\d", second)) == 5


def test_reader_mode_pages_without_javascript(client, user):
    document = published_document(uploader=user, title="阅读测试", pages=12, preview=8)
    html = client.get(f"/doc/{document.number}/read/?page=3").content.decode()
    assert 'alt="阅读测试_第3页"' in html and "第3页 / 共12页" in html
    assert 'href="?page=2"' in html and 'href="?page=4"' in html
    assert "可预览前8页（共12页）" in html
    html = client.get(f"/doc/{document.number}/read/?page=99").content.decode()
    assert "第8页 / 共12页" in html, "clamped to the last previewable page"
    assert client.get(f"/doc/{document.number}/read/?page=x").status_code == 200


def test_sitemap_index_points_to_chunks_with_real_lastmod(client, library, settings):
    from wenku.library.sitemaps import DocumentSitemap

    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [e.text for e in index.findall("s:sitemap/s:loc", NS)]
    assert any("sitemap-documents.xml" in loc for loc in locations)
    chunk = ET.fromstring(client.get("/sitemap-documents.xml").content)
    urls = chunk.findall("s:url", NS)
    assert len(urls) == 3
    _law, _edu, docs = library
    entry = next(
        u for u in urls if u.find("s:loc", NS).text.endswith(f"/doc/{docs['contract'].number}/")
    )
    docs["contract"].refresh_from_db()
    # Django writes the day of the last change in the site's time zone, not the UTC day.
    assert (
        entry.find("s:lastmod", NS).text
        == timezone.localdate(docs["contract"].updated_at).isoformat()
    )
    assert DocumentSitemap.limit == 10_000


def test_sitemap_leaves_out_unlisted_private_and_unfinished_documents(client, user):
    public = published_document(uploader=user, title="公开")
    published_document(uploader=user, title="仅链接", visibility="unlisted")
    published_document(uploader=user, title="私有", visibility="private")
    for status in ("queued", "converting", "failed"):
        unfinished = published_document(uploader=user, title=f"未完成-{status}")
        Document.objects.filter(pk=unfinished.pk).update(status=status)
    held = published_document(uploader=user, title="待审核")
    Document.objects.filter(pk=held.pk).update(review=Document.Review.PENDING)
    chunk = client.get("/sitemap-documents.xml").content
    urls = [u.find("s:loc", NS).text for u in ET.fromstring(chunk).findall("s:url", NS)]
    assert len(urls) == 1 and urls[0].endswith(f"/doc/{public.number}/")


def test_robots_txt(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text and "Sitemap: http://testserver/sitemap.xml" in text


def test_ping(client):
    assert client.get("/-/ping").content == b"ok"
