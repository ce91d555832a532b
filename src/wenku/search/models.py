"""The search log: what people searched, how many results, how long it took.

The index itself lives in backend tables created by migration 0002 (FTS5 on SQLite, a
tsvector table on PostgreSQL); see `wenku.search.backends`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchLog(models.Model):
    query = models.CharField(_("搜索词"), max_length=200)
    normalized = models.CharField(_("规范化搜索词"), max_length=200, db_index=True)
    result_count = models.PositiveIntegerField(_("结果数"))
    milliseconds = models.PositiveIntegerField(_("耗时（毫秒）"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("用户"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("搜索记录")
        verbose_name_plural = _("搜索记录")

    def __str__(self) -> str:
        return self.query


def log_search(query: str, normalized: str, result_count: int, seconds: float, user=None):
    return SearchLog.objects.create(
        query=query[:200],
        normalized=normalized[:200],
        result_count=result_count,
        milliseconds=round(seconds * 1000),
        user=user if user is not None and user.is_authenticated else None,
    )


def related_queries(terms: list[str], limit: int = 10, days: int = 90) -> list[str]:
    """Other searches (that found something) sharing a term with `terms`, most frequent first."""
    terms = [t for t in terms if t]
    if not terms:
        return []
    shares = Q()
    for term in terms:
        shares |= Q(normalized__contains=term)
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        SearchLog.objects.filter(shares, created_at__gte=since, result_count__gt=0)
        .exclude(normalized=" ".join(terms))
        .values("normalized")
        .annotate(n=Count("id"))
        .order_by("-n", "normalized")[:limit]
    )
    return [r["normalized"] for r in rows]


def top_queries(days: int = 7, limit: int = 20) -> list[dict]:
    """The most frequent searches of the last `days` days, for the dashboard:
    ``{"query", "count", "avg_results", "avg_ms", "zero_results"}``."""
    since = timezone.now() - dt.timedelta(days=days)
    rows = (
        SearchLog.objects.filter(created_at__gte=since)
        .values("normalized")
        .annotate(
            count=Count("id"),
            avg_results=Avg("result_count"),
            avg_ms=Avg("milliseconds"),
            zero_results=Count("id", filter=Q(result_count=0)),
        )
        .order_by("-count", "normalized")[:limit]
    )
    return [
        {
            "query": r["normalized"],
            "count": r["count"],
            "avg_results": round(r["avg_results"] or 0, 1),
            "avg_ms": round(r["avg_ms"] or 0, 1),
            "zero_results": r["zero_results"],
        }
        for r in rows
    ]
