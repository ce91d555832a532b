"""The search interface the rest of Wenku uses.

- `index_document(document)` / `remove_document(document)` / `index_many(documents)`
- `search(query, filters, sort, page) -> SearchResults`
- `search_in_document(document, query) -> [(page number, snippet)]`

Every ready document is indexed whatever its visibility (so that searching inside an
unlisted document works); site search only ever returns public, ready documents.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils.safestring import SafeString

from wenku.config import CONFIG
from wenku.library.models import Category, Document, Page

from .backends import Row, get_backend
from .highlight import Highlighter
from .query import Query, parse
from .tokenize import tokens

SORTS = ("relevance", "latest", "downloads")


@cache
def has_download_count() -> bool:
    """Popularity hook: once Document has a `download_count` field, ranking and the
    "downloads" sort use it; until then "downloads" is relevance, then newest."""
    return any(f.name == "download_count" for f in Document._meta.get_fields())


# ---------------------------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------------------------


def _rows(document: Document, pages: Iterable[Page], tag_names: Iterable[str]) -> list[Row]:
    category = document.category.path.replace("/", " ") if document.category_id else ""
    meta = [tokens(category), tokens(" ".join(tag_names)), tokens(document.description)]
    rows = [Row(document.pk, 0, title=tokens(document.title), meta=meta)]
    for page in pages:
        body = tokens(page.text)
        if body:
            rows.append(Row(document.pk, page.number, body=body))
    return rows


def index_document(document: Document) -> None:
    """(Re)index one document: its metadata row and one row per page. Unpublished -> removed."""
    backend = get_backend()
    with transaction.atomic():
        backend.delete([document.pk])
        if not document.is_published:
            return
        pages = Page.objects.filter(document=document).only("number", "text")
        tags = document.tags.values_list("name", flat=True)
        backend.add(_rows(document, pages, tags))


def remove_document(document: Document | int) -> None:
    pk = document if isinstance(document, int) else document.pk
    get_backend().delete([pk])


def index_many(documents: Iterable[Document], batch: int = 200) -> int:
    """Index many documents fast (reindex, benchmarks); returns the number of characters."""
    backend = get_backend()
    chars = 0
    chunk: list[Document] = []

    def flush() -> None:
        nonlocal chars
        ids = [d.pk for d in chunk]
        docs = (
            Document.objects.published()
            .filter(pk__in=ids)
            .select_related("category")
            .prefetch_related(
                "tags",
                Prefetch("pages", queryset=Page.objects.only("document_id", "number", "text")),
            )
        )
        rows: list[Row] = []
        for doc in docs:
            pages = list(doc.pages.all())
            chars += sum(len(p.text) for p in pages) + len(doc.title) + len(doc.description)
            rows.extend(_rows(doc, pages, [t.name for t in doc.tags.all()]))
        with transaction.atomic():
            backend.delete(ids)
            backend.add(rows)
        chunk.clear()

    for document in documents:
        chunk.append(document)
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    return chars


def rebuild(progress=None) -> int:
    """Empty the index and index every ready document again; returns how many."""
    backend = get_backend()
    with transaction.atomic():
        backend.clear()
    ids = list(Document.objects.published().order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), 200):
        part = ids[start : start + 200]
        index_many(Document(pk=pk) for pk in part)
        done += len(part)
        if progress:
            progress(len(part))
    backend.optimize()
    return done


# ---------------------------------------------------------------------------------------------
# Searching
# ---------------------------------------------------------------------------------------------


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


def _order(sort: str) -> str:
    if sort == "latest":
        return "d.created_at DESC, d.id DESC"
    if sort == "downloads":
        if has_download_count():
            return "d.download_count DESC, score, d.created_at DESC"
        return "score, d.created_at DESC, d.id DESC"
    popularity = "d.download_count DESC, " if has_download_count() else ""
    return f"score, {popularity}d.created_at DESC, d.id DESC"


@dataclass
class Hit:
    document: Document
    score: float
    title: SafeString  # the title, escaped, matches in <mark>
    snippet: SafeString  # a passage, escaped, matches in <mark>
    pages: list[int]  # pages (1-based) where a term occurs, in order
    snippet_page: int | None  # the page the snippet is from


@dataclass
class SearchResults:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def search(
    query: str | Query,
    filters: Filters | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int | None = None,
) -> SearchResults:
    """Public, ready documents matching `query`, one page of them, with snippets."""
    q = parse(query) if isinstance(query, str) else query
    per_page = per_page or CONFIG.search_per_page
    page = max(1, page)
    results = SearchResults(query=q, page=page, per_page=per_page)
    if not q:
        return results
    backend = get_backend()
    where, params = (filters or Filters()).sql()
    candidates, results.total = backend.search(
        q,
        where,
        params,
        _order(sort if sort in SORTS else "relevance"),
        per_page,
        (page - 1) * per_page,
    )
    if not candidates:
        return results
    docs = Document.objects.select_related("category").in_bulk([c.document_id for c in candidates])
    highlighter = Highlighter(q)
    chosen: dict[int, tuple[list[int], int | None]] = {}
    for c in candidates:
        any_pages = [p for p in backend.pages(c.document_id, q.include, every=False) if p]
        snippet_page = any_pages[0] if any_pages else None
        if len(q.include) > 1 and any_pages:
            every = [p for p in backend.pages(c.document_id, q.include, every=True) if p]
            snippet_page = every[0] if every else snippet_page
        chosen[c.document_id] = (any_pages, snippet_page)
    wanted = {(doc_id, p) for doc_id, (_, p) in chosen.items() if p}
    texts: dict[tuple[int, int], str] = {}
    if wanted:
        rows = Page.objects.filter(
            document_id__in={d for d, _ in wanted}, number__in={p for _, p in wanted}
        ).values_list("document_id", "number", "text")
        texts = {(d, n): t for d, n, t in rows if (d, n) in wanted}
    for c in candidates:
        doc = docs.get(c.document_id)
        if doc is None:
            continue
        any_pages, snippet_page = chosen[c.document_id]
        text = texts.get((doc.pk, snippet_page)) if snippet_page else None
        if text is None:  # a metadata hit only: show the description
            text, snippet_page = doc.description, None
        results.hits.append(
            Hit(
                document=doc,
                score=c.score,
                title=highlighter.mark(doc.title),
                snippet=highlighter.snippet(text, CONFIG.search_snippet_chars),
                pages=any_pages,
                snippet_page=snippet_page,
            )
        )
    return results


def search_in_document(
    document: Document, query: str | Query, limit: int = 200
) -> list[tuple[int, SafeString]]:
    """Pages of one document holding every included term (and none excluded): (number, snippet)."""
    q = parse(query) if isinstance(query, str) else query
    if not q:
        return []
    backend = get_backend()
    numbers = [p for p in backend.pages(document.pk, q.include, every=True) if p]
    if q.exclude and numbers:
        excluded = set(backend.pages(document.pk, q.exclude, every=False))
        numbers = [n for n in numbers if n not in excluded]
    numbers = numbers[:limit]
    highlighter = Highlighter(q)
    texts = dict(
        Page.objects.filter(document=document, number__in=numbers).values_list("number", "text")
    )
    return [
        (n, highlighter.snippet(texts.get(n, ""), CONFIG.search_snippet_chars)) for n in numbers
    ]
