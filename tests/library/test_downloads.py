"""Downloading: free or for points once, owners free, daily limits, original names, the PDF too."""

import pytest

from tests.factories import give_points
from wenku.accounts import points
from wenku.accounts.bans import Punishment
from wenku.library.models import Document, Download, Purchase

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def download(client, document, kind="original"):
    return client.post(f"/doc/{document.number}/download/", {"kind": kind})


def test_a_free_document_downloads_for_anyone_with_its_original_name(client, make_document):
    document = make_document(title="年度报告", filename="2025年度报告.docx")
    response = download(client, document)
    assert response.status_code == 200
    assert body(response).startswith("原文件内容".encode())
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''2025%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.docx" in disposition
    assert Document.objects.get(pk=document.pk).download_count == 1
    assert Download.objects.get().user is None


def test_the_pdf_rendition_is_offered_for_office_files(client, make_document):
    document = make_document(filename="讲义.pptx", fmt="pptx")
    page = client.get(f"/doc/{document.number}/download/").content.decode()
    assert "下载 PDF 版" in page
    response = download(client, document, kind="pdf")
    assert body(response).startswith(b"%PDF")
    assert "%E8%AE%B2%E4%B9%89.pdf" in response["Content-Disposition"]


def test_a_setting_can_require_login_for_free_documents(client, make_document, site_settings):
    site_settings.download_login_required = True
    site_settings.save()
    response = download(client, make_document())
    assert response.status_code == 401 and "请先登录" in response.content.decode()


def test_a_paid_document_costs_its_price_once(client, reader, user, make_document, site_settings):
    document = make_document(price=3)
    give_points(reader, 10)
    client.force_login(reader)
    page = client.get(f"/doc/{document.number}/download/").content.decode()
    assert "需要 <strong>3</strong> 积分" in page
    assert download(client, document).status_code == 200
    assert download(client, document, kind="pdf").status_code == 200
    assert download(client, document).status_code == 200
    reader.refresh_from_db()
    user.refresh_from_db()
    assert reader.points == 7, "bought once, re-downloads are free"
    assert user.points == 3, "the uploader earns the price (no site share by default)"
    assert Purchase.objects.get().price == 3
    assert points.ledger_sum(reader) == 7 and points.ledger_sum(user) == 3
    assert "您已购买过本文档" in client.get(f"/doc/{document.number}/download/").content.decode()


def test_the_site_share_is_kept_from_the_uploader(
    client, reader, user, make_document, site_settings
):
    site_settings.download_site_share = 30
    site_settings.save()
    give_points(reader, 10)
    client.force_login(reader)
    download(client, make_document(price=10))
    user.refresh_from_db()
    assert user.points == 7


def test_not_enough_points_downloads_nothing(client, reader, user, make_document):
    document = make_document(price=5)
    give_points(reader, 4)
    client.force_login(reader)
    response = download(client, document)
    assert response.status_code == 402
    assert "积分不足：需要 5 积分，您当前有 4 积分" in response.content.decode()
    reader.refresh_from_db()
    assert reader.points == 4 and not Purchase.objects.exists() and not Download.objects.exists()


def test_a_paid_document_needs_login(client, make_document):
    response = download(client, make_document(price=1))
    assert response.status_code == 401


def test_owners_and_staff_download_free(client, user, admin_user, make_document):
    document = make_document(price=50)
    for who in (user, admin_user):
        client.force_login(who)
        assert download(client, document).status_code == 200
    assert not Purchase.objects.exists()


def test_guessing_the_url_gives_nothing_without_paying(client, reader, make_document):
    document = make_document(price=5, pages=30, preview=10)
    client.force_login(reader)
    assert client.get(f"/doc/{document.number}/download/")["Content-Type"].startswith("text/html")
    assert download(client, document).status_code == 402
    assert client.get(f"/doc/{document.number}/page/11.webp").status_code == 404
    private = make_document(visibility="private", title="私有")
    assert download(client, private).status_code == 404


def test_a_document_not_yet_converted_cannot_be_downloaded(client, user, make_document):
    document = make_document()
    Document.objects.filter(pk=document.pk).update(status="converting")
    client.force_login(user)
    assert download(client, document).status_code == 409


def test_daily_limit_per_user(client, reader, make_document, site_settings):
    site_settings.daily_downloads_per_user = 2
    site_settings.save()
    document = make_document()
    client.force_login(reader)
    assert [download(client, document).status_code for _ in range(3)] == [200, 200, 429]
    assert "达到每日上限" in download(client, document).content.decode()


def test_daily_limit_per_address(client, make_document, site_settings):
    site_settings.daily_downloads_per_ip = 1
    site_settings.save()
    document = make_document()
    assert [download(client, document).status_code for _ in range(2)] == [200, 429]


def test_the_daily_limit_per_user_starts_again_at_midnight_in_shanghai_not_utc(
    client, reader, make_document, site_settings, at_utc
):
    site_settings.daily_downloads_per_user = 1
    site_settings.save()
    document = make_document()
    client.force_login(reader)
    at_utc("2026-03-02 15:58")  # 23:58 on 2 March in Shanghai
    assert download(client, document).status_code == 200
    at_utc("2026-03-02 15:59")
    assert download(client, document).status_code == 429
    at_utc("2026-03-02 16:01")  # 00:01 on 3 March: a new day, though UTC still says 2 March
    assert download(client, document).status_code == 200


def test_the_daily_limit_per_user_counts_one_site_day_across_the_utc_midnight(
    client, reader, make_document, site_settings, at_utc
):
    site_settings.daily_downloads_per_user = 2
    site_settings.save()
    document = make_document()
    client.force_login(reader)
    statuses = {}
    for instant in [
        "2026-03-02 16:01",  # 00:01 on 3 March in Shanghai
        "2026-03-02 23:59",
        "2026-03-03 00:01",  # a new UTC date, still 3 March in Shanghai: the limit is reached
        "2026-03-03 15:59",  # 23:59 on 3 March
        "2026-03-03 16:00",  # 00:00 on 4 March
    ]:
        at_utc(instant)
        statuses[instant[5:]] = download(client, document).status_code
    assert statuses == {
        "03-02 16:01": 200,
        "03-02 23:59": 200,
        "03-03 00:01": 429,
        "03-03 15:59": 429,
        "03-03 16:00": 200,
    }


def test_the_daily_limit_per_address_follows_the_sites_day(
    client, make_document, site_settings, at_utc
):
    site_settings.daily_downloads_per_ip = 1
    site_settings.save()
    document = make_document()
    statuses = {}
    for instant in [
        "2026-03-02 15:59",  # 23:59 on 2 March in Shanghai
        "2026-03-02 16:01",  # 00:01 on 3 March
        "2026-03-03 00:01",  # a new UTC date, still 3 March
        "2026-03-03 16:01",  # 00:01 on 4 March
    ]:
        at_utc(instant)
        statuses[instant[5:]] = download(client, document).status_code
    assert statuses == {
        "03-02 15:59": 200,
        "03-02 16:01": 200,
        "03-03 00:01": 429,
        "03-03 16:01": 200,
    }
    assert Download.objects.filter(ip="127.0.0.1").count() == 3


def test_a_download_ban_stops_downloads(client, reader, make_document):
    Punishment.objects.create(user=reader, kind="download", reason="滥用下载")
    client.force_login(reader)
    response = download(client, make_document())
    assert response.status_code == 403 and "禁止下载" in response.content.decode()
