"""Uploads can wait for review; moderators approve or reject them, and the uploader sees why."""

import pytest

from tests.factories import published_document
from wenku.library import publication
from wenku.library.models import Document
from wenku.moderation import services
from wenku.site.models import AuditLog, SensitiveWord

pytestmark = pytest.mark.django_db


def convert(document):
    """What the converter does at the end: decide whether the document goes public."""
    Document.objects.filter(pk=document.pk).update(review=Document.Review.NOT_REQUIRED)
    document.refresh_from_db()
    return publication.converted(document)


@pytest.fixture
def staff(admin_user):
    return admin_user


def test_with_review_off_a_converted_document_is_public(user):
    document = published_document(uploader=user)
    assert convert(document) is True
    assert Document.objects.public().filter(pk=document.pk).exists()


def test_new_users_wait_for_review_until_trusted(user, site_settings, staff):
    site_settings.review_mode = "new_users"
    site_settings.trust_after_approved = 2
    site_settings.save()
    first, second, third = (published_document(uploader=user, title=f"第{i}篇") for i in range(3))
    assert convert(first) is False and convert(second) is False
    assert not Document.objects.public().filter(pk__in=[first.pk, second.pk]).exists()
    services.approve(first, staff)
    services.approve(second, staff)
    assert convert(third) is True, "two approved uploads make a trusted uploader"


def test_trusted_users_and_staff_never_wait(user, site_settings, staff):
    site_settings.review_mode = "everyone"
    site_settings.save()
    assert convert(published_document(uploader=staff)) is True
    user.trusted = True
    user.save()
    assert convert(published_document(uploader=user)) is False, "everyone means everyone"
    site_settings.review_mode = "new_users"
    site_settings.save()
    assert convert(published_document(uploader=user)) is True


def test_a_held_document_is_seen_only_by_its_uploader_and_staff(
    client, user, reader, site_settings, staff
):
    site_settings.review_mode = "everyone"
    site_settings.save()
    document = published_document(uploader=user)
    convert(document)
    assert client.get(document.get_absolute_url()).status_code == 404
    client.force_login(reader)
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.post(f"/doc/{document.number}/download/").status_code == 404
    client.force_login(user)
    assert "正在等待审核" in client.get(document.get_absolute_url()).content.decode()


def test_sensitive_words_send_a_document_to_review_with_the_words_shown(user, staff, client):
    SensitiveWord.objects.create(word="赌博")
    document = published_document(uploader=user, text=lambda i: f"第{i}页 网络赌博 的危害")
    assert convert(document) is False
    document.refresh_from_db()
    assert document.review == "pending" and document.review_flags == ["包含敏感词：赌博"]
    client.force_login(staff)
    page = client.get("/moderation/review/").content.decode()
    assert "包含敏感词：赌博" in page and document.title in page


def test_sensitive_words_are_checked_in_titles_too(user):
    SensitiveWord.objects.create(word="代开发票")
    assert convert(published_document(uploader=user, title="代开发票联系我")) is False


def test_approve_publishes_and_pays_the_upload_reward(
    user, staff, site_settings, django_capture_on_commit_callbacks
):
    site_settings.review_mode = "everyone"
    site_settings.save()
    document = published_document(uploader=user)
    with django_capture_on_commit_callbacks(execute=True):
        convert(document)
    user.refresh_from_db()
    assert user.points == 0, "no reward while held"
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(document, staff, "内容合规")
    user.refresh_from_db()
    assert user.points == site_settings.upload_reward
    assert Document.objects.public().filter(pk=document.pk).exists()
    log = AuditLog.objects.get(action="approve")
    assert log.actor == staff and log.target_id == str(document.number)


def test_reject_needs_a_reason_and_the_uploader_sees_it(client, user, staff, site_settings):
    site_settings.review_mode = "everyone"
    site_settings.save()
    document = published_document(uploader=user)
    convert(document)
    with pytest.raises(services.ModerationError):
        services.reject(document, staff, "  ")
    client.force_login(staff)
    client.post(
        "/moderation/review/",
        {"action": "reject", "documents": [document.number], "reason": "内容与标题不符"},
    )
    document.refresh_from_db()
    assert document.review == "rejected"
    client.force_login(user)
    page = client.get("/me/").content.decode()
    assert "审核未通过" in page and "内容与标题不符" in page


def test_bulk_approve(client, user, staff, site_settings):
    site_settings.review_mode = "everyone"
    site_settings.save()
    documents = [published_document(uploader=user, title=f"批量{i}") for i in range(3)]
    for d in documents:
        convert(d)
    client.force_login(staff)
    response = client.post(
        "/moderation/review/",
        {"action": "approve", "documents": [d.number for d in documents]},
        follow=True,
    )
    assert "已通过 3 篇文档" in response.content.decode()
    assert Document.objects.public().count() == 3
    assert AuditLog.objects.filter(action="approve").count() == 3


def test_moderation_pages_are_for_staff_only(client, reader):
    client.force_login(reader)
    for url in ["/moderation/", "/moderation/review/", "/moderation/reports/"]:
        assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("verdict", "public_after"),
    [("reject", False), ("hide", False), ("approve", True)],
)
def test_a_moderators_verdict_survives_reconversion_through_the_real_path(
    verdict, public_after, user, site_settings, staff, tmp_docs
):
    """Held by the review setting, decided by a moderator, then the review setting is switched
    off and an admin re-converts the document (admin "重新转换所选文档"): the verdict stands."""
    from wenku.conversion import runner
    from wenku.conversion.ingest import ingest
    from wenku.samples.pdf import make_pdf

    site_settings.review_mode = "everyone"
    site_settings.save()
    path = make_pdf(tmp_docs / "held.pdf", title="待审", pages=2)
    document = ingest(path, path.name, user)
    runner.run_conversion(document.pk)
    document.refresh_from_db()
    assert (document.status, document.review) == ("ready", Document.Review.PENDING)
    assert not Document.objects.public().filter(pk=document.pk).exists()

    if verdict == "approve":
        services.approve(document, staff)
    elif verdict == "reject":
        services.reject(document, staff, "内容不符合要求")
    else:
        services.approve(document, staff)
        services.hide(document, staff, "侵权")
    site_settings.review_mode = "off"
    site_settings.save()

    assert runner.reconvert(document)
    runner.run_conversion(document.pk)
    document.refresh_from_db()
    assert document.status == "ready"
    assert Document.objects.public().filter(pk=document.pk).exists() is public_after
    expected = {"reject": "rejected", "hide": "hidden", "approve": "approved"}[verdict]
    assert document.review == expected
