"""Ratings (评分): 1 to 5 stars, one per reader and document, changeable.

Who may rate: a reader who downloaded the document (free or bought) — someone who has had the
whole of it — and never its uploader. Invariant: `Document.rating_count` and `rating_sum` are
the count and the sum of its Rating rows (both change in the transaction that changes a row,
with the document's row locked, so concurrent ratings add up)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from wenku.library.models import Document, Download

from .models import Rating
from .services import ActionRefused, require_published


def may_rate(user, document: Document) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.pk != document.uploader_id
        and Download.objects.filter(user=user, document=document).exists()
    )


def my_rating(user, document: Document) -> int | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Rating.objects.filter(user=user, document=document).values_list("stars", flat=True).first()
    )


def rate(user, document: Document, stars: int) -> Document:
    """Record `user`'s `stars` for `document` (replacing their earlier rating); returns the
    document with its new count and sum."""
    require_published(document)
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ActionRefused(_("评分须为 1 到 5 星。"), "invalid", 400)
    if user.pk == document.uploader_id:
        raise ActionRefused(_("不能给自己上传的文档评分。"), "own_document", 403)
    if not may_rate(user, document):
        raise ActionRefused(_("下载过这篇文档的读者才能评分。"), "not_downloaded", 403)
    with transaction.atomic():
        Document.objects.select_for_update().filter(pk=document.pk).exists()
        earlier = Rating.objects.filter(user=user, document=document).first()
        if earlier is None:
            Rating.objects.create(user=user, document=document, stars=stars)
            Document.objects.filter(pk=document.pk).update(
                rating_count=F("rating_count") + 1, rating_sum=F("rating_sum") + stars
            )
        elif earlier.stars != stars:
            Document.objects.filter(pk=document.pk).update(
                rating_sum=F("rating_sum") + stars - earlier.stars
            )
            earlier.stars = stars
            earlier.save(update_fields=["stars", "updated_at"])
    return Document.objects.get(pk=document.pk)
