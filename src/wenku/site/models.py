"""The site's own settings (one row an operator edits in the admin), its sensitive words and the
audit log.

The bottom of the apps: everything may read the site's settings, nothing here reads another
app. `SiteSettings` is also the one place where a value an operator may leave empty falls back
to the installation's default from the environment (`upload_limit_mb`, `preview_defaults`).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wenku.config import CONFIG

_CACHE_KEY = "wenku:site-settings"
# Other machines pick up an edit within this many seconds; this one at once.
_CACHE_SECONDS = 30
_MEMO_SECONDS = 1.0
_memo: list = []


def _parse_amounts(value: str) -> list[int]:
    amounts = sorted({int(part) for part in value.replace("，", ",").split(",") if part.strip()})
    if not amounts or amounts[0] <= 0:
        raise ValueError
    return amounts


class ReviewMode(models.TextChoices):
    OFF = "off", _("不审核")
    NEW_USERS = "new_users", _("新用户的上传需审核")
    EVERYONE = "everyone", _("所有上传都需审核（管理员除外）")


class SiteSettings(models.Model):
    """The one row of settings of the site (edited in the admin, cached briefly)."""

    site_name = models.CharField(_("站点名称"), max_length=100, default=CONFIG.site_name)
    copyright_line = models.CharField(
        _("版权声明"), max_length=200, blank=True, default="版权所有，未经许可不得转载"
    )
    icp_number = models.CharField(_("ICP 备案号"), max_length=100, blank=True)
    site_started = models.PositiveIntegerField(_("建站年份"), default=2026)

    registration_open = models.BooleanField(_("开放注册"), default=True)
    registrations_per_ip_hour = models.PositiveIntegerField(
        _("每个 IP 每小时注册数上限"),
        default=5,
        help_text=_("同一网络（IPv6 按 /64 网段）每小时最多注册的账号数；0 表示不限制"),
    )
    download_login_required = models.BooleanField(_("免费文档也需登录才能下载"), default=False)

    # Points rules (积分规则)
    register_bonus = models.PositiveIntegerField(_("注册奖励积分"), default=20)
    register_bonus_after_verification = models.BooleanField(
        _("验证邮箱后才发放注册奖励"),
        default=False,
        help_text=_("开启后注册奖励在用户点击验证邮件中的链接时发放（只发一次）；需已配置发信"),
    )
    tip_wait_hours = models.PositiveIntegerField(
        _("新账号打赏等待时间（小时）"),
        default=24,
        help_text=_("新注册的账号验证邮箱后，或注册满这么多小时后才能打赏；0 表示不限制"),
    )
    signin_bonus = models.PositiveIntegerField(_("每日签到积分"), default=2)
    upload_reward = models.PositiveIntegerField(_("文档发布奖励积分"), default=5)
    upload_reward_daily_cap = models.PositiveIntegerField(
        _("每日获得发布奖励的文档数上限"), default=10
    )
    download_site_share = models.PositiveSmallIntegerField(
        _("下载收入的站点分成（%）"),
        default=0,
        help_text=_("付费下载时站点留存的比例，其余归上传者"),
    )
    tip_amounts = models.CharField(
        _("打赏金额选项"), max_length=100, default="1,2,5,10,20", help_text=_("用逗号分隔")
    )
    delete_penalty = models.PositiveIntegerField(_("删除已发布文档扣除积分"), default=5)

    # Review
    review_mode = models.CharField(
        _("上传审核"), max_length=10, choices=ReviewMode.choices, default=ReviewMode.OFF
    )
    trust_after_approved = models.PositiveIntegerField(
        _("通过几篇审核后成为可信用户"),
        default=3,
        help_text=_(
            "“新用户需审核”时，已有这么多篇文档通过审核的用户不再需要审核；0 表示不自动信任"
        ),
    )
    ocr_enabled = models.BooleanField(
        _("识别扫描页的文字（OCR）"),
        default=True,
        help_text=_("没有文字层的页面（扫描件、图片）在转换后识别文字，用于搜索和资源描述"),
    )
    duplicate_threshold = models.FloatField(
        _("疑似重复的相似度阈值"),
        default=0.8,
        help_text=_("与已发布文档的文本相似度（Jaccard 估计）达到此值时送审"),
    )
    complaints_before_upload_ban = models.PositiveIntegerField(
        _("版权投诉成立几次后禁止上传"),
        default=3,
        help_text=_("上传者被确认侵权的版权投诉达到这么多次时，永久禁止其上传；0 表示不自动处罚"),
    )

    # Uploads
    allowed_formats = models.CharField(
        _("允许上传的格式"),
        max_length=200,
        blank=True,
        help_text=_("用逗号分隔，例如 docx,pdf,pptx；留空表示全部支持的格式"),
    )
    max_upload_mb = models.PositiveIntegerField(
        _("上传大小上限（MB）"), null=True, blank=True, help_text=_("留空使用安装时的设置")
    )
    preview_pages = models.PositiveIntegerField(
        _("默认预览页数"), null=True, blank=True, help_text=_("留空使用安装时的设置")
    )
    preview_percent = models.PositiveSmallIntegerField(
        _("默认预览比例（%）"), null=True, blank=True, help_text=_("留空使用安装时的设置")
    )

    # Limits
    daily_downloads_per_user = models.PositiveIntegerField(_("每用户每日下载次数上限"), default=50)
    daily_downloads_per_ip = models.PositiveIntegerField(_("每 IP 每日下载次数上限"), default=200)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("站点设置")
        verbose_name_plural = _("站点设置")

    def __str__(self) -> str:
        return str(_("站点设置"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
        self.forget()

    def clean(self) -> None:
        try:
            _parse_amounts(self.tip_amounts)
        except ValueError:
            raise ValidationError(
                {"tip_amounts": _("请填写用逗号分隔的正整数，例如 1,2,5,10")}
            ) from None
        if self.download_site_share > 100:
            raise ValidationError({"download_site_share": _("分成比例不能超过 100%")})

    @property
    def allowed_format_list(self) -> list[str]:
        return [p.strip().lower() for p in self.allowed_formats.replace("，", ",").split(",")
                if p.strip()]  # fmt: skip

    @property
    def tip_choices(self) -> list[int]:
        try:
            return _parse_amounts(self.tip_amounts)
        except ValueError:
            return [1, 2, 5, 10]

    @classmethod
    def current(cls) -> SiteSettings:
        # Two levels: this process keeps the row for a second (every page reads it), the
        # shared cache for half a minute.
        now = time.monotonic()
        if _memo and _memo[0] > now:
            return _memo[1]
        found = cache.get(_CACHE_KEY)
        if found is None:
            found, _created = cls.objects.get_or_create(pk=1)
            cache.set(_CACHE_KEY, found, _CACHE_SECONDS)
        _memo[:] = [now + _MEMO_SECONDS, found]
        return found

    @classmethod
    def forget(cls) -> None:
        """Drop the cached row (after an edit, and between tests)."""
        _memo.clear()
        cache.delete(_CACHE_KEY)

    def upload_limit_mb(self) -> int:
        """The largest upload in MB: this row's value, else the installation's."""
        return self.max_upload_mb or settings.WENKU.max_upload_mb

    def preview_defaults(self) -> tuple[int, int]:
        """(pages, percent) shown of a document without its own preview limit."""
        config = settings.WENKU
        pages = self.preview_pages if self.preview_pages is not None else config.preview_pages
        percent = (
            self.preview_percent if self.preview_percent is not None else config.preview_percent
        )
        return pages, percent


class AuditLog(models.Model):
    """One moderator action: who did what to which object, and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=40)
    target_id = models.CharField(_("对象"), max_length=40)
    target_repr = models.CharField(_("对象名称"), max_length=200)
    detail = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.target_repr}"


class SensitiveWord(models.Model):
    """A word that sends a document to review when its title, description or text contains it."""

    word = models.CharField(_("敏感词"), max_length=50, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词")

    def __str__(self) -> str:
        return self.word
