"""Points an uploader earns when a document is published, and loses when deleting it."""

import pytest

from wenku.accounts import points
from wenku.accounts.models import PointsEntry
from wenku.library.models import Document
from wenku.library.removal import delete_document
from wenku.library.signals import document_published

pytestmark = pytest.mark.django_db


def publish(document, capture):
    with capture(execute=True):
        document_published.send(sender=Document, document=document)


def test_publishing_pays_the_upload_reward_once(
    user, make_document, site_settings, django_capture_on_commit_callbacks
):
    document = make_document()
    publish(document, django_capture_on_commit_callbacks)
    publish(document, django_capture_on_commit_callbacks)  # re-converted: no second reward
    user.refresh_from_db()
    assert user.points == site_settings.upload_reward == 5
    assert points.ledger_sum(user) == 5


def test_the_upload_reward_is_capped_per_day(
    user, make_document, site_settings, django_capture_on_commit_callbacks
):
    site_settings.upload_reward_daily_cap = 2
    site_settings.save()
    for i in range(4):
        publish(make_document(title=f"文档{i}"), django_capture_on_commit_callbacks)
    user.refresh_from_db()
    assert user.points == 2 * site_settings.upload_reward


def rewarded(user) -> list[str]:
    """Titles of the user's documents that earned the publish reward, oldest first."""
    entries = PointsEntry.objects.filter(user=user, reason=points.Reason.UPLOAD).order_by("id")
    return [entry.memo for entry in entries]


def test_the_reward_cap_starts_again_at_midnight_in_shanghai_not_utc(
    user, make_document, site_settings, django_capture_on_commit_callbacks, at_utc
):
    site_settings.upload_reward_daily_cap = 1
    site_settings.save()
    at_utc("2026-03-02 15:58")  # 23:58 on 2 March in Shanghai
    publish(make_document(title="二日之一"), django_capture_on_commit_callbacks)
    at_utc("2026-03-02 15:59")
    publish(make_document(title="二日之二"), django_capture_on_commit_callbacks)  # over the cap
    at_utc("2026-03-02 16:01")  # 00:01 on 3 March: a new day, though UTC still says 2 March
    publish(make_document(title="三日之一"), django_capture_on_commit_callbacks)
    assert rewarded(user) == ["二日之一", "三日之一"]
    user.refresh_from_db()
    assert user.points == 2 * site_settings.upload_reward


def test_the_reward_cap_counts_one_site_day_across_the_utc_midnight(
    user, make_document, site_settings, django_capture_on_commit_callbacks, at_utc
):
    site_settings.upload_reward_daily_cap = 2
    site_settings.save()
    at_utc("2026-03-02 16:01")  # 00:01 on 3 March in Shanghai
    publish(make_document(title="早"), django_capture_on_commit_callbacks)
    at_utc("2026-03-02 23:59")
    publish(make_document(title="上午"), django_capture_on_commit_callbacks)
    at_utc("2026-03-03 00:01")  # a new UTC date, still 3 March in Shanghai: the cap is reached
    publish(make_document(title="中午"), django_capture_on_commit_callbacks)
    at_utc("2026-03-03 15:59")  # 23:59 on 3 March
    publish(make_document(title="深夜"), django_capture_on_commit_callbacks)
    at_utc("2026-03-03 16:00")  # 00:00 on 4 March
    publish(make_document(title="次日"), django_capture_on_commit_callbacks)
    assert rewarded(user) == ["早", "上午", "次日"]


def test_deleting_a_published_document_costs_the_penalty(user, make_document, site_settings):
    from tests.factories import give_points

    give_points(user, 8)
    document = make_document()
    assert delete_document(document, by=user) == site_settings.delete_penalty == 5
    user.refresh_from_db()
    assert user.points == 3 == points.ledger_sum(user)
    assert not Document.objects.filter(pk=document.pk).exists()


def test_the_penalty_never_makes_a_balance_negative(user, make_document):
    document = make_document()
    assert delete_document(document, by=user) == 0
    user.refresh_from_db()
    assert user.points == 0


def test_deleting_from_me_removes_the_files_and_says_what_it_cost(
    client, user, make_document, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from tests.factories import give_points

    give_points(user, 10)
    document = make_document(title="要删除的文档")
    original = document.original.name
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/me/uploads/{document.number}/delete/", follow=True)
    assert "已删除《要删除的文档》，扣除 5 积分" in response.content.decode()
    assert not default_storage.exists(original)


def test_nobody_else_can_delete_my_document(client, reader, make_document):
    document = make_document()
    client.force_login(reader)
    assert client.post(f"/me/uploads/{document.number}/delete/").status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()
