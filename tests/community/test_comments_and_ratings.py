"""Comments (one level of replies, held for review when they should be, deletable, banned and
rate-limited) and ratings (1-5 stars from readers who downloaded the document), on the page,
through the API and in the JSON-LD."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache

from tests.factories import give_points, published_document
from wenku.accounts.models import ApiToken, Punishment
from wenku.community import comments
from wenku.community.models import Comment
from wenku.library import downloads
from wenku.site.models import SensitiveWord

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(user):
    return published_document(uploader=user, title="评论用的文档", price=2)


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


def _downloaded(reader, document) -> None:
    give_points(reader, 10)
    downloads.download(reader, document)


def _json_ld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


# Ratings ---------------------------------------------------------------------------------------


def test_only_a_reader_who_downloaded_it_may_rate_and_never_its_uploader(
    client, user, reader, document
):
    url = f"/api/documents/{document.number}/rating"
    refused = client.put(
        url, {"stars": 4}, content_type="application/json", headers=_bearer(reader)
    )
    assert refused.status_code == 403 and "下载过" in refused.json()["detail"]
    own = client.put(url, {"stars": 5}, content_type="application/json", headers=_bearer(user))
    assert own.status_code == 403
    _downloaded(reader, document)
    done = client.put(url, {"stars": 4}, content_type="application/json", headers=_bearer(reader))
    assert done.json() == {"average": 4.0, "count": 1, "mine": 4, "may_rate": True}


def test_a_rating_is_changed_not_added_and_the_average_counts_each_reader_once(
    client, reader, django_user_model, document
):
    second = django_user_model.objects.create_user("second", password="pw-second-123456")
    for who in (reader, second):
        _downloaded(who, document)
    url = f"/api/documents/{document.number}/rating"
    for who, stars in ((reader, 5), (reader, 2), (second, 5)):
        client.put(url, {"stars": stars}, content_type="application/json", headers=_bearer(who))
    document.refresh_from_db()
    assert (document.rating_count, document.rating_sum, document.rating_average) == (2, 7, 3.5)
    assert client.get(url).json()["mine"] is None, "anonymous: no rating of their own"
    bad = client.put(url, {"stars": 6}, content_type="application/json", headers=_bearer(reader))
    assert bad.status_code in (400, 422)
    document.refresh_from_db()
    assert document.rating_sum == 7


def test_the_page_and_its_json_ld_show_the_rating(client, reader, document):
    _downloaded(reader, document)
    client.force_login(reader)
    response = client.post(f"/doc/{document.number}/rating/", {"stars": "4"})
    assert response.status_code == 302 and response["Location"].endswith("#rating")
    client.logout()
    cache.clear()
    html = client.get(document.get_absolute_url()).content.decode()
    assert "评分 4.0（1 人评价）" in html
    rating = _json_ld(html)["aggregateRating"]
    assert rating == {"@type": "AggregateRating", "ratingValue": 4.0, "ratingCount": 1,
                      "bestRating": 5, "worstRating": 1}  # fmt: skip


def test_a_document_without_ratings_has_no_aggregate_rating(client, document):
    html = client.get(document.get_absolute_url()).content.decode()
    assert "aggregateRating" not in html and "暂无评分" in html


# Comments --------------------------------------------------------------------------------------


def test_a_comment_and_a_reply_show_escaped_to_everyone(client, reader, user, document):
    first = comments.post(reader, document, "写得很好<script>alert(1)</script>")
    reply = comments.post(user, document, "谢谢", reply_to=first.pk)
    to_reply = comments.post(reader, document, "不客气", reply_to=reply.pk)
    assert to_reply.parent_id == first.pk, "one level: a reply to a reply answers the comment"
    html = client.get(document.get_absolute_url()).content.decode()
    assert "评论（3）" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    listed = client.get(f"/api/documents/{document.number}/comments").json()
    assert [c["text"] for c in listed] == ["写得很好<script>alert(1)</script>"]
    assert [r["text"] for r in listed[0]["replies"]] == ["谢谢", "不客气"]
    assert listed[0]["author"] != reader.username, "names are masked"


def test_the_cached_page_shows_a_new_comment_at_once(client, reader, document):
    client.get(document.get_absolute_url())  # cached for anonymous visitors
    comments.post(reader, document, "刚刚发表的评论")
    assert "刚刚发表的评论" in client.get(document.get_absolute_url()).content.decode()


def test_a_sensitive_comment_waits_for_a_moderator_and_only_its_author_sees_it(
    client, reader, document, admin_user
):
    SensitiveWord.objects.create(word="代开发票")
    held = comments.post(reader, document, "代开发票请联系")
    assert held.status == Comment.Status.PENDING and "敏感词" in held.note
    assert "代开发票请联系" not in client.get(document.get_absolute_url()).content.decode()
    client.force_login(reader)
    mine = client.get(document.get_absolute_url()).content.decode()
    assert "代开发票请联系" in mine and "等待审核" in mine
    client.force_login(admin_user)
    client.post(
        "/admin/community/comment/", {"action": "approve_selected", "_selected_action": [held.pk]}
    )
    held.refresh_from_db()
    assert held.status == Comment.Status.VISIBLE


def test_when_the_site_reviews_every_upload_comments_wait_too(reader, document, site_settings):
    site_settings.review_mode = "everyone"
    site_settings.save()
    assert comments.post(reader, document, "普通评论").status == Comment.Status.PENDING


def test_a_comment_ban_and_the_hourly_limit_refuse_with_a_reason(
    client, reader, document, monkeypatch
):
    Punishment.objects.create(user=reader, kind=Punishment.Kind.COMMENT, reason="刷屏")
    url = f"/api/documents/{document.number}/comments"
    banned = client.post(
        url, {"text": "你好"}, content_type="application/json", headers=_bearer(reader)
    )
    assert banned.status_code == 403 and "刷屏" in banned.json()["detail"]
    Punishment.objects.all().delete()
    monkeypatch.setattr(comments, "COMMENTS_PER_HOUR", 2)
    codes = [
        client.post(
            url, {"text": f"第{n}条"}, content_type="application/json", headers=_bearer(reader)
        ).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]


@pytest.mark.parametrize("text", ["", "   \u200b\u0007 ", "长" * 1001])
def test_an_empty_or_too_long_comment_is_refused(client, reader, document, text):
    client.force_login(reader)
    response = client.post(f"/doc/{document.number}/comments/", {"text": text}, follow=True)
    assert not Comment.objects.exists()
    assert "请填写评论内容" in response.content.decode() or "评论最多" in response.content.decode()


def test_the_author_deletes_a_comment_and_nobody_else_can(client, reader, user, document):
    made = comments.post(reader, document, "将被删除的评论")
    other = client.delete(f"/api/comments/{made.pk}", headers=_bearer(user))
    assert other.status_code == 404
    client.force_login(reader)
    response = client.post(f"/comments/{made.pk}/delete/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "将被删除的评论" not in response.content.decode()
    made.refresh_from_db()
    assert made.status == Comment.Status.DELETED


def test_the_form_works_without_javascript_and_with_htmx(client, reader, document):
    client.force_login(reader)
    plain = client.post(f"/doc/{document.number}/comments/", {"text": "无脚本的评论"})
    assert plain.status_code == 302 and plain["Location"].endswith("#comments")
    partial = client.post(f"/doc/{document.number}/comments/", {"text": "局部刷新的评论"},
                          headers={"HX-Request": "true"})  # fmt: skip
    body = partial.content.decode()
    assert (
        body.startswith('<section id="comments"')
        and "无脚本的评论" in body
        and "局部刷新的评论" in body
    )


def test_anonymous_visitors_are_asked_to_log_in(client, document):
    assert client.post(f"/doc/{document.number}/comments/", {"text": "匿名"}).status_code == 302
    assert not Comment.objects.exists()
    assert "登录后发表评论" in client.get(document.get_absolute_url()).content.decode()


def test_readers_report_a_comment_once_and_enough_reports_hold_it(
    client, user, reader, django_user_model, document
):
    made = comments.post(user, document, "可疑的评论")
    url = f"/api/comments/{made.pk}/report"
    own = client.post(
        url, {"reason": "spam"}, content_type="application/json", headers=_bearer(user)
    )
    assert own.status_code == 403
    first = client.post(
        url, {"reason": "spam"}, content_type="application/json", headers=_bearer(reader)
    )
    assert first.status_code == 201 and first.json() == {"reported": made.pk, "held": False}
    again = client.post(
        url, {"reason": "abuse"}, content_type="application/json", headers=_bearer(reader)
    )
    assert again.status_code == 409
    bad = client.post(
        url, {"reason": "x"}, content_type="application/json", headers=_bearer(reader)
    )
    assert bad.status_code == 400
    others = [
        django_user_model.objects.create_user(f"r{n}", password="pw-reporter-123456")
        for n in (2, 3)
    ]
    client.force_login(others[0])
    client.post(f"/comments/{made.pk}/report/", {"reason": "abuse"})
    assert "可疑的评论" in client.get(document.get_absolute_url()).content.decode()
    client.force_login(others[1])
    response = client.post(
        f"/comments/{made.pk}/report/", {"reason": "abuse"}, headers={"HX-Request": "true"}
    )
    assert "可疑的评论" not in response.content.decode(), "held at the third report"
    made.refresh_from_db()
    assert (made.status, made.report_count) == (Comment.Status.PENDING, 3)
    client.logout()
    assert "可疑的评论" not in client.get(document.get_absolute_url()).content.decode()
