"""Following (关注) uploaders: the rules, the button (without JavaScript and with htmx), the API,
and the 关注 feed (the public documents of the people one follows, nothing else)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import published_document
from wenku.accounts.models import ApiToken
from wenku.community import follows
from wenku.community.models import Follow
from wenku.community.services import ActionRefused
from wenku.library.models import Document

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def author(django_user_model):
    return django_user_model.objects.create_user("lihua1999", password="pw-123456-abc")


@pytest.fixture
def logged_in(client, reader):
    client.force_login(reader)
    return client


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


def _deactivate(user) -> None:
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False


# The rules --------------------------------------------------------------------------------------


def test_follow_and_unfollow_are_idempotent(reader, author):
    assert follows.follow(reader, author) is True
    assert follows.follow(reader, author) is False, "already following: nothing new"
    assert Follow.objects.count() == 1 and follows.is_following(reader, author)
    assert follows.set_following(reader, author, True) == (True, 1)
    assert follows.unfollow(reader, author) is True
    assert follows.unfollow(reader, author) is False
    assert follows.set_following(reader, author, False) == (False, 0)
    assert not follows.is_following(reader, author)


def test_nobody_follows_themself(reader):
    with pytest.raises(ActionRefused) as refused:
        follows.follow(reader, reader)
    assert refused.value.status == 400 and refused.value.code == "self_follow"
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(follower=reader, followed=reader)  # the database says no too
    assert not Follow.objects.exists()


def test_an_inactive_user_cannot_be_followed(reader, author):
    _deactivate(author)
    with pytest.raises(ActionRefused) as refused:
        follows.follow(reader, author)
    assert refused.value.status == 404
    with pytest.raises(ActionRefused) as missing:
        follows.person(author.pk)
    assert missing.value.status == 404


def test_anonymous_visitors_follow_nobody(author):
    assert follows.is_following(AnonymousUser(), author) is False


# The button -------------------------------------------------------------------------------------


def test_the_button_works_without_javascript(logged_in, reader, author):
    url = f"/u/{author.pk}/follow/"
    response = logged_in.post(url)
    assert response.status_code == 302 and response["Location"] == f"/u/{author.pk}/"
    assert follows.is_following(reader, author)
    html = logged_in.get(response["Location"]).content.decode()
    assert "已关注。" in html and 'aria-pressed="true"' in html
    assert re.search(r'id="follower-count">1<', html)
    logged_in.post(url)  # a toggle
    assert not follows.is_following(reader, author)
    for _ in range(2):
        logged_in.post(url, {"on": "1"})
    assert Follow.objects.filter(follower=reader, followed=author).count() == 1


def test_the_button_goes_back_only_to_a_page_of_this_site(logged_in, author):
    url = f"/u/{author.pk}/follow/"
    back = logged_in.post(url, {"on": "1", "next": "/me/following/"})
    assert back["Location"] == "/me/following/"
    away = logged_in.post(url, {"on": "0", "next": "https://evil.example/"})
    assert away["Location"] == f"/u/{author.pk}/"


def test_htmx_swaps_the_button_and_the_follower_count(logged_in, author):
    response = logged_in.post(f"/u/{author.pk}/follow/", {"on": "1"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<form")
    assert "已关注" in html and 'name="on" value="0"' in html
    assert '<strong id="follower-count" hx-swap-oob="true">1</strong>' in html
    assert "<html" not in html


def test_following_oneself_is_refused_with_a_message(client, reader):
    client.force_login(reader)
    response = client.post(f"/u/{reader.pk}/follow/", follow=True)
    assert "不能关注自己。" in response.content.decode()
    assert not Follow.objects.exists()
    partial = client.post(f"/u/{reader.pk}/follow/", headers=HTMX).content.decode()
    assert "不能关注自己。" in partial


def test_the_button_needs_a_login_a_post_and_an_active_user(client, logged_in, author):
    from django.test import Client

    anonymous = Client().post(f"/u/{author.pk}/follow/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert logged_in.get(f"/u/{author.pk}/follow/").status_code == 405
    html = Client().get(f"/u/{author.pk}/").content.decode()
    assert f"/accounts/login/?next=/u/{author.pk}/" in html, "anonymous: a link to log in"
    _deactivate(author)
    assert logged_in.post(f"/u/{author.pk}/follow/").status_code == 404
    assert not Follow.objects.exists()


# The API ----------------------------------------------------------------------------------------


def test_follow_through_the_api(client, reader, author):
    headers = _bearer(reader)
    url = f"/api/users/{author.pk}/follow"
    assert client.put(url).status_code == 401
    for _ in range(2):
        done = client.put(url, headers=headers)
        assert done.status_code == 200 and done.json() == {"following": True, "followers": 1}
    shown = client.get(f"/api/users/{author.pk}", headers=headers).json()
    assert shown["name"] == "li****9" and shown["is_following"] is True
    assert shown["followers"] == 1 and shown["following"] == 0
    assert shown["avatar_url"].startswith(f"/u/{author.pk}/avatar.svg")
    assert shown["url"] == f"/u/{author.pk}/"
    whom = client.get("/api/me/following", headers=headers).json()
    assert [(p["id"], p["name"]) for p in whom] == [(author.pk, "li****9")]
    gone = client.delete(url, headers=headers)
    assert gone.json() == {"following": False, "followers": 0}
    assert client.delete(url, headers=headers).status_code == 200, "idempotent"
    assert client.get("/api/me/following", headers=headers).json() == []


def test_the_api_refuses_self_follows_and_inactive_users(client, reader, author):
    headers = _bearer(reader)
    own = client.put(f"/api/users/{reader.pk}/follow", headers=headers)
    assert own.status_code == 400 and own.json()["code"] == "self_follow"
    _deactivate(author)
    for response in (
        client.put(f"/api/users/{author.pk}/follow", headers=headers),
        client.get(f"/api/users/{author.pk}"),
        client.get(f"/api/users/{author.pk}/documents"),
    ):
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_users_documents_through_the_api_are_the_public_ones(client, author):
    shown = published_document(uploader=author, title="公开文档")
    published_document(uploader=author, title="私有文档", visibility="private")
    listed = client.get(f"/api/users/{author.pk}/documents").json()
    assert [d["id"] for d in listed] == [shown.number]
    assert listed[0]["uploader"] == "li****9" and "lihua1999" not in str(listed)
    assert client.get(f"/api/users/{author.pk}/documents?page=2").json() == []
    counts = client.get(f"/api/users/{author.pk}").json()
    assert (counts["documents"], counts["is_following"]) == (1, False)


# The feed ---------------------------------------------------------------------------------------


def test_the_feed_holds_the_public_documents_of_the_people_followed(
    client, reader, author, django_user_model
):
    other = django_user_model.objects.create_user("wangfang", password="pw-123456-abc")
    stranger = django_user_model.objects.create_user("stranger", password="pw-123456-abc")
    start = timezone.now() - dt.timedelta(days=1)

    def doc(uploader, title, minutes, **kwargs):
        made = published_document(uploader=uploader, title=title, **kwargs)
        Document.objects.filter(pk=made.pk).update(created_at=start + dt.timedelta(minutes=minutes))
        return made

    older = doc(author, "较早的公开文档", 1)
    newer = doc(other, "较新的公开文档", 2)
    hidden = [
        doc(author, "私有文档", 3, visibility="private"),
        doc(author, "仅链接文档", 4, visibility="unlisted"),
        doc(author, "待审核文档", 5),
        doc(stranger, "未关注的人的文档", 6),
    ]
    Document.objects.filter(pk=hidden[2].pk).update(review=Document.Review.HIDDEN)
    follows.follow(reader, author)
    follows.follow(reader, other)
    assert list(follows.feed(reader)) == [newer, older]

    headers = _bearer(reader)
    listed = client.get("/api/me/feed", headers=headers).json()
    assert [d["id"] for d in listed] == [newer.number, older.number]
    assert [d["uploader"] for d in listed] == ["wa****g", "li****9"]

    client.force_login(reader)
    html = client.get("/me/following/").content.decode()
    assert html.index("较新的公开文档") < html.index("较早的公开文档")
    for document in hidden:
        assert document.title not in html
    assert 'aria-current="page">我的关注<' in html
    assert "wangfang" not in html and "lihua1999" not in html
    assert html.count('name="on" value="0"') == 2, "an unfollow button for each"
    assert 'name="next" value="/me/following/"' in html

    follows.unfollow(reader, other)
    assert list(follows.feed(reader)) == [older]
    _deactivate(author)
    assert list(follows.feed(reader)) == [], "an inactive user's documents leave the feed"
    assert client.get("/api/me/following", headers=headers).json() == []


def test_the_feed_is_paginated_and_empty_for_newcomers(client, reader, author):
    client.force_login(reader)
    assert "还没有关注任何人" in client.get("/me/following/").content.decode()
    follows.follow(reader, author)
    for i in range(21):
        published_document(uploader=author, title=f"动态{i}", pages=1)
    first = client.get("/me/following/").content.decode()
    assert first.count("动态") == 20 and "?page=2" in first
    second = client.get("/me/following/?page=2").content.decode()
    assert second.count("动态") == 1
    assert len(client.get("/api/me/feed", headers=_bearer(reader)).json()) == 21
    client.logout()
    assert client.get("/api/me/feed").status_code == 401
