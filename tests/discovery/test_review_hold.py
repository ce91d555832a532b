"""A near-duplicate upload waits for a moderator, names its original, and earns no points."""

import pytest

from tests.discovery.test_near_duplicates import report
from tests.samples.near_duplicates import swap_synonyms
from wenku.library.models import Document
from wenku.moderation import services as moderation

pytestmark = pytest.mark.django_db


def test_a_rewritten_copy_is_held_with_its_original_named(
    publish, user, admin_user, django_capture_on_commit_callbacks
):
    pages = report(seed=21)
    with django_capture_on_commit_callbacks(execute=True):
        original = publish("原创报告", pages)
    user.refresh_from_db()
    rewarded = user.points
    assert rewarded == 5, "the original earns the publish reward"

    text, _ = swap_synonyms("\n".join(pages), 0.10, seed=4)
    with django_capture_on_commit_callbacks(execute=True):
        copy = publish("改写的报告", text.split("\n"))
    assert copy.review == Document.Review.PENDING
    assert copy.review_flags and f"编号 {original.number}" in copy.review_flags[0]
    assert not Document.objects.public().filter(pk=copy.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(copy, admin_user, "允许发布")
    user.refresh_from_db()
    assert user.points == rewarded, "a near-duplicate earns no upload points, even approved"
    assert Document.objects.public().filter(pk=copy.pk).exists()


def test_the_document_page_shows_its_keywords_and_related_documents(publish, client):
    from wenku.discovery.services import keywords_for

    first = publish("土地利用规划", report(seed=31), tags=["规划"])
    second = publish("土地规划调整", report(seed=32), tags=["规划"])
    words = keywords_for(first)
    assert words and words[0] == "规划"
    html = client.get(first.get_absolute_url()).content.decode()
    shown = html.split('class="keywords"')[1].split("</p>")[0]
    assert all(f">{w}</a>" in shown for w in words[:5])
    related = html.split('id="related-h"')[1].split("</section>")[0]
    assert second.title in related
