"""Points farming and lock-outs (issue 13, items 2 and 6): what one address may do.

Thirty registrations in thirty seconds from one address, each tipping its bonus to one account,
used to make 600 points; five wrong passwords from anywhere used to lock any account. These
tests replay the attacks through the real views and the API.
"""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.factories import give_points, verified
from wenku.accounts.models import LoginFailure, PointsEntry, User
from wenku.community.models import Tip

pytestmark = pytest.mark.django_db

PW = "pw-123456-abc"
ATTACKER = "203.0.113.7"


def register_web(i: int, address: str = ATTACKER):
    client = Client(REMOTE_ADDR=address)
    response = client.post(
        "/accounts/register/",
        {
            "username": f"farm{i:03d}",
            "email": f"farm{i:03d}@example.com",
            "password1": PW,
            "password2": PW,
        },
    )
    return client, response


def register_api(i: int, address: str = ATTACKER):
    return Client(REMOTE_ADDR=address).post(
        "/api/auth/register",
        {"username": f"api{i:03d}", "email": f"api{i:03d}@example.com", "password": PW},
        content_type="application/json",
    )


def points_created() -> int:
    return sum(PointsEntry.objects.values_list("delta", flat=True))


@pytest.fixture
def config(wenku_config):
    return wenku_config


# Registration throttle ------------------------------------------------------------------------


def test_thirty_registrations_from_one_address_make_five_accounts(user, make_document):
    document = make_document()  # the farmer's document, uploaded by `user`
    outcomes = []
    for i in range(30):
        client, response = register_web(i)
        outcomes.append(response.status_code)
        if response.status_code == 302:
            client.post(f"/doc/{document.number}/tip/", {"amount": "20", "key": f"k{i}"})
        else:
            page = response.content.decode()
            assert "同一网络每小时最多注册 5 个账号，请 60 分钟后再试。" in page

    assert outcomes == [302] * 5 + [429] * 25
    assert User.objects.filter(username__startswith="farm").count() == 5
    # Five bonuses, and none of them reached the farmer: new accounts cannot tip yet.
    assert points_created() == 5 * 20
    user.refresh_from_db()
    assert user.points == 0 and not Tip.objects.exists()


def test_the_api_answers_429_with_the_same_limit():
    statuses = [register_api(i).status_code for i in range(8)]
    assert statuses == [201] * 5 + [429] * 3
    body = register_api(99).json()
    assert body["code"] == "throttled"
    assert "同一网络每小时最多注册 5 个账号" in body["detail"]
    assert User.objects.count() == 5 and points_created() == 100


def test_web_and_api_share_one_count_and_other_addresses_are_free():
    for i in range(3):
        assert register_web(i)[1].status_code == 302
    for i in range(2):
        assert register_api(i).status_code == 201
    assert register_api(2).status_code == 429
    assert register_web(3, address="198.51.100.20")[1].status_code == 302


def test_the_limit_is_an_hour_and_a_site_setting(site_settings, at_utc):
    at_utc("2026-03-02 08:00")
    for i in range(5):
        register_api(i)
    at_utc("2026-03-02 08:40")
    response = register_api(5)
    assert response.status_code == 429 and "请 20 分钟后再试" in response.json()["detail"]
    at_utc("2026-03-02 09:00:01")
    assert register_api(6).status_code == 201

    site_settings.registrations_per_ip_hour = 0  # no limit
    site_settings.save()
    assert [register_api(i).status_code for i in range(10, 20)] == [201] * 10


def test_the_limit_message_is_in_english_too():
    for i in range(5):
        register_api(i)
    response = Client(REMOTE_ADDR=ATTACKER).post(
        "/accounts/register/",
        {"username": "late0001", "email": "late@example.com", "password1": PW, "password2": PW},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 429
    assert "at most 5 accounts an hour" in response.content.decode()


def test_an_ipv6_subscriber_is_one_address():
    """A subscriber gets a whole /64: counting single IPv6 addresses would count nothing."""
    statuses = [register_api(i, address=f"2001:db8:5:7::{i + 1:x}").status_code for i in range(6)]
    assert statuses == [201] * 5 + [429]
    assert register_api(50, address="2001:db8:5:8::1").status_code == 201


def test_behind_a_proxy_the_forwarded_address_counts(config):
    config(trusted_proxy_hops=1)

    def via_proxy(i, client_address):
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=client_address).post(
            "/api/auth/register",
            {"username": f"px{i:03d}", "email": f"px{i:03d}@example.com", "password": PW},
            content_type="application/json",
        )

    assert [via_proxy(i, ATTACKER).status_code for i in range(6)] == [201] * 5 + [429]
    assert via_proxy(10, "198.51.100.30").status_code == 201, "the proxy is not the client"


def test_a_refused_or_failed_registration_does_not_use_up_the_hour():
    for i in range(4):
        register_api(i)
    weak = Client(REMOTE_ADDR=ATTACKER).post(
        "/api/auth/register",
        {"username": "weak0001", "email": "weak@example.com", "password": "123"},
        content_type="application/json",
    )
    assert weak.status_code == 400
    assert register_api(4).status_code == 201, "the fifth account is still allowed"


# New accounts and tips ------------------------------------------------------------------------


@pytest.fixture
def newcomer(db):
    user = User.objects.create_user("newcomer1", "newcomer@example.com", PW)
    give_points(user, 50)
    return user


def test_a_new_unverified_account_cannot_tip_on_the_web(client, newcomer, make_document):
    document = make_document()
    client.force_login(newcomer)
    page = client.get(f"/doc/{document.number}/tip/").content.decode()
    assert "新注册的账号需要先验证邮箱，或注册满 24 小时" in page, "said before choosing"
    response = client.post(f"/doc/{document.number}/tip/", {"amount": "5", "key": "k"}, follow=True)
    assert "新注册的账号需要先验证邮箱，或注册满 24 小时" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.points == 50 and not Tip.objects.exists()


def test_a_new_unverified_account_cannot_tip_through_the_api(client, newcomer, make_document):
    from wenku.accounts.models import ApiToken

    document = make_document()
    headers = {"Authorization": f"Bearer {ApiToken.issue(newcomer)[1]}"}
    url = f"/api/documents/{document.number}/tip"
    response = client.post(url, {"amount": 5}, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "account_too_new"
    assert "验证邮箱" in response.json()["detail"]

    verified(newcomer)
    response = client.post(url, {"amount": 5}, content_type="application/json", headers=headers)
    assert response.status_code == 201 and response.json()["points"] == 45


def test_a_new_account_tips_once_old_enough(client, make_document, at_utc, site_settings):
    at_utc("2026-03-02 08:00")
    newcomer = User.objects.create_user("newcomer2", "n2@example.com", PW)
    give_points(newcomer, 50)
    document = make_document()
    client.force_login(newcomer)

    at_utc("2026-03-03 07:59")
    client.post(f"/doc/{document.number}/tip/", {"amount": "5", "key": "early"})
    assert not Tip.objects.exists()
    at_utc("2026-03-03 08:00")
    client.post(f"/doc/{document.number}/tip/", {"amount": "5", "key": "on-time"})
    assert Tip.objects.get().amount == 5

    site_settings.tip_wait_hours = 0  # no rule: a brand-new account tips at once
    site_settings.save()
    fresh = User.objects.create_user("newcomer3", "n3@example.com", PW)
    give_points(fresh, 5)
    client.force_login(fresh)
    client.post(f"/doc/{document.number}/tip/", {"amount": "5", "key": "fresh"})
    assert Tip.objects.count() == 2


def test_verifying_the_e_mail_lets_a_new_account_tip(client, make_document):
    document = make_document()
    response = client.post(
        "/accounts/register/",
        {"username": "verified1", "email": "v1@example.com", "password1": PW, "password2": PW},
    )
    assert response.status_code == 302
    client.post(f"/doc/{document.number}/tip/", {"amount": "5", "key": "before"})
    assert not Tip.objects.exists()

    client.get(verification_path(mail.outbox[-1]))
    client.post(f"/doc/{document.number}/tip/", {"amount": "5", "key": "after"})
    assert Tip.objects.get().tipper.username == "verified1"


# Register bonus after verification ------------------------------------------------------------


def verification_path(message) -> str:
    link = re.search(r"http://testserver(/accounts/verify/\S+/)", message.body)
    assert link, message.body
    return link.group(1)


def test_the_bonus_after_verification_is_paid_once(client, site_settings):
    site_settings.register_bonus_after_verification = True
    site_settings.save()
    response = client.post(
        "/accounts/register/",
        {"username": "patient1", "email": "p1@example.com", "password1": PW, "password2": PW},
        follow=True,
    )
    assert "验证邮箱后即赠送 20 积分" in response.content.decode()
    user = User.objects.get(username="patient1")
    assert user.points == 0 and not user.email_verified
    assert len(mail.outbox) == 1 and "20 积分" in mail.outbox[0].body

    path = verification_path(mail.outbox[0])
    first = client.get(path).content.decode()
    again = client.get(path).content.decode()
    Client().get(path)  # a mail scanner, logged out

    assert "邮箱已验证" in first and "已赠送注册奖励 20 积分" in first
    assert "邮箱已验证" in again and "已赠送注册奖励" not in again
    user.refresh_from_db()
    assert user.email_verified and user.points == 20
    assert PointsEntry.objects.filter(user=user, reason="register").count() == 1


def test_the_bonus_after_verification_through_the_api(client, site_settings):
    site_settings.register_bonus_after_verification = True
    site_settings.save()
    token = register_api(1).json()["token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["points"] == 0
    client.get(verification_path(mail.outbox[-1]))
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["points"] == 20


def test_without_the_setting_the_bonus_is_paid_at_registration_only(client):
    client.post(
        "/accounts/register/",
        {"username": "eager001", "email": "e1@example.com", "password1": PW, "password2": PW},
    )
    user = User.objects.get(username="eager001")
    assert user.points == 20
    client.get(verification_path(mail.outbox[-1]))
    user.refresh_from_db()
    assert user.email_verified and user.points == 20


# Password-reset mails -------------------------------------------------------------------------


def ask_reset(email: str, address: str = ATTACKER, **headers):
    return Client(REMOTE_ADDR=address).post(
        "/accounts/password/reset/", {"email": email}, follow=True, **headers
    )


@pytest.fixture
def target(db):
    return User.objects.create_user("target01", "target@example.com", PW)


def test_an_account_gets_at_most_three_reset_mails_an_hour(target, at_utc):
    at_utc("2026-03-02 08:00")
    answers = [ask_reset("target@example.com", f"198.51.100.{i}") for i in range(6)]
    assert len(mail.outbox) == 3
    # The same answer every time, mail or no mail.
    assert {a.status_code for a in answers} == {200}
    assert all("如果该邮箱已注册" in a.content.decode() for a in answers)
    at_utc("2026-03-02 09:00:01")
    ask_reset("target@example.com", "198.51.100.99")
    assert len(mail.outbox) == 4


def test_the_answer_is_the_same_for_an_unknown_account(target):
    known = ask_reset("target@example.com")
    unknown = ask_reset("nobody@example.com", "198.51.100.50")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert len(mail.outbox) == 1


def test_one_address_asks_ten_times_an_hour_known_or_not(target):
    for i in range(10):
        assert ask_reset(f"someone{i}@example.com").status_code == 200
    emails = ["target@example.com", "nobody@example.com"]
    refused = [ask_reset(email) for email in emails]
    for response in refused:
        assert response.status_code == 429
        assert "该网络申请重设密码过于频繁（每小时最多 10 次）" in response.content.decode()
    pages = [
        re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", r.content.decode()).replace(e, "")
        for r, e in zip(refused, emails, strict=True)
    ]
    assert pages[0] == pages[1], "the same refusal, known account or not"
    assert len(mail.outbox) == 0
    english = ask_reset("target@example.com", HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many password-reset requests from your network" in english.content.decode()
    assert ask_reset("target@example.com", "198.51.100.77").status_code == 200
    assert len(mail.outbox) == 1


# Login lock per (account, address) -----------------------------------------------------------


def login(address: str, username: str, password: str, client: Client | None = None):
    client = client or Client(REMOTE_ADDR=address)
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return client, response


def test_failures_from_one_address_do_not_lock_the_owner_out(user):
    for _ in range(5):
        login(ATTACKER, "uploader1", "wrong")
    _client, response = login(ATTACKER, "uploader1", PW)
    assert response.status_code == 200 and "登录失败次数过多" in response.content.decode()

    client, response = login("198.51.100.8", "uploader1", PW)
    assert response.status_code == 302, "another address logs in"
    assert "_auth_user_id" in client.session


def test_the_admin_is_not_locked_out_from_elsewhere_either(admin_user):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(6):
        attacker.post("/admin/login/", {"username": "admin", "password": "wrong"})
    attacker.post("/admin/login/", {"username": "admin", "password": "pw-admin-123"})
    assert "_auth_user_id" not in attacker.session

    owner = Client(REMOTE_ADDR="198.51.100.9")
    owner.post("/admin/login/", {"username": "admin", "password": "pw-admin-123"})
    assert "_auth_user_id" in owner.session


def test_the_api_token_door_locks_per_address_too(client, user):
    def token(address, password):
        return Client(REMOTE_ADDR=address).post(
            "/api/auth/token",
            {"username": "uploader1", "password": password},
            content_type="application/json",
        )

    for _ in range(5):
        token(ATTACKER, "wrong")
    assert token(ATTACKER, PW).status_code == 429
    assert token("198.51.100.10", PW).status_code == 201


def test_guessing_from_many_addresses_is_slowed_but_the_owners_browser_is_not(user, at_utc):
    at_utc("2026-03-02 08:00")
    owner = Client(REMOTE_ADDR="198.51.100.2")
    login("", "uploader1", PW, client=owner)  # the owner's browser has logged in before
    owner.post("/accounts/logout/")

    for i in range(10):  # a botnet: ten addresses, one guess each
        login(f"192.0.2.{i}", "uploader1", "wrong")
    assert LoginFailure.objects.filter(username="uploader1").count() == 10

    _c, response = login("192.0.2.200", "uploader1", PW)
    assert "该账号近期登录失败次数过多，请 1 秒后再试" in response.content.decode()
    _c, response = login("", "uploader1", PW, client=owner)
    assert response.status_code == 302, "a browser that has logged in before is not slowed"
    owner.post("/accounts/logout/")

    # Each failure doubles the wait: 1, 2, 4, 8, 16 s ... so the botnet guesses slowly.
    for minute, i in enumerate(range(10, 15), start=1):
        at_utc(f"2026-03-02 08:{minute:02d}")
        login(f"192.0.2.{i}", "uploader1", "wrong")
    assert LoginFailure.objects.filter(username="uploader1").count() == 15
    _c, response = login("192.0.2.201", "uploader1", "wrong")
    assert "请 32 秒后再试" in response.content.decode()
    at_utc("2026-03-02 08:05:32")
    _c, response = login("192.0.2.202", "uploader1", PW)
    assert response.status_code == 302, "after the delay anyone may try again"


def test_the_admins_browser_is_spared_the_slow_down_too(admin_user, at_utc):
    at_utc("2026-03-02 08:00")
    owner = Client(REMOTE_ADDR="198.51.100.3")
    owner.post("/admin/login/", {"username": "admin", "password": "pw-admin-123"})
    owner.post("/admin/logout/")
    for i in range(12):
        Client(REMOTE_ADDR=f"192.0.2.{i}").post(
            "/admin/login/", {"username": "admin", "password": "wrong"}
        )
    stranger = Client(REMOTE_ADDR="192.0.2.250")
    stranger.post("/admin/login/", {"username": "admin", "password": "pw-admin-123"})
    assert "_auth_user_id" not in stranger.session, "a new browser waits"
    owner.post("/admin/login/", {"username": "admin", "password": "pw-admin-123"})
    assert "_auth_user_id" in owner.session


def test_one_address_still_has_a_cap_across_user_names(django_user_model):
    django_user_model.objects.create_user("victim99", password=PW)
    for i in range(20):
        login(ATTACKER, f"guess{i}", "wrong")
    _c, response = login(ATTACKER, "victim99", PW)
    assert "登录失败次数过多" in response.content.decode()


def test_refused_attempts_are_not_counted_as_failures(user):
    for _ in range(8):
        login(ATTACKER, "uploader1", "wrong")
    assert LoginFailure.objects.filter(username="uploader1").count() == 5
