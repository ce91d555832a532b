from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .auditing import AuditedAdmin
from .models import AuditLog, SensitiveWord, SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(AuditedAdmin):
    """The one settings row: the list goes straight to its form."""

    fieldsets = [
        (_("站点"), {"fields": ["site_name", "copyright_line", "icp_number", "site_started"]}),
        (_("注册与下载"), {"fields": ["registration_open", "registrations_per_ip_hour",
                                    "download_login_required",
                                    "daily_downloads_per_user", "daily_downloads_per_ip"]}),
        (_("上传与预览"), {"fields": ["allowed_formats", "max_upload_mb", "preview_pages",
                                    "preview_percent", "ocr_enabled"]}),
        (_("审核"), {"fields": ["review_mode", "trust_after_approved", "duplicate_threshold",
                              "complaints_before_upload_ban"]}),
        (_("积分规则"), {"fields": ["register_bonus", "register_bonus_after_verification",
                                  "tip_wait_hours", "signin_bonus", "upload_reward",
                                  "upload_reward_daily_cap", "download_site_share",
                                  "tip_amounts", "delete_penalty"]}),
    ]  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        SiteSettings.current()  # make sure the row exists
        return redirect(reverse("admin:site_sitesettings_change", args=[1]))

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the log is what happened."""

    list_display = ["created_at", "actor", "action", "target_type", "target_repr", "detail"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "detail", "actor__username"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SensitiveWord)
class SensitiveWordAdmin(AuditedAdmin):
    list_display = ["word", "created_at"]
    search_fields = ["word"]
