"""Home pages of readers and uploaders (/u/<id>/): the masked name (never the user name), a
generated avatar, the counts, the public uploads only, and the document page's link to them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import published_document
from wenku.accounts.avatars import avatar_svg
from wenku.community import follows
from wenku.library.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploader(django_user_model):
    return django_user_model.objects.create_user("zhangwei2021", password="pw-123456-abc")


def _home(client, person) -> str:
    response = client.get(f"/u/{person.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _hidden_documents(uploader) -> dict[str, Document]:
    """One document of each kind that is not public."""
    private = published_document(uploader=uploader, title="私有的文档", visibility="private")
    unlisted = published_document(uploader=uploader, title="仅链接的文档", visibility="unlisted")
    held = published_document(uploader=uploader, title="待审核的文档")
    Document.objects.filter(pk=held.pk).update(review=Document.Review.PENDING)
    queued = published_document(uploader=uploader, title="转换中的文档")
    Document.objects.filter(pk=queued.pk).update(status=Document.Status.QUEUED)
    return {"private": private, "unlisted": unlisted, "held": held, "queued": queued}


def test_the_home_page_shows_the_masked_name_and_only_public_documents(client, uploader):
    shown = published_document(uploader=uploader, title="公开的教学计划")
    hidden = _hidden_documents(uploader)
    html = _home(client, uploader)
    assert "zh****1" in html and "zhangwei2021" not in html
    assert "公开的教学计划" in html and shown.get_absolute_url() in html
    for document in hidden.values():
        assert document.title not in html, document.visibility
        assert document.get_absolute_url() not in html


def test_the_owner_sees_their_own_name_as_everywhere_else(client, uploader, reader):
    client.force_login(uploader)
    html = _home(client, uploader)
    assert "zhangwei2021" in html
    assert 'action="/u/' not in html, "no follow button for oneself"
    client.force_login(reader)
    html = _home(client, uploader)
    assert "zhangwei2021" not in html and f'action="/u/{uploader.pk}/follow/"' in html


def test_names_and_titles_are_escaped(client, django_user_model):
    hostile = django_user_model.objects.create_user('<img src=x onerror="alert(1)">')
    published_document(uploader=hostile, title="<script>alert(2)</script>")
    html = _home(client, hostile)
    assert "<img src=x" not in html and "&lt;i****&gt;" in html
    assert "<script>alert(2)" not in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "onerror" not in html, "the user name is masked, never shown whole"


def test_the_counts(client, uploader, reader, django_user_model):
    first = published_document(uploader=uploader, title="一")
    second = published_document(uploader=uploader, title="二")
    hidden = _hidden_documents(uploader)
    Document.objects.filter(pk=first.pk).update(download_count=7)
    Document.objects.filter(pk=second.pk).update(download_count=5)
    Document.objects.filter(pk=hidden["private"].pk).update(download_count=100)
    fan = django_user_model.objects.create_user("fan2", password="pw-123456-abc")
    gone = django_user_model.objects.create_user("gone3", password="pw-123456-abc")
    for who in (reader, fan, gone):
        follows.follow(who, uploader)
    follows.follow(uploader, reader)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)  # counts nowhere any more
    html = _home(client, uploader)

    def count(name: str) -> str:
        return re.search(rf'id="{name}-count">(\d+)<', html).group(1)

    assert count("document") == "2"
    assert count("follower") == "2"
    assert count("following") == "1"
    assert count("download") == "12", "downloads of public documents only"
    assert follows.counts(uploader) == follows.Counts(
        documents=2, followers=2, following=1, downloads=12
    )


def test_uploads_are_paginated_newest_first(client, uploader):
    start = timezone.now() - dt.timedelta(days=1)
    for i in range(23):  # distinct upload times, the last one newest
        document = published_document(uploader=uploader, title=f"第{i:02d}篇", pages=1)
        Document.objects.filter(pk=document.pk).update(created_at=start + dt.timedelta(minutes=i))
    first = _home(client, uploader)
    titles = re.findall(r"第(\d\d)篇", first)
    assert titles == [f"{i:02d}" for i in range(22, 2, -1)]
    assert "?page=2" in first
    second = client.get(f"/u/{uploader.pk}/?page=2").content.decode()
    assert re.findall(r"第(\d\d)篇", second) == ["02", "01", "00"]


def test_the_avatar_is_an_svg_drawn_from_the_user_and_always_the_same(client, uploader, reader):
    url = f"/u/{uploader.pk}/avatar.svg"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1)) >= 86400
    body = response.content.decode()
    assert body.startswith("<svg") and "<circle" in body and ">Z</text>" in body
    assert "script" not in body and "href" not in body
    assert client.get(url).content == response.content, "deterministic"
    assert avatar_svg(uploader) == body
    other = avatar_svg(reader)
    assert re.search(r'fill="(hsl[^"]+)"', other).group(1) != re.search(
        r'fill="(hsl[^"]+)"', body
    ).group(1), "another user, another color"
    html = _home(client, uploader)
    assert re.search(rf'<img class="avatar" src="/u/{uploader.pk}/avatar.svg\?v=\w+"', html)


def test_an_avatar_never_carries_markup_from_the_name(django_user_model):
    odd = django_user_model.objects.create_user("&<b>")
    svg = avatar_svg(odd)
    assert ">&amp;</text>" in svg and "<b>" not in svg


def test_an_inactive_user_has_no_pages(client, uploader):
    published_document(uploader=uploader, title="公开的文档")
    type(uploader).objects.filter(pk=uploader.pk).update(is_active=False)
    for tail in ("", "following/", "avatar.svg"):
        url = f"/u/{uploader.pk}/{tail}"
        assert client.get(url).status_code == 404, url
    assert client.get("/u/999999999/").status_code == 404
    assert client.get("/u/99999999999999999999/").status_code == 404, "past 64 bits: no route"


def test_the_document_page_links_the_uploaders_name_to_their_home_page(client, uploader):
    document = published_document(uploader=uploader, title="有上传人的文档")
    html = client.get(document.get_absolute_url()).content.decode()
    assert f'<a href="/u/{uploader.pk}/" rel="author">zh****1</a>' in html
    assert "zhangwei2021" not in html


def test_whom_a_user_follows_is_listed_with_masked_names(client, uploader, reader):
    follows.follow(uploader, reader)
    html = client.get(f"/u/{uploader.pk}/following/").content.decode()
    assert f'href="/u/{reader.pk}/"' in html and "re****8" in html
    assert "reader88" not in html and "zhangwei2021" not in html


def test_the_page_needs_the_same_few_queries_however_many_documents(client, uploader, reader):
    client.force_login(reader)
    published_document(uploader=uploader, title="第一篇")
    _home(client, uploader)  # warm the site settings
    with CaptureQueriesContext(connection) as few:
        _home(client, uploader)
    for i in range(12):
        published_document(uploader=uploader, title=f"又一篇{i}")
    follows.follow(reader, uploader)
    with CaptureQueriesContext(connection) as many:
        html = _home(client, uploader)
    assert "又一篇11" in html and "已关注" in html
    assert len(many) == len(few), [q["sql"] for q in many]
    assert len(many) <= 11, [q["sql"] for q in many]
