"""Time-limited punishments (bans) of accounts, and the questions every door asks of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PunishmentQuerySet(models.QuerySet):
    def active(self) -> PunishmentQuerySet:
        now = timezone.now()
        return self.filter(starts_at__lte=now).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=now)
        )


class Punishment(models.Model):
    """A time-limited ban. A login ban stops everything, including earning or spending points."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("禁止登录")
        UPLOAD = "upload", _("禁止上传")
        DOWNLOAD = "download", _("禁止下载")
        COMMENT = "comment", _("禁止评论")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="punishments"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("原因"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True, help_text=_("留空为永久"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("处理人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PunishmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("处罚")
        verbose_name_plural = _("处罚")
        indexes = [models.Index(fields=["user", "kind", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()}"


def active_ban(user, kind: str) -> Punishment | None:
    """The punishment that forbids `user` to do `kind` now (a login ban forbids everything)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Punishment.objects.active()
        .filter(user=user, kind__in=[kind, Punishment.Kind.LOGIN])
        .first()
    )


def login_banned(user) -> bool:
    """Whether `user` may not log in now (nor use a session or token opened before)."""
    return active_ban(user, Punishment.Kind.LOGIN) is not None


def ban_message(punishment: Punishment) -> str:
    until = (
        timezone.localtime(punishment.ends_at).strftime("%Y-%m-%d %H:%M")
        if punishment.ends_at
        else gettext("永久")
    )
    return gettext("您的账号已被%(kind)s（原因：%(reason)s；截止：%(until)s）。") % {
        "kind": punishment.get_kind_display(),
        "reason": punishment.reason,
        "until": until,
    }
