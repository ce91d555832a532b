"""API tokens (issue 13, item 5): they die with the password, expire, and their owner lists and
revokes them in /me and through the API; nobody else can."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from wenku.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db

PW = "pw-123456-abc"
NEW_PW = "new-pw-7890-x"


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def works(raw: str) -> bool:
    status = Client().get("/api/me", headers=bearer(raw)).status_code
    assert status in (200, 401), status
    return status == 200


@pytest.fixture
def other(db):
    return User.objects.create_user("other007", "other@example.com", PW)


def test_a_password_change_revokes_every_token(client, user, other):
    mine = [ApiToken.issue(user, name)[1] for name in ("laptop", "script")]
    theirs = ApiToken.issue(other)[1]
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PW, "new_password1": NEW_PW, "new_password2": NEW_PW},
        follow=True,
    )
    assert "之前签发的 API 令牌已全部失效" in response.content.decode()
    assert not any(works(raw) for raw in mine)
    assert works(theirs), "only the user's own tokens"
    assert client.get("/me/").status_code == 200, "the browser that changed it stays in"


def test_a_password_reset_revokes_every_token(client, user):
    raw = ApiToken.issue(user)[1]
    user.email = "me@example.com"
    user.save()
    assert works(raw), "saving the profile is no password change"
    client.post("/accounts/password/reset/", {"email": "me@example.com"})
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form_url = client.get(link.group(1)).url
    client.post(form_url, {"new_password1": NEW_PW, "new_password2": NEW_PW})
    user.refresh_from_db()
    assert user.check_password(NEW_PW)
    assert not works(raw)


def test_any_door_that_sets_a_password_revokes(user):
    """The admin's form and `changepassword` both end in set_password() and save()."""
    raw = ApiToken.issue(user)[1]
    user.set_password(NEW_PW)
    user.save()
    assert not works(raw)


def test_a_hash_upgrade_at_login_is_no_password_change(user, settings):
    raw = ApiToken.issue(user)[1]
    # A hasher change makes Django re-hash the password at the next login.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert user.check_password(PW)
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")
    assert works(raw)


def test_a_token_expires_after_ninety_days(user, at_utc):
    at_utc("2026-03-02 08:00")
    token, raw = ApiToken.issue(user, "cron")
    assert token.expires_at.isoformat() == "2026-05-31T08:00:00+00:00"
    at_utc("2026-05-31 07:59")
    assert works(raw)
    at_utc("2026-05-31 08:00")
    response = Client().get("/api/me", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["detail"] == "API 令牌已于 2026-05-31 16:00 过期，请重新获取令牌。"
    english = Client().get("/api/me", headers=bearer(raw), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        english.json()["detail"]
        == "The API token expired on 2026-05-31 16:00; please get a new token."
    )


def test_an_unknown_token_is_a_plain_401(client):
    response = client.get("/api/me", headers=bearer("wk_made-up"))
    assert response.status_code == 401


def test_an_expired_token_does_not_see_private_documents(client, user, make_document, at_utc):
    at_utc("2026-03-02 08:00")
    document = make_document(visibility="private")
    raw = ApiToken.issue(user)[1]
    assert client.get(f"/api/documents/{document.number}", headers=bearer(raw)).status_code == 200
    at_utc("2026-06-01 08:00")
    assert client.get(f"/api/documents/{document.number}", headers=bearer(raw)).status_code == 404


# Listing and revoking in /me ------------------------------------------------------------------


def test_me_lists_my_tokens_without_their_secrets(client, user, other):
    token, raw = ApiToken.issue(user, "备份脚本")
    works(raw)  # records the last use
    _theirs, their_raw = ApiToken.issue(other, "别人的令牌")
    client.force_login(user)
    page = client.get("/me/tokens/").content.decode()
    assert "备份脚本" in page and "别人的令牌" not in page
    assert raw not in page and token.key_hash not in page and their_raw not in page
    token.refresh_from_db()
    assert token.last_used_at is not None
    for when in (token.created_at, token.last_used_at, token.expires_at):
        assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in page
    assert f'action="/me/tokens/{token.pk}/revoke/"' in page


def test_me_revokes_a_token_by_post_with_csrf(user):
    token, raw = ApiToken.issue(user, "旧令牌")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = f"/me/tokens/{token.pk}/revoke/"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403, "no CSRF token, no revocation"
    assert works(raw)

    page = client.get("/me/tokens/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page).group(1)
    response = client.post(url, {"csrfmiddlewaretoken": csrf}, follow=True)
    assert "令牌已撤销" in response.content.decode()
    assert not works(raw)


def test_me_cannot_revoke_someone_elses_token(client, user, other):
    theirs, raw = ApiToken.issue(other)
    client.force_login(user)
    assert client.post(f"/me/tokens/{theirs.pk}/revoke/").status_code == 404
    assert works(raw)


def test_me_revokes_all_my_tokens(client, user, other):
    mine = [ApiToken.issue(user, f"t{i}")[1] for i in range(3)]
    theirs = ApiToken.issue(other)[1]
    client.force_login(user)
    response = client.post("/me/tokens/revoke-all/", follow=True)
    assert "已撤销全部 3 个令牌" in response.content.decode()
    assert not any(works(raw) for raw in mine) and works(theirs)


# Listing and revoking through the API ---------------------------------------------------------


def test_the_api_lists_my_tokens_only_and_marks_the_current_one(client, user, other):
    first, first_raw = ApiToken.issue(user, "laptop")
    second, second_raw = ApiToken.issue(user, "phone")
    ApiToken.issue(other, "theirs")
    rows = client.get("/api/me/tokens", headers=bearer(second_raw)).json()
    assert [(r["id"], r["name"], r["current"]) for r in rows] == [
        (second.pk, "phone", True),
        (first.pk, "laptop", False),
    ]
    assert set(rows[0]) == {
        "id", "name", "created_at", "last_used_at", "expires_at", "expired", "current",
    }  # fmt: skip
    assert rows[0]["last_used_at"] is not None and rows[1]["last_used_at"] is None
    assert first_raw not in str(rows) and first.key_hash not in str(rows)


def test_the_api_revokes_my_token(client, user):
    first, first_raw = ApiToken.issue(user, "laptop")
    _second, second_raw = ApiToken.issue(user, "phone")
    response = client.delete(f"/api/me/tokens/{first.pk}", headers=bearer(second_raw))
    assert response.status_code == 204
    assert not works(first_raw) and works(second_raw)
    again = client.delete(f"/api/me/tokens/{first.pk}", headers=bearer(second_raw))
    assert again.status_code == 404


def test_a_token_can_revoke_itself(client, user):
    token, raw = ApiToken.issue(user)
    assert client.delete(f"/api/me/tokens/{token.pk}", headers=bearer(raw)).status_code == 204
    assert not works(raw)


def test_the_api_cannot_revoke_someone_elses_token(client, user, other):
    theirs, their_raw = ApiToken.issue(other)
    _mine, raw = ApiToken.issue(user)
    response = client.delete(f"/api/me/tokens/{theirs.pk}", headers=bearer(raw))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert works(their_raw)


def test_a_logged_in_browser_uses_the_same_endpoints_with_csrf(user):
    token, raw = ApiToken.issue(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert [r["id"] for r in client.get("/api/me/tokens").json()] == [token.pk]
    assert client.delete(f"/api/me/tokens/{token.pk}").status_code == 403, "CSRF is checked"
    assert works(raw)


def test_tokens_need_authentication(client):
    assert client.get("/api/me/tokens").status_code == 401
    assert client.delete("/api/me/tokens/1").status_code == 401


def test_an_impossible_token_id_is_not_found(client, user):
    raw = ApiToken.issue(user)[1]
    huge = "9" * 25
    assert client.delete(f"/api/me/tokens/{huge}", headers=bearer(raw)).status_code == 404
    client.force_login(user)
    assert client.post(f"/me/tokens/{huge}/revoke/").status_code == 404
    assert client.delete("/api/me/tokens/-1", headers=bearer(raw)).status_code == 404
