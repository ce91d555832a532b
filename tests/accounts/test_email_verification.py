"""E-mail verification: a signed link mailed at registration, good for one address and a week."""

import re

import pytest
from django.core import mail

from wenku.accounts import services
from wenku.accounts.models import User

pytestmark = pytest.mark.django_db

PW = "pw-123456-abc"


def register(client, name="mailer01", email="m1@example.com"):
    return client.post(
        "/accounts/register/",
        {"username": name, "email": email, "password1": PW, "password2": PW},
        follow=True,
    )


def link_in(message) -> str:
    found = re.search(r"http://testserver(/accounts/verify/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_registration_mails_a_verification_link(client):
    page = register(client).content.decode()
    assert "请查收发到 m1@example.com 的验证邮件" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["m1@example.com"] and "验证" in message.subject
    assert "\n" not in message.subject
    assert not User.objects.get(username="mailer01").email_verified
    assert "尚未验证" in client.get("/me/").content.decode()

    page = client.get(link_in(message)).content.decode()
    assert "您的邮箱已验证" in page
    assert User.objects.get(username="mailer01").email_verified
    assert "尚未验证" not in client.get("/me/").content.decode()


def test_the_api_registration_mails_the_link_too(client):
    response = client.post(
        "/api/auth/register",
        {"username": "apimail1", "email": "am@example.com", "password": PW},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert mail.outbox[0].to == ["am@example.com"]


def test_a_forged_or_stale_link_is_refused(client, at_utc):
    at_utc("2026-03-02 08:00")
    register(client)
    path = link_in(mail.outbox[0])
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    response = client.get(forged)
    assert response.status_code == 400 and "验证链接无效或已过期" in response.content.decode()
    at_utc("2026-03-09 08:00:01")
    assert client.get(path).status_code == 400
    assert not User.objects.get(username="mailer01").email_verified


def test_a_link_is_for_the_address_it_was_sent_to(client):
    register(client)
    old_link = link_in(mail.outbox[0])
    client.get(old_link)
    response = client.post(
        "/accounts/profile/", {"first_name": "", "email": "new@example.com"}, follow=True
    )
    assert "验证邮件已发送到 new@example.com" in response.content.decode()
    user = User.objects.get(username="mailer01")
    assert user.email == "new@example.com" and not user.email_verified
    assert client.get(old_link).status_code == 400, "the old address's link no longer counts"
    client.get(link_in(mail.outbox[-1]))
    user.refresh_from_db()
    assert user.email_verified


def test_the_mail_can_be_sent_again_a_few_times_an_hour(client):
    register(client)
    for _ in range(4):
        client.post("/accounts/verify-again/")
    assert len(mail.outbox) == services.VERIFY_MAILS_PER_HOUR
    page = client.post("/accounts/verify-again/", follow=True).content.decode()
    assert "验证邮件发送过于频繁" in page
    assert client.get("/accounts/verify-again/").status_code == 405


def test_a_failing_mail_server_does_not_fail_the_registration(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(services, "send_mail", broken)
    response = register(client)
    assert response.status_code == 200
    assert User.objects.get(username="mailer01").points == 20
