from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from wenku.site.auditing import AuditedAdmin

from .models import ApiToken, PointsEntry, Punishment, User


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = [
        "username", "email", "points", "trusted", "is_active", "is_staff", "date_joined",
    ]  # fmt: skip
    list_filter = [*BaseUserAdmin.list_filter, "trusted", "email_verified"]
    readonly_fields = ["points"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("积分与信任"), {"fields": ["points", "trusted", "email_verified"]}),
    ]


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """The ledger is append-only: entries are shown, never edited."""

    list_display = ["created_at", "user", "delta", "balance", "reason", "document", "memo"]
    list_filter = ["reason"]
    search_fields = ["user__username", "memo"]
    raw_id_fields = ["user", "document", "counterparty"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["key_hash", "last_used_at"]
    search_fields = ["user__username", "name"]


@admin.register(Punishment)
class PunishmentAdmin(AuditedAdmin):
    list_display = ["user", "kind", "reason", "starts_at", "ends_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["user__username", "reason"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
