from django.contrib import admin

from .models import SearchLog


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    list_display = ("query", "result_count", "milliseconds", "user", "created_at")
    search_fields = ("query", "normalized")
    list_filter = ("created_at",)
    readonly_fields = [f.name for f in SearchLog._meta.fields]
