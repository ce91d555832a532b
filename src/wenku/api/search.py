"""GET /api/search: the site search as JSON (public, no authentication)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from wenku.search.forms import SearchForm
from wenku.search.views import run_search

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
    snippet_html: str
    snippet_page: int | None
    hit_pages: list[int]


class SearchOut(Schema):
    q: str
    normalized: str
    total: int
    total_exact: bool  # false: `total` is an estimate (a common phrase on PostgreSQL)
    page: int
    pages: int
    results: list[HitOut]


class SearchParams(Schema):
    q: str = ""
    category: int | None = None
    format: str | None = None
    pages_min: int | None = None
    pages_max: int | None = None
    price: str | None = None
    date: str | None = None
    sort: str = "relevance"
    page: int = 1


@router.get("", response=SearchOut, auth=None, summary="全文搜索公开文档")
def search_documents(request: HttpRequest, params: Query[SearchParams]):
    """Terms are ANDed; "quoted phrases"; -excluded. Snippets are HTML: text escaped, hits in
    <mark>. `sort`: relevance | latest | downloads."""
    data = {k: v for k, v in params.dict().items() if v not in (None, "")}
    form = SearchForm({k: str(v) for k, v in data.items()})
    found = run_search(request, form)
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
            )
            for h in found.hits
        ],
    )
