"""The search page's filters, from the query string (invalid values are ignored)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wenku.library.models import Category, Format

from .index import SORTS, Filters

DATE_CHOICES = [
    ("", _("不限")),
    ("week", _("一周内")),
    ("month", _("一月内")),
    ("year", _("一年内")),
]
DATE_DAYS = {"week": 7, "month": 31, "year": 366}
PRICE_CHOICES = [("", _("不限")), ("free", _("免费")), ("paid", _("付费"))]
SORT_CHOICES = [("relevance", _("相关度")), ("latest", _("最新")), ("downloads", _("下载量"))]


MAX_PAGES = 1_000_000


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    category = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    format = forms.ChoiceField(required=False, choices=[("", _("全部格式")), *Format.choices])
    # Bounded: a number past the database's integers would be an error, not a filter.
    pages_min = forms.IntegerField(required=False, min_value=0, max_value=MAX_PAGES)
    pages_max = forms.IntegerField(required=False, min_value=0, max_value=MAX_PAGES)
    price = forms.ChoiceField(required=False, choices=PRICE_CHOICES)
    date = forms.ChoiceField(required=False, choices=DATE_CHOICES)
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, max_value=500)

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["category"].choices = [("", _("全部分类"))] + [
            (c.pk, c.path) for c in Category.objects.select_related("parent")
        ]

    def value(self, name, default=None):
        """The cleaned value, or `default` when missing or invalid (filters never error)."""
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
        return default if value in (None, "") else value

    def filters(self) -> Filters:
        date = self.value("date")
        return Filters(
            category=self.value("category"),
            format=self.value("format"),
            pages_min=self.value("pages_min"),
            pages_max=self.value("pages_max"),
            price=self.value("price"),
            since=timezone.now() - dt.timedelta(days=DATE_DAYS[date]) if date else None,
        )

    def sort_order(self) -> str:
        sort = self.value("sort", "relevance")
        return sort if sort in SORTS else "relevance"
