"""What a site search may filter and sort by, as SQL over the document table aliased ``d``
(shared by the search and by the backends, which scan in the same order)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from wenku.library.models import Category, Document

SORTS = ("relevance", "latest", "downloads")


@dataclass
class Filters:
    category: int | None = None  # a category id; its subcategories are included
    format: str | None = None
    pages_min: int | None = None
    pages_max: int | None = None
    price: str | None = None  # "free" or "paid"
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def sql(self) -> tuple[str, list]:
        """Conditions over the document table aliased ``d`` (public and ready always)."""
        ops = connection.ops
        where = ["d.status = %s", "d.visibility = %s", "d.review IN (%s, %s)"]
        params: list = [
            Document.Status.READY,
            Document.Visibility.PUBLIC,
            *Document.Review.PASSED,
        ]
        if self.category is not None:
            ids = _descendants(self.category)
            where.append(f"d.category_id IN ({', '.join(['%s'] * len(ids))})")
            params += ids
        if self.format:
            where.append("d.format = %s")
            params.append(self.format)
        if self.pages_min is not None:
            where.append("d.page_count >= %s")
            params.append(self.pages_min)
        if self.pages_max is not None:
            where.append("d.page_count <= %s")
            params.append(self.pages_max)
        if self.price == "free":
            where.append("d.price = 0")
        elif self.price == "paid":
            where.append("d.price > 0")
        if self.since is not None:
            where.append("d.created_at >= %s")
            params.append(ops.adapt_datetimefield_value(self.since))
        if self.until is not None:
            where.append("d.created_at < %s")
            params.append(ops.adapt_datetimefield_value(self.until))
        return " AND ".join(where), params


def _descendants(category_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, todo = [], [category_id]
    while todo:
        pk = todo.pop()
        out.append(pk)
        todo.extend(children.get(pk, []))
    return out


def order_sql(sort: str) -> str:
    """ORDER BY of a sort (`score` is the backend's relevance, smaller first)."""
    if sort == "latest":
        return "d.created_at DESC, d.id DESC"
    if sort == "downloads":
        return "d.download_count DESC, score, d.created_at DESC"
    return "score, d.download_count DESC, d.created_at DESC, d.id DESC"
