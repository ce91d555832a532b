"""First versions of 相关资源, 猜你喜欢 and 相关搜索 for the document page.

相关资源: public documents sharing the most tags with this one, same category first.
猜你喜欢: the most read and downloaded documents of the same category.
相关搜索: the document's tags and keywords, as searches.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Count, F, Q

from .models import Document

LIST_FIELDS = ("number", "title", "format", "page_count", "download_count", "created_at")


def related_documents(document: Document, tag_ids: list[int], limit: int = 8) -> list[Document]:
    if not tag_ids and document.category_id is None:
        return []
    match = Q(tags__in=tag_ids) if tag_ids else Q(pk__in=[])
    if document.category_id:
        match |= Q(category_id=document.category_id)
    return list(
        Document.objects.public()
        .filter(match)
        .exclude(pk=document.pk)
        .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared", "-download_count", "-created_at")
        .only(*LIST_FIELDS)[:limit]
    )


def popular_in_category(document: Document, exclude: list[int], limit: int = 8) -> list[Document]:
    queryset = Document.objects.public().exclude(pk__in=[document.pk, *exclude])
    if document.category_id:
        queryset = queryset.filter(category_id=document.category_id)
    return list(
        queryset.annotate(score=F("download_count") * 3 + F("view_count") + F("favorite_count") * 2)
        .order_by("-score", "-created_at")
        .only(*LIST_FIELDS)[:limit]
    )


def related_searches(document: Document, tag_names: list[str], limit: int = 10) -> list[str]:
    words = list(tag_names)
    if apps.is_installed("wenku.discovery"):
        from wenku.discovery.services import keywords_for

        words += keywords_for(document)
    seen: set[str] = set()
    out = []
    for word in words:
        if word and word not in seen:
            seen.add(word)
            out.append(word)
    return out[:limit]
