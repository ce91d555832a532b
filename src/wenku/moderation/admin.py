"""The admin of what operators moderate: documents (with re-conversion). (Site settings,
sensitive words and the audit log are `wenku.site`'s, accounts and bans `wenku.accounts`', the
category tree and tags `wenku.library`'s.)"""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wenku.conversion.runner import reconvert
from wenku.library.models import Document
from wenku.library.signals import document_changed
from wenku.site.auditing import AuditedAdmin, audit


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = [
        "number", "title", "format", "status", "review", "page_count", "uploader",
        "recommended", "download_count", "created_at", "short_error",
    ]  # fmt: skip
    list_filter = ["status", "review", "format", "visibility", "recommended", "category"]
    list_editable = ["recommended"]
    search_fields = ["title", "=number", "uploader__username", "original_filename"]
    raw_id_fields = ["uploader", "reviewed_by"]
    autocomplete_fields = ["category", "tags"]
    readonly_fields = [
        "number", "sha256", "format", "size", "original", "pdf", "page_count",
        "preview_page_count", "status", "progress", "stage", "attempts", "error",
        "error_detail", "text_encoding", "review_flags", "reviewed_by", "reviewed_at",
        "view_count", "download_count", "favorite_count", "created_at", "converted_at",
    ]  # fmt: skip
    actions = ["reconvert_selected"]
    change_list_template = "admin/library/document/change_list.html"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Title, tags or category may have changed: the search index follows.
        if change and form.instance.is_published:
            document_changed.send(sender=Document, document=form.instance)

    @admin.display(description=_("错误信息"))
    def short_error(self, obj: Document) -> str:
        return obj.error[:80]

    @admin.action(description=_("重新转换所选文档"))
    def reconvert_selected(self, request, queryset):
        queued = 0
        for document in queryset:
            if reconvert(document):
                queued += 1
                audit(request.user, "reconvert", document)
        self.message_user(
            request,
            gettext("已将 %(n)s 篇文档重新加入转换队列。") % {"n": queued},
            messages.SUCCESS,
        )

    def get_urls(self):
        extra = [
            path(
                "retry-failed/",
                self.admin_site.admin_view(self.retry_failed),
                name="library_document_retry_failed",
            )
        ]
        return extra + super().get_urls()

    def retry_failed(self, request):
        """Re-queue every failed conversion (POST only, from the button on the list)."""
        if request.method == "POST" and self.has_change_permission(request):
            self.reconvert_selected(request, Document.objects.filter(status="failed"))
        url = reverse("admin:library_document_changelist")
        return redirect(f"{url}?status__exact=failed")
