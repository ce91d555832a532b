"""The document page shows every element of the seed page, for search engines and people alike."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import published_document
from wenku.library.models import Category, Document, DocumentView

pytestmark = pytest.mark.django_db

SENTENCE = "关于贯彻落实省九次党代会精神情况汇报，现将省九次党代会精神落实情况汇报如下。"


@pytest.fixture
def category(db):
    return Category.from_path("资格与职业考试/其它")


@pytest.fixture
def document(user, category):
    return published_document(
        uploader=user,
        title="2023年贯彻落实情况汇报",
        filename="2023年贯彻落实情况汇报.docx",
        pages=5,
        category=category,
        tags=["汇报", "党代会"],
        text=lambda i: SENTENCE * 12 + f"第{i}页结束。",
        body=b"x" * 18360,
    )


def page_of(client, document):
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_seed_page_elements_are_all_there(client, document, site_settings):
    site_settings.icp_number = "浙ICP备2024059924号-2"
    site_settings.save()
    html = page_of(client, document)
    for text in [
        "收藏",
        "分享",
        "赏",
        "下载",
        "相关",
        "举报",
        "上传人",
        "up****1",
        "文档编号",
        str(document.number),
        "上传时间",
        "格式",
        "DOCX",
        "页数",
        "大小",
        "17.93KB",
        "亲,该文档总共5页,全部预览完了,如果喜欢就下载吧!",
        "资源描述",
        "1、",
        "2、",
        "展开阅读全文",
        "相关资源",
        "猜你喜欢",
        "相关搜索",
        "当前位置:",
        "首页",
        "资格与职业考试",
        "其它",
        "浙ICP备2024059924号-2",
    ]:
        assert text in html, text
    for n in range(1, 6):
        assert f'alt="2023年贯彻落实情况汇报_第{n}页"' in html
        assert f"第{n}页 / 共5页" in html
    assert re.search(r"© \d{4}(-\d{4})? Wenku 文库", html)


def test_preview_images_are_lazy_and_their_urls_hide_the_hash(client, document):
    html = page_of(client, document)
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 5
    assert all(f"/doc/{document.number}/page/" in img for img in images)
    assert all('loading="lazy"' in img for img in images[1:])
    assert document.sha256 not in html


def test_a_partial_preview_says_how_many_pages_remain(client, user):
    document = published_document(uploader=user, pages=30, preview=10, price=5)
    html = page_of(client, document)
    assert "还剩20页未读" in html and "下载完整文档（5 积分）" in html
    assert "全部预览完了" not in html
    assert client.get(f"/doc/{document.number}/page/10.webp").status_code == 200
    assert client.get(f"/doc/{document.number}/page/11.webp").status_code == 404


def test_the_text_is_numbered_and_collapsed_without_javascript(client, document):
    html = page_of(client, document)
    visible, _, hidden = html.partition("<details")
    assert "1、关于贯彻落实" in visible and "2、" in visible
    assert "<summary>展开阅读全文</summary>" in hidden and "3、" in hidden


def test_search_engines_get_title_description_canonical_and_json_ld(client, document):
    html = page_of(client, document)
    assert "<title>2023年贯彻落实情况汇报.docx - Wenku 文库</title>" in html
    assert '<meta name="description" content="关于贯彻落实' in html
    assert f'<link rel="canonical" href="http://testserver/doc/{document.number}/">' in html
    assert '<meta property="og:title" content="2023年贯彻落实情况汇报">' in html
    blocks = [
        json.loads(b)
        for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]
    kinds = {b["@type"]: b for b in blocks}
    assert kinds["DigitalDocument"]["numberOfPages"] == 5
    assert kinds["DigitalDocument"]["identifier"] == str(document.number)
    names = [item["name"] for item in kinds["BreadcrumbList"]["itemListElement"]]
    assert names == ["首页", "资格与职业考试", "其它"]


def test_a_hostile_title_is_escaped_everywhere(client, user):
    title = '</script><script>alert("x")</script>'
    document = published_document(uploader=user, title=title)
    html = page_of(client, document)
    assert "<script>alert" not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(block)["name"] == title


def test_related_resources_guess_and_searches(client, document, user, category):
    sibling = published_document(
        uploader=user, title="同类汇报材料", category=category, tags=["汇报"]
    )
    other = published_document(
        uploader=user, title="毫不相关的文档", category=Category.from_path("教育/小学")
    )
    Document.objects.filter(pk=sibling.pk).update(download_count=9)
    html = page_of(client, document)
    related = html.split('id="related-h"')[1].split("</section>")[0]
    assert "同类汇报材料" in related and "毫不相关的文档" not in related
    assert "2023年贯彻落实情况汇报</a>" not in related, "never the document itself"
    searches = html.split('id="searches-h"')[1].split("</section>")[0]
    assert "/search/?q=%E6%B1%87%E6%8A%A5" in searches
    assert other.title not in html.split('id="guess-h"')[1].split("</section>")[0]


def test_a_document_not_ready_shows_its_state_and_its_error_to_the_uploader(client, user):
    document = published_document(uploader=user)
    Document.objects.filter(pk=document.pk).update(status="failed", error="文件已损坏：无法读取。")
    assert client.get(document.get_absolute_url()).status_code == 404
    client.force_login(user)
    html = page_of(client, document)
    assert "转换失败" in html and "文件已损坏：无法读取。" in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("pages", [3, 60])
def test_the_page_needs_a_bounded_number_of_queries(client, user, category, pages):
    document = published_document(
        uploader=user, pages=pages, category=category, tags=["汇报", "材料"]
    )
    for i in range(5):
        published_document(uploader=user, title=f"同类{i}", category=category, tags=["汇报"])
    client.force_login(user)
    client.get(document.get_absolute_url())  # the first view writes the view counter
    with CaptureQueriesContext(connection) as anonymous_and_logged_in:
        client.get(document.get_absolute_url())
    assert len(anonymous_and_logged_in) <= 12, [q["sql"] for q in anonymous_and_logged_in]


def test_views_count_once_per_visitor_and_day(client, document, reader):
    from django.test import Client

    for _ in range(3):
        client.get(document.get_absolute_url())
    other = Client()
    other.force_login(reader)
    other.get(document.get_absolute_url())
    document.refresh_from_db()
    assert document.view_count == 2


def test_views_are_counted_once_even_when_the_cache_forgets(client, document):
    from django.core.cache import cache

    client.get(document.get_absolute_url())
    cache.clear()  # another process, or another machine
    client.get(document.get_absolute_url())
    document.refresh_from_db()
    assert document.view_count == 1


def views_at(client, document, instants, at_utc) -> dict[str, int]:
    """The document's view count after one visit at each UTC instant (keyed "MM-DD HH:MM")."""
    counts = {}
    for instant in instants:
        at_utc(instant)
        client.get(document.get_absolute_url())
        document.refresh_from_db()
        counts[instant[5:]] = document.view_count
    return counts


def test_a_visitor_counts_again_after_midnight_in_shanghai_not_utc(client, document, at_utc):
    counts = views_at(
        client,
        document,
        [
            "2026-03-02 15:58",  # 23:58 on 2 March in Shanghai
            "2026-03-02 15:59",
            "2026-03-02 16:01",  # 00:01 on 3 March: a new day, though UTC still says 2 March
        ],
        at_utc,
    )
    assert counts == {"03-02 15:58": 1, "03-02 15:59": 1, "03-02 16:01": 2}
    days = DocumentView.objects.filter(document=document).values_list("day", flat=True)
    assert sorted(days) == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]


def test_a_visitor_counts_once_in_one_site_day_across_the_utc_midnight(
    client, document, reader, at_utc
):
    client.force_login(reader)
    counts = views_at(
        client,
        document,
        [
            "2026-03-02 16:01",  # 00:01 on 3 March in Shanghai
            "2026-03-02 23:59",
            "2026-03-03 00:01",  # a new UTC date, still 3 March
            "2026-03-03 15:59",  # 23:59 on 3 March
            "2026-03-03 16:00",  # 00:00 on 4 March
        ],
        at_utc,
    )
    assert counts == {
        "03-02 16:01": 1,
        "03-02 23:59": 1,
        "03-03 00:01": 1,
        "03-03 15:59": 1,
        "03-03 16:00": 2,
    }


def test_anonymous_visitors_get_a_cached_copy_that_follows_edits(client, document):
    first = page_of(client, document)
    with CaptureQueriesContext(connection) as cached:
        assert page_of(client, document) == first
    assert len(cached) <= 2, [q["sql"] for q in cached]
    document.title = "改过的标题"
    document.save()
    assert "改过的标题" in page_of(client, document)
    Document.objects.filter(pk=document.pk).update(visibility="private")
    assert client.get(document.get_absolute_url()).status_code == 404


def test_logged_in_readers_never_get_the_anonymous_copy(client, document, reader):
    page_of(client, document)
    client.force_login(reader)
    assert "reader88" in page_of(client, document)


def test_search_inside_the_document_works_without_javascript(client, document, user):
    from wenku.search.index import index_document

    special = published_document(
        uploader=user, pages=4, text=lambda i: "溅射靶材的工艺" if i == 3 else "普通内容"
    )
    index_document(special)
    html = page_of_url(client, f"{special.get_absolute_url()}?q=溅射靶材")
    results = html.split('id="doc-search-results"')[1].split("</section>")[0]
    assert f'href="{special.get_absolute_url()}#page-3"' in results and "第3页" in results
    assert "<mark>" in results
    fragment = client.get(
        f"/search/in/{special.number}/?q=靶材&format=html", headers={"HX-Request": "true"}
    ).content.decode()
    assert "#page-3" in fragment and "<html" not in fragment


def page_of_url(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_every_page_has_a_site_search_box(client):
    html = page_of_url(client, "/")
    assert 'role="search"' in html and 'action="/search/"' in html


def test_line_breaks_inside_chinese_text_do_not_become_spaces():
    from wenku.library.text import chunks

    parts, _ = chunks(["土地复\n垦方案是\n重要基础。Sputtering\ntarget 第 3 页"])
    assert parts == ["土地复垦方案是重要基础。Sputtering target 第 3 页"]


def test_guess_you_like_follows_what_readers_of_this_document_also_read(user, category):
    from django.core.cache import cache
    from django.test import Client

    from wenku.web.related import popular_in_category

    here = published_document(uploader=user, title="起点", category=category)
    elsewhere = Category.from_path("别处")
    together = published_document(uploader=user, title="常一起读的", category=elsewhere)
    popular = published_document(uploader=user, title="本类热门", category=category)
    Document.objects.filter(pk=popular.pk).update(download_count=100)
    for i in range(3):  # three visitors read both in one session
        visitor = Client(HTTP_USER_AGENT=f"browser-{i}")
        visitor.get(here.get_absolute_url())
        visitor.get(together.get_absolute_url())
        cache.clear()
    guesses = [d.title for d in popular_in_category(here, [])]
    assert guesses[:2] == ["常一起读的", "本类热门"], guesses
    assert "起点" not in guesses


def test_related_searches_come_from_the_search_log_without_sensitive_words(client, user):
    from wenku.search.models import log_search
    from wenku.site.models import SensitiveWord

    document = published_document(uploader=user, title="汇报", tags=["土地"])
    for query, n in [("土地 批复", 3), ("土地 出让", 1), ("土地 赌博", 5), ("天气", 9)]:
        for _ in range(n):
            log_search(query, query, 4, 0.01)
    SensitiveWord.objects.create(word="赌博")
    html = page_of(client, document)
    searches = html.split('id="searches-h"')[1].split("</section>")[0]
    assert searches.index("土地 批复") < searches.index("土地 出让")
    assert "赌博" not in searches and "天气" not in searches
    assert ">土地</a>" in searches, "the document's own keywords follow"


def test_a_process_trusts_its_last_look_at_a_document_for_a_moment(client, document, wenku_config):
    from wenku.web.views import document as views

    wenku_config(page_stamp_seconds=60)
    views._stamps.clear()
    page_of(client, document)
    page_of(client, document)
    with CaptureQueriesContext(connection) as cached:
        page_of(client, document)
    assert len(cached) == 0
