"""Favorite, tip, report and share a document, without JavaScript and with htmx."""

import pytest

from tests.factories import give_points, verified
from wenku.accounts import points
from wenku.community.models import Favorite, Report, Tip
from wenku.library.models import Document

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def document(make_document):
    return make_document(title="教学计划")


@pytest.fixture
def logged_in(client, reader):
    verified(reader)  # a new account tips only once verified (tests/security/test_abuse.py)
    client.force_login(reader)
    return client


def favorite_count(document):
    return Document.objects.get(pk=document.pk).favorite_count


def test_favorite_toggles_and_counts(logged_in, reader, document):
    url = f"/doc/{document.number}/favorite/"
    response = logged_in.post(url, follow=True)
    assert "已收藏。" in response.content.decode()
    assert favorite_count(document) == 1 and Favorite.objects.filter(user=reader).exists()
    logged_in.post(url)
    assert favorite_count(document) == 0 and not Favorite.objects.exists()


def test_favorite_twice_with_an_explicit_state_counts_once(logged_in, document):
    url = f"/doc/{document.number}/favorite/"
    logged_in.post(url, {"on": "1"})
    logged_in.post(url, {"on": "1"})
    assert favorite_count(document) == 1


def test_favorite_with_htmx_returns_the_button(logged_in, document):
    response = logged_in.post(f"/doc/{document.number}/favorite/", headers=HTMX)
    html = response.content.decode()
    assert "已收藏" in html and 'aria-pressed="true"' in html and "<html" not in html


def test_favorite_needs_login(client, document):
    response = client.post(f"/doc/{document.number}/favorite/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_tip_moves_points_from_reader_to_uploader(logged_in, reader, user, document):
    give_points(reader, 10)
    response = logged_in.post(
        f"/doc/{document.number}/tip/", {"amount": "5", "key": "k1"}, follow=True
    )
    assert "已打赏 5 积分" in response.content.decode()
    reader.refresh_from_db()
    user.refresh_from_db()
    assert (reader.points, user.points) == (5, 5)
    assert points.ledger_sum(reader) == 5 and points.ledger_sum(user) == 5
    tip = Tip.objects.get()
    assert (tip.tipper, tip.recipient, tip.amount) == (reader, user, 5)


def test_the_same_tip_submitted_twice_charges_once(logged_in, reader, document):
    give_points(reader, 10)
    for _ in range(2):
        logged_in.post(f"/doc/{document.number}/tip/", {"amount": "2", "key": "same-key"})
    reader.refresh_from_db()
    assert reader.points == 8 and Tip.objects.count() == 1


def test_tip_amounts_come_from_the_site_settings(logged_in, reader, document, site_settings):
    give_points(reader, 100)
    response = logged_in.post(
        f"/doc/{document.number}/tip/", {"amount": "3", "key": "k"}, headers=HTMX
    )
    assert "打赏金额只能是 1、2、5、10、20 积分之一" in response.content.decode()
    site_settings.tip_amounts = "3, 30"
    site_settings.save()
    logged_in.post(f"/doc/{document.number}/tip/", {"amount": "3", "key": "k"})
    reader.refresh_from_db()
    assert reader.points == 97


def test_a_tip_larger_than_the_balance_is_refused(logged_in, reader, user, document):
    give_points(reader, 1)
    response = logged_in.post(
        f"/doc/{document.number}/tip/", {"amount": "5", "key": "k"}, headers=HTMX
    )
    assert "积分不足：需要 5 积分，您当前有 1 积分" in response.content.decode()
    reader.refresh_from_db()
    user.refresh_from_db()
    assert (reader.points, user.points, Tip.objects.count()) == (1, 0, 0)


def test_nobody_tips_their_own_document(client, user, document):
    give_points(user, 10)
    client.force_login(user)
    client.post(f"/doc/{document.number}/tip/", {"amount": "5", "key": "k"})
    user.refresh_from_db()
    assert user.points == 10 and not Tip.objects.exists()


def test_the_tip_form_offers_the_amounts_without_javascript(logged_in, document):
    page = logged_in.get(f"/doc/{document.number}/tip/").content.decode()
    assert page.count('name="amount"') == 5 and 'name="key"' in page


def test_report_with_a_reason(logged_in, reader, document):
    response = logged_in.post(
        f"/doc/{document.number}/report/",
        {"reason": "copyright", "details": "抄袭我的文章"},
        follow=True,
    )
    assert "举报已提交" in response.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.status) == (reader, "copyright", "open")
    assert "我的举报" in logged_in.get("/me/reports/").content.decode()


def test_one_open_report_per_reader_and_document(logged_in, document):
    url = f"/doc/{document.number}/report/"
    logged_in.post(url, {"reason": "spam"})
    response = logged_in.post(url, {"reason": "porn"})
    assert "您已举报过该文档" in response.content.decode()
    assert Report.objects.count() == 1
    Report.objects.update(status="dismissed")
    logged_in.post(url, {"reason": "porn"})
    assert Report.objects.count() == 2, "a new report once the first was handled"


def test_report_lists_the_usual_reasons_and_needs_details_for_other(logged_in, document):
    page = logged_in.get(f"/doc/{document.number}/report/").content.decode()
    for label in ["垃圾广告", "淫秽色情", "侵犯版权", "敏感信息", "人身攻击", "其他"]:
        assert label in page
    response = logged_in.post(f"/doc/{document.number}/report/", {"reason": "other"})
    assert "请填写详细说明" in response.content.decode()
    response = logged_in.post(f"/doc/{document.number}/report/", {"reason": "nonsense"})
    assert "请选择举报原因" in response.content.decode()
    assert not Report.objects.exists()


def test_share_shows_the_link_and_a_local_qr_code(client, document):
    page = client.get(f"/doc/{document.number}/share/").content.decode()
    assert f"http://testserver/doc/{document.number}/" in page
    svg = client.get(f"/doc/{document.number}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_actions_on_a_private_document_of_someone_else_find_nothing(logged_in, make_document):
    hidden = make_document(visibility="private")
    for path in ["favorite/", "tip/", "report/"]:
        assert logged_in.post(f"/doc/{hidden.number}/{path}").status_code == 404


def test_every_state_change_needs_csrf(reader, document):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    give_points(reader, 10)
    for path, data in [
        ("favorite/", {}),
        ("tip/", {"amount": "1", "key": "x"}),
        ("report/", {"reason": "spam"}),
        ("download/", {}),
    ]:
        assert client.post(f"/doc/{document.number}/{path}", data).status_code == 403, path
    assert client.post("/me/signin/").status_code == 403
    assert client.post(f"/me/uploads/{document.number}/delete/").status_code == 403
    assert not Favorite.objects.exists() and not Tip.objects.exists()
    assert not Report.objects.exists()
