import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenku.errors import Refusal

from .bans import Punishment  # noqa: F401 - a model of this app, kept beside the ban rules


def mask_name(name: str) -> str:
    """The name others see: "lazy2021" -> "la****1" (first two, four stars, last)."""
    if len(name) >= 4:
        return f"{name[:2]}****{name[-1]}"
    if len(name) == 3:
        return f"{name[0]}****{name[-1]}"
    return f"{name[:1]}****"


class User(AbstractUser):
    """The site's user; custom from the first migration so later fields need no swap."""

    # The balance is a cache of the sum of the user's PointsEntry rows, changed only by
    # wenku.accounts.points in the same transaction as the row; never below zero.
    points = models.PositiveIntegerField(_("积分"), default=0)
    trusted = models.BooleanField(
        _("可信用户"), default=False, help_text=_("可信用户的上传无需等待审核")
    )
    # Set when the owner opens the link mailed to `email`; cleared when the e-mail changes.
    email_verified = models.BooleanField(_("邮箱已验证"), default=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gte=0), name="points_gte_0")
        ]

    @property
    def masked_name(self) -> str:
        return mask_name(self.get_username())

    def save(self, *args, **kwargs) -> None:
        # `_password` holds the new raw password between set_password() and save(), whatever
        # the door (change form, reset link, admin, changepassword); a hash upgrade at login
        # leaves it None. A new password ends every API token issued under the old one, and
        # the failed logins counted against the account.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self).delete()
            LoginFailure.objects.filter(username__iexact=self.get_username()).delete()


class PointsEntry(models.Model):
    """One change of a user's points. The ledger is append-only."""

    class Reason(models.TextChoices):
        REGISTER = "register", _("注册奖励")
        SIGNIN = "signin", _("每日签到")
        UPLOAD = "upload", _("文档发布奖励")
        DELETE = "delete", _("删除已发布文档")
        PURCHASE = "purchase", _("下载付费文档")
        SALE = "sale", _("文档被下载")
        TIP_SENT = "tip_sent", _("打赏")
        TIP_RECEIVED = "tip_received", _("收到打赏")
        ADJUST = "adjust", _("管理员调整")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries"
    )
    delta = models.IntegerField(_("变动"))
    balance = models.PositiveIntegerField(_("变动后余额"))
    reason = models.CharField(_("原因"), max_length=16, choices=Reason.choices)
    document = models.ForeignKey(
        "library.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("相关文档"),
    )
    counterparty = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("相关用户"),
    )
    # What the entry was about, kept readable after the document is deleted.
    memo = models.CharField(_("说明"), max_length=200, blank=True)
    # One operation, however often it is submitted, makes one entry per user.
    key = models.CharField(_("幂等键"), max_length=100)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="points_entry_unique_key")
        ]
        indexes = [models.Index(fields=["user", "reason", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.delta:+d} {self.get_reason_display()}"


class SignIn(models.Model):
    """A daily sign-in (签到)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signins"
    )
    day = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="signin_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"


class LoginFailure(models.Model):
    """A failed login, counted per (user name, address), per address and per user name (see
    `services.login_blocked`). `ip` is the address as the throttle sees it: an IPv6 address is
    stored as its /64 network, the block one subscriber gets."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {self.ip}"


class RateEvent(models.Model):
    """One counted use of a rate-limited action (a registration, a password-reset mail...).

    Kept in the database like LoginFailure, so every process and machine counts the same rows.
    `key` says what is limited: "ip:<address or /64 network>" or "user:<id>"."""

    action = models.CharField(max_length=20)
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["action", "key", "created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.key}"


class TokenRefused(Refusal):
    """A bearer token that does not authenticate; `code` is "unknown", "expired" or "inactive"."""

    status = 401


class ApiToken(models.Model):
    """A bearer token for the API; only its hash is stored, the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # None: never expires (only when WENKU_API_TOKEN_DAYS is 0 at issue).
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    # Recorded at most once a minute (tokens.LAST_USED_EVERY), so a busy token costs no write
    # per request.
    last_used_at = models.DateTimeField(_("最后使用"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.name}"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: "User", name: str = "") -> tuple["ApiToken", str]:
        """A new token for `user` and its key (shown once), expiring after WENKU_API_TOKEN_DAYS."""
        raw = "wk_" + secrets.token_urlsafe(32)
        days = settings.WENKU.api_token_days
        expires_at = timezone.now() + dt.timedelta(days=days) if days > 0 else None
        token = cls.objects.create(
            user=user, name=name, key_hash=cls.hash(raw), expires_at=expires_at
        )
        return token, raw
