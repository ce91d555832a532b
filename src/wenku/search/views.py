"""The search page, typing suggestions, and search inside one document."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from wenku.library.access import document_for
from wenku.library.models import Document, Tag
from wenku.library.pagecache import cached_for_anonymous

from .forms import SearchForm
from .index import search_in_document
from .models import log_search
from .services import run_search


def _log_hit(request: HttpRequest, note) -> None:
    """A copy of the results served from the cache is still a search (related searches and
    the top queries learn from the log)."""
    if note is not None and settings.WENKU.search_log:
        log_search(*note, 0.0, None)


@require_GET
@cached_for_anonymous(on_hit=_log_hit)
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    found = run_search(request.user, form)
    params = request.GET.copy()
    params.pop("page", None)
    response = render(
        request,
        "search/results.html",
        {
            "form": form,
            "q": form.value("q", ""),
            "results": found,
            "base_query": params.urlencode(),
            "page_range": _page_range(found.page, found.pages),
        },
    )
    if found.query and found.page == 1:
        response.cache_note = (form.value("q", ""), found.query.normalized, found.total)
    return response


def _page_range(current: int, last: int, width: int = 4) -> list[int]:
    return list(range(max(1, current - width), min(last, current + width) + 1))


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    """Titles and tags starting with (then containing) what has been typed so far."""
    prefix = request.GET.get("q", "").strip()[:50]
    if not prefix:
        return JsonResponse({"q": prefix, "titles": [], "tags": []})
    limit = 8
    public = Document.objects.public()
    titles = list(public.filter(title__istartswith=prefix).values_list("title", flat=True)[:limit])
    if len(titles) < limit:
        more = public.filter(title__icontains=prefix).exclude(title__in=titles)
        titles += list(more.values_list("title", flat=True)[: limit - len(titles)])
    tags = list(
        Tag.objects.filter(Q(name__istartswith=prefix) | Q(name__icontains=prefix))
        .filter(documents__in=public)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )
    tags.sort(key=lambda t: not t.lower().startswith(prefix.lower()))
    return JsonResponse({"q": prefix, "titles": list(dict.fromkeys(titles)), "tags": tags})


@require_GET
def in_document(request: HttpRequest, number: int) -> HttpResponse:
    """Pages of one document containing the query: JSON, or an HTML fragment (?format=html or
    a browser asking for HTML). A page the requester may not read is listed without a
    snippet ("locked"), linking to the download page."""
    document = document_for(request, number)
    query = request.GET.get("q", "")
    hits = search_in_document(document, query, viewer=request.user)
    base = document.get_absolute_url()
    download = reverse("web:download", args=[document.number])
    wants_html = request.GET.get("format") == "html" or (
        request.GET.get("format") != "json" and "text/html" in request.headers.get("Accept", "")
    )
    if wants_html:
        return render(
            request,
            "search/in_document.html",
            {"document": document, "q": query, "hits": hits, "base": base},
        )
    return JsonResponse(
        {
            "document": document.number,
            "q": query,
            "pages": [
                {
                    "page": hit.number,
                    "snippet": None if hit.locked else str(hit.snippet),
                    "locked": hit.locked,
                    "url": download if hit.locked else f"{base}#page-{hit.number}",
                }
                for hit in hits
            ],
        }
    )
