"""Every change a moderator makes in the admin also lands in our audit log."""

from django.contrib import admin


class AuditedAdmin(admin.ModelAdmin):
    def log_addition(self, request, obj, message):
        from .services import audit

        audit(request.user, f"admin:add:{obj._meta.model_name}", obj, str(message)[:500])
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        from .services import audit

        audit(request.user, f"admin:change:{obj._meta.model_name}", obj, str(message)[:500])
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        from .services import audit

        for obj in queryset:
            audit(request.user, f"admin:delete:{obj._meta.model_name}", obj)
        return super().log_deletions(request, queryset)
