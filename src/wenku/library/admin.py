from django.contrib import admin
from django.db.models import Case, Count, When
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wenku.site.auditing import AuditedAdmin

from .models import Category, Tag


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    """The tree, shown as paths in tree order; the order within a level is editable."""

    list_display = ["indented", "order", "documents"]
    list_editable = ["order"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]

    @admin.display(description=_("分类"))
    def indented(self, obj: Category) -> str:
        return format_html(
            '<span style="padding-left:{}em">{}</span>', 1.5 * (len(obj.ancestors) - 1), obj.name
        )

    @admin.display(description=_("文档数"))
    def documents(self, obj: Category) -> int:
        return obj.n_documents

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_documents=Count("documents"))

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Tree order: each category right under its parent, siblings by their order.
        rows = list(changelist.result_list.select_related("parent__parent__parent"))
        rows.sort(key=lambda c: [(a.order, a.name) for a in c.ancestors])
        position = Case(*[When(pk=c.pk, then=i) for i, c in enumerate(rows)], default=len(rows))
        changelist.result_list = changelist.result_list.order_by(position)
        return changelist


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    list_display = ["name", "documents"]
    search_fields = ["name"]

    @admin.display(description=_("文档数"))
    def documents(self, obj: Tag) -> int:
        return obj.n_documents

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_documents=Count("documents"))
