"""Moderation's own data: copyright complaints (版权投诉, notice and takedown under the
信息网络传播权保护条例). Site settings, sensitive words and the audit log are `wenku.site`'s,
bans `wenku.accounts`'. The rules of a complaint's life are in `complaints.py`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Complaint(models.Model):
    """A rights holder's notice that a document infringes their work, and what came of it.

    open → taken_down (the document is hidden) or rejected; taken_down → countered (the
    uploader's counter-notice) or upheld; countered → restored (the document is public again)
    or upheld (it stays down). Proof files are stored under `complaints/<random>/` and only
    ever streamed through an access-checked view."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        TAKEN_DOWN = "taken_down", _("已下架")
        REJECTED = "rejected", _("未采纳")
        COUNTERED = "countered", _("已提交反通知")
        RESTORED = "restored", _("已恢复")
        UPHELD = "upheld", _("投诉成立")

    # A complaint still waiting for a decision: one per complainant and document.
    ACTIVE = (Status.OPEN, Status.TAKEN_DOWN, Status.COUNTERED)

    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="complaints",
        verbose_name=_("投诉人"),
    )
    rights_holder = models.CharField(_("权利人"), max_length=200)
    contact = models.CharField(_("联系方式"), max_length=300)
    work = models.TextField(_("被侵权作品"), max_length=2000)
    urls = models.TextField(_("涉嫌侵权的网址"), max_length=5000)
    statement = models.TextField(_("真实性声明"))
    identity_proof = models.FileField(_("身份证明"), upload_to="complaints/", max_length=200)
    rights_proof = models.FileField(_("权属证明"), upload_to="complaints/", max_length=200)

    document = models.ForeignKey(
        "library.Document",
        null=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        verbose_name=_("文档"),
    )
    # Kept so that both parties still see what it was about after a deletion, and so that
    # upheld complaints count against the uploader even when they delete the document.
    document_title = models.CharField(_("文档标题"), max_length=200)
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="complaints_against",
        verbose_name=_("上传者"),
    )

    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    moderator_note = models.TextField(_("处理说明"), blank=True, max_length=1000)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("处理人"),
    )

    counter_statement = models.TextField(_("反通知说明"), blank=True, max_length=5000)
    counter_proof = models.FileField(
        _("反通知证明材料"), upload_to="complaints/", max_length=200, blank=True
    )
    countered_at = models.DateTimeField(_("反通知时间"), null=True, blank=True)

    created_at = models.DateTimeField(_("投诉时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("版权投诉")
        verbose_name_plural = _("版权投诉")
        constraints = [
            models.UniqueConstraint(
                fields=["complainant", "document"],
                condition=Q(status__in=["open", "taken_down", "countered"]),
                name="one_active_complaint_per_user_document",
            )
        ]
        indexes = [models.Index(fields=["uploader", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk} 《{self.document_title}》"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
