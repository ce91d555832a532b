"""Comments in the admin: moderators approve the held ones and hide any, each in the audit log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wenku.site.auditing import AuditedAdmin, audit

from . import comments
from .models import Comment


@admin.register(Comment)
class CommentAdmin(AuditedAdmin):
    list_display = [
        "created_at", "document", "author", "status", "report_count", "short_text", "note",
    ]  # fmt: skip
    list_filter = ["status"]
    ordering = ["-report_count", "-created_at"]
    search_fields = ["text", "author__username", "=document__number"]
    raw_id_fields = ["document", "author", "parent"]
    actions = ["approve_selected", "hide_selected"]

    @admin.display(description=_("内容"))
    def short_text(self, obj: Comment) -> str:
        return obj.text[:60]

    @admin.action(description=_("通过所选评论"))
    def approve_selected(self, request, queryset):
        for comment in queryset.select_related("document"):
            comments.set_status(comment, Comment.Status.VISIBLE)
            audit(request.user, "comment:approve", comment.document, comment.text[:200])

    @admin.action(description=_("屏蔽所选评论"))
    def hide_selected(self, request, queryset):
        for comment in queryset.select_related("document"):
            comments.set_status(comment, Comment.Status.HIDDEN, "管理员屏蔽")
            audit(request.user, "comment:hide", comment.document, comment.text[:200])
