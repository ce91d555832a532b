"""相关资源, 猜你喜欢 and 相关搜索 for the document page.

相关资源: published documents sharing the most (weighted) keywords with this one, the same
  category preferred, never the document itself or its near-duplicates. Computed when the page
  is rendered (anonymous visitors get the page from a short cache), so it follows the library as
  it grows. Without keywords, documents sharing tags or the category.
猜你喜欢: documents that readers of this one also read, favorited or downloaded — views in the
  same session (same visitor, same day), favorites and downloads of the same users — falling
  back to the popular documents of the same category for new documents.
相关搜索: searches that readers typed together with this document's keywords (the search log),
  then the keywords themselves; anything containing a sensitive word is left out.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, Sum

from wenku.community.models import Favorite
from wenku.discovery.models import DocumentKeyword, NearDuplicate
from wenku.discovery.services import keywords_for
from wenku.library.models import Document, DocumentView, Download, public_q
from wenku.search.models import related_queries
from wenku.site.sensitive import without_sensitive

LIST_FIELDS = ("number", "title", "format", "page_count", "download_count", "created_at")
SAME_CATEGORY_BONUS = 1.5
SECTIONS_CACHE_SECONDS = 600


def _near_duplicate_ids(document: Document) -> set[int]:
    pairs = NearDuplicate.objects.filter(Q(document=document) | Q(original=document))
    return {pk for pair in pairs.values_list("document_id", "original_id") for pk in pair}


def _listed(ids: list[int]) -> list[Document]:
    by_id = {d.pk: d for d in Document.objects.public().filter(pk__in=ids).only(*LIST_FIELDS)}
    return [by_id[pk] for pk in ids if pk in by_id]


def related_ids(document: Document, tag_ids: list[int], limit: int = 8) -> list[int]:
    """相关资源 as public document ids, best first."""
    skip = {document.pk} | _near_duplicate_ids(document)
    scored: dict[int, float] = {}
    mine = dict(DocumentKeyword.objects.filter(document=document).values_list("word", "weight"))
    if mine:
        rows = (
            DocumentKeyword.objects.filter(word__in=list(mine))
            .exclude(document_id__in=skip)
            .filter(public_q("document__"))
            .values("document_id", "document__category_id")
            .annotate(score=Sum("weight"), shared=Count("pk"))
            .order_by("-score")[: limit * 6]
        )
        for row in rows:
            if row["shared"] < 2:  # one common word is not a relation
                continue
            bonus = (
                SAME_CATEGORY_BONUS
                if document.category_id and row["document__category_id"] == document.category_id
                else 1.0
            )
            scored[row["document_id"]] = row["score"] * bonus
    ranked = sorted(scored, key=scored.get, reverse=True)[:limit]
    if len(ranked) < limit:
        ranked += [
            d.pk for d in _by_tags_and_category(document, tag_ids, limit, skip | set(ranked))
        ][: limit - len(ranked)]
    return ranked


def _by_tags_and_category(
    document: Document, tag_ids: list[int], limit: int, skip: set[int]
) -> list[Document]:
    if not tag_ids and document.category_id is None:
        return []
    match = Q(tags__in=tag_ids) if tag_ids else Q(pk__in=[])
    if document.category_id:
        match |= Q(category_id=document.category_id)
    return list(
        Document.objects.public()
        .filter(match)
        .exclude(pk__in=skip)
        .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared", "-download_count", "-created_at")
        .only("pk")[:limit]
    )


def _co_read(document: Document, limit: int) -> dict[int, float]:
    """Other documents of the same sessions (views: same visitor and day), with a score."""
    views = DocumentView._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT other.document_id, COUNT(*) AS together
            FROM {views} mine JOIN {views} other
              ON other.visitor = mine.visitor AND other.day = mine.day
             AND other.document_id <> mine.document_id
            WHERE mine.document_id = %s
            GROUP BY other.document_id
            ORDER BY together DESC
            LIMIT %s
            """,
            [document.pk, limit * 4],
        )
        scores = {pk: float(n) for pk, n in cursor.fetchall()}
    # Favorites and downloads say more than a view: the same users' other ones count triple.
    for model in (Favorite, Download):
        users = model.objects.filter(document=document, user__isnull=False).values("user_id")
        rows = (
            model.objects.filter(user_id__in=users)
            .exclude(document=document)
            .values("document_id")
            .annotate(n=Count("user_id", distinct=True))
            .order_by("-n")[: limit * 4]
        )
        for row in rows:
            scores[row["document_id"]] = scores.get(row["document_id"], 0) + 3 * row["n"]
    return scores


def popular_in_category(document: Document, exclude: list[int], limit: int = 8) -> list[Document]:
    """猜你喜欢: what readers of this document also read, then the category's popular ones."""
    return _listed(guess_ids(document, exclude, limit))


def guess_ids(document: Document, exclude: list[int], limit: int = 8) -> list[int]:
    """猜你喜欢 as public document ids, best first."""
    skip = {document.pk, *exclude} | _near_duplicate_ids(document)
    scores = _co_read(document, limit)
    ranked = [pk for pk in sorted(scores, key=scores.get, reverse=True) if pk not in skip]
    public = set(Document.objects.public().filter(pk__in=ranked).values_list("pk", flat=True))
    picked = [pk for pk in ranked if pk in public][:limit]
    if len(picked) < limit:
        queryset = Document.objects.public().exclude(pk__in=skip | set(picked))
        if document.category_id:
            queryset = queryset.filter(category_id=document.category_id)
        picked += list(
            queryset.annotate(
                score=F("download_count") * 3 + F("view_count") + F("favorite_count") * 2
            )
            .order_by("-score", "-created_at")
            .values_list("pk", flat=True)[: limit - len(picked)]
        )
    return picked


def keywords_of(document: Document, tag_names: list[str], limit: int = 12) -> list[str]:
    """The document's keywords (tags first, then words of its text) for the page."""
    return keywords_for(document)[:limit] or list(tag_names)[:limit]


def related_searches(document: Document, tag_names: list[str], limit: int = 10) -> list[str]:
    words = list(tag_names) + keywords_for(document)
    queries: list[str] = []
    if words:
        queries = list(related_queries(words[:8], limit=limit))
    out: list[str] = []
    seen: set[str] = set()
    for word in [*queries, *words]:
        word = word.strip()
        if word and word not in seen:
            seen.add(word)
            out.append(word)
    return without_sensitive(out)[:limit]


def sections(document: Document, tag_ids: list[int], tag_names: list[str]) -> dict:
    """The three sections of the document page, from a ten-minute cache per document.

    Computing them takes a dozen queries over keywords, sessions and the search log; the
    page then needs one query for the listed documents."""
    key = f"wenku:sections:{document.pk}:{document.updated_at.timestamp()}"
    found = cache.get(key)
    if found is None:
        related = related_ids(document, tag_ids)
        found = {
            "keywords": keywords_of(document, tag_names),
            "related": related,
            "guess": guess_ids(document, related),
            "searches": related_searches(document, tag_names),
        }
        cache.set(key, found, SECTIONS_CACHE_SECONDS)
    # One query for both lists; documents unpublished since they were cached drop out.
    listed = {d.pk: d for d in _listed(found["related"] + found["guess"])}
    return {
        "related": [listed[pk] for pk in found["related"] if pk in listed],
        "guess": [listed[pk] for pk in found["guess"] if pk in listed],
        "searches": found["searches"],
        "keywords": found["keywords"],
    }
