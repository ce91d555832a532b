"""Each event tells the right user once, with a link to where it happened: a reply, a conversion
(published, held, failed at last), a moderator's verdict, a tip, a purchase, a report's outcome;
and nobody is told about their own action."""

from __future__ import annotations

import pytest

from tests.factories import give_points, published_document, verified
from wenku.community import comments
from wenku.community import services as community
from wenku.community.models import Comment
from wenku.conversion import runner
from wenku.conversion.errors import ConversionError
from wenku.conversion.ingest import Metadata, ingest
from wenku.library import downloads
from wenku.library.models import Document
from wenku.moderation import services as moderation
from wenku.notices.models import Notice
from wenku.samples.pdf import make_pdf
from wenku.site.models import SensitiveWord

pytestmark = pytest.mark.django_db

Kind = Notice.Kind


@pytest.fixture
def document(user):
    return published_document(uploader=user, title="通知用的文档", price=4)


def only_notice(user) -> Notice:
    """The one notice `user` has (fails if there are none or several)."""
    notices = list(Notice.objects.filter(user=user))
    assert len(notices) == 1, [n.text for n in notices]
    return notices[0]


# Comments --------------------------------------------------------------------------------------


def test_a_reply_tells_the_author_of_the_comment(user, reader, document):
    first = comments.post(reader, document, "请问有第二版吗？")
    reply = comments.post(user, document, "有的，\n下周上传", reply_to=first.pk)
    notice = only_notice(reader)
    assert notice.kind == Kind.REPLY and notice.document == document
    assert notice.url == f"{document.get_absolute_url()}#comment-{reply.pk}"
    assert notice.text == "up****1 回复了您在《通知用的文档》的评论：有的， 下周上传"
    assert not Notice.objects.filter(user=user).exists()


def test_nobody_is_told_of_their_own_reply(reader, document):
    first = comments.post(reader, document, "补充一点")
    comments.post(reader, document, "再补充一点", reply_to=first.pk)
    assert not Notice.objects.exists()


def test_a_reply_to_a_reply_tells_the_one_answered(user, reader, document):
    first = comments.post(user, document, "欢迎提意见")
    answer = comments.post(reader, document, "第三页有错字", reply_to=first.pk)
    comments.post(user, document, "谢谢，已改", reply_to=answer.pk)
    assert only_notice(reader).kind == Kind.REPLY, "the reader's reply was answered"
    assert only_notice(user).text.endswith("第三页有错字")


def test_a_held_reply_tells_nobody_until_a_moderator_approves_it(user, reader, document):
    SensitiveWord.objects.create(word="代开发票")
    first = comments.post(user, document, "有问题请留言")
    held = comments.post(reader, document, "代开发票请联系", reply_to=first.pk)
    assert held.status == Comment.Status.PENDING
    assert not Notice.objects.exists()
    comments.set_status(Comment.objects.get(pk=held.pk), Comment.Status.VISIBLE)
    assert only_notice(user).url.endswith(f"#comment-{held.pk}")
    comments.set_status(Comment.objects.get(pk=held.pk), Comment.Status.VISIBLE)
    assert Notice.objects.count() == 1, "approving a visible reply again says nothing new"


# Conversion ------------------------------------------------------------------------------------


@pytest.fixture
def uploaded(user, tmp_docs):
    path = make_pdf(tmp_docs / "通知.pdf", title="通知全文", pages=2)
    return ingest(path, "通知.pdf", user, Metadata(title="年度报告"))


def _convert(document, capture) -> Document:
    with capture(execute=True):
        runner.run_conversion(document.pk)
    document.refresh_from_db()
    return document


def test_a_published_conversion_tells_the_uploader(
    user, uploaded, django_capture_on_commit_callbacks
):
    assert _convert(uploaded, django_capture_on_commit_callbacks).is_published
    notice = only_notice(user)
    assert (notice.kind, notice.text) == (Kind.CONVERTED, "《年度报告》已转换完成并发布")
    assert notice.url == uploaded.get_absolute_url() and notice.document == uploaded


def test_a_held_conversion_tells_the_uploader_it_waits(
    user, uploaded, site_settings, django_capture_on_commit_callbacks
):
    site_settings.review_mode = "everyone"
    site_settings.save()
    document = _convert(uploaded, django_capture_on_commit_callbacks)
    assert document.review == Document.Review.PENDING
    notice = only_notice(user)
    assert (notice.kind, notice.text) == (Kind.HELD, "《年度报告》已转换完成，正在等待审核")
    assert notice.url == document.get_absolute_url()


def test_only_the_last_failed_attempt_tells_the_uploader(
    user, uploaded, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ConversionError("LibreOffice 崩溃了", permanent=False)

    monkeypatch.setattr(runner, "to_pdf", broken)
    for _attempt in (1, 2):
        assert _convert(uploaded, django_capture_on_commit_callbacks).status == "queued"
        assert not Notice.objects.exists(), "a retry is not news"
    assert _convert(uploaded, django_capture_on_commit_callbacks).status == "failed"
    notice = only_notice(user)
    assert notice.kind == Kind.FAILED
    assert notice.text == "《年度报告》转换失败：LibreOffice 崩溃了（已尝试 3 次）"
    assert notice.url == uploaded.get_absolute_url()


# Moderation ------------------------------------------------------------------------------------


@pytest.fixture
def held(user):
    document = published_document(uploader=user, title="待审的文档")
    Document.objects.filter(pk=document.pk).update(review=Document.Review.PENDING)
    document.refresh_from_db()
    return document


def test_approval_tells_the_uploader_with_the_note(user, held, admin_user):
    moderation.approve(held, admin_user, "内容很好")
    notice = only_notice(user)
    assert (notice.kind, notice.text) == (Kind.APPROVED, "《待审的文档》已通过审核。说明：内容很好")
    assert notice.url == held.get_absolute_url()
    moderation.approve(held, admin_user)
    assert Notice.objects.count() == 1, "approving an approved document changes nothing"


def test_rejection_and_hiding_tell_the_uploader_why(user, held, admin_user):
    moderation.reject(held, admin_user, "格式混乱")
    assert only_notice(user).text == "《待审的文档》未通过审核：格式混乱"
    Notice.objects.all().delete()
    document = published_document(uploader=user, title="公开的文档")
    moderation.hide(document, admin_user, "侵犯版权")
    notice = only_notice(user)
    assert (notice.kind, notice.text) == (Kind.HIDDEN, "《公开的文档》已被屏蔽：侵犯版权")


def test_a_moderator_is_not_told_of_their_own_verdict(admin_user):
    own = published_document(uploader=admin_user, title="管理员自己的文档")
    moderation.hide(own, admin_user, "测试")
    assert not Notice.objects.exists()


@pytest.fixture
def reported(document, reader, django_user_model):
    other = django_user_model.objects.create_user("reader99", password="x-123456-abc")
    community.report(reader, document, "copyright", "抄袭")
    community.report(other, document, "spam")
    return document, [reader, other]


def test_each_reporter_learns_the_outcome(reported, admin_user, user):
    document, reporters = reported
    assert moderation.resolve_reports(document, "dismiss", admin_user) == 2
    for reporter in reporters:
        notice = only_notice(reporter)
        assert notice.kind == Kind.REPORT and notice.url == "/me/reports/"
        assert notice.text == "您对《通知用的文档》的举报未被采纳：经核实，该文档未违反规定。"
    assert not Notice.objects.filter(user=user).exists()


def test_a_hide_on_reports_tells_the_reporters_and_the_uploader(reported, admin_user, user):
    document, reporters = reported
    moderation.resolve_reports(document, "hide", admin_user, "确属侵权")
    for reporter in reporters:
        assert only_notice(reporter).text == (
            "您对《通知用的文档》的举报已处理：该文档已被屏蔽。（确属侵权）"
        )
    assert only_notice(user).kind == Kind.HIDDEN


def test_a_deleted_document_leaves_the_reporters_notices(reported, admin_user):
    document, reporters = reported
    moderation.resolve_reports(document, "delete", admin_user)
    assert not Document.objects.filter(pk=document.pk).exists()
    notice = only_notice(reporters[0])
    assert notice.document is None and "该文档已被删除" in notice.text


# Points ----------------------------------------------------------------------------------------


def test_a_tip_tells_the_recipient_once(user, reader, document):
    verified(reader)
    give_points(reader, 20)
    community.tip(reader, document, 5, key="same-key")
    community.tip(reader, document, 5, key="same-key")  # a replay: no second tip, no notice
    notice = only_notice(user)
    assert (notice.kind, notice.text) == (Kind.TIP, "re****8 打赏了您的《通知用的文档》5 积分")
    assert notice.url == document.get_absolute_url()
    assert not Notice.objects.filter(user=reader).exists()


def test_a_refused_tip_tells_nobody(user, reader, document):
    verified(reader)
    with pytest.raises(community.ActionRefused):
        community.tip(reader, document, 5)  # no points
    assert not Notice.objects.exists()


def test_a_purchase_tells_the_uploader_what_it_earned(user, reader, document):
    give_points(reader, 10)
    downloads.download(reader, document)
    downloads.download(reader, document)  # bought already: free, and no news
    notice = only_notice(user)
    assert (notice.kind, notice.text) == (Kind.PURCHASE, "有人购买了《通知用的文档》，获得 4 积分")
    assert notice.url == document.get_absolute_url() and notice.document == document


def test_free_downloads_tell_nobody(user, reader):
    free = published_document(uploader=user, title="免费文档")
    downloads.download(reader, free)
    downloads.download(user, free)
    assert not Notice.objects.exists()
