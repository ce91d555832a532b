"""The inbox: the unread count in the header (no query on anonymous pages), the list (opening it
marks nothing read), opening one (marks it read, goes where it points), marking all read, the
API; e-mail only for the kinds chosen, to a verified address, after commit; and another user's
notice is a 404."""

from __future__ import annotations

import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import published_document, verified
from wenku.accounts.models import ApiToken
from wenku.notices import services
from wenku.notices.models import Notice, NoticePreference
from wenku.site.models import SiteSettings

pytestmark = pytest.mark.django_db


def tell(user, text: str = "《文档》已转换完成并发布", *, kind: str = "converted", url="/doc/1/"):
    return services.notify(user, kind, text, url=url)


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


def _notice_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "notices_notice" in q["sql"]]


# The header ------------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_of_the_user(client, user, reader):
    tell(user)
    tell(user)
    tell(reader)
    client.force_login(user)
    assert 'id="unread-notices" title="未读消息">2</span>' in client.get("/").content.decode()
    services.mark_read(user)
    html = client.get("/").content.decode()
    assert 'id="unread-notices"' not in html and 'href="/me/notices/"' in html


def test_one_count_query_for_a_user_and_none_for_an_anonymous_visitor(client, user):
    tell(user)
    with CaptureQueriesContext(connection) as anonymous:
        assert client.get("/").status_code == 200
    assert _notice_queries(anonymous) == []
    client.force_login(user)
    with CaptureQueriesContext(connection) as logged_in:
        client.get("/me/notices/")  # the header and the tab show the count: counted once
    unread_counts = [q for q in _notice_queries(logged_in) if "COUNT(" in q and "read_at" in q]
    assert len(unread_counts) == 1, unread_counts


def test_the_anonymous_copy_of_a_document_page_is_the_same_for_everyone(client, user):
    document = published_document(uploader=user, title="缓存的文档")
    tell(user)
    first = client.get(document.get_absolute_url()).content
    assert b"unread-notices" not in first and b"/me/notices/" not in first
    assert client.get(document.get_absolute_url()).content == first


# The list --------------------------------------------------------------------------------------


def test_the_list_shows_the_newest_first_and_marks_nothing_read(client, user):
    first = tell(user, "第一条消息")
    tell(user, "第二条消息", kind="tip")
    client.force_login(user)
    html = client.get("/me/notices/").content.decode()
    assert html.index("第二条消息") < html.index("第一条消息")
    assert html.count("[未读]") == 2 and f'href="/me/notices/{first.pk}/"' in html
    assert "全部标为已读" in html and "收到打赏" in html
    client.get("/me/notices/")
    assert services.unread_count(user) == 2, "looking at the list is not reading each one"


def test_opening_a_notice_marks_it_read_and_goes_where_it_points(client, user):
    notice = tell(user, url="/me/reports/")
    tell(user)
    client.force_login(user)
    response = client.get(f"/me/notices/{notice.pk}/")
    assert response.status_code == 302 and response["Location"] == "/me/reports/"
    notice.refresh_from_db()
    assert notice.read_at is not None and services.unread_count(user) == 1
    assert client.get("/me/notices/").content.decode().count("[未读]") == 1


def test_a_notice_never_sends_the_reader_to_another_site(client, user):
    notice = tell(user, url="https://evil.example/")
    client.force_login(user)
    assert client.get(f"/me/notices/{notice.pk}/")["Location"] == "/me/notices/"


def test_mark_all_read_is_a_post(client, user):
    for i in range(3):
        tell(user, f"消息{i}")
    client.force_login(user)
    assert client.get("/me/notices/read-all/").status_code == 405
    response = client.post("/me/notices/read-all/", follow=True)
    assert "已将 3 条消息标为已读" in response.content.decode()
    assert services.unread_count(user) == 0
    assert "全部标为已读" not in client.get("/me/notices/").content.decode()


def test_the_list_is_paginated(client, user):
    for i in range(25):
        tell(user, f"第{i}条")
    client.force_login(user)
    html = client.get("/me/notices/?page=2").content.decode()
    assert "第 2 / 2 页" in html and html.count("[未读]") == 5


def test_another_users_notice_is_a_404_and_stays_unread(client, user, reader):
    theirs = tell(reader)
    client.force_login(user)
    assert client.get(f"/me/notices/{theirs.pk}/").status_code == 404
    assert client.get("/me/notices/99999999/").status_code == 404
    assert services.mark_read(user, [theirs.pk]) == 0
    assert services.unread_count(reader) == 1
    assert "《文档》" not in client.get("/me/notices/").content.decode()


def test_the_inbox_needs_a_login(client):
    for url in ("/me/notices/", "/me/notices/settings/", "/me/notices/1/"):
        assert client.get(url)["Location"].startswith("/accounts/login/"), url


def test_the_tab_is_in_the_me_pages(client, user):
    tell(user)
    client.force_login(user)
    html = client.get("/me/").content.decode()
    assert 'href="/me/notices/">消息 (1)</a>' in html


# E-mail ----------------------------------------------------------------------------------------


@pytest.fixture
def mailable(user):
    user.email = "uploader1@example.com"
    user.save()
    verified(user)
    return user


def test_the_settings_page_has_one_checkbox_per_kind_all_off_at_first(client, user):
    client.force_login(user)
    html = client.get("/me/notices/settings/").content.decode()
    assert html.count('type="checkbox"') == len(Notice.Kind.values) and "checked" not in html
    response = client.post("/me/notices/settings/", {"tip": "on", "reply": "on", "bogus": "on"})
    assert response.status_code == 302
    assert services.email_kinds(user) == {"tip", "reply"}
    client.post("/me/notices/settings/", {"purchase": "on"})
    assert services.email_kinds(user) == {"purchase"}
    assert NoticePreference.objects.filter(user=user).count() == len(Notice.Kind.values)
    assert client.get("/me/notices/settings/").content.decode().count("checked") == 1


def test_no_mail_unless_the_user_asked_for_that_kind(
    mailable, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tell(mailable)
    services.set_email_kinds(mailable, ["tip"])
    with django_capture_on_commit_callbacks(execute=True):
        tell(mailable)
    assert mailoutbox == [] and Notice.objects.count() == 2


def test_the_mail_goes_after_commit_to_the_verified_address(
    mailable, mailoutbox, django_capture_on_commit_callbacks
):
    services.set_email_kinds(mailable, ["converted"])
    with django_capture_on_commit_callbacks() as callbacks:
        tell(mailable)
        assert mailoutbox == []
    assert len(callbacks) == 1 and mailoutbox == [], "nothing is mailed before the commit"
    callbacks[0]()
    [mail] = mailoutbox
    assert mail.to == ["uploader1@example.com"]
    assert mail.subject == f"【{SiteSettings.current().site_name}】文档转换完成"
    assert mail.body.startswith("《文档》已转换完成并发布\n")


def test_no_mail_to_an_address_not_verified(user, mailoutbox, django_capture_on_commit_callbacks):
    user.email = "uploader1@example.com"
    user.save()
    services.set_email_kinds(user, ["converted"])
    with django_capture_on_commit_callbacks(execute=True):
        tell(user)
    assert mailoutbox == [] and Notice.objects.count() == 1


def test_a_rolled_back_event_leaves_no_notice_and_no_mail(
    mailable, mailoutbox, django_capture_on_commit_callbacks
):
    services.set_email_kinds(mailable, ["converted"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell(mailable)
        raise RuntimeError("the event failed")
    assert not Notice.objects.exists() and mailoutbox == []


def test_a_failing_mail_is_logged_and_the_notice_stands(
    mailable, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refused(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "send_mail", refused)
    monkeypatch.setattr(logging.getLogger("wenku"), "propagate", True)
    services.set_email_kinds(mailable, ["converted"])
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        notice = tell(mailable)
    assert Notice.objects.filter(pk=notice.pk).exists()
    assert f"mail of notice {notice.pk}" in caplog.text


def test_an_unknown_kind_is_a_programming_error(user):
    with pytest.raises(ValueError):
        tell(user, kind="nonsense")


# The API ---------------------------------------------------------------------------------------


def test_the_api_lists_counts_and_marks_read(client, user, reader):
    document = published_document(uploader=user, title="接口文档")
    first = services.notify(user, "purchase", "一", url="/doc/1/", document=document)
    tell(user, "二")
    theirs = tell(reader, "别人的")
    auth = _bearer(user)
    listed = client.get("/api/me/notices", headers=auth).json()
    assert [n["text"] for n in listed] == ["二", "一"]
    assert listed[1] | {"created_at": None} == {
        "id": first.pk,
        "kind": "purchase",
        "text": "一",
        "url": "/doc/1/",
        "document_id": document.number,
        "created_at": None,
        "read": False,
    }
    assert client.get("/api/me/notices/count", headers=auth).json() == {"unread": 2}
    read = client.post(
        "/api/me/notices/read",
        {"ids": [first.pk, theirs.pk]},
        content_type="application/json",
        headers=auth,
    )
    assert read.json() == {"marked": 1, "unread": 1}
    unread = client.get("/api/me/notices?unread=true", headers=auth).json()
    assert [n["text"] for n in unread] == ["二"]
    everything = client.post(
        "/api/me/notices/read", {}, content_type="application/json", headers=auth
    )
    assert everything.json() == {"marked": 1, "unread": 0}
    assert services.unread_count(reader) == 1


def test_the_api_needs_credentials_and_checks_the_ids(client, user):
    assert client.get("/api/me/notices").status_code == 401
    assert client.get("/api/me/notices/count").json()["code"] == "unauthorized"
    bad = client.post(
        "/api/me/notices/read",
        {"ids": [2**70]},
        content_type="application/json",
        headers=_bearer(user),
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid"
