"""Folders (收藏夹/文辑): the favorite invariant (a favorite is a document in one of the reader's
folders, counted once), names, limits, privacy (a private folder is nobody else's to see; a
public one lists only public documents to others), and the API."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from tests.factories import published_document
from wenku.accounts.models import ApiToken
from wenku.community import folders, services
from wenku.community.models import Favorite, Folder, FolderItem
from wenku.community.refusals import ActionRefused
from wenku.library.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(make_document):
    return make_document(title="教学计划")


@pytest.fixture
def other(django_user_model):
    return django_user_model.objects.create_user("wangfang77", password="pw-123456-abc")


def favorite_count(document) -> int:
    return Document.objects.get(pk=document.pk).favorite_count


def in_folders(user, document) -> set[str]:
    return set(
        FolderItem.objects.filter(folder__owner=user, document=document).values_list(
            "folder__name", flat=True
        )
    )


def refused(call, *args, **kwargs) -> ActionRefused:
    with pytest.raises(ActionRefused) as caught:
        call(*args, **kwargs)
    return caught.value


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


def _held(document) -> Document:
    Document.objects.filter(pk=document.pk).update(review=Document.Review.PENDING)
    document.refresh_from_db()
    return document


# The favorite invariant -------------------------------------------------------------------------


def test_a_document_in_two_folders_is_one_favorite(reader, document):
    work, later = folders.create(reader, "工作"), folders.create(reader, "稍后读")
    assert folders.add(reader, work, document) is True
    assert favorite_count(document) == 1 and Favorite.objects.filter(user=reader).count() == 1
    assert folders.add(reader, later, document) is True
    assert folders.add(reader, later, document) is False, "already there: nothing new"
    assert favorite_count(document) == 1, "two folders, still one favorite"
    assert services.is_favorite(reader, document)

    assert folders.remove(reader, work, document) is True
    assert favorite_count(document) == 1 and services.is_favorite(reader, document)
    assert folders.remove(reader, later, document) is True, "the last folder that held it"
    assert favorite_count(document) == 0 and not Favorite.objects.exists()
    assert folders.remove(reader, later, document) is False


def test_two_readers_count_twice(reader, other, document):
    folders.add(reader, folders.create(reader, "甲"), document)
    folders.add(other, folders.create(other, "甲"), document)
    assert favorite_count(document) == 2


def test_favoriting_puts_the_document_into_the_default_folder(reader, document, make_document):
    assert not Folder.objects.filter(owner=reader).exists(), "made on first need, not before"
    assert services.set_favorite(reader, document, True) == (True, 1)
    assert in_folders(reader, document) == {folders.DEFAULT_NAME}
    assert services.set_favorite(reader, document, True) == (True, 1), "idempotent"
    # In a folder of one's own already: favoriting again adds it nowhere else.
    second = make_document(title="第二篇")
    folders.add(reader, folders.create(reader, "读书"), second)
    services.set_favorite(reader, second, True)
    assert in_folders(reader, second) == {"读书"}
    # The default folder renamed: the next need makes a new one.
    folders.edit(reader, folders.default_folder(reader), name="旧的默认")
    third = make_document(title="第三篇")
    services.toggle_favorite(reader, third)
    assert in_folders(reader, third) == {folders.DEFAULT_NAME}
    assert Folder.objects.filter(owner=reader).count() == 3


def test_unfavoriting_takes_the_document_out_of_every_folder(reader, document):
    for name in ("一", "二", "三"):
        folders.add(reader, folders.create(reader, name), document)
    assert favorite_count(document) == 1
    assert services.set_favorite(reader, document, False) == (False, 0)
    assert in_folders(reader, document) == set() and not Favorite.objects.exists()
    assert Folder.objects.filter(owner=reader).count() == 3, "the folders stay"


def test_the_favorite_button_still_works_and_fills_the_default_folder(client, reader, document):
    client.force_login(reader)
    client.post(f"/doc/{document.number}/favorite/", {"on": "1"})
    assert favorite_count(document) == 1
    assert in_folders(reader, document) == {folders.DEFAULT_NAME}
    folders.add(reader, folders.create(reader, "另一个"), document)
    client.post(f"/doc/{document.number}/favorite/", {"on": "0"})
    assert favorite_count(document) == 0 and in_folders(reader, document) == set()


def test_deleting_a_folder_unfavorites_what_no_other_folder_holds(reader, make_document):
    only_here, also_elsewhere = make_document(title="只在这里"), make_document(title="也在别处")
    doomed, kept = folders.create(reader, "要删的"), folders.create(reader, "留着的")
    for document in (only_here, also_elsewhere):
        folders.add(reader, doomed, document)
    folders.add(reader, kept, also_elsewhere)
    assert folders.delete(reader, doomed) == 1
    assert not Folder.objects.filter(pk=doomed.pk).exists()
    assert not FolderItem.objects.filter(folder_id=doomed.pk).exists()
    assert favorite_count(only_here) == 0 and favorite_count(also_elsewhere) == 1
    assert set(Favorite.objects.values_list("document_id", flat=True)) == {also_elsewhere.pk}
    assert folders.delete(reader, kept) == 1
    assert not Favorite.objects.exists() and favorite_count(also_elsewhere) == 0


def test_the_panel_puts_the_document_in_exactly_the_ticked_folders(reader, other, document):
    a, b, c = (folders.create(reader, name) for name in ("甲", "乙", "丙"))
    theirs = folders.create(other, "别人的")
    held = folders.place(reader, document, [a.pk, b.pk, theirs.pk])
    assert held == {a.pk, b.pk}, "another reader's folder is ignored"
    assert in_folders(reader, document) == {"甲", "乙"} and favorite_count(document) == 1
    assert not FolderItem.objects.filter(folder=theirs).exists()
    held = folders.place(reader, document, [c.pk], new_name="  新的  ")
    assert in_folders(reader, document) == {"丙", "新的"} and favorite_count(document) == 1
    folders.place(reader, document, [], new_name="甲")  # a name taken names that folder
    assert in_folders(reader, document) == {"甲"}
    assert folders.place(reader, document, []) == set()
    assert favorite_count(document) == 0 and not Favorite.objects.exists()


def test_the_panel_changes_all_or_nothing(reader, document, make_document, monkeypatch):
    monkeypatch.setattr(folders, "MAX_ITEMS", 1)
    roomy, full = folders.create(reader, "有空"), folders.create(reader, "满了")
    folders.add(reader, full, make_document(title="占位"))
    error = refused(folders.place, reader, document, [roomy.pk, full.pk], new_name="第三个")
    assert error.status == 409 and error.code == "folder_full" and "满了" in error.message
    assert in_folders(reader, document) == set() and favorite_count(document) == 0
    assert not Folder.objects.filter(name="第三个").exists(), "the new folder went too"


# Names and limits -------------------------------------------------------------------------------


def test_names_are_trimmed_and_checked(reader):
    assert folders.create(reader, "  论文 资料 \u3000").name == "论文 资料"
    for bad, code in [
        ("", "empty_name"),
        (" \u3000\t ", "empty_name"),
        ("a\tb", "bad_name"),  # a tab is a control character
        ("a\x00b", "bad_name"),
        ("line\nbreak", "bad_name"),
        ("\u202eevil", "bad_name"),
        ("x" * 51, "name_too_long"),
    ]:
        error = refused(folders.create, reader, bad)
        assert error.status == 400 and error.code == code, repr(bad)
    assert folders.create(reader, " " + "x" * 50 + " ").name == "x" * 50
    error = refused(folders.create, reader, "论文 资料")
    assert error.status == 409 and error.code == "name_taken"


def test_descriptions_lose_control_characters_and_keep_line_breaks(reader):
    made = folders.create(reader, "说明", " 第一行\n第二行\x07\r ")
    assert made.description == "第一行\n第二行"
    error = refused(folders.create, reader, "太长", "字" * 501)
    assert error.status == 400 and error.code == "description_too_long"


def test_renaming_to_a_name_taken_is_refused(reader, other):
    mine = folders.create(reader, "甲")
    folders.create(reader, "乙")
    folders.create(other, "丙")
    assert refused(folders.edit, reader, mine, name=" 乙 ").code == "name_taken"
    assert folders.edit(reader, mine, name="丙").name == "丙", "another reader's names are free"
    assert refused(folders.edit, other, mine, name="x").status == 404


def test_at_most_so_many_folders(reader, document, monkeypatch):
    monkeypatch.setattr(folders, "MAX_FOLDERS", 2)
    folders.create(reader, "一")
    folders.create(reader, "二")
    error = refused(folders.create, reader, "三")
    assert error.status == 409 and error.code == "too_many_folders" and "2" in error.message
    # The default folder counts too: favoriting refuses rather than make a third.
    error = refused(services.set_favorite, reader, document, True)
    assert error.code == "too_many_folders"
    assert favorite_count(document) == 0 and not Favorite.objects.exists()


def test_at_most_so_many_documents_in_a_folder(reader, make_document, monkeypatch):
    monkeypatch.setattr(folders, "MAX_ITEMS", 2)
    folder = folders.create(reader, "小")
    first, second, third = (make_document(title=f"第{i}篇") for i in range(3))
    folders.add(reader, folder, first)
    folders.add(reader, folder, second)
    error = refused(folders.add, reader, folder, third)
    assert error.status == 409 and error.code == "folder_full"
    assert favorite_count(third) == 0
    assert folders.add(reader, folder, second) is False, "already there: not refused"


def test_only_published_documents_go_into_a_folder(reader, document):
    folder = folders.create(reader, "甲")
    folders.add(reader, folder, document)
    _held(document)
    assert refused(folders.add, reader, folders.create(reader, "乙"), document).code == "not_ready"
    assert folders.remove(reader, folder, document) is True, "taking one out always works"
    assert favorite_count(document) == 0


def test_another_readers_folder_is_not_there(reader, other, document):
    theirs = folders.create(other, "别人的")
    assert refused(folders.own_folder, reader, theirs.pk).status == 404
    assert refused(folders.add, reader, theirs, document).status == 404
    assert refused(folders.remove, reader, theirs, document).status == 404
    assert refused(folders.delete, reader, theirs).status == 404
    assert Folder.objects.filter(pk=theirs.pk).exists()


# Privacy ----------------------------------------------------------------------------------------


def test_a_private_folder_is_its_owners_alone(reader, other, admin_user):
    folder = folders.create(reader, "私密的")
    assert folders.folder_for(reader, folder.pk) == folder
    assert folders.folder_for(reader, token=folder.share_token) == folder
    for viewer in (other, admin_user, AnonymousUser()):
        assert refused(folders.folder_for, viewer, folder.pk).status == 404
        assert refused(folders.folder_for, viewer, token=folder.share_token).status == 404


def test_a_public_folder_by_its_id_and_its_share_link(reader, other):
    folder = folders.create(reader, "公开的", is_public=True)
    assert len(folder.share_token) >= 20
    assert folders.create(reader, "另一个").share_token != folder.share_token
    for viewer in (other, AnonymousUser()):
        assert folders.folder_for(viewer, folder.pk) == folder
        assert folders.folder_for(viewer, token=folder.share_token) == folder
    assert refused(folders.folder_for, other, token=folder.share_token[:-1] + "?").status == 404
    type(reader).objects.filter(pk=reader.pk).update(is_active=False)
    assert refused(folders.folder_for, other, folder.pk).status == 404, "an inactive owner"


def test_others_see_only_the_public_documents_of_a_public_folder(reader, other, user):
    folder = folders.create(reader, "混合", is_public=True)
    shown = published_document(uploader=user, title="公开的文档")
    unlisted = published_document(uploader=user, title="仅链接", visibility="unlisted")
    mine = published_document(uploader=reader, title="我自己的私有", visibility="private")
    held = published_document(uploader=user, title="后来被审核")
    for document in (shown, unlisted, mine, held):
        folders.add(reader, folder, document)
    _held(held)
    titles = {i.document.title for i in folders.items_for(other, folder)}
    assert titles == {"公开的文档"}
    assert {i.document.title for i in folders.items_for(AnonymousUser(), folder)} == titles
    assert {i.document.title for i in folders.items_for(reader, folder)} == {
        "公开的文档",
        "仅链接",
        "我自己的私有",
    }, "the owner sees what they may open, never a document held from them"
    counted = folders.public_folders_of(reader).get()
    assert counted.item_count == 1, "a home page counts the public documents only"


def test_a_folder_lists_its_documents_newest_first(reader, make_document):
    folder = folders.create(reader, "顺序")
    for i in range(3):
        folders.add(reader, folder, make_document(title=f"第{i}篇"))
    assert [i.document.title for i in folders.items_for(reader, folder)] == [
        "第2篇",
        "第1篇",
        "第0篇",
    ]


def test_favorites_made_before_folders_move_into_the_default_folder(reader, other, make_document):
    first, second = make_document(title="早先收藏一"), make_document(title="早先收藏二")
    Favorite.objects.create(user=reader, document=first)
    Favorite.objects.create(user=reader, document=second)
    Favorite.objects.create(user=other, document=first)
    migration = importlib.import_module("wenku.community.migrations.0004_folders")
    migration.favorites_into_default_folders(apps, None)
    assert in_folders(reader, first) == in_folders(reader, second) == {folders.DEFAULT_NAME}
    assert in_folders(other, first) == {folders.DEFAULT_NAME}
    kept = FolderItem.objects.get(folder__owner=reader, document=first)
    assert kept.added_at == Favorite.objects.get(user=reader, document=first).created_at


# The API ----------------------------------------------------------------------------------------


def test_the_api_makes_lists_edits_and_deletes_folders(client, reader):
    auth = _bearer(reader)
    made = client.post(
        "/api/me/folders", {"name": " 论文 ", "description": "毕业用"}, "application/json",
        headers=auth,
    )  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["name"] == "论文" and body["is_public"] is False and body["share_url"] is None
    assert body["documents"] == 0 and body["owner"] == "reader88"
    folder_id = body["id"]
    again = client.post("/api/me/folders", {"name": "论文"}, "application/json", headers=auth)
    assert again.status_code == 409 and again.json()["code"] == "name_taken"
    for bad in ("", "   ", "a\tb", "x" * 51, "a\x00b"):
        response = client.post("/api/me/folders", {"name": bad}, "application/json", headers=auth)
        assert response.status_code == 422, bad

    url = f"/api/me/folders/{folder_id}"
    patched = client.patch(url, {"is_public": True}, "application/json", headers=auth).json()
    share = Folder.objects.get(pk=folder_id).share_token
    assert patched["is_public"] is True and patched["share_url"] == f"/folders/s/{share}/"
    assert patched["name"] == "论文", "what is not given stays"
    renamed = client.patch(url, {"name": "毕业论文"}, "application/json", headers=auth).json()
    assert renamed["name"] == "毕业论文" and renamed["description"] == "毕业用"
    listed = client.get("/api/me/folders", headers=auth).json()
    assert [f["name"] for f in listed] == ["毕业论文"]
    assert client.delete(url, headers=auth).json() == {"deleted": folder_id, "unfavorited": 0}
    assert client.delete(url, headers=auth).status_code == 404
    assert client.get("/api/me/folders").status_code == 401


def test_the_api_puts_documents_in_and_takes_them_out(client, reader, document):
    auth = _bearer(reader)
    folder = folders.create(reader, "甲")
    url = f"/api/me/folders/{folder.pk}/documents/{document.number}"
    added = client.put(url, headers=auth).json()
    assert added == {
        "folder": folder.pk,
        "document": document.number,
        "in_folder": True,
        "changed": True,
        "favorite": True,
        "favorite_count": 1,
    }
    assert client.put(url, headers=auth).json()["changed"] is False
    removed = client.delete(url, headers=auth).json()
    assert removed["in_folder"] is False and removed["favorite"] is False
    assert removed["favorite_count"] == 0
    assert client.put(f"/api/me/folders/{folder.pk}/documents/1", headers=auth).status_code == 404
    _held(document)
    assert client.put(url, headers=auth).status_code == 404, "held: not the reader's to see"
    own = _held(published_document(uploader=reader, title="我的待审核"))
    refused_held = client.put(f"/api/me/folders/{folder.pk}/documents/{own.number}", headers=auth)
    assert refused_held.status_code == 409 and refused_held.json()["code"] == "not_ready"


def test_the_api_keeps_other_readers_folders_out_of_reach(client, reader, other, document):
    theirs = folders.create(other, "别人的")
    auth = _bearer(reader)
    base = f"/api/me/folders/{theirs.pk}"
    assert client.patch(base, {"name": "x"}, "application/json", headers=auth).status_code == 404
    assert client.delete(base, headers=auth).status_code == 404
    assert client.put(f"{base}/documents/{document.number}", headers=auth).status_code == 404
    assert client.get(f"/api/folders/{theirs.pk}", headers=auth).status_code == 404
    assert client.get(f"/api/folders/{theirs.pk}").status_code == 404
    assert Folder.objects.get(pk=theirs.pk).name == "别人的"


def test_the_api_shows_a_public_folder_to_anyone(client, reader, other, user, document):
    folder = folders.create(reader, "公开的", is_public=True)
    private = published_document(uploader=reader, title="我的私有", visibility="private")
    folders.add(reader, folder, document)
    folders.add(reader, folder, private)
    body = client.get(f"/api/folders/{folder.pk}").json()
    assert body["folder"]["owner"] == "re****8" and body["folder"]["share_url"] is None
    assert body["folder"]["documents"] == 1
    assert [d["id"] for d in body["documents"]] == [document.number]
    mine = client.get(f"/api/folders/{folder.pk}", headers=_bearer(reader)).json()
    assert [d["title"] for d in mine["documents"]] == ["我的私有", "教学计划"]
    assert mine["folder"]["share_url"] == folder.get_share_url()


def test_the_favorite_api_fills_the_default_folder(client, reader, document):
    auth = _bearer(reader)
    assert client.put(f"/api/documents/{document.number}/favorite", headers=auth).json() == {
        "favorite": True,
        "count": 1,
    }
    assert in_folders(reader, document) == {folders.DEFAULT_NAME}
    client.delete(f"/api/documents/{document.number}/favorite", headers=auth)
    assert in_folders(reader, document) == set()
