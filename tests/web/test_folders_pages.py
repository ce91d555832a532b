"""Folders (收藏夹/文辑) on the web: the /me/folders/ tab, a folder's page and its share link, the
document page's "收藏到…" panel (without JavaScript and with htmx), public folders on a home
page, and a folder page whose queries do not grow with its documents."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import published_document
from wenku.community import folders
from wenku.community.models import Favorite, Folder, FolderItem
from wenku.library.models import Document

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def document(make_document):
    return make_document(title="教学计划")


@pytest.fixture
def other(django_user_model):
    return django_user_model.objects.create_user("wangfang77", password="pw-123456-abc")


@pytest.fixture
def logged_in(client, reader):
    client.force_login(reader)
    return client


def page(client, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, url
    return response.content.decode()


def favorite_count(document) -> int:
    return Document.objects.get(pk=document.pk).favorite_count


def in_folders(user, document) -> set[str]:
    return set(
        FolderItem.objects.filter(folder__owner=user, document=document).values_list(
            "folder__name", flat=True
        )
    )


# /me/folders/ -----------------------------------------------------------------------------------


def test_the_tab_makes_renames_publishes_and_deletes_folders_without_javascript(logged_in, reader):
    html = page(logged_in, "/me/folders/")
    assert 'aria-current="page">收藏夹<' in html and "还没有收藏夹" in html
    response = logged_in.post("/me/folders/", {"name": " 论文资料 ", "description": "毕业用"})
    assert response.status_code == 302 and response["Location"] == "/me/folders/"
    folder = Folder.objects.get(owner=reader)
    assert folder.name == "论文资料" and not folder.is_public
    html = page(logged_in, "/me/folders/")
    assert "已新建收藏夹“论文资料”。" in html and folder.get_absolute_url() in html
    assert folder.share_token not in html, "a private folder shows no share link"

    logged_in.post(f"/me/folders/{folder.pk}/edit/", {"name": "毕业论文", "description": ""})
    folder.refresh_from_db()
    assert folder.name == "毕业论文" and folder.description == ""

    logged_in.post(f"/me/folders/{folder.pk}/public/", {"on": "1"})
    html = page(logged_in, "/me/folders/")
    assert "已公开" in html and f"http://testserver/folders/s/{folder.share_token}/" in html
    assert 'data-copy="#share-' in html
    logged_in.post(f"/me/folders/{folder.pk}/public/", {"on": "0"})
    assert not Folder.objects.get(pk=folder.pk).is_public

    response = logged_in.post(f"/me/folders/{folder.pk}/delete/", follow=True)
    assert "已删除收藏夹“毕业论文”。" in response.content.decode()
    assert not Folder.objects.exists()


def test_the_tab_says_what_is_wrong(logged_in, reader):
    folders.create(reader, "重复")
    html = logged_in.post("/me/folders/", {"name": "重复", "description": "留着"}).content.decode()
    assert "已有同名的收藏夹" in html and ">留着</textarea>" in html, "what was typed stays"
    response = logged_in.post("/me/folders/", {"name": "   "})
    assert "请填写收藏夹名称。" in response.content.decode()
    logged_in.post(f"/me/folders/{Folder.objects.get().pk}/edit/", {"name": "x" * 60})
    assert Folder.objects.get().name == "重复"
    assert Folder.objects.count() == 1


def test_another_readers_folder_cannot_be_changed(logged_in, other):
    theirs = folders.create(other, "别人的")
    for tail, data in [("edit/", {"name": "x"}), ("public/", {"on": "1"}), ("delete/", {})]:
        assert logged_in.post(f"/me/folders/{theirs.pk}/{tail}", data).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "别人的" and not theirs.is_public


def test_the_tab_needs_a_login(client):
    response = client.get("/me/folders/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# A folder's page --------------------------------------------------------------------------------


def test_a_private_folder_is_a_404_to_anyone_else(client, reader, other, admin_user, document):
    folder = folders.create(reader, "秘密书单")
    folders.add(reader, folder, document)
    urls = [f"/folders/{folder.pk}/", f"/folders/s/{folder.share_token}/"]
    for viewer in (None, other, admin_user):
        if viewer:
            client.force_login(viewer)
        for url in urls:
            assert "秘密书单" not in page(client, url, 404)
    client.force_login(reader)
    for url in urls:
        html = page(client, url)
        assert "秘密书单" in html and "教学计划" in html and "只有您能看到" in html
        assert '<meta name="robots" content="noindex">' in html


def test_a_public_folder_by_its_id_and_its_share_link(client, reader, document):
    folder = folders.create(reader, "公开书单", "好书\n推荐", is_public=True)
    folders.add(reader, folder, document)
    html = page(client, f"/folders/{folder.pk}/")
    assert "公开书单" in html and "教学计划" in html and document.get_absolute_url() in html
    assert "好书<br>推荐" in html and "re****8" in html and "reader88" not in html
    assert f'href="http://testserver/folders/{folder.pk}/"' in html, "canonical"
    assert 'action="/folders/' not in html, "nobody else may take documents out"
    shared = page(client, f"/folders/s/{folder.share_token}/")
    assert "公开书单" in shared and 'content="noindex"' in shared
    assert page(client, "/folders/s/not-a-token/", 404)


def test_others_see_only_the_public_documents(client, reader, user, document):
    folder = folders.create(reader, "混合", is_public=True)
    private = published_document(uploader=reader, title="我自己的私有", visibility="private")
    unlisted = published_document(uploader=user, title="仅链接的文档", visibility="unlisted")
    held = published_document(uploader=user, title="后来被审核的")
    for doc in (document, private, unlisted, held):
        folders.add(reader, folder, doc)
    Document.objects.filter(pk=held.pk).update(review=Document.Review.PENDING)
    html = page(client, f"/folders/{folder.pk}/")
    assert "教学计划" in html
    for doc in (private, unlisted, held):
        assert doc.title not in html and doc.get_absolute_url() not in html
    assert re.search(r"· 1 篇", html), "the count is of what is shown"
    client.force_login(reader)
    html = page(client, f"/folders/{folder.pk}/")
    assert "我自己的私有" in html and "仅链接的文档" in html and "后来被审核的" not in html


def test_the_owner_takes_a_document_out_without_and_with_javascript(
    logged_in, reader, document, make_document
):
    second = make_document(title="第二篇")
    folder = folders.create(reader, "甲")
    folders.add(reader, folder, document)
    folders.add(reader, folder, second)
    url = f"/folders/{folder.pk}/remove/{document.number}/"
    assert f'action="{url}"' in page(logged_in, folder.get_absolute_url())
    response = logged_in.post(url, follow=True)
    assert "已从收藏夹移出《教学计划》。" in response.content.decode()
    assert favorite_count(document) == 0
    response = logged_in.post(f"/folders/{folder.pk}/remove/{second.number}/", headers=HTMX)
    assert response.status_code == 200 and response.content == b""
    assert not FolderItem.objects.exists() and not Favorite.objects.exists()


def test_the_folder_page_needs_the_same_few_queries_however_many_documents(
    client, reader, other, make_document
):
    folder = folders.create(reader, "很多", is_public=True)
    folders.add(reader, folder, make_document(title="第一篇"))
    client.force_login(other)
    url = folder.get_absolute_url()
    page(client, url)  # warm the site settings
    with CaptureQueriesContext(connection) as few:
        page(client, url)
    for i in range(15):
        folders.add(reader, folder, make_document(title=f"又一篇{i}"))
    with CaptureQueriesContext(connection) as many:
        html = page(client, url)
    assert "又一篇14" in html and "?page=" not in html
    assert len(many) == len(few), [q["sql"] for q in many]
    assert len(many) <= 8, [q["sql"] for q in many]


# The "收藏到…" panel -----------------------------------------------------------------------------


def test_the_document_page_links_the_panel(client, reader, document):
    html = page(client, document.get_absolute_url())
    url = f"/doc/{document.number}/folders/"
    assert f'href="{url}" hx-get="{url}" hx-target="#panel">收藏到…</a>' in html
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_panel_with_htmx_lists_my_folders_with_checkboxes(logged_in, reader, document):
    response = logged_in.get(f"/doc/{document.number}/folders/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    default = Folder.objects.get(owner=reader)
    assert default.name == folders.DEFAULT_NAME, "made on first need: the panel"
    assert f'name="folder" value="{default.pk}">' in html and 'name="new"' in html
    folders.add(reader, default, document)
    html = page(logged_in, f"/doc/{document.number}/folders/", headers=HTMX)
    assert f'value="{default.pk}" checked>' in html


def test_the_panel_saves_with_htmx_and_updates_the_favorite_button(logged_in, reader, document):
    work = folders.create(reader, "工作")
    response = logged_in.post(
        f"/doc/{document.number}/folders/", {"folder": [str(work.pk)], "new": "稍后读"},
        headers=HTMX,
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "已保存到收藏夹。" in html and html.count(" checked>") == 2
    assert in_folders(reader, document) == {"工作", "稍后读"} and favorite_count(document) == 1
    assert 'id="favorite-form"' in html and 'hx-swap-oob="true"' in html
    assert re.search(r'aria-pressed="true">\s*已收藏 <span class="count">1</span>', html)
    html = logged_in.post(f"/doc/{document.number}/folders/", {}, headers=HTMX).content.decode()
    assert "不再收藏" in html and 'aria-pressed="false"' in html
    assert favorite_count(document) == 0 and in_folders(reader, document) == set()


def test_the_panel_works_without_javascript(logged_in, reader, document):
    html = page(logged_in, f"/doc/{document.number}/folders/")
    assert "<html" in html and "收藏到收藏夹：" in html and 'method="post"' in html
    folder = Folder.objects.get(owner=reader)
    response = logged_in.post(f"/doc/{document.number}/folders/", {"folder": str(folder.pk)})
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    html = page(logged_in, response["Location"])
    assert "已保存到收藏夹。" in html and 'aria-pressed="true"' in html
    # A refusal comes back to the panel's page, with nothing changed.
    response = logged_in.post(f"/doc/{document.number}/folders/", {"new": "\u202e坏名字"})
    assert (
        response.status_code == 302 and response["Location"] == f"/doc/{document.number}/folders/"
    )
    assert "不能包含控制字符" in page(logged_in, response["Location"])
    assert in_folders(reader, document) == {folders.DEFAULT_NAME}


def test_the_panel_ignores_other_readers_folders(logged_in, reader, other, document):
    theirs = folders.create(other, "别人的")
    logged_in.post(f"/doc/{document.number}/folders/", {"folder": [str(theirs.pk), "x", "9" * 30]})
    assert not FolderItem.objects.filter(folder=theirs).exists()
    assert favorite_count(document) == 0


# Home pages -------------------------------------------------------------------------------------


def test_the_home_page_lists_public_folders_only(client, reader, user, document):
    shown = folders.create(reader, "公开的书单", "推荐给大家", is_public=True)
    hidden = folders.create(reader, "私密的书单")
    private = published_document(uploader=user, title="私有", visibility="private")
    folders.add(reader, shown, document)
    folders.add(reader, shown, private)
    folders.add(reader, hidden, document)
    html = page(client, f"/u/{reader.pk}/")
    assert "公开收藏夹" in html and "公开的书单" in html and shown.get_absolute_url() in html
    assert "推荐给大家" in html and re.search(r"公开的书单</a> <span class=\"muted\">1 篇", html)
    assert "私密的书单" not in html and hidden.get_absolute_url() not in html
    assert shown.share_token not in html, "the share link is the owner's to give"
    assert "公开收藏夹" not in page(client, f"/u/{user.pk}/"), "no section without folders"
