"""Reports reach a queue grouped by document; settings are edited in the admin; all is logged."""

import datetime as dt

import pytest

from tests.factories import published_document
from wenku.accounts.bans import Punishment
from wenku.community.models import Report
from wenku.community.services import report
from wenku.library.models import Document
from wenku.site.models import AuditLog, SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(user, reader, django_user_model):
    document = published_document(uploader=user, title="被举报的文档")
    other = django_user_model.objects.create_user("reader99", password="x-123456-abc")
    report(reader, document, "copyright", "抄袭了我的论文")
    report(other, document, "spam", "")
    return document


def test_the_queue_groups_reports_by_document(client, admin_user, reported):
    client.force_login(admin_user)
    page = client.get("/moderation/reports/").content.decode()
    assert page.count("被举报的文档") == 1 and "2 条举报" in page
    assert "侵犯版权" in page and "抄袭了我的论文" in page and "垃圾广告" in page


def test_dismiss_tells_the_reporters(client, admin_user, reader, reported):
    client.force_login(admin_user)
    client.post(f"/moderation/reports/{reported.number}/", {"action": "dismiss", "note": ""})
    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}
    assert Document.objects.public().filter(pk=reported.pk).exists()
    client.force_login(reader)
    assert "经核实，该文档未违反规定" in client.get("/me/reports/").content.decode()


def test_hide_takes_the_document_down_and_says_why(client, admin_user, user, reported):
    client.force_login(admin_user)
    client.post(f"/moderation/reports/{reported.number}/", {"action": "hide", "note": "确属侵权"})
    reported.refresh_from_db()
    assert reported.review == "hidden" and "侵犯版权" in reported.review_note
    assert not Document.objects.public().filter(pk=reported.pk).exists()
    client.logout()
    assert client.get(reported.get_absolute_url()).status_code == 404
    client.force_login(user)
    assert "已被屏蔽" in client.get(reported.get_absolute_url()).content.decode()


def test_punish_hides_and_bans_the_uploader_for_some_days(client, admin_user, user, reported):
    client.force_login(admin_user)
    client.post(
        f"/moderation/reports/{reported.number}/",
        {"action": "punish", "note": "多次侵权", "kind": "upload", "days": "30"},
    )
    punishment = Punishment.objects.get(user=user)
    assert punishment.kind == "upload" and punishment.created_by == admin_user
    assert 29 <= (punishment.ends_at - punishment.starts_at).days <= 30
    assert set(Report.objects.values_list("status", flat=True)) == {"actioned"}
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"hide", "punish:upload"} <= actions


def test_delete_removes_the_document(client, admin_user, reported):
    client.force_login(admin_user)
    client.post(f"/moderation/reports/{reported.number}/", {"action": "delete"})
    assert not Document.objects.filter(pk=reported.pk).exists()
    report_rows = Report.objects.all()
    assert all(r.document is None and r.document_title == "被举报的文档" for r in report_rows)
    assert all("已被删除" in r.outcome for r in report_rows)


def test_site_settings_open_straight_from_the_admin_list(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/site/sitesettings/")
    assert response.status_code == 302 and response.url.endswith("/1/change/")
    page = client.get(response.url).content.decode()
    for label in ["站点名称", "ICP 备案号", "上传审核", "默认预览页数", "注册奖励积分"]:
        assert label in page


def test_editing_settings_in_the_admin_applies_at_once_and_is_logged(client, admin_user):
    client.force_login(admin_user)
    url = "/admin/site/sitesettings/1/change/"
    form = client.get("/admin/site/sitesettings/", follow=True).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(site_name="我的文库", icp_number="京ICP备12345678号", tip_amounts="1,5")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, (response.status_code, response.content[:3000])
    assert SiteSettings.current().site_name == "我的文库"
    home = client.get("/").content.decode()
    assert "我的文库" in home and "京ICP备12345678号" in home
    assert AuditLog.objects.filter(action="admin:change:sitesettings").exists()


def test_preview_settings_change_the_default_preview_limit(user, site_settings):
    document = published_document(uploader=user, pages=40)
    assert document.effective_preview_limit() == 20
    site_settings.preview_pages = 10
    site_settings.save()
    assert document.effective_preview_limit() == 10
    site_settings.preview_percent = 10
    site_settings.save()
    assert document.effective_preview_limit() == 4


def test_allowed_formats_and_upload_limit(user, site_settings, tmp_docs):
    from wenku.conversion.ingest import IngestError, ingest
    from wenku.samples.office import make_txt

    site_settings.allowed_formats = "pdf, docx"
    site_settings.save()
    path = make_txt(tmp_docs / "a.txt", ["正文"])
    with pytest.raises(IngestError, match="本站不接受 TXT 格式的文档，可上传的格式：PDF、DOCX"):
        ingest(path, "a.txt", user)
    site_settings.allowed_formats = ""
    site_settings.max_upload_mb = 1
    site_settings.save()
    big = tmp_docs / "big.txt"
    big.write_text("字" * 600_000, encoding="utf-8")
    with pytest.raises(IngestError, match="上限为 1 MB"):
        ingest(big, "big.txt", user)


def test_admin_reconverts_and_retries_all_failed(client, admin_user, user):
    from django_tasks_db.models import DBTaskResult

    failed = [published_document(uploader=user, title=f"失败{i}") for i in range(2)]
    Document.objects.filter(pk__in=[d.pk for d in failed]).update(
        status="failed", error="LibreOffice 超时", attempts=3
    )
    client.force_login(admin_user)
    page = client.get("/admin/library/document/?status__exact=failed").content.decode()
    assert "LibreOffice 超时" in page and "全部重试失败的转换" in page
    client.post("/admin/library/document/retry-failed/")
    assert set(
        Document.objects.filter(pk__in=[d.pk for d in failed]).values_list(
            "status", "attempts", "error"
        )
    ) == {("queued", 0, "")}
    assert DBTaskResult.objects.count() == 2
    assert AuditLog.objects.filter(action="reconvert").count() == 2


def test_dashboard_counts(client, admin_user, user, reported):
    Document.objects.filter(pk=reported.pk).update(status="failed", error="文件损坏")
    client.force_login(admin_user)
    page = client.get("/moderation/").content.decode()
    for text in [
        "文档状态",
        "转换失败",
        "排队中的任务",
        "占用存储",
        "近 14 天上传与下载",
        "热门搜索",
        "文件损坏",
    ]:
        assert text in page, text


def test_the_dashboard_counts_downloads_by_the_sites_day(
    client, admin_user, reader, make_document, at_utc
):
    from wenku.library.downloads import download

    document = make_document()
    for instant in ["2026-03-02 15:59", "2026-03-02 16:01", "2026-03-03 00:01"]:
        at_utc(instant)  # 23:59 on 2 March, then 00:01 and 08:01 on 3 March in Shanghai
        download(reader, document)
    at_utc("2026-03-03 01:00")
    client.force_login(admin_user)
    per_day = client.get("/moderation/").context["per_day"]
    downloads = {day: n for day, _uploads, n in per_day}
    assert list(downloads)[-2:] == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
    assert (downloads[dt.date(2026, 3, 2)], downloads[dt.date(2026, 3, 3)]) == (1, 2)


def test_the_category_admin_shows_the_tree_in_order(client, admin_user):
    from wenku.library.models import Category

    Category.from_path("教育/小学")
    Category.from_path("法律/合同")
    Category.from_path("教育/中学")
    client.force_login(admin_user)
    page = client.get("/admin/library/category/").content.decode()
    order = [page.index(name) for name in ["教育", "中学", "小学", "法律", "合同"]]
    assert order == sorted(order)
