"""GET /api/search: the site search as JSON (public, no authentication)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from wenku.api.types import Text
from wenku.search.forms import MAX_PAGES, SearchForm
from wenku.search.services import run_search

from .tokens import optional_user

router = Router(tags=["search"])


class HitOut(Schema):
    id: int
    title: str
    title_html: str
    url: str
    format: str
    pages: int
    category: str | None
    price: int
    created_at: str
    score: float
    snippet_html: str  # from a page the caller may read, or the description
    snippet_page: int | None
    hit_pages: list[int]
    # Matching pages past the preview of a paid document the caller has not bought: named,
    # never quoted ("第N页", its text is in the full document).
    locked_pages: list[int]


class SearchOut(Schema):
    q: str
    normalized: str
    total: int
    total_exact: bool  # false: `total` is an estimate (a common phrase on PostgreSQL)
    page: int
    pages: int
    results: list[HitOut]


class SearchParams(Schema):
    q: Text = ""
    category: int | None = None
    format: Text | None = None
    pages_min: int | None = Field(None, ge=0, le=MAX_PAGES)
    pages_max: int | None = Field(None, ge=0, le=MAX_PAGES)
    price: Text | None = None
    date: Text | None = None
    sort: Text = "relevance"
    page: int = Field(1, ge=1, le=500)


@router.get("", response=SearchOut, auth=None, summary="全文搜索公开文档")
def search_documents(request: HttpRequest, params: Query[SearchParams]):
    """Terms are ANDed; "quoted phrases"; -excluded. Snippets are HTML: text escaped, hits in
    <mark>; they come only from pages the caller may read (a paid document's preview, or
    every page once bought), other matching pages are listed in `locked_pages`.
    `sort`: relevance | latest | downloads."""
    data = {k: v for k, v in params.dict().items() if v not in (None, "")}
    form = SearchForm({k: str(v) for k, v in data.items()})
    found = run_search(optional_user(request), form)
    return SearchOut(
        q=params.q,
        normalized=found.query.normalized,
        total=found.total,
        total_exact=found.total_exact,
        page=found.page,
        pages=found.pages,
        results=[
            HitOut(
                id=h.document.number,
                title=h.document.title,
                title_html=str(h.title),
                url=h.document.get_absolute_url()
                + (f"#page-{h.snippet_page}" if h.snippet_page else ""),
                format=h.document.format,
                pages=h.document.page_count,
                category=h.category_path or None,
                price=h.document.price,
                created_at=h.document.created_at.isoformat(),
                score=h.score,
                snippet_html=str(h.snippet),
                snippet_page=h.snippet_page,
                hit_pages=h.pages,
                locked_pages=h.locked_pages,
            )
            for h in found.hits
        ],
    )
