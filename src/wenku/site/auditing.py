"""The audit log: every moderator and operator action, from any app, lands here."""

from __future__ import annotations

from django.contrib import admin

from .models import AuditLog


def audit(actor, action: str, target, detail: str = "") -> AuditLog:
    """Record that `actor` did `action` to `target` (any model instance), and why."""
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.model_name,
        target_id=str(getattr(target, "number", None) or target.pk),
        target_repr=str(target)[:200],
        detail=detail[:2000],
    )


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose additions, changes and deletions also land in the audit log."""

    def log_addition(self, request, obj, message):
        audit(request.user, f"admin:add:{obj._meta.model_name}", obj, str(message)[:500])
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit(request.user, f"admin:change:{obj._meta.model_name}", obj, str(message)[:500])
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit(request.user, f"admin:delete:{obj._meta.model_name}", obj)
        return super().log_deletions(request, queryset)
