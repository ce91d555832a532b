"""Notices (站内信): what happened to a user's comments, documents, points and reports.

A notice is one sentence, written in the site's language when the event happens, and where it
points. It sits below the library: the document is named by a string foreign key, so this app
never imports the library, and any app above it may tell a user something.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("评论被回复")
        CONVERTED = "converted", _("文档转换完成")
        FAILED = "failed", _("文档转换失败")
        HELD = "held", _("文档等待审核")
        APPROVED = "approved", _("文档审核通过")
        REJECTED = "rejected", _("文档审核未通过")
        HIDDEN = "hidden", _("文档被屏蔽")
        TIP = "tip", _("收到打赏")
        PURCHASE = "purchase", _("文档被购买")
        REPORT = "report", _("举报处理结果")
        COMPLAINT = "complaint", _("版权投诉")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("内容"))
    # A path of this site (the document's page, "我的举报"...), or "" for nowhere.
    url = models.CharField(_("链接"), max_length=500, blank=True)
    document = models.ForeignKey(
        "library.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        indexes = [models.Index(fields=["user", "read_at", "created_at"], name="notice_inbox")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.text[:40]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NoticePreference(models.Model):
    """Whether a user wants notices of one kind by e-mail too; no row: no e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Notice.Kind.choices)
    email = models.BooleanField(_("邮件通知"), default=False)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notice_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {'email' if self.email else '-'}"
