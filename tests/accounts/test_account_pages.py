"""Register, log in and out, change or reset a password, edit the profile, as a browser does."""

import re

import pytest
from django.core import mail

from wenku.accounts.bans import Punishment
from wenku.accounts.models import LoginFailure, User

pytestmark = pytest.mark.django_db

PW = "pw-123456-abc"


def test_register_logs_in_and_pays_the_bonus(client):
    response = client.post(
        "/accounts/register/",
        {"username": "newreader", "email": "New@Example.com", "password1": PW, "password2": PW},
        follow=True,
    )
    page = response.content.decode()
    assert "注册成功" in page and "已赠送 20 积分" in page
    user = User.objects.get(username="newreader")
    assert user.email == "new@example.com" and user.points == 20
    assert response.context["user"] == user


def test_register_explains_what_is_wrong(client, user):
    user.email = "taken@example.com"
    user.save()
    response = client.post(
        "/accounts/register/",
        {"username": "uploader1", "email": "taken@example.com", "password1": "1", "password2": "2"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "该邮箱已被注册" in page
    assert "已存在" in page  # the username is taken
    assert User.objects.count() == 1


def test_closed_registration_says_so(client, site_settings):
    site_settings.registration_open = False
    site_settings.save()
    assert "暂停开放注册" in client.get("/accounts/register/").content.decode()
    client.post(
        "/accounts/register/",
        {"username": "x1234", "email": "x@example.com", "password1": PW, "password2": PW},
    )
    assert not User.objects.filter(username="x1234").exists()


def test_login_and_logout(client, user):
    response = client.post("/accounts/login/", {"username": "uploader1", "password": PW})
    assert response.status_code == 302 and response.url == "/me/"
    assert client.get("/me/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405, "logging out is a POST"
    client.post("/accounts/logout/")
    assert client.get("/me/").status_code == 302


def test_login_attempts_are_limited_per_user_and_address(client, user):
    """The lock holds for this address only: tests/security/test_abuse.py shows the others."""
    for _ in range(5):
        client.post("/accounts/login/", {"username": "uploader1", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "uploader1", "password": PW})
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_attempts_are_limited_per_address(client, django_user_model):
    from django.test import Client

    django_user_model.objects.create_user("victim99", password=PW)
    for i in range(20):
        client.post("/accounts/login/", {"username": f"guess{i}", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "victim99", "password": PW})
    assert "登录失败次数过多" in response.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    response = other.post("/accounts/login/", {"username": "victim99", "password": PW})
    assert response.status_code == 302, "another address is not throttled"


def test_a_successful_login_clears_the_failures(client, user):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "uploader1", "password": "wrong"})
    client.post("/accounts/login/", {"username": "uploader1", "password": PW})
    assert not LoginFailure.objects.filter(username="uploader1").exists()


def test_the_admin_login_is_throttled_too(client, admin_user):
    for _ in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    client.post("/admin/login/", {"username": "admin", "password": "pw-admin-123"})
    assert "_auth_user_id" not in client.session


def test_a_login_ban_refuses_login_and_ends_open_sessions(client, user):
    client.force_login(user)
    Punishment.objects.create(user=user, kind="login", reason="发布广告")
    assert client.get("/me/").status_code == 302, "the open session no longer counts"
    response = client.post("/accounts/login/", {"username": "uploader1", "password": PW})
    assert response.status_code == 200
    assert "您的账号已被禁止登录（原因：发布广告；截止：永久）" in response.content.decode()
    assert client.get("/me/").status_code == 302


def test_password_change(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PW, "new_password1": "new-pw-7890-x", "new_password2": "new-pw-7890-x"},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("new-pw-7890-x")


def test_password_reset_by_mail(client, user):
    user.email = "me@example.com"
    user.save()
    client.post("/accounts/password/reset/", {"email": "me@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session key
    response = client.post(
        form_url, {"new_password1": "reset-pw-123x", "new_password2": "reset-pw-123x"}, follow=True
    )
    assert "密码已重设" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("reset-pw-123x")


def test_profile_edit(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/profile/", {"first_name": "小明", "email": "xm@example.com"}, follow=True
    )
    assert "资料已保存" in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, user.email) == ("小明", "xm@example.com")


def test_me_shows_uploads_with_their_errors_and_the_points_history(client, user, make_document):
    from wenku.library.models import Document

    failed = make_document(title="坏文件")
    Document.objects.filter(pk=failed.pk).update(status="failed", error="文件已损坏，无法打开。")
    client.force_login(user)
    page = client.get("/me/").content.decode()
    assert "坏文件" in page and "文件已损坏，无法打开。" in page and "转换失败" in page
    client.post("/me/signin/")
    page = client.get("/me/points/").content.decode()
    assert "每日签到" in page and "+2" in page
    for tab in ["favorites", "downloads", "reports"]:
        assert client.get(f"/me/{tab}/").status_code == 200
