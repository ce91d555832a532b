"""Comments (评论) on documents: plain text, one level of replies.

Rules, shared by the web views and the API:
- Only logged-in readers, on published documents; not under a "禁止评论" (or login) ban; at most
  `COMMENTS_PER_HOUR` per account; 1 to `MAX_TEXT` characters of plain text (control
  characters other than line breaks removed; shown escaped, never as HTML).
- A comment containing a sensitive word, or written while the site reviews every upload (or,
  in "new users" mode, by an account not yet trusted), waits for a moderator (`PENDING`); the
  author sees it with that note, nobody else does.
- A reply answers a visible top-level comment; a reply to a reply answers the same comment.
  The author of the comment answered gets a notice when the reply becomes visible (at once, or
  when a moderator approves it), unless they answered themselves.
- Any logged-in reader but its author may report a visible comment, once; at
  `REPORTS_TO_HOLD` reports it waits for a moderator again ("被多人举报").
- The author deletes their own comment (its replies go with it from view); moderators hide or
  approve (`wenku.moderation.services`).
Invariant: only `VISIBLE` comments reach anyone but their author, and the document page's
cached copy changes with them (the document's `updated_at` moves).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenku.accounts.bans import active_ban, ban_message
from wenku.accounts.services import take
from wenku.library.models import Document
from wenku.notices.services import Kind, notify, site_language
from wenku.site.models import ReviewMode, SiteSettings
from wenku.site.sensitive import sensitive_words_in

from .models import Comment, CommentReport, Report
from .services import ActionRefused, require_published

MAX_TEXT = 1000
COMMENTS_PER_HOUR = 20
# Reports by this many readers send a visible comment back to review.
REPORTS_TO_HOLD = 3


def _clean(text: str) -> str:
    text = "".join(
        ch for ch in (text or "") if ch in "\n" or unicodedata.category(ch)[0] != "C"
    ).strip()
    if not text:
        raise ActionRefused(_("请填写评论内容。"), "empty", 400)
    if len(text) > MAX_TEXT:
        raise ActionRefused(
            _("评论最多 %(max)s 字（现在 %(n)s 字）。") % {"max": MAX_TEXT, "n": len(text)},
            "too_long",
            400,
        )
    return text


def _held_because(user, text: str) -> str:
    found = sensitive_words_in(text)
    if found:
        return _("包含敏感词，等待审核")
    if user.is_staff:
        return ""
    mode = SiteSettings.current().review_mode
    if mode == ReviewMode.EVERYONE or (mode == ReviewMode.NEW_USERS and not user.trusted):
        return _("本站评论需审核后显示")
    return ""


def _touch(document: Document) -> None:
    Document.objects.filter(pk=document.pk).update(updated_at=timezone.now())


def post(user, document: Document, text: str, *, reply_to: int | None = None) -> Comment:
    """A new comment (or reply) by `user`; visible at once unless something holds it."""
    require_published(document)
    ban = active_ban(user, "comment")
    if ban is not None:
        raise ActionRefused(ban_message(ban), "banned", 403)
    text = _clean(text)
    parent = answered = None
    if reply_to is not None:
        parent = Comment.objects.filter(
            pk=reply_to, document=document, status=Comment.Status.VISIBLE
        ).first()
        if parent is None:
            raise ActionRefused(_("要回复的评论不存在或已删除。"), "no_parent", 404)
        answered, parent = parent, parent.parent or parent
    event, wait = take("comment", f"user:{user.pk}", COMMENTS_PER_HOUR, dt.timedelta(hours=1))
    if event is None:
        minutes = max(1, int(wait.total_seconds() // 60) + 1)
        raise ActionRefused(
            _("评论太频繁，请 %(n)s 分钟后再试。") % {"n": minutes}, "rate_limited", 429
        )
    note = _held_because(user, text)
    comment = Comment.objects.create(
        document=document,
        author=user,
        parent=parent,
        text=text,
        status=Comment.Status.PENDING if note else Comment.Status.VISIBLE,
        note=note,
    )
    if not note:
        _touch(document)
        if answered is not None:
            _tell_answered(answered, comment)
    return comment


def _tell_answered(answered: Comment, reply: Comment) -> None:
    """The author of the comment answered learns of a reply once it is visible (never of a
    reply of their own)."""
    if answered.author_id == reply.author_id:
        return
    words = " ".join(reply.text.split())
    with site_language():
        text = _("%(name)s 回复了您在《%(title)s》的评论：%(text)s") % {
            "name": reply.author.masked_name,
            "title": reply.document.title,
            "text": words if len(words) <= 60 else words[:60] + "…",
        }
    url = f"{reply.document.get_absolute_url()}#comment-{reply.pk}"
    notify(answered.author, Kind.REPLY, text, url=url, document=reply.document, actor=reply.author)


def delete(user, comment: Comment) -> None:
    """The author takes their comment down (404 for anyone else: it is not theirs to see)."""
    if comment.author_id != user.pk or comment.status == Comment.Status.DELETED:
        raise ActionRefused(_("评论不存在。"), "not_found", 404)
    was_visible = comment.status == Comment.Status.VISIBLE
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.DELETED)
    if was_visible:
        _touch(comment.document)


def report(user, comment: Comment, reason: str) -> Comment:
    """`user` reports `comment`; returns it as it is now (held once enough readers did)."""
    if reason not in Report.Reason.values:
        raise ActionRefused(_("请选择举报原因。"), "invalid", 400)
    if comment.status != Comment.Status.VISIBLE:
        raise ActionRefused(_("评论不存在。"), "not_found", 404)
    if comment.author_id == user.pk:
        raise ActionRefused(_("不能举报自己的评论。"), "own_comment", 403)
    with transaction.atomic():
        try:
            with transaction.atomic():
                CommentReport.objects.create(reporter=user, comment=comment, reason=reason)
        except IntegrityError:
            raise ActionRefused(_("你已经举报过这条评论。"), "duplicate", 409) from None
        Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
        comment.refresh_from_db()
        if comment.report_count >= REPORTS_TO_HOLD:
            held = Comment.objects.filter(pk=comment.pk, status=Comment.Status.VISIBLE).update(
                status=Comment.Status.PENDING, note=_("被多人举报，等待审核")
            )
            if held:
                _touch(comment.document)
                comment.refresh_from_db()
    return comment


def set_status(comment: Comment, status: str, note: str = "") -> None:
    """A moderator's decision (visible or hidden); the caller records it in the audit log."""
    Comment.objects.filter(pk=comment.pk).update(status=status, note=note[:300])
    _touch(comment.document)
    approved = comment.status == Comment.Status.PENDING and status == Comment.Status.VISIBLE
    if approved and comment.parent_id:  # a held reply: its thread's author learns of it now
        _tell_answered(comment.parent, comment)


def thread(document: Document, viewer=None) -> list[Comment]:
    """The top-level comments of `document` oldest first, each with `.shown_replies`: the
    visible ones, plus `viewer`'s own waiting for review."""
    shown = Q(status=Comment.Status.VISIBLE)
    if getattr(viewer, "is_authenticated", False):
        shown |= Q(status=Comment.Status.PENDING, author=viewer)
    replies = Comment.objects.filter(shown).select_related("author")
    return list(
        Comment.objects.filter(shown, document=document, parent=None)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))
    )


def visible_in(thread: list[Comment]) -> int:
    """How many visible comments and replies `thread` holds (no query)."""
    visible = Comment.Status.VISIBLE
    return sum(
        (c.status == visible) + sum(r.status == visible for r in c.shown_replies) for c in thread
    )
