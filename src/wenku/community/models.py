"""What readers do with a document: favorite (收藏), tip (赏), report (举报), rate (评分) and
comment (评论)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Favorite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites"
    )
    document = models.ForeignKey(
        "library.Document", on_delete=models.CASCADE, related_name="favorites"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("收藏")
        verbose_name_plural = _("收藏")
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="favorite_once")]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.document_id}"


class Tip(models.Model):
    """A tip (赏) from a reader to a document's uploader; the points move in the ledger."""

    tipper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tips_given"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tips_received"
    )
    document = models.ForeignKey(
        "library.Document", null=True, on_delete=models.SET_NULL, related_name="tips"
    )
    amount = models.PositiveIntegerField(_("积分"))
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("打赏")
        verbose_name_plural = _("打赏")
        constraints = [models.UniqueConstraint(fields=["tipper", "key"], name="tip_once_per_key")]

    def __str__(self) -> str:
        return f"{self.tipper} -> {self.recipient}: {self.amount}"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("垃圾广告")
        PORN = "porn", _("淫秽色情")
        COPYRIGHT = "copyright", _("侵犯版权")
        SENSITIVE = "sensitive", _("敏感信息")
        ABUSE = "abuse", _("人身攻击")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        DISMISSED = "dismissed", _("已驳回")
        ACTIONED = "actioned", _("已处理")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports"
    )
    document = models.ForeignKey(
        "library.Document", null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    # Kept so the reporter still sees what they reported after a deletion.
    document_title = models.CharField(_("文档标题"), max_length=200)
    reason = models.CharField(_("举报原因"), max_length=12, choices=Reason.choices)
    details = models.TextField(_("详细说明"), blank=True, max_length=2000)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    outcome = models.CharField(_("处理结果"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "document"],
                condition=Q(status="open"),
                name="one_open_report_per_user_document",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_title} {self.get_reason_display()}"


class Rating(models.Model):
    """One reader's stars (1-5) for a document; changeable. The document keeps the count and
    the sum (`rating_count`, `rating_sum`) for its pages and lists."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "library.Document", on_delete=models.CASCADE, related_name="ratings"
    )
    stars = models.PositiveSmallIntegerField(_("评分"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="rating_once"),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="rating_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.stars}★ {self.document_id}"


class Comment(models.Model):
    """A plain-text comment on a document, or a reply to one (one level: a reply to a reply
    answers the same comment)."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("已显示")
        PENDING = "pending", _("待审核")
        HIDDEN = "hidden", _("已屏蔽")
        DELETED = "deleted", _("已删除")

    document = models.ForeignKey(
        "library.Document", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    text = models.TextField(_("内容"), max_length=1000)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.VISIBLE, db_index=True
    )
    # Why it waits for a moderator, or why one hid it.
    note = models.CharField(_("说明"), max_length=300, blank=True)
    # Readers who reported it (CommentReport rows); at REPORTS_TO_HOLD it waits for review.
    report_count = models.PositiveIntegerField(_("被举报次数"), default=0)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        indexes = [models.Index(fields=["document", "status", "created_at"])]

    def __str__(self) -> str:
        return self.text[:40]


class CommentReport(models.Model):
    """A reader's report of a comment (one per reader and comment)."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("举报原因"), max_length=12, choices=Report.Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评论举报")
        verbose_name_plural = _("评论举报")
        constraints = [
            models.UniqueConstraint(fields=["reporter", "comment"], name="comment_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.reporter} ! {self.comment_id}"


class Follow(models.Model):
    """A reader following (关注) another user: the public documents of the people one follows
    make one's 关注 feed (`wenku.community.follows`)."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows_given"
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows_received"
    )
    created_at = models.DateTimeField(_("关注时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("关注")
        verbose_name_plural = _("关注")
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followed")), name="follow_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} -> {self.followed_id}"


def new_share_token() -> str:
    """A folder's share link: random and unguessable (128 bits), URL-safe."""
    return secrets.token_urlsafe(16)


class Folder(models.Model):
    """A named folder (收藏夹/文辑) of a user's favorites, private or public; the rules and the
    favorite invariant are `wenku.community.folders`'."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="folders"
    )
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("简介"), max_length=500, blank=True)
    is_public = models.BooleanField(_("公开"), default=False)
    share_token = models.CharField(max_length=32, unique=True, default=new_share_token)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("收藏夹")
        verbose_name_plural = _("收藏夹")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="folder_name_once")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:folder", args=[self.pk])

    def get_share_url(self) -> str:
        return reverse("web:folder_shared", args=[self.share_token])


class FolderItem(models.Model):
    """A document in a folder; the newest first on the folder's page."""

    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="items")
    document = models.ForeignKey(
        "library.Document", on_delete=models.CASCADE, related_name="folder_items"
    )
    # A default rather than auto_now_add, so the migration keeps the time of older favorites.
    added_at = models.DateTimeField(_("收藏时间"), default=timezone.now)

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name = _("收藏夹中的文档")
        verbose_name_plural = _("收藏夹中的文档")
        constraints = [
            models.UniqueConstraint(fields=["folder", "document"], name="folder_item_once")
        ]
        indexes = [models.Index(fields=["folder", "-added_at"], name="folder_item_newest")]

    def __str__(self) -> str:
        return f"{self.folder_id}: {self.document_id}"
