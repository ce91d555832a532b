"""The search interface the rest of Wenku uses.

- `index_document(document)` / `remove_document(document)` / `index_many(documents)`
- `search(query, filters, sort, page, viewer=user) -> SearchResults`
- `search_in_document(document, query, viewer=user) -> [PageHit(page number, snippet)]`

Every published document is indexed whatever its visibility (so that searching inside an
unlisted document works); site search only ever returns public, ready documents.

The index holds one row per document (wenku.search.backends): matching, counting and ranking
are per document, in SQL. Which pages of a hit hold the terms ("第3页", the snippet's page)
and `search_in_document` are answered in Python from the pages' text (`Matcher`), for the
handful of documents shown: per-page index rows would double the index and its build time
for these few look-ups. That costs time in proportion to the text of the documents shown
(~60,000 characters for 20 hits of 3 pages: a few milliseconds).

Matching looks at every page, but a snippet only ever comes from a page the viewer may read
(`wenku.library.access.pages_readable_by`): a match past the preview of a paid document the
viewer has not bought is named by its page number alone. The viewer defaults to an anonymous
one, so a caller that forgets to pass it shows less, never more.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.utils.safestring import SafeString

from wenku.library.access import pages_readable_by, pages_readable_by_each
from wenku.library.models import Category, Document, Page

from .backends import Row, get_backend
from .filters import SORTS, Filters, order_sql
from .highlight import Highlighter, QueryFolder, term_pattern
from .query import Query, parse
from .tokenize import cjk_chars, fold, token_string

ESTIMATED_PAGES = 50


# ---------------------------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------------------------


def _row(
    document: Document,
    pages: Iterable[str],
    tag_names: Iterable[str],
    category_path: str | None = None,
) -> Row:
    """The index row of a document, from its page texts in page order."""
    if category_path is None:
        category_path = document.category.path if document.category_id else ""
    category = category_path.replace("/", " ")
    meta_chars: set[str] = set()
    body_chars: set[str] = set()
    title = token_string(document.title, meta_chars)
    meta = [
        token_string(text, meta_chars)
        for text in (category, " ".join(tag_names), document.description)
    ]
    body = [token_string(text, body_chars) for text in pages]
    return Row(
        document.pk,
        title=title,
        meta=meta,
        pages=[b for b in body if b],
        meta_chars=cjk_chars(meta_chars),
        body_chars=cjk_chars(body_chars),
    )


def _category_paths() -> dict[int, str]:
    """Every category's path ("父类/子类") by id, from one query."""
    rows = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.values_list("pk", "name", "parent_id")
    }
    paths: dict[int, str] = {}
    for pk in rows:
        names, seen, cur = [], set(), pk
        while cur is not None and cur in rows and cur not in seen:
            seen.add(cur)
            names.append(rows[cur][0])
            cur = rows[cur][1]
        paths[pk] = "/".join(reversed(names))
    return paths


def index_document(document: Document) -> None:
    """(Re)index one document. Unpublished -> removed."""
    backend = get_backend()
    with transaction.atomic():
        backend.delete([document.pk])
        if not document.is_published:
            return
        pages = (
            Page.objects.filter(document=document).order_by("number").values_list("text", flat=True)
        )
        tags = document.tags.values_list("name", flat=True)
        backend.add([_row(document, pages, tags)])


def remove_document(document: Document | int) -> None:
    pk = document if isinstance(document, int) else document.pk
    get_backend().delete([pk])


def index_many(documents: Iterable[Document], batch: int = 200) -> int:
    """Index many documents fast (reindex, benchmarks); returns the number of characters."""
    backend = get_backend()
    chars = 0
    chunk: list[Document] = []
    paths = _category_paths()

    def flush() -> None:
        nonlocal chars
        ids = [d.pk for d in chunk]
        docs = (
            Document.objects.published()
            .filter(pk__in=ids)
            .only("pk", "title", "description", "category_id")
        )
        texts: dict[int, list[str]] = {}
        for doc_id, text in (
            Page.objects.filter(document_id__in=ids)
            .order_by("document_id", "number")
            .values_list("document_id", "text")
        ):
            texts.setdefault(doc_id, []).append(text)
        tags: dict[int, list[str]] = {}
        for doc_id, name in (
            Document.tags.through.objects.filter(document_id__in=ids)
            .order_by("document_id", "tag__name")
            .values_list("document_id", "tag__name")
        ):
            tags.setdefault(doc_id, []).append(name)
        rows: list[Row] = []
        for doc in docs:
            pages = texts.get(doc.pk, [])
            chars += sum(map(len, pages)) + len(doc.title) + len(doc.description)
            path = paths.get(doc.category_id, "") if doc.category_id else ""
            rows.append(_row(doc, pages, tags.get(doc.pk, []), path))
        with transaction.atomic():
            backend.delete(ids)
            backend.add(rows)
        chunk.clear()

    with backend.bulk():
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
class Hit:
    document: Document
    score: float
    title: SafeString  # the title, escaped, matches in <mark>
    snippet: SafeString  # a passage of a readable page or the description, escaped, <mark>ed
    pages: list[int]  # pages (1-based) where a term occurs, in order
    snippet_page: int | None  # the page the snippet is from
    category_path: str = ""  # "父类/子类"
    # Pages of `pages` whose text the viewer may not read (past the preview of a paid document
    # not bought): they are named, never quoted.
    locked_pages: list[int] = field(default_factory=list)

    @property
    def only_locked(self) -> bool:
        """The text matched only on pages the viewer may not read."""
        return bool(self.locked_pages) and self.snippet_page is None


@dataclass
class SearchResults:
    query: Query
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    total_exact: bool = True  # False: `total` is an estimate (see the PostgreSQL backend)
    page: int = 1
    per_page: int = 20

    @property
    def pages(self) -> int:
        pages = max(1, math.ceil(self.total / self.per_page))
        # An estimated count may be a little high: offer no more pages than certainly hold
        # results, plus the current one (the way web search engines cut their page lists).
        return pages if self.total_exact else min(pages, max(self.page, ESTIMATED_PAGES))

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
    *,
    viewer=None,
) -> SearchResults:
    """Public, ready documents matching `query`, one page of them, with snippets from the
    pages `viewer` may read (None: an anonymous visitor)."""
    q = parse(query) if isinstance(query, str) else query
    per_page = per_page or settings.WENKU.search_per_page
    page = max(1, page)
    results = SearchResults(query=q, page=page, per_page=per_page)
    if not q:
        return results
    backend = get_backend()
    where, params = (filters or Filters()).sql()
    candidates, results.total, results.total_exact = backend.search(
        q,
        where,
        params,
        order_sql(sort if sort in SORTS else "relevance"),
        per_page,
        (page - 1) * per_page,
    )
    if not candidates:
        return results
    ids = [c.document_id for c in candidates]
    docs = {d.pk: d for d in Document.objects.filter(pk__in=ids).only(*HIT_FIELDS).order_by()}
    readable = pages_readable_by_each(docs.values(), viewer)
    texts: dict[int, list[tuple[int, str]]] = {}
    with connection.cursor() as cursor:  # (the ORM would add a millisecond per search)
        cursor.execute(
            f"SELECT document_id, number, text FROM {Page._meta.db_table} "
            f"WHERE document_id IN ({', '.join(['%s'] * len(ids))}) "
            "ORDER BY document_id, number",
            ids,
        )
        for doc_id, number, text in cursor.fetchall():
            texts.setdefault(doc_id, []).append((number, text))
    folder = QueryFolder(q)
    matcher = Matcher(q, folder)
    highlighter = Highlighter(q, folder)
    paths = category_paths()
    for c in candidates:
        doc = docs.get(c.document_id)
        if doc is None:
            continue
        any_pages, every_pages, locked = [], [], []
        snippet_text = None
        for number, text in texts.get(doc.pk, []):
            found = matcher.found(text)
            if found:
                any_pages.append(number)
                if number > readable[doc.pk]:
                    locked.append(number)  # still a hit, but no snippet from it
                elif all(found):
                    every_pages.append(number)
        open_pages = [n for n in any_pages if n <= readable[doc.pk]]
        snippet_page = (every_pages or open_pages or [None])[0]
        if snippet_page is not None:
            snippet_text = next(t for n, t in texts[doc.pk] if n == snippet_page)
        else:  # a metadata hit, or one on pages not readable: show the description
            snippet_text = doc.description
        results.hits.append(
            Hit(
                document=doc,
                score=c.score,
                title=highlighter.mark(doc.title),
                snippet=highlighter.snippet(snippet_text, settings.WENKU.search_snippet_chars),
                pages=any_pages,
                snippet_page=snippet_page,
                category_path=paths.get(doc.category_id, "") if doc.category_id else "",
                locked_pages=locked,
            )
        )
    return results


# What a result shows of its document (the rest is not loaded).
HIT_FIELDS = (
    "pk",
    "number",
    "title",
    "description",
    "format",
    "page_count",
    "preview_page_count",
    "price",
    "uploader",
    "created_at",
    "category_id",
    "download_count",
    "view_count",
)


def category_paths() -> dict[int, str]:
    """Every category's path by id, from the cache (categories change rarely; a renamed one
    shows in results within a minute)."""
    from django.core.cache import cache

    paths = cache.get(CATEGORY_PATHS_KEY)
    if paths is None:
        paths = _category_paths()
        cache.set(CATEGORY_PATHS_KEY, paths, 60)
    return paths


CATEGORY_PATHS_KEY = "search:category-paths"


class Matcher:
    """Which terms of a query a text holds, decided the way the index decides it.

    Each term is a regular expression over the folded text (`highlight.term_pattern`):
    a CJK piece is the substring itself (its bigram phrase matches exactly where the
    substring occurs inside a run, and a one-character piece wherever it occurs), a Latin
    word is a whole word (or a prefix), and pieces of a phrase are separated by what the
    tokenizer drops. Used on the pages of the documents shown, where per-page index rows
    would double the index for a handful of look-ups.
    """

    def __init__(self, query: Query, folder: QueryFolder | None = None):
        self.folder = folder or QueryFolder(query)
        self.include = [re.compile(term_pattern(t)) for t in query.include]
        self.exclude = [re.compile(term_pattern(t)) for t in query.exclude]
        # A term that is one run of CJK characters is found where its (folded) text is: if
        # the raw text holds it, so does the folded text (folding leaves folded characters
        # alone), and only a text that does not hold it needs folding to be sure.
        # And a text without it needs folding only if it has a character that folds into
        # one of the term's (a traditional or compatibility form): rarely (`QueryFolder`).
        self.literal = [t.cjk_run for t in query.include]

    def found(self, text: str) -> list[bool]:
        """For each included term whether the text holds it; [] if none."""
        folded = None
        found = []
        for literal, pattern in zip(self.literal, self.include, strict=True):
            if literal is not None:
                if literal in text:
                    found.append(True)
                    continue
                if self.folder.unchanged(text):
                    found.append(False)
                    continue
            if folded is None:
                folded = self.folder.fold(text)
            found.append(pattern.search(folded) is not None)
        return found if any(found) else []

    def excluded(self, folded: str) -> bool:
        return any(p.search(folded) for p in self.exclude)


class PageHit(NamedTuple):
    number: int
    snippet: SafeString | None  # None: the viewer may not read this page (past the preview)

    @property
    def locked(self) -> bool:
        return self.snippet is None


def search_in_document(
    document: Document, query: str | Query, limit: int = 200, *, viewer=None
) -> list[PageHit]:
    """Pages of one document holding every included term (and none excluded), with a snippet
    where `viewer` (None: an anonymous visitor) may read the page and None where not."""
    q = parse(query) if isinstance(query, str) else query
    if not q or not get_backend().is_indexed(document.pk):
        return []
    readable = pages_readable_by(document, viewer)
    matcher = Matcher(q)
    highlighter = Highlighter(q)
    out: list[PageHit] = []
    pages = Page.objects.filter(document=document).order_by("number")
    for number, text in pages.values_list("number", "text").iterator(chunk_size=200):
        found = matcher.found(text)
        if found and all(found) and not matcher.excluded(fold(text)):
            snippet = (
                highlighter.snippet(text, settings.WENKU.search_snippet_chars)
                if number <= readable
                else None
            )
            out.append(PageHit(number, snippet))
            if len(out) >= limit:
                break
    return out
